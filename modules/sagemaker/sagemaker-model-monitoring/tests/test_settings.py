"""Parameters as a manifest gives them: the reference's names in either spelling, and one clear error per bad one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from seedfarmer.utils import upper_snake_case

from mlops_platform.contract import ParameterError
from sagemaker_model_monitoring.parameters.settings import MonitoringSettings

BUCKET = "arn:aws:s3:::mlops-artifacts"


def test_snake_and_kebab_spellings_reach_the_module_as_one_variable() -> None:
    # The reference's own manifest mixes them (data-quality-schedule-expression beside data_quality_baseline_s3_uri).
    assert upper_snake_case("data-quality-schedule-expression") == upper_snake_case("data_quality_schedule_expression")


def test_reference_defaults_hold_when_a_manifest_leaves_them_out(parameters: Callable[..., None]) -> None:
    parameters(
        endpoint_name="ep",
        model_bucket_arn=BUCKET,
        enable_model_quality_monitor=True,
        model_quality_ground_truth_s3_uri="s3://mlops-artifacts/labels",
    )
    job = MonitoringSettings.from_env().job("model_quality")
    assert (job.instance_count, job.instance_type, job.volume_size_in_gb) == (1, "ml.m5.large", 20)
    assert (job.max_runtime_in_seconds, job.schedule_expression, job.problem_type) == (
        1800,
        "cron(0 * ? * * *)",
        "Regression",
    )
    assert MonitoringSettings.from_env().job("data_quality").max_runtime_in_seconds == 3600
    assert MonitoringSettings.from_env().baseline_instance_type == "ml.m5.xlarge"


def test_a_trailing_slash_is_dropped_so_no_path_holds_a_double_slash(parameters: Callable[..., None]) -> None:
    parameters(
        endpoint_name="ep",
        model_bucket_arn=BUCKET,
        enable_data_quality_monitor=True,
        data_quality_baseline_s3_uri="s3://mlops-artifacts/baselines/data-quality/",
    )
    assert MonitoringSettings.from_env().data_quality_baseline_s3_uri == "s3://mlops-artifacts/baselines/data-quality"


def test_endpoint_metadata_published_empty_counts_as_not_given(parameters: Callable[..., None]) -> None:
    # An endpoint without notifications or a VPC publishes "" for those keys.
    parameters(
        endpoint_name="ep",
        model_bucket_arn=BUCKET,
        enable_data_quality_monitor=True,
        alarm_topic_arn="",
        security_group_id="",
        data_capture_s3_uri="",
    )
    settings = MonitoringSettings.from_env()
    assert (settings.alarm_topic_arn, settings.security_group_id, settings.data_capture_s3_uri) == (None, None, None)


def test_lists_and_maps_arrive_as_json_or_comma_separated(parameters: Callable[..., None]) -> None:
    parameters(
        endpoint_name="ep",
        model_bucket_arn=BUCKET,
        enable_data_quality_monitor=True,
        subnet_ids="subnet-0123456789abcdef0,subnet-0123456789abcdef1",
        security_group_id="sg-0123456789abcdef0",
        tags={"team": "ml"},
        data_quality_alarm_thresholds={"feature_baseline_drift_age": 0.2},
    )
    settings = MonitoringSettings.from_env()
    assert settings.subnet_ids == ("subnet-0123456789abcdef0", "subnet-0123456789abcdef1")
    assert settings.tags == {"team": "ml"}
    assert settings.data_quality_alarm_thresholds == {"feature_baseline_drift_age": 0.2}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"model_bucket_arn": "my-bucket"}, "parameter 'model-bucket-arn': is not an S3 bucket ARN"),
        ({"endpoint_name": "my_endpoint"}, "parameter 'endpoint-name': is not a SageMaker endpoint name"),
        (
            {"data_quality_instance_type": "ml.m5.larg"},
            "parameter 'data-quality-instance-type': is not an instance type SageMaker monitoring jobs run on "
            "(ProcessingInstanceType in botocore",
        ),
        ({"baseline_instance_type": "ml.m5.larg"}, "did you mean ml.m5.large?"),
        ({"model_bias_instance_type": "ml.zz9.huge"}, "a newer type needs a newer pin"),
        ({"data_quality_instance_count": 0}, "parameter 'data-quality-instance-count': must be at least 1"),
        ({"data_quality_max_runtime_in_seconds": 90000}, "must be at most 86400"),
        ({"data_quality_output_s3_uri": "s3://mlops-artifacts"}, "names a whole bucket"),
        ({"data_quality_output_s3_uri": "https://x/y"}, "is not an S3 URI"),
        ({"kms_key_id": "alias/my-key"}, "parameter 'kms-key-id': is not a KMS key id or key ARN"),
        ({"model_quality_problem_type": "Ranking"}, "parameter 'model-quality-problem-type': must be one of"),
        (
            {"alarm_topic_arn": "arn:aws:sqs:us-east-1:123456789012:q"},
            "parameter 'alarm-topic-arn': is not an SNS topic ARN",
        ),
        ({"subnet_ids": ["subnet-1"]}, "'subnet-1' is not a subnet id"),
        ({"data_capture_json_content_types": ["json"]}, "'json' is not a content type"),
        ({"data_quality_data_analysis_start_time": "-P1D"}, "is not an offset such as -PT1H"),
        ({"model_bias_features_attribute": "a b"}, "is not a JMESPath expression or a CSV column index"),
        ({"key_administrator_arns": ["arn:aws:iam::123456789012:role/*"]}, "is not the ARN of an IAM role or user"),
        ({"log_retention_days": 30}, "30 is not one of CloudWatch Logs' retention periods of a year or more"),
        ({"unknown_thing": 1}, "unknown parameter 'unknown-thing'"),
        ({"data_quality_schedule": "x"}, "did you mean 'data-quality-schedule-expression'?"),
    ],
)
def test_a_bad_value_is_one_line_naming_its_parameter(
    parameters: Callable[..., None], values: dict[str, Any], message: str
) -> None:
    parameters(**{"endpoint_name": "ep", "model_bucket_arn": BUCKET, "enable_data_quality_monitor": True, **values})
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace("?", r"\?")) as raised:
        MonitoringSettings.from_env()
    assert "\n" not in str(raised.value)


REFUSED: list[tuple[dict[str, Any], str]] = [
    (
        {"enable_data_quality_monitor": False},
        "no monitor is switched on; set at least one of 'enable-data-quality-monitor'",
    ),
    ({"subnet_ids": ("subnet-0123456789abcdef0",)}, "parameter 'security-group-id': required with 'subnet-ids'"),
    ({"security_group_id": "sg-0123456789abcdef0"}, "parameter 'subnet-ids': required with 'security-group-id'"),
    (
        {"data_quality_output_s3_uri": "s3://other-bucket/reports"},
        "parameter 'data-quality-output-s3-uri': s3://other-bucket/reports is outside model-bucket-arn's bucket",
    ),
    (
        {"data_capture_s3_uri": "s3://other-bucket/capture"},
        "parameter 'data-capture-s3-uri': the capture destination s3://other-bucket/capture is outside",
    ),
    (
        {"enable_model_quality_monitor": True, "model_quality_baseline_s3_uri": "s3://mlops-artifacts/b"},
        "parameter 'model-quality-ground-truth-s3-uri': required with enable-model-quality-monitor",
    ),
    (
        {"enable_model_bias_monitor": True, "model_bias_baseline_s3_uri": "s3://mlops-artifacts/b"},
        "parameter 'model-bias-ground-truth-s3-uri': required with enable-model-bias-monitor",
    ),
    (
        {"baseline_training_data_s3_uri": "s3://mlops-artifacts/train"},
        "parameter 'baseline-output-data-s3-uri': required",
    ),
    (
        {"data_quality_alarm_thresholds": {"accuracy": 0.5}},
        "parameter 'data-quality-alarm-thresholds': 'accuracy' is not a data quality drift metric",
    ),
    (
        {"model_quality_alarm_thresholds": {"f1": 0.5}},
        "parameter 'model-quality-alarm-thresholds': enable-model-quality-monitor is not true",
    ),
    (
        {
            "enable_model_quality_monitor": True,
            "model_quality_baseline_s3_uri": "s3://mlops-artifacts/b",
            "model_quality_ground_truth_s3_uri": "s3://mlops-artifacts/labels",
            "model_quality_alarm_thresholds": {"f1": 0.5},
        },
        "'f1' is not a model quality metric of problem type Regression; its metrics are mae, mse, r2, rmse",
    ),
]


@pytest.mark.parametrize(("fields", "message"), REFUSED)
def test_combinations_that_would_fail_are_refused(
    refusal: Callable[..., str], fields: dict[str, Any], message: str
) -> None:
    assert message in refusal(**fields)


def test_every_problem_of_the_parameters_is_reported_at_once(refusal: Callable[..., str]) -> None:
    message = refusal(subnet_ids=("subnet-0123456789abcdef0",), data_quality_output_s3_uri="s3://other/reports")
    assert len(message.splitlines()) == 2
