"""Domain resource isolation, end to end, as service contracts (tests/real_account/studio_contracts.py): the
domain's roles describe and invoke an endpoint tagged with their domain's ARN and are denied one of another
domain or of none; the contracts fail when the roles lose the tag condition, so they cannot pass vacuously."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.real_account.cfn import Template
from tests.real_account.contracts import contracts, failures

pytestmark = pytest.mark.xdist_group("matrix")


def test_each_role_of_the_domain_has_its_endpoint_contracts_with_both_neighbours(
    deployed_templates: dict[str, Template],
) -> None:
    found = {
        (contract.who, contract.what)
        for contract in contracts(deployed_templates["studio-defaults"])
        if contract.call.resource.endswith(":endpoint/fraud-detector")
    }
    for who in ("Studio data scientist role", "Studio lead data scientist role", "Studio shared spaces' role"):
        for action in ("sagemaker:DescribeEndpoint", "sagemaker:InvokeEndpoint"):
            assert (who, f"{action} on an endpoint of its domain, not another domain's") in found
            assert (who, f"{action} on an endpoint of its domain, not one of no domain") in found


def test_the_endpoint_contracts_fail_once_the_roles_lose_the_domain_tag_condition(
    deployed_templates: dict[str, Template],
) -> None:
    template = deployed_templates["studio-defaults"]
    raw: dict[str, Any] = json.loads(json.dumps(template.raw))
    for resource in raw["Resources"].values():
        if resource["Type"] == "AWS::IAM::ManagedPolicy":
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                if statement.get("Sid") == "UseDomainEndpoints":
                    statement.pop("Condition")
    loosened = Template(case=template.case, module=template.module, raw=raw, parameters=template.parameters)
    outside = [line for line in failures(loosened) if "ALLOWED OUTSIDE" in line and "Endpoint" in line]
    assert len(outside) == 3 * 2 * 2, outside  # three roles, two actions, two neighbours


def test_without_isolation_the_roles_reach_the_accounts_endpoints_and_none_elsewhere(
    deployed_templates: dict[str, Template],
) -> None:
    whats = {contract.what for contract in contracts(deployed_templates["studio-open-sso"])}
    assert "sagemaker:InvokeEndpoint on any endpoint of the account (isolation off), none elsewhere" in whats
    assert failures(deployed_templates["studio-open-sso"]) == []
