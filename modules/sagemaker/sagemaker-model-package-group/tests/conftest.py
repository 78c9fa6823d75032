"""Synthesizes the model package group app once per distinct parameter set and shares it across tests."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mlops_platform.contract import DeploymentContext
from sagemaker_model_package_group.settings import RegistrySettings
from sagemaker_model_package_group.synthesis import build_app

# Unit tests skip CDK's own template validation (the matrix keeps it on) to stay fast.
os.environ["CDK_VALIDATION"] = "false"

REGISTRY = "111111111111"
DEV, PROD = "222222222222", "333333333333"
CONTEXT = DeploymentContext(
    project="mlops", deployment="test", module="registry-group", account=REGISTRY, region="us-east-1"
)


@dataclass(frozen=True)
class Synthesized:
    raw: dict[str, Any]
    text: str

    def resources(self, kind: str) -> dict[str, Any]:
        return {key: value for key, value in self.raw["Resources"].items() if value["Type"] == kind}

    def one(self, kind: str) -> dict[str, Any]:
        [resource] = self.resources(kind).values()
        return dict(resource)

    @property
    def metadata(self) -> dict[str, Any]:
        """The metadata output, each Ref and Fn::GetAtt shown as `${logical.attribute}`."""
        value = self.raw["Outputs"]["metadata"]["Value"]
        if isinstance(value, str):
            return dict(json.loads(value))
        text = "".join(
            part if isinstance(part, str) else "${" + ".".join(part.get("Fn::GetAtt", [part.get("Ref")])) + "}"
            for part in value["Fn::Join"][1]
        )
        return dict(json.loads(text))


_cache: dict[str, Synthesized] = {}


def _synthesize(**fields: Any) -> Synthesized:
    """The module's template for these settings fields (the group name defaults to `fraud-detector`)."""
    parameters = {"model_package_group_name": "fraud-detector", **fields}
    key = json.dumps(parameters, sort_keys=True)
    if key not in _cache:
        settings = RegistrySettings(**parameters)
        with tempfile.TemporaryDirectory() as outdir:
            build_app(settings, CONTEXT, outdir=outdir).synth()
            text = Path(outdir, f"{CONTEXT.stack_name}.template.json").read_text()
        _cache[key] = Synthesized(json.loads(text), text)
    return _cache[key]


@pytest.fixture(scope="session")
def synthesize() -> Callable[..., Synthesized]:
    """`synthesize(**settings_fields)`: the module's template, synthesized once per parameter set."""
    return _synthesize


def environment(parameters: dict[str, Any]) -> dict[str, str]:
    """The variables Seed-Farmer sets for these manifest parameters (non-strings JSON-encoded)."""
    env = {
        "SEEDFARMER_PROJECT_NAME": CONTEXT.project,
        "SEEDFARMER_DEPLOYMENT_NAME": CONTEXT.deployment,
        "SEEDFARMER_MODULE_NAME": CONTEXT.module,
        "CDK_DEFAULT_ACCOUNT": CONTEXT.account,
        "CDK_DEFAULT_REGION": CONTEXT.region,
    }
    for name, value in parameters.items():
        variable = "SEEDFARMER_PARAMETER_" + name.upper().replace("-", "_")
        env[variable] = value if isinstance(value, str) else json.dumps(value)
    return env


@pytest.fixture
def from_manifest(monkeypatch: pytest.MonkeyPatch) -> Callable[..., RegistrySettings]:
    """`from_manifest(**parameters)`: the settings as `python app.py` reads them from Seed-Farmer's environment
    (parameter names as a manifest writes them: pass kebab-case ones as a dict)."""

    def read(parameters: dict[str, Any] | None = None, **named: Any) -> RegistrySettings:
        for variable in [name for name in os.environ if name.startswith("SEEDFARMER_PARAMETER_")]:
            monkeypatch.delenv(variable)
        for variable, value in environment({**(parameters or {}), **named}).items():
            monkeypatch.setenv(variable, value)
        return RegistrySettings.from_env()

    return read
