"""CloudFormation's lifecycle rules over model monitoring updates: a replaced custom-named resource gets a new name.

Every property of a monitoring job definition is create-only (its tags too, in the CloudFormation resource
schema), so any change replaces it; its name follows its content, the schedule keeps its name and is updated
in place.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.real_account.cfn import Template
from tests.real_account.lifecycle import create_only, replacement_conflicts

BUCKET = "mlops-artifacts"
BASE: dict[str, Any] = {
    "endpoint_name": "fraud-detector",
    "model_bucket_arn": f"arn:aws:s3:::{BUCKET}",
    "data_capture_s3_uri": f"s3://{BUCKET}/data-capture/fraud-detector",
    "enable_data_quality_monitor": True,
    "data_quality_baseline_s3_uri": f"s3://{BUCKET}/baselines/data-quality",
    "data_quality_alarm_thresholds": {"feature_baseline_drift_amount": 0.1},
}
CHANGES: dict[str, dict[str, Any]] = {
    "instance-type": {"data_quality_instance_type": "ml.m5.xlarge"},
    "schedule": {"data_quality_schedule_expression": "cron(0 3 ? * * *)"},
    "baseline": {"data_quality_baseline_s3_uri": f"s3://{BUCKET}/baselines/data-quality-v2"},
    "endpoint": {"endpoint_name": "fraud-detector-v2", "data_capture_s3_uri": f"s3://{BUCKET}/data-capture/v2"},
    "tags": {"tags": {"team": "risk"}},
    "network": {"subnet_ids": ["subnet-0123456789abcdef0"], "security_group_id": "sg-0123456789abcdef0"},
    "threshold": {"data_quality_alarm_thresholds": {"feature_baseline_drift_amount": 0.2}},
}


def _template(case: str, fields: dict[str, Any]) -> Template:
    from mlops_platform.contract import DeploymentContext
    from sagemaker_model_monitoring import baselines, capture
    from sagemaker_model_monitoring.parameters.settings import MonitoringSettings
    from sagemaker_model_monitoring.synthesis import Findings, build_app, monitoring_plan

    os.environ["CDK_VALIDATION"] = "false"
    context = DeploymentContext(
        project="mlops", deployment="matrix", module="monitoring", account="111111111111", region="us-east-1"
    )
    settings = MonitoringSettings(**fields)
    settings.check()
    findings = Findings(capture.captured_data(settings, None), baselines.choose(settings, {}, None))
    with tempfile.TemporaryDirectory() as outdir:
        build_app(monitoring_plan(settings, context, findings), context, outdir).synth()
        raw = json.loads(Path(outdir, f"{context.stack_name}.template.json").read_text())
    return Template(case=case, module="sagemaker-model-monitoring", raw=raw)


@pytest.fixture(scope="module")
def templates() -> dict[str, Template]:
    found = {"base": _template("monitoring~base", BASE)}
    for name, change in CHANGES.items():
        found[name] = _template(f"monitoring~{name}", {**BASE, **change})
    return found


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_an_update_that_replaces_a_custom_named_resource_renames_it(
    templates: dict[str, Template], change: str
) -> None:
    assert replacement_conflicts(templates["base"], templates[change]) == []
    assert replacement_conflicts(templates[change], templates["base"]) == []


def test_each_change_replaces_the_job_definition_and_keeps_the_schedule(templates: dict[str, Template]) -> None:
    """Otherwise the check above would compare templates with nothing create-only changed, and could not fail."""
    for name in CHANGES:
        if name in {"threshold", "schedule"}:
            continue
        base, changed = templates["base"], templates[name]
        logical = "DataQualityJobDefinition"
        before, after = base.resources[logical]["Properties"], changed.resources[logical]["Properties"]
        assert any(before.get(p) != after.get(p) for p in create_only("AWS::SageMaker::DataQualityJobDefinition")), name
        assert before["JobDefinitionName"] != after["JobDefinitionName"], name
        schedule = "DataQualityMonitoringSchedule"
        assert (
            base.resources[schedule]["Properties"]["MonitoringScheduleName"]
            == (changed.resources[schedule]["Properties"]["MonitoringScheduleName"])
        )


def test_a_new_schedule_updates_the_schedule_and_keeps_the_definition(templates: dict[str, Template]) -> None:
    base, changed = templates["base"], templates["schedule"]
    definition, schedule = "DataQualityJobDefinition", "DataQualityMonitoringSchedule"
    assert base.resources[definition] == changed.resources[definition]
    config = changed.resources[schedule]["Properties"]["MonitoringScheduleConfig"]
    assert config["ScheduleConfig"] == {"ScheduleExpression": "cron(0 3 ? * * *)"}
