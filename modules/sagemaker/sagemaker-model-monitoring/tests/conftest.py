"""Synthesizes the monitoring app once per distinct input and shares it across tests; emulated accounts (moto)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from moto import mock_aws

from mlops_platform.contract import DeploymentContext, ParameterError
from sagemaker_model_monitoring import baselines, capture
from sagemaker_model_monitoring.capture import Capture
from sagemaker_model_monitoring.endpoint import ServedEndpoint
from sagemaker_model_monitoring.parameters.settings import MonitoringSettings
from sagemaker_model_monitoring.synthesis import Findings, build_app, monitoring_plan

# Unit tests skip CDK's own template validation (the matrix and the rehearsal keep it on) to stay fast.
os.environ["CDK_VALIDATION"] = "false"

ACCOUNT = "111111111111"
REGION = "us-east-1"
CONTEXT = DeploymentContext(project="mlops", deployment="test", module="monitoring", account=ACCOUNT, region=REGION)
BUCKET = "mlops-artifacts"
ENDPOINT = "mlops-test-endpoint"
REQUIRED: dict[str, Any] = {
    "endpoint_name": ENDPOINT,
    "model_bucket_arn": f"arn:aws:s3:::{BUCKET}",
    "enable_data_quality_monitor": True,
    "data_quality_baseline_s3_uri": f"s3://{BUCKET}/baselines/data-quality",
}
CAPTURE = Capture(
    enabled=True,
    sampling_percentage=20,
    destination=f"s3://{BUCKET}/data-capture/{ENDPOINT}",
    kms_key="0123abcd-0123-4567-89ab-0123456789ab",
    csv_content_types=("text/csv",),
    json_content_types=("application/json",),
)
SERVED = ServedEndpoint(ENDPOINT, f"{ENDPOINT}-config-1", CAPTURE, f"{ENDPOINT}-model-1", None)


@dataclass(frozen=True)
class Synthesized:
    raw: dict[str, Any]
    text: str
    report: dict[str, Any]

    def resources(self, kind: str) -> dict[str, Any]:
        return {key: value for key, value in self.raw["Resources"].items() if value["Type"] == kind}

    def one(self, kind: str) -> dict[str, Any]:
        [resource] = self.resources(kind).values()
        properties: dict[str, Any] = resource["Properties"]
        return properties

    def statements(self, policy: str = "MonitoringPolicy") -> dict[str, dict[str, Any]]:
        """The statements of a managed policy by Sid, flattened (Ref/GetAtt as ${...}, Fn::Join joined)."""
        [found] = [v for k, v in self.resources("AWS::IAM::ManagedPolicy").items() if k.startswith(policy)]
        return {s["Sid"]: flat(s) for s in found["Properties"]["PolicyDocument"]["Statement"]}

    @property
    def metadata(self) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(flat(self.raw["Outputs"]["metadata"]["Value"]))
        return decoded


def flat(value: Any) -> Any:
    """A CloudFormation value with each Fn::Join joined and each Ref/GetAtt shown as ${...}."""
    if isinstance(value, list):
        return [flat(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "Ref" in value:
        return "${" + str(value["Ref"]) + "}"
    if "Fn::GetAtt" in value:
        return "${" + ".".join(value["Fn::GetAtt"]) + "}"
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(str(flat(part)) for part in parts)
    return {key: flat(item) for key, item in value.items()}


def settings_of(**fields: Any) -> MonitoringSettings:
    """Settings from REQUIRED and `fields` (a field given as None is left out), checked as from_env checks them."""
    values = {key: value for key, value in {**REQUIRED, **fields}.items() if value is not None}
    settings = MonitoringSettings(**values)
    settings.check()
    return settings


def findings_for(
    settings: MonitoringSettings,
    served: ServedEndpoint | None = SERVED,
    package: dict[str, baselines.Baseline] | None = None,
) -> Findings:
    """What read_account would find, without AWS: the served endpoint and its package's baselines given."""
    captured = capture.captured_data(settings, served)
    chosen = baselines.choose(settings, package or {}, served.package_arn if served else None)
    return Findings(captured, chosen, served.model_name if served else None)


_cache: dict[str, Synthesized] = {}


def _synthesize(
    served: ServedEndpoint | None = SERVED, context: DeploymentContext = CONTEXT, fresh: bool = False, **fields: Any
) -> Synthesized:
    """`fresh=True` synthesizes again even when the same input was synthesized before."""
    key = json.dumps([repr(served), repr(context), fields], sort_keys=True, default=str)
    if fresh or key not in _cache:
        settings = settings_of(**fields)
        plan = monitoring_plan(settings, context, findings_for(settings, served))
        with tempfile.TemporaryDirectory() as outdir:
            build_app(plan, context, outdir).synth()
            text = Path(outdir, f"{context.stack_name}.template.json").read_text()
            report = json.loads(Path(outdir, "validation-report.json").read_text())
        _cache[key] = Synthesized(json.loads(text), text, report)
    return _cache[key]


@pytest.fixture(scope="session")
def synthesize() -> Callable[..., Synthesized]:
    """`synthesize(served=SERVED, **settings_fields)`: the module's template, synthesized once per input."""
    return _synthesize


@pytest.fixture(scope="session")
def case() -> SimpleNamespace:
    """The names the shared inputs use: account, bucket, endpoint, its capture and served model."""
    return SimpleNamespace(
        account=ACCOUNT, bucket=BUCKET, endpoint=ENDPOINT, capture=CAPTURE, served=SERVED, context=CONTEXT
    )


@pytest.fixture(scope="session")
def accepted() -> Callable[..., MonitoringSettings]:
    """Settings from REQUIRED and `fields` that every rule accepts (the test fails otherwise)."""
    return settings_of


@pytest.fixture(scope="session")
def refusal() -> Callable[..., str]:
    """The message the settings' rules refuse `fields` with (a field given as None is left out)."""

    def refused(**fields: Any) -> str:
        with pytest.raises(ParameterError) as raised:
            settings_of(**fields)
        return str(raised.value)

    return refused


@pytest.fixture
def parameters(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Sets SEEDFARMER_PARAMETER_* variables as Seed-Farmer would, from manifest names and values."""
    for variable in list(os.environ):
        if variable.startswith("SEEDFARMER_PARAMETER_"):
            monkeypatch.delenv(variable)

    def set_parameters(**values: Any) -> None:
        for name, value in values.items():
            variable = "SEEDFARMER_PARAMETER_" + name.upper().replace("-", "_")
            monkeypatch.setenv(variable, value if isinstance(value, str) else json.dumps(value))

    return set_parameters


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """An emulated account: SageMaker and S3 clients (moto), with the model bucket created."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        yield {"sagemaker": boto3.client("sagemaker", region_name=REGION), "s3": s3}
