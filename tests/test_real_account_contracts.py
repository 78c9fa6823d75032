"""The service contracts (tests/real_account/contracts.py) evaluated against every template's policies.

Each call AWS makes for the deployment, or our code makes, must be allowed by the identity, resource
and key policies the template holds; the same call just outside its scope must be denied.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.matrix import VALID
from tests.real_account.calls import function_actions, idempotency_actions, lookup_actions, retained_read_actions
from tests.real_account.cfn import Template
from tests.real_account.contracts import contracts, failures, ordering_failures
from tests.real_account.evaluate import Request, condition_holds, decide
from tests.real_account.policies import Document

pytestmark = pytest.mark.xdist_group("matrix")

CASES = sorted(
    [*VALID, "modulestack-group", "modulestack-fixed-package", "modulestack-networking", "modulestack-studio"]
)


@pytest.mark.parametrize("case", CASES)
def test_every_contract_is_allowed_and_nothing_just_outside_it(
    deployed_templates: dict[str, Template], case: str
) -> None:
    assert failures(deployed_templates[case]) == []


def test_the_contracts_cover_every_party(deployed_templates: dict[str, Template]) -> None:
    who = {contract.who for template in deployed_templates.values() for contract in contracts(template)}
    assert {
        "execution role",
        "refresh function",
        "invoke function",
        "deployment role",
        "events.amazonaws.com",
        "cloudwatch.amazonaws.com",
    } <= who


def test_the_calls_are_read_from_the_code() -> None:
    assert function_actions("refresh") >= {"sagemaker:UpdateEndpoint", "s3:GetObject", "sqs:SendMessage"}
    assert function_actions("invoke") == {"sagemaker:InvokeEndpoint"}
    assert idempotency_actions() >= {"dynamodb:GetItem", "dynamodb:PutItem"}
    assert lookup_actions() == {
        "sagemaker:DescribeModelPackageGroup",
        "sagemaker:ListModelPackages",
        "sagemaker:DescribeModelPackage",
    }
    assert retained_read_actions() == {"cloudformation:ListStackResources", "logs:DescribeLogGroups"}


def _document(kind: str, *statements: dict[str, Any], targets: tuple[str, ...] = ()) -> Document:
    return Document(
        Template(case="probe", module="probe", raw={"Resources": {}}), "Probe", kind, statements, targets=targets
    )


ROLE = "arn:aws:iam::111111111111:role/r"


def test_the_evaluator_denies_by_default_and_lets_a_deny_win() -> None:
    allow = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    deny = {
        "Effect": "Deny",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    assert decide(Request(ROLE, "s3:GetObject", "arn:aws:s3:::b/k"), [_document("identity", allow)], [], [])
    assert not decide(Request(ROLE, "s3:GetObject", "arn:aws:s3:::c/k"), [_document("identity", allow)], [], [])
    insecure = Request(ROLE, "s3:GetObject", "arn:aws:s3:::b/k", {"aws:SecureTransport": "false"})
    assert not decide(insecure, [_document("identity", allow, deny)], [], [])


def test_missing_keys_fail_positive_operators_and_pass_if_exists_and_negated_ones() -> None:
    assert not condition_holds("ArnEquals", "ec2:Vpc", "arn:aws:ec2:r:1:vpc/v", {})
    assert condition_holds("ArnEqualsIfExists", "ec2:Vpc", "arn:aws:ec2:r:1:vpc/v", {})
    assert condition_holds("StringNotEquals", "aws:SourceAccount", "1", {})
    assert condition_holds("StringLike", "s3:prefix", "models/*", {"s3:prefix": "models/a"})


def test_a_key_policy_must_allow_the_role_or_delegate_to_the_account() -> None:
    use = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
    root = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    request = Request(ROLE, "kms:Decrypt", "arn:aws:kms:r:111111111111:key/k")
    assert decide(request, [_document("identity", use)], [], [_document("key", root)])
    assert not decide(request, [], [], [_document("key", root)])
    service = Request("events.amazonaws.com", "kms:Decrypt", "arn:aws:kms:r:111111111111:key/k")
    assert not decide(service, [], [], [_document("key", root)])


SERVING_CASES = [case for case in CASES if any(mode in case for mode in ("async", "component", "shadow"))]


def test_the_serving_modes_have_their_contracts(deployed_templates: dict[str, Template]) -> None:
    what = {
        (contract.who, contract.what.split(" under ")[0].split(" to arn:")[0])
        for case in SERVING_CASES
        for contract in contracts(deployed_templates[case])
    }
    assert {
        ("execution role", "read an asynchronous request"),
        ("execution role", "s3:PutObject an asynchronous result"),
        ("execution role", "s3:AbortMultipartUpload an asynchronous result"),
        ("execution role", "kms:GenerateDataKey to encrypt asynchronous results with the module key"),
        ("execution role", "publish an asynchronous notice"),
        ("execution role", "kms:GenerateDataKey to publish to the module's encrypted topic"),
        ("invoke function", "sagemaker:InvokeEndpoint naming its inference component"),
        ("application auto scaling", "sagemaker:UpdateInferenceComponentRuntimeConfig to change the copies"),
        ("CloudFormation (CDK execution role)", "sagemaker:CreateInferenceComponent (deploy)"),
        ("CloudFormation (CDK execution role)", "create the scaling service-linked role (first deploy)"),
    } <= what


@pytest.mark.parametrize("case", SERVING_CASES)
def test_sagemaker_finds_its_grants_in_place_when_it_checks_them(
    deployed_templates: dict[str, Template], case: str
) -> None:
    assert ordering_failures(deployed_templates[case]) == []


def test_an_endpoint_created_before_its_publish_grant_is_found(deployed_templates: dict[str, Template]) -> None:
    template = deployed_templates["endpoint-async-to-zero"]
    raw = json.loads(json.dumps(template.raw))
    for resource in raw["Resources"].values():
        if resource["Type"] == "AWS::SageMaker::Model":
            resource.pop("DependsOn")  # the models no longer wait for the execution policy
    broken = Template(case=template.case, module=template.module, raw=raw)
    assert ordering_failures(broken) == [
        f"endpoint-async-to-zero: the endpoint does not wait for the sns:Publish grant on "
        f"{template.arn('NotificationTopicEB7A0DF1')}"
    ]
