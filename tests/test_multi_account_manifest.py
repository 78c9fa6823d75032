"""manifests/multi-account/: a registry account and two workload accounts, as Seed-Farmer loads it; the model
package group and both endpoints synthesize with the parameters the manifest gives them, and every contract
holds over their templates: the registry's for both workload accounts, each endpoint's own, and each call an
endpoint makes into the registry with both sides' policies (tests/test_multi_account_endpoints.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.matrix import ACCOUNT, DEV, PROD, REGION
from tests.multi_account import modules
from tests.real_account.across import failures
from tests.real_account.cfn import Template
from tests.real_account.policies import documents
from tests.real_account.registry_contracts import cross_account
from tests.real_account.sar import document_findings
from tests.real_account.workload import Registry

# The registry is synthesized once (about 10 s, validation on), on one worker for all of these tests.
pytestmark = pytest.mark.xdist_group("multi-account")


def test_each_module_deploys_to_its_account_of_the_mapping(multi_account: Any) -> None:
    assert [group.name for group in multi_account.groups] == ["registry", "networking", "endpoints"]
    accounts = {name: str(module.get_target_account_id()) for name, module in modules(multi_account).items()}
    assert accounts == {
        "model-registry": ACCOUNT,
        "dev-vpc": DEV,
        "prod-vpc": PROD,
        "dev-endpoint": DEV,
        "prod-endpoint": PROD,
    }
    assert {str(module.target_region) for module in modules(multi_account).values()} == {REGION}


def test_the_registry_grants_dev_and_prod_exactly(multi_account_registry: Template) -> None:
    metadata = Registry.of(multi_account_registry).metadata
    assert metadata["TargetAccountIds"] == [DEV, PROD]
    assert metadata["SagemakerModelPackageGroupName"] == "fraud-detector"
    [rule] = [resource for _, resource in multi_account_registry.of_type("AWS::Events::Rule")]
    assert [target["Arn"] for target in rule["Properties"]["Targets"]] == [
        f"arn:aws:events:{REGION}:{DEV}:event-bus/default",
        f"arn:aws:events:{REGION}:{PROD}:event-bus/default",
    ]


@pytest.mark.parametrize("account", [DEV, PROD])
def test_every_cross_account_contract_holds_over_the_manifests_registry(
    multi_account_registry: Template, account: str
) -> None:
    contracts = cross_account(multi_account_registry, account)
    assert len(contracts) >= 10
    assert failures(contracts) == []


def test_the_registrys_statements_follow_the_service_authorization_reference(multi_account_registry: Template) -> None:
    assert [finding for document in documents(multi_account_registry) for finding in document_findings(document)] == []


def test_the_endpoints_read_keys_the_registry_publishes_and_are_among_its_targets(
    multi_account: Any, multi_account_registry: Template
) -> None:
    published = set(Registry.of(multi_account_registry).metadata)
    granted = Registry.of(multi_account_registry).metadata["TargetAccountIds"]
    for name in ("dev-endpoint", "prod-endpoint"):
        module = modules(multi_account)[name]
        read = {
            parameter.value_from.module_metadata.key
            for parameter in module.parameters
            if parameter.value_from and parameter.value_from.module_metadata.group == "registry"
        }
        assert read <= published, name
        assert str(module.get_target_account_id()) in granted


def test_prod_is_pinned_to_a_version_of_the_registrys_group(multi_account: Any) -> None:
    values = {parameter.name: parameter.value for parameter in modules(multi_account)["prod-endpoint"].parameters}
    assert values["model-package-arn"] == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/fraud-detector/1"
    dev = {parameter.name: parameter for parameter in modules(multi_account)["dev-endpoint"].parameters}
    assert dev["model-package-group-name"].value_from.module_metadata.key == "SagemakerModelPackageGroupArn"
