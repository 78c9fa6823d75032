"""manifests/multi-account/'s endpoints: each synthesizes in its workload account with the parameters the manifest
gives it (the registry's metadata among them), every contract of its own template holds, and every call it makes
into the registry account is allowed by both sides' policies with its neighbours denied (the workload's side read
from the endpoint's templates, the registry's from the registry's template: tests/real_account/endpoint_across.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.matrix import ACCOUNT, DEV, PROD
from tests.multi_account import Endpoint
from tests.real_account import contracts as own_contracts
from tests.real_account.across import failures
from tests.real_account.cfn import Template, endpoint_modulestack
from tests.real_account.endpoint_across import Served, contracts, delivery, registry_of_template
from tests.real_account.simulator import simulate

pytestmark = pytest.mark.xdist_group("multi-account")
ENDPOINTS = {"dev-endpoint": DEV, "prod-endpoint": PROD}


def _modulestack(endpoint: Endpoint) -> Template:
    """The endpoint's modulestack as Seed-Farmer deploys it in the workload account, with its parameters."""
    parameters = endpoint.template.parameters
    return endpoint_modulestack(
        f"{endpoint.template.case}-modulestack",
        account=endpoint.template.account,
        group=str(parameters.get("model-package-group-name", "")),
        package=str(parameters.get("model-package-arn", "")),
    )


def _across(endpoint: Endpoint, registry: Template) -> list[Any]:
    served = Served(endpoint.version, endpoint.images, endpoint.data)
    return contracts(endpoint.template, _modulestack(endpoint), registry_of_template(registry), served)


def test_each_endpoint_synthesizes_in_its_account_serving_the_registrys_version(
    multi_account_endpoints: dict[str, Endpoint],
) -> None:
    for name, account in ENDPOINTS.items():
        endpoint = multi_account_endpoints[name]
        assert endpoint.template.account == account
        [model] = [resource for _, resource in endpoint.template.of_type("AWS::SageMaker::Model")]
        assert model["Properties"]["PrimaryContainer"]["ModelPackageName"] == endpoint.version
        assert f":{ACCOUNT}:model-package/fraud-detector/" in endpoint.version
    # dev follows the group (its newest approved version), prod serves the version its manifest pins.
    assert multi_account_endpoints["dev-endpoint"].version.endswith("/2")
    assert multi_account_endpoints["prod-endpoint"].version.endswith("/1")


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_every_contract_of_each_endpoints_own_template_holds(
    multi_account_endpoints: dict[str, Endpoint], name: str
) -> None:
    assert own_contracts.failures(multi_account_endpoints[name].template) == []


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_every_call_into_the_registry_is_allowed_by_both_sides_and_nothing_just_outside_it(
    multi_account_endpoints: dict[str, Endpoint], multi_account_registry: Template, name: str
) -> None:
    assert failures(_across(multi_account_endpoints[name], multi_account_registry)) == []


def test_the_cross_account_contracts_cover_each_call_and_its_neighbours(
    multi_account_endpoints: dict[str, Endpoint], multi_account_registry: Template
) -> None:
    dev = _across(multi_account_endpoints["dev-endpoint"], multi_account_registry)
    assert {(contract.who, contract.call.action) for contract in dev} == {
        ("workload deployment role", "sagemaker:DescribeModelPackageGroup"),
        ("workload deployment role", "sagemaker:ListModelPackages"),
        ("workload deployment role", "sagemaker:DescribeModelPackage"),
        ("workload cloudformation role", "sagemaker:DescribeModelPackage"),
        ("workload execution role", "s3:GetObject"),
        ("workload execution role", "kms:Decrypt"),
        ("workload execution role", "ecr:BatchGetImage"),
        ("workload execution role", "ecr:GetDownloadUrlForLayer"),
        ("workload execution role", "ecr:BatchCheckLayerAvailability"),
        ("registry forwarding role", "events:PutEvents"),
    }
    neighbours = {neighbour for contract in dev for neighbour, _ in contract.outside}
    assert {
        "an account outside the mapping",
        "another group",
        "another prefix",
        "not through S3",
        "another role of the registry",
        "another source",
    } <= neighbours
    # prod serves a pinned version: no lookup of the group. Its bus lets the registry's forwarding role in (the
    # registry forwards to every account it grants; a delivery refused would be a failed invocation there).
    prod = _across(multi_account_endpoints["prod-endpoint"], multi_account_registry)
    assert {contract.call.action for contract in prod} == {
        "events:PutEvents",
        "sagemaker:DescribeModelPackage",
        "s3:GetObject",
        "kms:Decrypt",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchCheckLayerAvailability",
    }


def test_without_the_decrypt_grant_the_model_data_cannot_be_read_across_accounts(
    multi_account_endpoints: dict[str, Endpoint], multi_account_registry: Template
) -> None:
    """The contracts are not vacuous: the same endpoint without its key statement is denied the decrypt."""
    endpoint = multi_account_endpoints["dev-endpoint"]
    raw = json.loads(json.dumps(endpoint.template.raw))
    for resource in raw["Resources"].values():
        if resource["Type"] == "AWS::IAM::ManagedPolicy":
            statements = resource["Properties"]["PolicyDocument"]["Statement"]
            statements[:] = [s for s in statements if s.get("Sid") != "DecryptModelArtifactsThroughS3"]
    stripped = Template(
        case=endpoint.template.case,
        module=endpoint.template.module,
        raw=raw,
        account=endpoint.template.account,
        parameters=endpoint.template.parameters,
    )
    found = failures(
        _across(
            Endpoint(stripped, endpoint.environment, endpoint.version, endpoint.images, endpoint.data),
            multi_account_registry,
        )
    )
    assert [line.split(":")[0] for line in found] == ["DENIED (ImplicitlyDenied) workload execution role"]
    assert "kms:Decrypt" in found[0]


def test_devs_bus_statement_is_the_one_the_registry_requires_of_its_targets(
    multi_account_endpoints: dict[str, Endpoint], multi_account_registry: Template
) -> None:
    from sagemaker_model_package_group import grants
    from tests.real_account.workload import Registry

    endpoint = multi_account_endpoints["dev-endpoint"].template
    [(_, policy)] = endpoint.of_type("AWS::Events::EventBusPolicy")
    bus = f"arn:aws:events:{endpoint.region}:{DEV}:event-bus/default"
    metadata = Registry.of(multi_account_registry).metadata
    required = grants.bus_policy_statement(ACCOUNT, bus, metadata["EventForwardingRoleArn"])
    assert policy["Properties"]["Statement"] == {key: value for key, value in required.items() if key != "Sid"}
    assert policy["Properties"]["EventBusName"] == "default"


def test_devs_approval_rule_hears_the_registrys_group_from_the_registry_account_only(
    multi_account_endpoints: dict[str, Endpoint],
) -> None:
    from moto.events.models import EventPattern

    endpoint = multi_account_endpoints["dev-endpoint"].template
    [(_, rule)] = [(k, r) for k, r in endpoint.of_type("AWS::Events::Rule") if k.startswith("ModelPackageApproved")]
    pattern = EventPattern.load(json.dumps(rule["Properties"]["EventPattern"]))
    approval: dict[str, Any] = {
        "source": "aws.sagemaker",
        "detail-type": "SageMaker Model Package State Change",
        "account": ACCOUNT,
        "region": endpoint.region,
        "detail": {"ModelPackageGroupName": "fraud-detector", "ModelApprovalStatus": "Approved"},
    }

    def matches(**changes: Any) -> bool:
        event = {**approval, **changes}
        event["detail"] = {**approval["detail"], **changes.get("detail", {})}
        return bool(pattern.matches_event(event))  # type: ignore[arg-type]

    assert matches()
    assert not matches(account="999999999999")  # another registry's group of that name
    assert not matches(account=DEV)  # dev's own group of that name
    assert not matches(detail={"ModelPackageGroupName": "other"})
    assert not matches(detail={"ModelApprovalStatus": "Rejected"})


def test_a_bus_statement_without_forallvalues_would_let_no_approval_in(
    multi_account_endpoints: dict[str, Endpoint], multi_account_registry: Template
) -> None:
    """The delivery contract decides on the statement as written: StringEquals on the multivalued event keys
    (the form the registry first had) never matches, and the simulator says so."""
    endpoint = multi_account_endpoints["dev-endpoint"].template
    raw = json.loads(json.dumps(endpoint.raw))
    for resource in raw["Resources"].values():
        if resource["Type"] == "AWS::Events::EventBusPolicy":
            condition = resource["Properties"]["Statement"]["Condition"]
            condition["StringEquals"] = condition.pop("ForAllValues:StringEquals")
    plain = Template(case=endpoint.case, module=endpoint.module, raw=raw, account=DEV)
    [delivered] = delivery(plain, registry_of_template(multi_account_registry))
    [verdict] = simulate([delivered.call])
    assert not verdict.allowed
