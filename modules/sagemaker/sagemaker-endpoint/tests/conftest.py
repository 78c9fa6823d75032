"""Synthesizes the endpoint app once per distinct input and shares it across tests."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Template

from mlops_platform.contract import DeploymentContext, ParameterError
from sagemaker_endpoint.inference_components.instance_sizes import InstanceSize
from sagemaker_endpoint.model_source.lookup import ModelArtifacts, ResolvedPackage
from sagemaker_endpoint.settings import EndpointSettings
from sagemaker_endpoint.synthesis import build_app

# Unit tests skip CDK's own template validation (the rehearsal keeps it on) to stay fast.
os.environ["CDK_VALIDATION"] = "false"

ACCOUNT = "111111111111"
CONTEXT = DeploymentContext(
    project="mlops", deployment="test", module="sagemaker-endpoint", account=ACCOUNT, region="us-east-1"
)
PACKAGE_ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-package/fraud-detector/3"
REQUIRED = {
    "vpc_id": "vpc-0123456789abcdef0",
    "subnet_ids": ("subnet-0123456789abcdef0", "subnet-0123456789abcdef1"),
}
DESCRIBED = ResolvedPackage(
    arn=f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-package/fraud-detector/7",
    artifacts=ModelArtifacts(
        images=(f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/fraud-detector:1.4",),
        model_data_urls=("s3://mlops-artifacts/fraud-detector/7/model.tar.gz",),
    ),
)


@dataclass(frozen=True)
class Synthesized:
    template: Template
    raw: dict[str, Any]
    text: str
    report: dict[str, Any]

    def resources(self, kind: str) -> dict[str, Any]:
        return {key: value for key, value in self.raw["Resources"].items() if value["Type"] == kind}

    def one(self, kind: str) -> dict[str, Any]:
        [resource] = self.resources(kind).values()
        properties: dict[str, Any] = resource["Properties"]
        return properties

    @property
    def metadata_parts(self) -> list[Any]:
        parts: list[Any] = self.raw["Outputs"]["metadata"]["Value"]["Fn::Join"][1]
        return parts

    @property
    def policy_statements(self) -> list[dict[str, Any]]:
        statements: list[dict[str, Any]] = self.one("AWS::IAM::ManagedPolicy")["PolicyDocument"]["Statement"]
        return statements

    @staticmethod
    def flat(value: Any) -> Any:
        """A CloudFormation value with each Fn::Join flattened and each Ref/GetAtt shown as ${...}."""
        if isinstance(value, list):
            return [Synthesized.flat(item) for item in value]
        if not isinstance(value, dict):
            return value
        if "Ref" in value:
            return "${" + str(value["Ref"]) + "}"
        if "Fn::GetAtt" in value:
            return "${" + ".".join(value["Fn::GetAtt"]) + "}"
        if "Fn::Join" in value:
            separator, parts = value["Fn::Join"]
            return str(separator).join(str(Synthesized.flat(part)) for part in parts)
        return {key: Synthesized.flat(item) for key, item in value.items()}

    @property
    def metadata_text(self) -> str:
        return str(self.flat(self.raw["Outputs"]["metadata"]["Value"]))

    def statement(self, sid: str) -> dict[str, Any]:
        found = next(statement for statement in self.policy_statements if statement.get("Sid") == sid)
        return dict(self.flat(found))


_cache: dict[str, Synthesized] = {}


def described(arn: str) -> ResolvedPackage:
    """A package as the synthesis describes it (its image and model data), for tests that name one by ARN:
    `.../model-package/<group>/<version>` serves <group>:1.4 and s3://mlops-artifacts/<group>/<version>/."""
    group, _, version = arn.split("model-package/", 1)[1].partition("/")
    return ResolvedPackage(
        arn=arn,
        artifacts=ModelArtifacts(
            images=(f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/{group}:1.4",),
            model_data_urls=(f"s3://mlops-artifacts/{group}/{version}/model.tar.gz",),
        ),
    )


def _variant_packages(parameters: dict[str, Any]) -> dict[str, ResolvedPackage]:
    entries = [*(parameters.get("variants") or ()), *(parameters.get("shadow_variants") or ())]
    arns = [entry.get("model-package-arn") or entry.get("model_package_arn") for entry in entries]
    return {arn: described(arn) for arn in arns if arn}


def _synthesize(
    package: ResolvedPackage | None = None, instance: InstanceSize | None = None, **fields: Any
) -> Synthesized:
    """Fields set to None are left out, as a manifest would leave them out; `instance` is the size EC2 gives
    the instance type (an inference component without inference-component-memory-mb is sized from it)."""
    defaults = {} if "model_package_group_name" in fields else {"model_package_arn": PACKAGE_ARN}
    parameters = {key: value for key, value in {**REQUIRED, **defaults, **fields}.items() if value is not None}
    if package is None and "model_package_arn" in parameters:
        package = described(parameters["model_package_arn"])
    key = json.dumps([repr(package), repr(instance), parameters], sort_keys=True, default=str)
    if key not in _cache:
        settings = EndpointSettings(**parameters)
        with tempfile.TemporaryDirectory() as outdir:
            packages = _variant_packages(parameters)
            build_app(settings, CONTEXT, package, outdir=outdir, packages=packages, instance=instance).synth()
            text = Path(outdir, f"{CONTEXT.stack_name}.template.json").read_text()
            report = json.loads(Path(outdir, "validation-report.json").read_text())
        raw = json.loads(text)
        _cache[key] = Synthesized(Template.from_json(raw), raw, text, report)
    return _cache[key]


@pytest.fixture(scope="session")
def synthesize() -> Any:
    """`synthesize(package=None, **settings_fields)`: the module's template, synthesized once per input."""
    return _synthesize


@pytest.fixture(scope="session")
def described_package() -> ResolvedPackage:
    """A package found through a group: its image and model data are known, so access is exact."""
    return DESCRIBED


@pytest.fixture
def parameters(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Sets SEEDFARMER_PARAMETER_* variables as Seed-Farmer would, from manifest names and values."""
    for variable in list(os.environ):
        if variable.startswith("SEEDFARMER_PARAMETER_"):
            monkeypatch.delenv(variable)

    def set_parameters(**values: Any) -> None:
        for name, value in values.items():
            variable = "SEEDFARMER_PARAMETER_" + name.upper().replace("-", "_")
            monkeypatch.setenv(variable, value if isinstance(value, str) else json.dumps(value))

    return set_parameters


@pytest.fixture(scope="session")
def refusal() -> Callable[..., str]:
    """The message `EndpointSettings.check()` refuses `fields` with, over an endpoint of a fixed package in one
    subnet (a field given as None is left out, so the fixed package can be taken away)."""

    def refused(**fields: Any) -> str:
        base: dict[str, Any] = {
            "vpc_id": "vpc-0123456789abcdef0",
            "subnet_ids": ("subnet-0123456789abcdef0",),
            "model_package_arn": PACKAGE_ARN,
        }
        settings = EndpointSettings(**{k: v for k, v in {**base, **fields}.items() if v is not None})
        with pytest.raises(ParameterError) as raised:
            settings.check()
        return str(raised.value)

    return refused
