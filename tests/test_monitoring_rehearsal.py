"""Model monitoring rehearsed: the example deployment, its preflight, and the checks it makes in the emulated account."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rehearsal.emulator import Emulator, emulated_account
from rehearsal.report import plan
from rehearsal.result import Rehearsal
from tests.repository import ROOT
from tests.test_docs import table

MODULE = ROOT / "modules" / "sagemaker" / "sagemaker-model-monitoring"
FIXTURES = ROOT / "tests" / "fixtures" / "manifests"
ACCOUNT, REGION, BUCKET = "123456789012", "us-east-1", "mlops-model-artifacts"


def _monitoring(rehearsal: Rehearsal) -> Any:
    return next(module for group in rehearsal.groups for module in group if module.group == "model-monitoring")


@pytest.mark.xdist_group("monitoring")
class TestTheExampleDeployment:
    def test_it_rehearses_green_and_publishes_what_the_readme_documents(self, monitoring_rehearsal: Rehearsal) -> None:
        module = _monitoring(monitoring_rehearsal)
        assert [stack.status for stack in module.stacks] == ["CREATE_COMPLETE"]
        rows = table((MODULE / "README.md").read_text(), "## Outputs")
        assert sorted(module.metadata) == sorted(row[0].strip("`") for row in rows)
        for group in monitoring_rehearsal.groups:
            for each in group:
                assert each.lint == [], f"{each.group}/{each.module}: cfn-lint findings {each.lint}"

    def test_the_module_readme_shows_the_picture_of_the_examples_template(
        self, monitoring_rehearsal: Rehearsal
    ) -> None:
        from rehearsal.diagram import EXAMPLES, embedded_module_block, module_block, module_picture

        module = _monitoring(monitoring_rehearsal)
        assert EXAMPLES[module.path] == "manifests/examples/monitoring.yaml"
        picture = module_picture(module.stacks[0].template)
        expected = module_block(f"{module.group}/{module.module}", picture, "manifests/examples/monitoring.yaml")
        readme = (MODULE / "README.md").read_text()
        assert embedded_module_block(readme) == expected, "run `make docs` to redraw the monitoring README's picture"

    def test_the_data_quality_baseline_comes_from_the_served_package(self, monitoring_rehearsal: Rehearsal) -> None:
        baselines = _monitoring(monitoring_rehearsal).metadata["BaselineConstraintsS3Uris"]
        account = monitoring_rehearsal.account
        assert baselines == {
            "DataQuality": f"s3://{BUCKET}-{account}-{REGION}/fraud-detector/2/baselines/data-quality/constraints.json",
            "ModelQuality": f"s3://{BUCKET}-{account}-{REGION}/baselines/fraud-detector/model-quality/constraints.json",
        }

    def test_the_plan_shows_schedules_alarms_and_their_cost(self, monitoring_rehearsal: Rehearsal) -> None:
        text = plan(monitoring_rehearsal)
        assert "DataQuality hourly (cron(0 * ? * * *)), 1 x ml.m5.large up to 1 h a run, network isolation on" in text
        assert "ModelQuality every 6 hours (cron(0 0/6 ? * * *))" in text
        assert "-model-quality-f1  (AWS::CloudWatch::Alarm)" in text
        # 730 runs x 1 h x $0.115 and 122 runs x 0.5 h x $0.115: a ceiling, each run billed for its minutes.
        assert "$    83.95  at most: DataQuality schedule, 730 runs x up to 1 h x 1 ml.m5.large (Processing)" in text
        assert "$     7.00  at most: ModelQuality schedule, 122 runs x up to 0.5 h x 1 ml.m5.large (Processing)" in text

    def test_what_the_emulator_lacks_is_said_not_hidden(self, monitoring_rehearsal: Rehearsal) -> None:
        skipped = {
            outcome.resource_type
            for outcome in _monitoring(monitoring_rehearsal).stacks[0].resources
            if outcome.status == "not emulated"
        }
        assert {"AWS::SageMaker::MonitoringSchedule", "AWS::SageMaker::DataQualityJobDefinition"} <= skipped
        assert "declared but not emulated: " in plan(monitoring_rehearsal)

    def test_the_monitoring_reads_the_endpoint_by_the_name_it_published(self, monitoring_rehearsal: Rehearsal) -> None:
        endpoint = next(m for g in monitoring_rehearsal.groups for m in g if m.group == "sagemaker-endpoints")
        assert endpoint.metadata["EndpointName"] == "mlops-monitoring-sagemaker-endpoints-endpoint"
        assert (
            _monitoring(monitoring_rehearsal).environment["SEEDFARMER_PARAMETER_ENDPOINT_NAME"]
            == endpoint.metadata["EndpointName"]
        )


def test_preflight_refuses_every_parameter_that_would_fail_each_run() -> None:
    process = subprocess.run(
        [sys.executable, "-m", "rehearsal", "--check", str(FIXTURES / "monitoring-preflight-errors.yaml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 1
    frequent = "group 'model-monitoring', module 'frequent': parameter"
    incomplete = "group 'model-monitoring', module 'incomplete': parameter"
    errors = process.stderr
    assert (
        f"{frequent} 'data-quality-schedule-expression': 'cron(0/30 * ? * * *)' is not a monitoring schedule" in errors
    )
    assert f"{incomplete} 'model-quality-ground-truth-s3-uri': required with enable-model-quality-monitor" in errors
    assert (
        f"{incomplete} 'model-quality-baseline-s3-uri': s3://other-bucket/baselines/model-quality is outside" in errors
    )
    assert f"{incomplete} 'data-capture-sampling-percentage': data capture of the endpoint" in errors


def test_preflight_reads_the_capture_an_endpoint_will_publish_from_its_parameters() -> None:
    # The fixture wires the capture keys the endpoint module publishes (DataCaptureS3Uri,
    # DataCaptureSamplingPercentage, its content types): the preflight stands them in from each endpoint's own
    # parameters, so capture off and capture recording no text are refused, and the captured endpoint's consumer
    # is not.
    process = subprocess.run(
        [sys.executable, "-m", "rehearsal", "--check", str(FIXTURES / "monitoring-wired.yaml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 1
    problems = [line for line in process.stderr.splitlines() if line.startswith("  - ") or "group '" in line]
    assert any(
        "module 'watches-uncaptured': parameter 'data-capture-sampling-percentage': data capture of the endpoint "
        "(as its module publishes it) samples 0 % of requests" in line
        for line in problems
    ), process.stderr
    assert any(
        "module 'watches-base64': parameter 'data-capture-json-content-types': the endpoint (as its module "
        "publishes it) records no content type as text" in line
        for line in problems
    ), process.stderr
    assert not [line for line in problems if "watches-captured" in line], process.stderr


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with emulated_account(ACCOUNT, REGION) as running:
        s3 = running.client("s3", REGION)
        s3.create_bucket(Bucket=BUCKET)
        running.client("sagemaker", REGION).create_model(
            ModelName="fraud-model",
            ExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/execution",
            PrimaryContainer={"Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/fraud:1"},
        )
        yield running


def _endpoint(emulator: Emulator, name: str, sampling: int) -> None:
    sagemaker = emulator.client("sagemaker", REGION)
    sagemaker.create_endpoint_config(
        EndpointConfigName=f"{name}-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": "fraud-model",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
            }
        ],
        DataCaptureConfig={
            "EnableCapture": True,
            "InitialSamplingPercentage": sampling,
            "DestinationS3Uri": f"s3://{BUCKET}/data-capture/{name}",
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
            "CaptureContentTypeHeader": {"JsonContentTypes": ["application/json"]},
        },
    )
    sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")


def _synthesize(emulator: Emulator, tmp_path: Path, endpoint: str) -> subprocess.CompletedProcess[str]:
    """`python app.py` in the module's folder as the rehearsal runs it: the emulated account's credentials."""
    environment = {
        **Emulator.clean(dict(os.environ)),
        **emulator.environment(REGION),
        "SEEDFARMER_PROJECT_NAME": "mlops",
        "SEEDFARMER_DEPLOYMENT_NAME": "demo",
        "SEEDFARMER_MODULE_NAME": "monitoring",
        "CDK_DEFAULT_ACCOUNT": ACCOUNT,
        "CDK_DEFAULT_REGION": REGION,
        "CDK_OUTDIR": str(tmp_path),
        "SEEDFARMER_PARAMETER_ENDPOINT_NAME": endpoint,
        "SEEDFARMER_PARAMETER_MODEL_BUCKET_ARN": f"arn:aws:s3:::{BUCKET}",
        "SEEDFARMER_PARAMETER_ENABLE_DATA_QUALITY_MONITOR": "true",
        "SEEDFARMER_PARAMETER_DATA_QUALITY_BASELINE_S3_URI": f"s3://{BUCKET}/baselines/data-quality",
    }
    return subprocess.run(
        [sys.executable, "app.py"], cwd=MODULE, env=environment, capture_output=True, text=True, check=False
    )


def test_a_baseline_that_does_not_exist_in_the_emulated_account_is_refused(emulator: Emulator, tmp_path: Path) -> None:
    _endpoint(emulator, "captured", 20)
    emulator.client("s3", REGION).put_object(Bucket=BUCKET, Key="baselines/data-quality/constraints.json", Body=b"{}")
    process = _synthesize(emulator, tmp_path, "captured")
    assert process.returncode == 1
    assert process.stderr.strip().splitlines()[-1] == (
        "sagemaker-model-monitoring: parameter 'data-quality-baseline-s3-uri': the DataQuality baseline "
        f"s3://{BUCKET}/baselines/data-quality/statistics.json (from parameter 'data-quality-baseline-s3-uri') "
        "does not exist, so every run of the job would fail"
    )


def test_an_endpoint_capturing_nothing_in_the_emulated_account_is_refused(emulator: Emulator, tmp_path: Path) -> None:
    _endpoint(emulator, "not-sampled", 0)
    process = _synthesize(emulator, tmp_path, "not-sampled")
    assert process.returncode == 1
    assert (
        "parameter 'endpoint-name': data capture of endpoint not-sampled (its configuration not-sampled-config) samples 0 %"
        in process.stderr
    )
    # Refused before the synthesis: nothing was written.
    assert not (tmp_path / "manifest.json").exists()
