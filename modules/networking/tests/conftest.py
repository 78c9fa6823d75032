"""Synthesizes the networking app once per distinct parameter set and shares it across tests."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk.assertions import Template

from mlops_platform.contract import DeploymentContext
from networking.settings import NetworkingSettings
from networking.synthesis import build_app

# Unit tests skip CDK's own template validation (the rehearsal keeps it on) to stay fast.
os.environ["CDK_VALIDATION"] = "false"

CONTEXT = DeploymentContext(
    project="mlops", deployment="test", module="networking-vpc", account="111111111111", region="us-east-1"
)


@dataclass(frozen=True)
class Synthesized:
    template: Template
    raw: dict[str, Any]
    text: str

    @property
    def metadata(self) -> Any:
        return self.raw["Outputs"]["metadata"]["Value"]

    def resources(self, kind: str) -> dict[str, Any]:
        return {key: value for key, value in self.raw["Resources"].items() if value["Type"] == kind}


_cache: dict[str, Synthesized] = {}


def _synthesize(**parameters: Any) -> Synthesized:
    """The module's template for these parameters (as settings fields), rule packs enforced."""
    key = json.dumps(parameters, sort_keys=True)
    if key not in _cache:
        settings = NetworkingSettings(**parameters)
        with tempfile.TemporaryDirectory() as outdir:
            build_app(settings, CONTEXT, outdir=outdir).synth()
            with open(os.path.join(outdir, f"{CONTEXT.stack_name}.template.json")) as handle:
                text = handle.read()
        raw = json.loads(text)
        _cache[key] = Synthesized(Template.from_json(raw), raw, text)
    return _cache[key]


@pytest.fixture(scope="session")
def synthesize() -> Any:
    """`synthesize(**settings_fields)`: the module's template, synthesized once per parameter set."""
    return _synthesize


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
