"""Baselines from the best source first: the served package's, a given prefix, one computed on deploy, else an error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mlops_platform.aws_reads import AwsReadError
from mlops_platform.contract import ParameterError
from sagemaker_model_monitoring.baselines import choose, package_baselines, refuse_missing

BUCKET = "mlops-artifacts"
PIPELINE = f"s3://{BUCKET}/pipelines/fraud/checks"
MQ = {
    "enable_model_quality_monitor": True,
    "model_quality_ground_truth_s3_uri": f"s3://{BUCKET}/labels",
}


def metrics(name: str) -> dict[str, str]:
    return {"ContentType": "application/json", "S3Uri": f"{PIPELINE}/{name}"}


def register(sagemaker: Any, **extra: Any) -> str:
    sagemaker.create_model_package_group(ModelPackageGroupName="fraud")
    answer = sagemaker.create_model_package(
        ModelPackageGroupName="fraud",
        ModelApprovalStatus="Approved",
        InferenceSpecification={
            "Containers": [{"Image": "111111111111.dkr.ecr.us-east-1.amazonaws.com/fraud:1"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        **extra,
    )
    return str(answer["ModelPackageArn"])


def test_a_pipelines_drift_check_baselines_come_first(account: dict[str, Any], accepted: Callable[..., Any]) -> None:
    package = register(
        account["sagemaker"],
        DriftCheckBaselines={
            "ModelDataQuality": {
                "Statistics": metrics("dq/statistics.json"),
                "Constraints": metrics("dq/constraints.json"),
            },
            "Bias": {
                "ConfigFile": metrics("bias/analysis_config.json"),
                "PostTrainingConstraints": metrics("bias/analysis.json"),
            },
        },
        ModelMetrics={"ModelQuality": {"Constraints": metrics("mq/constraints.json")}},
    )
    found = package_baselines(account["sagemaker"], package, "endpoint-name")
    assert found["DataQuality"].files == [f"{PIPELINE}/dq/constraints.json", f"{PIPELINE}/dq/statistics.json"]
    assert found["DataQuality"].source == f"model package {package} (drift-check baselines)"
    assert found["ModelQuality"].source == f"model package {package} (model metrics)"
    assert found["ModelBias"].config == f"{PIPELINE}/bias/analysis_config.json"
    # Given alongside, the prefix gives way to the package's own baseline (with a note on stderr).
    settings = accepted()
    assert choose(settings, found, package)["DataQuality"] == found["DataQuality"]


def test_a_package_without_baselines_leaves_the_given_prefix(
    account: dict[str, Any], accepted: Callable[..., Any]
) -> None:
    package = register(account["sagemaker"])
    assert package_baselines(account["sagemaker"], package, "endpoint-name") == {}
    chosen = choose(accepted(), {}, package)
    assert chosen["DataQuality"].constraints == f"s3://{BUCKET}/baselines/data-quality/constraints.json"
    assert chosen["DataQuality"].statistics == f"s3://{BUCKET}/baselines/data-quality/statistics.json"


def test_a_package_that_does_not_exist_names_the_parameter(account: dict[str, Any]) -> None:
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud/9"
    with pytest.raises(AwsReadError, match=f"parameter 'model-package-arn': model package {arn} does not exist"):
        package_baselines(account["sagemaker"], arn, "model-package-arn")


def test_training_data_computes_the_baselines_no_source_has(accepted: Callable[..., Any]) -> None:
    settings = accepted(
        data_quality_baseline_s3_uri=None,
        baseline_training_data_s3_uri=f"s3://{BUCKET}/training/train.csv",
        baseline_output_data_s3_uri=f"s3://{BUCKET}/baselines/",
    )
    baseline = choose(settings, {}, None)["DataQuality"]
    assert baseline.computed_on_deploy
    # Each job type under its own prefix: the reference wrote every type's files to the same one.
    assert baseline.constraints == f"s3://{BUCKET}/baselines/data-quality/constraints.json"


def test_a_job_with_no_baseline_anywhere_is_told_what_to_give(accepted: Callable[..., Any]) -> None:
    with pytest.raises(ParameterError) as raised:
        choose(accepted(data_quality_baseline_s3_uri=None), {}, "arn:aws:sagemaker:us-east-1:1:model-package/g/1")
    assert str(raised.value) == (
        "parameter 'data-quality-baseline-s3-uri': the DataQuality job has no baseline: the served model package "
        "arn:aws:sagemaker:us-east-1:1:model-package/g/1 has none; give 'data-quality-baseline-s3-uri' (a prefix "
        "holding constraints.json, statistics.json), or 'baseline-training-data-s3-uri' and "
        "'baseline-output-data-s3-uri' to compute one on deploy"
    )


def test_bias_is_never_computed_from_guessed_facets(accepted: Callable[..., Any]) -> None:
    settings = accepted(
        enable_model_bias_monitor=True,
        model_bias_ground_truth_s3_uri=f"s3://{BUCKET}/labels",
        baseline_training_data_s3_uri=f"s3://{BUCKET}/training",
        baseline_output_data_s3_uri=f"s3://{BUCKET}/baselines",
    )
    with pytest.raises(ParameterError, match=r"the ModelBias job has no baseline.*register drift-check baselines"):
        choose(settings, {}, None)


def test_a_model_quality_baseline_needs_the_label_and_prediction_columns(accepted: Callable[..., Any]) -> None:
    settings = accepted(
        **MQ,
        baseline_training_data_s3_uri=f"s3://{BUCKET}/training",
        baseline_output_data_s3_uri=f"s3://{BUCKET}/baselines",
    )
    with pytest.raises(ParameterError) as raised:
        choose(settings, {}, None)
    assert "parameter 'model-quality-ground-truth-attribute': required to compute" in str(raised.value)
    assert "parameter 'model-quality-inference-attribute': required to compute" in str(raised.value)


def test_package_baselines_outside_the_model_bucket_are_refused(accepted: Callable[..., Any]) -> None:
    from sagemaker_model_monitoring.baselines import Baseline

    elsewhere = Baseline(
        "endpoint-name", "model package p", "s3://pipeline-bucket/c.json", "s3://pipeline-bucket/s.json"
    )
    with pytest.raises(
        ParameterError, match=r"parameter 'endpoint-name': the DataQuality baseline s3://pipeline-bucket/c\.json"
    ):
        choose(accepted(), {"DataQuality": elsewhere}, "p")


def test_a_baseline_file_that_does_not_exist_is_refused(account: dict[str, Any], accepted: Callable[..., Any]) -> None:
    account["s3"].put_object(Bucket=BUCKET, Key="baselines/data-quality/constraints.json", Body=b"{}")
    chosen = choose(accepted(), {}, None)
    with pytest.raises(ParameterError) as raised:
        refuse_missing(account["s3"], chosen)
    assert str(raised.value) == (
        "parameter 'data-quality-baseline-s3-uri': the DataQuality baseline "
        f"s3://{BUCKET}/baselines/data-quality/statistics.json (from parameter 'data-quality-baseline-s3-uri') does "
        "not exist, so every run of the job would fail"
    )
    account["s3"].put_object(Bucket=BUCKET, Key="baselines/data-quality/statistics.json", Body=b"{}")
    refuse_missing(account["s3"], chosen)
