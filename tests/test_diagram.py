"""The deployment diagram: generated from the manifests and templates, written by the rehearsal, in the README."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rehearsal.diagram import (
    Module,
    diagram,
    embedded,
    embedded_module_block,
    in_markdown,
    main_resources,
    module_block,
    module_picture,
    wiring,
)
from tests.repository import ROOT

# Shares the rehearsal of the default manifest: keep these tests on its pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("rehearsal")


def _templates(rehearsal: Any) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The templates the rehearsal deployed, per (group, module)."""
    return {
        (module.group, module.module): [stack.template for stack in module.stacks]
        for group in rehearsal.groups
        for module in group
    }


def test_readme_shows_the_diagram_of_the_default_manifest(deployment: Any, default_rehearsal: Any) -> None:
    expected = in_markdown(diagram(wiring(deployment), _templates(default_rehearsal)))
    assert embedded((ROOT / "README.md").read_text()) == expected, "run `make docs` to redraw the README's diagram"


def test_the_rehearsal_writes_the_diagram_into_its_output_folder(deployment: Any, default_rehearsal: Any) -> None:
    written = (Path(default_rehearsal.output) / "diagram.mmd").read_text()
    assert written == diagram(wiring(deployment), _templates(default_rehearsal))
    assert written.startswith("flowchart LR\n")


def test_wiring_follows_value_from_module_metadata(deployment: Any) -> None:
    modules = {(module.group, module.name): module for module in wiring(deployment)}
    assert list(modules) == [("networking", "vpc"), ("sagemaker-endpoints", "endpoint")]
    assert set(modules[("sagemaker-endpoints", "endpoint")].takes) == {
        ("networking", "vpc", "VpcId", "vpc-id"),
        ("networking", "vpc", "PrivateSubnetIds", "subnet-ids"),
    }
    assert modules[("networking", "vpc")].takes == ()


def test_main_resources_are_counted_and_connecting_ones_left_out() -> None:
    template = {
        "Resources": {
            "A": {"Type": "AWS::EC2::Subnet"},
            "B": {"Type": "AWS::EC2::Subnet"},
            "C": {"Type": "AWS::EC2::SubnetRouteTableAssociation"},
            "D": {"Type": "Custom::VpcRestrictDefaultSG"},
            "E": {"Type": "AWS::SageMaker::Endpoint"},
        }
    }
    assert main_resources([template]) == [("EC2::Subnet", 2), ("SageMaker::Endpoint", 1)]


def test_one_arrow_per_producer_labelled_with_each_key_and_parameter() -> None:
    modules = [
        Module("net", "vpc", "modules/networking/", ()),
        Module("ml", "endpoint", "modules/x/", (("net", "vpc", "VpcId", "vpc-id"), ("net", "vpc", None, "everything"))),
    ]
    text = diagram(modules, {("net", "vpc"): [{"Resources": {"V": {"Type": "AWS::EC2::VPC"}}}]})
    assert text.count("-->") == 1
    assert 'net__vpc -- "VpcId → vpc-id<br/>all metadata → everything" --> ml__endpoint' in text
    assert 'net__vpc__EC2__VPC["EC2::VPC"]' in text
    assert text == diagram(modules, {("net", "vpc"): [{"Resources": {"V": {"Type": "AWS::EC2::VPC"}}}]})


def test_each_module_readme_shows_the_picture_of_its_template(default_rehearsal: Any) -> None:
    modules = [module for group in default_rehearsal.groups for module in group]
    assert len(modules) == 2
    for module in modules:
        readme = (ROOT / module.path / "README.md").read_text()
        expected = module_block(f"{module.group}/{module.module}", module_picture(module.stacks[0].template))
        assert embedded_module_block(readme) == expected, f"run `make docs` to redraw {module.path}README.md's picture"


def test_a_module_picture_draws_an_arrow_from_a_resource_type_to_each_type_that_names_it() -> None:
    template = {
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {}},
            "ModelA": {
                "Type": "AWS::SageMaker::Model",
                "Properties": {"ExecutionRoleArn": {"Fn::GetAtt": ["Role", "Arn"]}},
            },
            "ModelB": {
                "Type": "AWS::SageMaker::Model",
                "Properties": {"ExecutionRoleArn": {"Fn::GetAtt": ["Role", "Arn"]}},
            },
            "Config": {
                "Type": "AWS::SageMaker::EndpointConfig",
                "Properties": {"ProductionVariants": [{"ModelName": {"Fn::GetAtt": ["ModelA", "ModelName"]}}]},
            },
            "Policy": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"Roles": [{"Ref": "Role"}]}},
        }
    }
    assert module_picture(template) == (
        "flowchart LR\n"
        '  IAM__Role["IAM::Role"]\n'
        '  SageMaker__EndpointConfig["SageMaker::EndpointConfig"]\n'
        '  SageMaker__Model["SageMaker::Model (2)"]\n'
        "  IAM__Role --> SageMaker__Model\n"
        "  SageMaker__Model --> SageMaker__EndpointConfig\n"
    )
