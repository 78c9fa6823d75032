"""docs/seedfarmer-iam.md's generator: modulestack parameters, policy sizes and links (no synthesis needed)."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.iam_doc import (
    POLICY_SIZE_LIMIT,
    SEEDFARMER_PARAMETERS,
    _CloudFormationLoader,
    _kebab,
    execution_policy,
    handler_actions,
    policy_size,
    split,
)
from tests.repository import MODULE_DIRS, ROOT, module_documents
from tests.test_docs import inputs


@pytest.mark.parametrize("folder", [d for d in MODULE_DIRS if (d / "modulestack.yaml").exists()], ids=lambda d: d.name)
def test_each_modulestack_parameter_is_filled_by_seedfarmer_or_a_documented_module_parameter(folder: object) -> None:
    """Seed-Farmer fills a modulestack parameter from the module parameter of the same name in upper snake case."""
    from pathlib import Path

    assert isinstance(folder, Path)
    template = yaml.load((folder / "modulestack.yaml").read_text(), Loader=_CloudFormationLoader)  # noqa: S506
    documented = {row[0].strip("`") for row in inputs(module_documents(folder))}
    for name in set(template["Parameters"]) - SEEDFARMER_PARAMETERS:
        assert _kebab(name, folder) in documented, f"modulestack parameter {name} matches no module parameter"


def test_handler_actions_are_the_published_schema_permissions() -> None:
    actions = handler_actions("AWS::SageMaker::Endpoint")
    assert {"sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DeleteEndpoint"} <= set(actions)
    assert "sagemaker:ListEndpoints" not in actions  # the list handler serves imports, not deployments
    assert {"kms:CreateGrant", "kms:DescribeKey"} <= set(actions)  # SageMaker uses the config's key as the caller
    assert handler_actions("Custom::VpcRestrictDefaultSG") == ["lambda:InvokeFunction"]


def test_a_large_policy_is_split_into_documents_under_iams_limit_with_every_action_kept() -> None:
    types = [
        "AWS::DynamoDB::Table",
        "AWS::Lambda::Function",
        "AWS::Logs::LogGroup",
        "AWS::IAM::Role",
        "AWS::EC2::VPC",
        "AWS::SageMaker::Endpoint",
        "AWS::KMS::Key",
        "AWS::SQS::Queue",
        "AWS::SNS::Topic",
        "AWS::CloudWatch::Alarm",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::Events::Rule",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::VPCEndpoint",
    ]
    policy = execution_policy(types)
    assert policy_size(policy) > POLICY_SIZE_LIMIT
    parts = split(policy)
    assert len(parts) > 1
    assert all(policy_size(part) <= POLICY_SIZE_LIMIT for part in parts)
    assert [s for part in parts for s in part["Statement"]] == policy["Statement"]


def test_every_written_execution_policy_fits_and_allows_no_wildcard_action() -> None:
    files = sorted((ROOT / "docs" / "cdk-execution-policy").glob("*.json"))
    assert files
    for path in files:
        policy = json.loads(path.read_text())
        assert policy_size(policy) <= POLICY_SIZE_LIMIT, path.name
        assert all("*" not in action for s in policy["Statement"] for action in s["Action"]), path.name


def test_readme_and_each_module_readme_link_the_iam_document() -> None:
    assert "](docs/seedfarmer-iam.md)" in (ROOT / "README.md").read_text()
    for folder in MODULE_DIRS:
        assert "docs/seedfarmer-iam.md)" in (folder / "README.md").read_text(), folder.name


def test_the_networking_policy_lets_cloudformation_resolve_fn_get_azs() -> None:
    """The VPC's subnets take their zones from Fn::GetAZs, evaluated with the execution role's permissions."""
    policy = json.loads((ROOT / "docs" / "cdk-execution-policy" / "networking.json").read_text())
    allowed = {action for statement in policy["Statement"] for action in statement["Action"]}
    assert {"ec2:DescribeAvailabilityZones", "ec2:DescribeAccountAttributes", "ec2:DescribeSubnets"} <= allowed


def test_every_written_execution_policy_is_a_valid_managed_policy_for_cfn_lint() -> None:
    """cfn-lint checks each action against the Service Authorization Reference (W3037) and the policy's form."""
    from cfnlint.api import ManualArgs, lint

    resources = {
        f"Policy{index}": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {"PolicyDocument": json.loads(path.read_text())},
        }
        for index, path in enumerate(sorted((ROOT / "docs" / "cdk-execution-policy").glob("*.json")))
    }
    template = json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})
    assert [f"{m.rule.id} {m.message[:120]}" for m in lint(template, config=ManualArgs(regions=["us-east-1"]))] == []


def test_a_schema_that_names_a_service_instead_of_its_iam_prefix_is_read_with_the_prefix() -> None:
    actions = handler_actions("AWS::SageMaker::Domain")
    assert "elasticfilesystem:DeleteFileSystem" in actions
    assert not [action for action in actions if action.startswith("efs:")]
