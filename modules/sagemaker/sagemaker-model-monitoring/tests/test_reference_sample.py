"""The reference module's own sample parameters, exactly as its README and its example manifest write them
(`<REDACTED>` filled with an account id), synthesize as `python app.py` does, rule packs on."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sagemaker_model_monitoring.synthesis import synthesize

BUCKET = "sagemaker-us-east-2-123456789012"
PROJECT = "SF-DEMO-xgb-churn-pred-model-monitor-2025-10-23-19-11-16"
COMMON = {
    "sagemaker_project_id": PROJECT,
    "sagemaker_project_name": PROJECT,
    "model_bucket_arn": f"arn:aws:s3:::{BUCKET}",
    "endpoint_name": "DEMO-xgb-churn-pred-model-monitor-2025-10-23-19-11-16",
}
# README.md, "Basic Monitoring (without baseline generation)".
README_BASIC = {
    **COMMON,
    "enable_data_quality_monitor": True,
    "data_quality_schedule_expression": "cron(0 * ? * * *)",
    "data_quality_baseline_s3_uri": f"s3://{BUCKET}/SF-DEMO-xgb-churn-pred-model-monitor/baseline",
    "data_quality_output_s3_uri": f"s3://{BUCKET}/SF-DEMO-xgb-churn-pred-model-monitor/output",
    "permissions_boundary_name": "my-permissions-boundary",
}
# README.md, "With Automated Baseline Generation".
README_BASELINES = {
    **COMMON,
    "baseline_training_data_s3_uri": f"s3://{BUCKET}/training-data/train.csv",
    "baseline_output_data_s3_uri": f"s3://{BUCKET}/baselines/",
    "baseline_instance_type": "ml.m5.xlarge",
    "baseline_max_runtime_seconds": 3600,
    "enable_data_quality_monitor": True,
    "enable_model_quality_monitor": True,
    "data_quality_schedule_expression": "cron(0 * ? * * *)",
    "data_quality_baseline_s3_uri": f"s3://{BUCKET}/baselines/data-quality/",
    "data_quality_output_s3_uri": f"s3://{BUCKET}/monitoring-output/data-quality/",
    "model_quality_schedule_expression": "cron(0 * ? * * *)",
    "model_quality_baseline_s3_uri": f"s3://{BUCKET}/baselines/model-quality/",
    "model_quality_output_s3_uri": f"s3://{BUCKET}/monitoring-output/model-quality/",
    "model_quality_ground_truth_s3_uri": f"s3://{BUCKET}/ground-truth/",
    "model_quality_problem_type": "BinaryClassification",
}
# examples/manifests/sagemaker-model-monitoring-modules.yaml (module monitor2), kebab and snake case mixed.
EXAMPLE = f"s3://{BUCKET}/SF-DEMO-xgb-churn-pred-model-monitor"
EXAMPLE_MANIFEST = {
    **COMMON,
    "baseline_training_data_s3_uri": f"s3://{BUCKET}/SF2-DEMO-xgb-churn-pred-model-monitor/test/baseline/input",
    "baseline_output_data_s3_uri": f"s3://{BUCKET}/SF2-DEMO-xgb-churn-pred-model-monitor/test/baseline/output",
    "enable_data_quality_monitor": True,
    "data-quality-schedule-expression": "cron(0 * ? * * *)",
    "data_quality_baseline_s3_uri": f"{EXAMPLE}/baseline",
    "data_quality_output_s3_uri": f"{EXAMPLE}/output",
    "enable_model_quality_monitor": True,
    "model-quality-schedule-expression": "cron(0 * ? * * *)",
    "model_quality_baseline_s3_uri": f"{EXAMPLE}/mq-baseline",
    "model_quality_output_s3_uri": f"{EXAMPLE}/mq-output",
    "model_quality_ground_truth_s3_uri": f"{EXAMPLE}/ground_truth",
    "model_quality_inference_attribute": 0,
    "model_quality_probability_attribute": 0,
    "model_quality_probability_threshold_attribute": 0.8,
    "enable_model_bias_monitor": True,
    "model_bias_schedule_expression": "cron(0 * ? * * *)",
    "model_bias_baseline_s3_uri": f"{EXAMPLE}/baseline",
    "model_bias_output_s3_uri": f"{EXAMPLE}/output",
    "model_bias_ground_truth_s3_uri": f"{EXAMPLE}/ground_truth",
    "enable_model_explainability_monitor": True,
    "model_explainability_schedule_expression": "cron(0 * ? * * *)",
    "model_explainability_baseline_s3_uri": f"{EXAMPLE}/baseline",
    "model_explainability_output_s3_uri": f"{EXAMPLE}/output",
}


@pytest.mark.parametrize(
    ("sample", "types"),
    [
        (README_BASIC, ["DataQuality"]),
        (README_BASELINES, ["DataQuality", "ModelQuality"]),
        (EXAMPLE_MANIFEST, ["DataQuality", "ModelQuality", "ModelBias", "ModelExplainability"]),
    ],
    ids=["readme-basic", "readme-baseline-generation", "example-manifest"],
)
def test_the_reference_samples_synthesize_unchanged(
    parameters: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    sample: dict[str, Any],
    types: list[str],
) -> None:
    for name, value in {
        "SEEDFARMER_PROJECT_NAME": "mlops",
        "SEEDFARMER_DEPLOYMENT_NAME": "demo",
        "SEEDFARMER_MODULE_NAME": "monitoring",
        "CDK_DEFAULT_ACCOUNT": "123456789012",
        "CDK_DEFAULT_REGION": "us-east-2",
        "CDK_VALIDATION": "true",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }.items():
        monkeypatch.setenv(name, value)
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    parameters(**sample)
    synthesize(str(tmp_path))
    template = json.loads((tmp_path / "mlops-demo-monitoring.template.json").read_text())
    schedules = [r for r in template["Resources"].values() if r["Type"] == "AWS::SageMaker::MonitoringSchedule"]
    assert [s["Properties"]["MonitoringScheduleConfig"]["MonitoringType"] for s in schedules] == types
    report = json.loads((tmp_path / "validation-report.json").read_text())
    assert all(plugin["violations"] == [] for plugin in report["pluginReports"])
    # Without credentials nothing of the account was read, and the synthesis says so rather than claim it.
    assert "no AWS credentials" in capsys.readouterr().err
