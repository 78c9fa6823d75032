"""Synthesizes the Studio app once per distinct parameter set and shares it across tests."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk.assertions import Template

from mlops_platform.contract import DeploymentContext
from sagemaker_studio.settings import StudioSettings
from sagemaker_studio.synthesis import build_app

# Unit tests skip CDK's own template validation (the matrix keeps it on) to stay fast.
os.environ["CDK_VALIDATION"] = "false"

ACCOUNT = "111111111111"
CONTEXT = DeploymentContext(project="mlops", deployment="test", module="studio", account=ACCOUNT, region="us-east-1")
REQUIRED = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ("subnet-0123456789abcdef0", "subnet-0123456789abcdef1")}
USERS = {"data_science_users": ("ds-user-1",), "lead_data_science_users": ("lead-ds-user-1",)}
# Three parameter sets cover the module's branches between them; each is synthesized once per session.
MINIMAL = {**REQUIRED, **USERS}
EVERYTHING = {
    **REQUIRED,
    **USERS,
    "retain_efs": False,
    "enable_jupyterlab_app": True,
    "jupyterlab_app_instance_type": "ml.t3.large",
    "enable_docker_access": True,
    "vpc_only_trusted_accounts": ("222222222222",),
    "enable_custom_sagemaker_projects": True,
    "mlflow_enabled": True,
    "mlflow_artifact_store_bucket_name": "mlops-artifacts",
    "mlflow_artifact_store_bucket_prefix": "mlflow/",
    "mlflow_server_size": "Small",
    "studio_bucket_name": "mlops-*",
    "app_image_config_name": "team-image-config",
    "image_name": "team-image",
    "idle_timeout_in_minutes": 120,
    "min_idle_timeout_in_minutes": 60,
    "max_idle_timeout_in_minutes": 240,
}
OPEN = {
    **REQUIRED,
    **USERS,
    "auth_mode": "SSO",
    "enable_domain_resource_isolation": False,
    "enable_jupyterlab_app": True,
    "enable_jupyterlab_app_sharing": True,
    "studio_domain_name": "team-studio",
    "role_path": "/studio/",
    "permissions_boundary_name": "mlops-boundary",
    "qualifier": "team1",
    "tags": {"team": "ml"},
    "custom_tags": {"cost-center": "42"},
}


@dataclass(frozen=True)
class Synthesized:
    template: Template
    raw: dict[str, Any]
    text: str

    def resources(self, kind: str) -> dict[str, Any]:
        return {key: value for key, value in self.raw["Resources"].items() if value["Type"] == kind}

    def one(self, kind: str) -> dict[str, Any]:
        [resource] = self.resources(kind).values()
        properties: dict[str, Any] = resource["Properties"]
        return properties

    def statements(self, policy_prefix: str) -> dict[str, dict[str, Any]]:
        """The statements of the managed policy whose logical id starts with `policy_prefix`, by Sid."""
        [policy] = [
            resource
            for logical, resource in self.resources("AWS::IAM::ManagedPolicy").items()
            if logical.startswith(policy_prefix)
        ]
        return {statement["Sid"]: statement for statement in policy["Properties"]["PolicyDocument"]["Statement"]}

    @staticmethod
    def flat_resources(statement: dict[str, Any]) -> list[str]:
        resources = statement["Resource"]
        return [flat(resource) for resource in (resources if isinstance(resources, list) else [resources])]

    @property
    def metadata(self) -> dict[str, Any]:
        """The metadata output, each intrinsic shown as `${Ref}` or `${Logical.Attribute}`."""
        value = self.raw["Outputs"]["metadata"]["Value"]
        text = "".join(flat(part) for part in value["Fn::Join"][1]) if isinstance(value, dict) else value
        metadata: dict[str, Any] = json.loads(text)
        return metadata


def flat(value: Any) -> str:
    """A CloudFormation value as text: each Fn::Join joined, each Ref or GetAtt shown as ${...}."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return "${" + str(value["Ref"]) + "}"
    if "Fn::GetAtt" in value:
        return "${" + ".".join(value["Fn::GetAtt"]) + "}"
    separator, parts = value["Fn::Join"]
    return str(separator).join(flat(part) for part in parts)


_cache: dict[str, Synthesized] = {}


def synthesize_settings(**parameters: Any) -> Synthesized:
    key = json.dumps(parameters, sort_keys=True, default=list)
    if key not in _cache:
        settings = StudioSettings(**parameters)
        with tempfile.TemporaryDirectory() as outdir:
            build_app(settings, CONTEXT, outdir=outdir).synth()
            with open(os.path.join(outdir, f"{CONTEXT.stack_name}.template.json")) as handle:
                text = handle.read()
        raw = json.loads(text)
        _cache[key] = Synthesized(Template.from_json(raw), raw, text)
    return _cache[key]


@pytest.fixture(scope="session")
def minimal() -> Synthesized:
    return synthesize_settings(**MINIMAL)


@pytest.fixture(scope="session")
def everything() -> Synthesized:
    return synthesize_settings(**EVERYTHING)


@pytest.fixture(scope="session")
def open_domain() -> Synthesized:
    return synthesize_settings(**OPEN)


KEY_ADMINISTRATOR = "arn:aws:iam::111111111111:role/KeyAdministrators"


@pytest.fixture(scope="session")
def governed() -> Synthesized:
    """The minimal domain with a key administrator and logs kept two years."""
    return synthesize_settings(**MINIMAL, key_administrator_arns=[KEY_ADMINISTRATOR], log_retention_days=731)


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
