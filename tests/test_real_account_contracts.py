"""The service contracts (tests/real_account/contracts.py) evaluated against every template's policies.

Each call AWS makes for the deployment, or our code makes, must be allowed by the identity, resource
and key policies the template holds; the same call just outside its scope must be denied. The IAM
simulator decides (rehearsal/iam_simulator.py, its own tests in test_real_account_simulator.py).
"""

from __future__ import annotations

import json

import pytest

from rehearsal.iam_simulator import simulate
from tests.matrix import ACCOUNT, IMAGE, VALID
from tests.real_account import contracts as contract_table
from tests.real_account.calls import function_actions, idempotency_actions, lookup_actions, retained_read_actions
from tests.real_account.cfn import Template
from tests.real_account.contract_parts import AWS_IMAGE_ACCOUNT, Contract, Request, call_of, changed
from tests.real_account.contracts import contracts, failures, ordering_failures

pytestmark = pytest.mark.xdist_group("matrix")

CASES = sorted(
    [
        *VALID,
        "modulestack-group",
        "modulestack-group-arn",
        "modulestack-fixed-package",
        "modulestack-networking",
        "modulestack-monitoring",
        "modulestack-registry",
        "modulestack-registry-existing",
        "modulestack-studio",
    ]
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
        "CloudWatch Logs",
    } <= who


def _contract(templates: dict[str, Template], what: str) -> tuple[Template, Contract]:
    return next(
        (template, contract)
        for _, template in sorted(templates.items())
        for contract in contracts(template)
        if contract.what == what
    )


def test_an_image_is_pulled_only_from_the_repository_the_served_package_names(
    deployed_templates: dict[str, Template],
) -> None:
    """Every package is described at synth, so the execution role pulls exactly its image's repository: the
    same repository name in AWS's image account (which lets any account pull) or in another account is
    denied by the role's own policy."""
    template, contract = _contract(deployed_templates, f"pull image {IMAGE}")
    elsewhere = [
        changed(contract.call, resource=contract.call.resource.replace(ACCOUNT, account))
        for account in (AWS_IMAGE_ACCOUNT, "444455556666")
    ]
    verdicts = simulate([call_of(template, call) for call in (contract.call, *elsewhere)])
    assert [verdict.result for verdict in verdicts] == ["Allowed", "ImplicitlyDenied", "ImplicitlyDenied"]


def test_a_contract_stating_a_context_key_its_action_does_not_carry_is_found(
    deployed_templates: dict[str, Template], monkeypatch: pytest.MonkeyPatch
) -> None:
    template, contract = _contract(deployed_templates, "write captured data")
    wrong = Contract(contract.who, contract.what, changed(contract.call, context={"s3:prefix": "capture/"}))
    monkeypatch.setattr(contract_table, "contracts", lambda _: [wrong])
    assert failures(template) == [
        f"{template.case}: NOT CARRIED ['s3:prefix'] execution role: write captured data: s3:PutObject on "
        f"{contract.call.resource}"
    ]


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


DELIVERY_CASES = ["endpoint-everything", "endpoint-refresh-image", "endpoint-async-to-zero"]


@pytest.mark.parametrize("case", DELIVERY_CASES)
def test_services_delivering_to_the_module_may_not_encrypt_or_reencrypt_with_its_key(
    deployed_templates: dict[str, Template], case: str
) -> None:
    """SQS and SNS need GenerateDataKey and Decrypt from the services that deliver (the CDK's SqsQueue target
    also granted EventBridge Encrypt, ReEncrypt* and GenerateDataKey* on the key)."""
    template = deployed_templates[case]
    [key] = [template.arn(logical) for logical, _ in template.of_type("AWS::KMS::Key")]
    region, account = template.region, template.account
    # Every condition key the statements might test, with values inside their scope.
    context = {
        "aws:SourceAccount": account,
        "kms:EncryptionContext:aws:sqs:arn": f"arn:aws:sqs:{region}:{account}:queue",
        "kms:EncryptionContext:aws:sns:topicArn": f"arn:aws:sns:{region}:{account}:topic",
    }
    sources = {str(contract.call.context.get("aws:SourceArn")) for contract in contracts(template)}
    beyond = [
        call_of(template, Request(service, action, key, {**context, "aws:SourceArn": source}))
        for service in ("events.amazonaws.com", "cloudwatch.amazonaws.com")
        for source in sorted({*sources, "none"})
        for action in ("kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKeyWithoutPlaintext")
    ]
    allowed = [call for call, verdict in zip(beyond, simulate(beyond), strict=True) if verdict.allowed]
    assert [(call.caller.principal, call.action) for call in allowed] == []
    # The same services' own calls, within scope, are allowed (the contracts name each).
    assert any(
        contract.call.principal == "events.amazonaws.com" and contract.call.resource == key
        for contract in contracts(template)
    )


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
