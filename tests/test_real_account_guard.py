"""AWS Control Tower's Guard rules: each synthesis runs every rule that applies to a resource of its stack.

A module leaves out the bundled rules that report on none of its stack's resource types (mlops_platform/control_tower.py).
The cfn-guard engine, running every bundled rule over each resource type of the parameter matrix on its own,
finds that only rules reporting on a type apply to it: a rule left out has nothing to check in the stack.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mlops_platform import control_tower
from tests.matrix import DATA, IMAGE, PACKAGE, VALID, module_environment
from tests.real_account.guard import applicable, one_of_each_type, unpack

pytestmark = pytest.mark.xdist_group("matrix")


def template_of(matrix: dict[str, Any], name: str) -> Path:
    [template] = Path(matrix[name]["outdir"]).glob("*.template.json")
    return template


def test_only_the_rules_that_report_on_a_resource_type_apply_to_it(matrix: dict[str, Any], tmp_path: Path) -> None:
    templates = [template_of(matrix, name) for name in sorted(VALID)]
    alone = one_of_each_type(templates, tmp_path)
    assert len(alone) >= 30
    assert {"AWS::SageMaker::Endpoint", "AWS::EC2::VPC", "AWS::Lambda::Function"} <= set(alone)
    binary, rules = unpack(tmp_path / "plugin")
    found = applicable(binary, rules, alone.values())
    reported = control_tower.reported_types()
    outside = {
        kind: sorted(rule for rule in found[path] if kind.casefold() not in reported[rule])
        for kind, path in alone.items()
    }
    assert {kind: rules for kind, rules in outside.items() if rules} == {}
    # The engine did run: rules applied, among them the one behind an acknowledged finding (functions in a VPC).
    assert "ct-lambda-pr-3" in found[alone["AWS::Lambda::Function"]]
    assert sum(len(rules) for rules in found.values()) >= 15


def test_a_rule_runs_when_it_reports_on_a_type_of_the_stack_and_not_for_types_it_only_looks_up() -> None:
    left_out = set(control_tower.rules_outside({"AWS::SageMaker::EndpointConfig", "AWS::KMS::Key"}))
    assert "ct-sagemaker-pr-1" in left_out  # notebook instances only
    assert {"ct-kms-pr-1", "ct-kms-pr-3"}.isdisjoint(left_out)  # they report on keys
    assert "ct-sqs-pr-2" in left_out  # it reports on queues, and only looks up their keys
    # CloudFormation's types are case-sensitive; one header writes AutoscalingGroup, its code AutoScalingGroup.
    assert "ct-autoscaling-pr-6" not in control_tower.rules_outside({"AWS::AutoScaling::AutoScalingGroup"})
    assert control_tower.rules_outside(set()) == sorted(control_tower.reported_types())
    assert all(control_tower.reported_types().values())  # every rule of this bundle says what it reports on


@pytest.mark.parametrize("name", ["networking-defaults", "endpoint-everything", "endpoint-async-given-topics-refresh"])
def test_the_types_a_module_reads_from_its_construct_tree_are_those_its_template_holds(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The rules are chosen before synthesis, from the stack's constructs; the template must agree."""
    folder, parameters = VALID[name]
    for variable, value in module_environment(parameters, name).items():
        monkeypatch.setenv(variable, value)
    monkeypatch.setenv("CDK_VALIDATION", "false")
    if folder.name == "networking":
        from mlops_platform.contract import DeploymentContext
        from networking.settings import NetworkingSettings
        from networking.synthesis import build_app

        app = build_app(NetworkingSettings.from_env(), DeploymentContext.from_env(), str(tmp_path))
    else:
        from mlops_platform.contract import DeploymentContext as EndpointContext
        from sagemaker_endpoint.model_source.lookup import ModelArtifacts, ResolvedPackage
        from sagemaker_endpoint.settings import EndpointSettings
        from sagemaker_endpoint.synthesis import build_app as build_endpoint
        from sagemaker_endpoint.synthesis import resolve_package

        settings, context = EndpointSettings.from_env(), EndpointContext.from_env()
        # What the matrix's emulated registry holds for the package `variants` names (tests/synthesize_cases.py).
        described = {
            PACKAGE: ResolvedPackage(arn=PACKAGE, artifacts=ModelArtifacts(images=(IMAGE,), model_data_urls=(DATA,)))
        }
        app = build_endpoint(settings, context, resolve_package(settings, context), str(tmp_path), described)
    [stack] = app.synth().stacks
    assert control_tower.resource_types(app) == {resource["Type"] for resource in stack.template["Resources"].values()}
