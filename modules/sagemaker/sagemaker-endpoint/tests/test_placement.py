"""Where what the endpoint names lives, against where it deploys (placement.py and each feature's rules): a package or group of a registry
in another account is taken by ARN, in the endpoint's region only; the artifacts' key, the registry's forwarding
role and the SageMaker domain must fit the deployment; each refusal is one line naming the parameter."""

from __future__ import annotations

from typing import Any

import pytest

from mlops_platform.contract import DeploymentContext, ParameterError
from sagemaker_endpoint import placement
from sagemaker_endpoint.domain.plan import Domain, domain
from sagemaker_endpoint.model_source import registry
from sagemaker_endpoint.settings import EndpointSettings

WORKLOAD, REGISTRY = "222222222222", "111111111111"
CONTEXT = DeploymentContext(project="mlops", deployment="dev", module="endpoint", account=WORKLOAD, region="us-east-1")
NETWORK: dict[str, Any] = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ("subnet-0123456789abcdef0",)}
GROUP = f"arn:aws:sagemaker:us-east-1:{REGISTRY}:model-package-group/fraud-detector"
PACKAGE = f"arn:aws:sagemaker:us-east-1:{REGISTRY}:model-package/fraud-detector/3"
FORWARDER = f"arn:aws:iam::{REGISTRY}:role/service-role/mlops-registry-forwarding"
DOMAIN = f"arn:aws:sagemaker:us-east-1:{WORKLOAD}:domain/d-abcdefghijkl"


def refusal(**fields: Any) -> str:
    settings = EndpointSettings(**NETWORK, **fields)
    with pytest.raises(ParameterError) as raised:
        placement.check(settings, CONTEXT)
    return str(raised.value)


def accepted(**fields: Any) -> EndpointSettings:
    settings = EndpointSettings(**NETWORK, **fields)
    placement.check(settings, CONTEXT)
    return settings


def test_a_group_of_this_account_is_asked_for_by_name_and_a_registrys_by_its_arn() -> None:
    assert registry.group_reference("fraud-detector", CONTEXT) == registry.GroupReference(
        "fraud-detector", WORKLOAD, "fraud-detector"
    )
    assert registry.group_reference(GROUP, CONTEXT) == registry.GroupReference("fraud-detector", REGISTRY, GROUP)
    own = GROUP.replace(REGISTRY, WORKLOAD)
    assert registry.group_reference(own, CONTEXT) == registry.GroupReference(
        "fraud-detector", WORKLOAD, "fraud-detector"
    )


def test_a_group_and_a_package_of_a_registry_in_another_account_are_accepted() -> None:
    assert registry.registry_accounts(accepted(model_package_group_name=GROUP), CONTEXT) == [REGISTRY]
    assert registry.registry_accounts(accepted(model_package_arn=PACKAGE), CONTEXT) == [REGISTRY]
    assert registry.registry_accounts(accepted(model_package_group_name="fraud-detector"), CONTEXT) == []


@pytest.mark.parametrize(
    ("fields", "parameter"),
    [
        ({"model_package_group_name": GROUP.replace("us-east-1", "eu-west-1")}, "model-package-group-name"),
        ({"model_package_arn": PACKAGE.replace("us-east-1", "eu-west-1")}, "model-package-arn"),
        (
            {"variants": [{"name": "current", "model-package-arn": PACKAGE.replace("us-east-1", "us-west-2")}]},
            "variants",
        ),
        (
            {
                "model_package_arn": PACKAGE,
                "shadow_variants": [{"name": "next", "model-package-arn": PACKAGE.replace("us-east-1", "us-west-2")}],
            },
            "shadow-variants",
        ),
        ({"model_package_arn": PACKAGE.replace("arn:aws:", "arn:aws-cn:")}, "model-package-arn"),
    ],
)
def test_a_package_or_group_of_another_region_is_refused(fields: dict[str, Any], parameter: str) -> None:
    message = refusal(**fields)
    assert message.startswith(f"parameter '{parameter}': ")
    assert "and the endpoint deploys to us-east-1: SageMaker serves a model package only in the region" in message


def test_the_artifacts_key_must_be_of_the_endpoints_region() -> None:
    key = f"arn:aws:kms:eu-west-1:{REGISTRY}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert refusal(model_package_arn=PACKAGE, model_artifacts_kms_key_arn=key).startswith(
        "parameter 'model-artifacts-kms-key-arn': "
    )
    accepted(model_package_arn=PACKAGE, model_artifacts_kms_key_arn=key.replace("eu-west-1", "us-east-1"))


def test_the_forwarding_role_must_be_of_the_registry_the_endpoint_serves() -> None:
    accepted(model_package_group_name=GROUP, registry_event_forwarding_role_arn=FORWARDER)
    other = FORWARDER.replace(REGISTRY, "999999999999")
    assert refusal(model_package_group_name=GROUP, registry_event_forwarding_role_arn=other) == (
        f"parameter 'registry-event-forwarding-role-arn': {other} is a role of account 999999999999, and the "
        f"endpoint serves packages of {REGISTRY}: this account's event bus lets in the forwarding role of the "
        "registry the endpoint serves (its EventForwardingRoleArn), no other"
    )
    assert "serves no package of another account" in refusal(
        model_package_group_name="fraud-detector", registry_event_forwarding_role_arn=FORWARDER
    )


def test_refresh_on_model_data_of_another_account_is_refused_with_what_to_do_instead() -> None:
    message = refusal(model_package_group_name=GROUP, refresh_on_model_data_change=True)
    assert message.startswith("parameter 'refresh-on-model-data-change': the endpoint serves a package of account")
    assert "set 'notifications: true' and 'registry-event-forwarding-role-arn'" in message
    accepted(model_package_group_name="fraud-detector", refresh_on_model_data_change=True)


def test_the_domain_is_derived_from_its_id_or_its_arn() -> None:
    assert domain(accepted(model_package_arn=PACKAGE, sagemaker_domain_id="d-abcdefghijkl"), CONTEXT) == (
        Domain(DOMAIN, "d-abcdefghijkl")
    )
    assert domain(accepted(model_package_arn=PACKAGE, sagemaker_domain_arn=DOMAIN), CONTEXT) == Domain(
        DOMAIN, "d-abcdefghijkl"
    )
    both = accepted(model_package_arn=PACKAGE, sagemaker_domain_arn=DOMAIN, sagemaker_domain_id="d-abcdefghijkl")
    assert domain(both, CONTEXT) == Domain(DOMAIN, "d-abcdefghijkl")
    assert domain(accepted(model_package_arn=PACKAGE), CONTEXT) is None


@pytest.mark.parametrize(
    ("arn", "where"),
    [
        (DOMAIN.replace(WORKLOAD, REGISTRY), f"is a domain of account {REGISTRY}, region us-east-1"),
        (DOMAIN.replace("us-east-1", "eu-west-1"), f"is a domain of account {WORKLOAD}, region eu-west-1"),
    ],
)
def test_a_domain_of_another_account_or_region_is_refused(arn: str, where: str) -> None:
    assert refusal(model_package_arn=PACKAGE, sagemaker_domain_arn=arn) == (
        f"parameter 'sagemaker-domain-arn': {arn} {where}, and the endpoint deploys to account {WORKLOAD}, region "
        "us-east-1: domain resource isolation lets a domain's users reach what carries their domain's ARN in its "
        "own account and region only"
    )


def test_a_domain_id_and_arn_of_two_domains_are_refused() -> None:
    assert refusal(model_package_arn=PACKAGE, sagemaker_domain_arn=DOMAIN, sagemaker_domain_id="d-zzzzzzzzzzzz") == (
        "parameter 'sagemaker-domain-arn': names domain d-abcdefghijkl, but 'sagemaker-domain-id' is d-zzzzzzzzzzzz; "
        "give the same domain's id and ARN (or either one: the other is derived)"
    )
