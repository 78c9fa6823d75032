"""The model package group's cross-account contracts (tests/real_account/registry_contracts.py): every call a
workload account makes into the registry is allowed by both sides' policies, and each neighbour just outside
it is denied."""

from __future__ import annotations

from typing import Any

import pytest

from tests.matrix import DEV, VALID
from tests.real_account.across import failures
from tests.real_account.cfn import Template
from tests.real_account.registry_contracts import cross_account
from tests.real_account.workload import Registry

pytestmark = pytest.mark.xdist_group("matrix")

REGISTRY_CASES = sorted(case for case, (folder, _) in VALID.items() if folder.name == "sagemaker-model-package-group")


def target_accounts(template: Template) -> list[str]:
    return list(Registry.of(template).metadata["TargetAccountIds"])


@pytest.mark.parametrize("case", REGISTRY_CASES)
def test_every_workload_call_into_the_registry_is_allowed_and_nothing_just_outside_it(
    deployed_templates: dict[str, Any], case: str
) -> None:
    template = deployed_templates[case]
    contracts = [contract for account in target_accounts(template) for contract in cross_account(template, account)]
    assert failures(contracts) == []


def test_the_contracts_cover_every_cross_account_call(deployed_templates: dict[str, Any]) -> None:
    what = {
        (contract.call.action, contract.what)
        for contract in cross_account(deployed_templates["registry-dev-prod"], DEV)
    }
    assert what >= {
        ("sagemaker:DescribeModelPackageGroup", "the group (lookup)"),
        ("sagemaker:ListModelPackages", "the group's versions (lookup)"),
        ("sagemaker:DescribeModelPackage", "describe a version"),
        ("sagemaker:DescribeModelPackage", "the version a model is made of"),
        ("sagemaker:CreateModel", "create the model in its own account"),
        ("s3:GetObject", "read a version's model data"),
        ("kms:Decrypt", "decrypt a version's model data through S3"),
        ("sts:AssumeRole", "take the forwarding role for the rule"),
        ("events:PutEvents", "put a state change on the target account's bus"),
    }
    neighbours = {
        name for contract in cross_account(deployed_templates["registry-dev-prod"], DEV) for name, _ in contract.outside
    }
    assert {"an account outside the mapping", "another group", "another prefix"} <= neighbours


def test_an_account_outside_the_mapping_has_no_contract(deployed_templates: dict[str, Any]) -> None:
    assert cross_account(deployed_templates["registry-dev-prod"], "999999999999") == []
    assert cross_account(deployed_templates["registry-alone"], DEV) == []


@pytest.fixture(scope="module")
def with_existing_resources(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A registry over an existing bucket, key and repository, whose policies hold what the module requires
    (it refuses to deploy otherwise: sagemaker_model_package_group/existing.py)."""
    import json
    import os

    from mlops_platform.contract import DeploymentContext
    from sagemaker_model_package_group.settings import RegistrySettings
    from sagemaker_model_package_group.synthesis import build_app
    from tests.matrix import ACCOUNT, PROD, REGION
    from tests.real_account.cfn import EXISTING_ARTIFACTS_BUCKET, EXISTING_ARTIFACTS_KEY, EXISTING_REPOSITORY

    settings = RegistrySettings(
        model_package_group_name="fraud-detector",
        target_account_ids=(DEV, PROD),
        model_artifacts_bucket_arn=EXISTING_ARTIFACTS_BUCKET,
        model_artifacts_kms_key_arn=EXISTING_ARTIFACTS_KEY,
        ecr_repository_arns=(EXISTING_REPOSITORY,),
    )
    context = DeploymentContext(project="mlops", deployment="test", module="registry", account=ACCOUNT, region=REGION)
    previous = os.environ.get("CDK_VALIDATION")
    os.environ["CDK_VALIDATION"] = "false"
    try:
        outdir = tmp_path_factory.mktemp("registry-existing")
        [stack] = build_app(settings, context, str(outdir)).synth().stacks
    finally:
        os.environ.pop("CDK_VALIDATION") if previous is None else os.environ.update(CDK_VALIDATION=previous)
    return Template(
        case="registry-existing", module="sagemaker-model-package-group", raw=json.loads(json.dumps(stack.template))
    )


def test_existing_resources_let_the_workload_in_through_the_statements_the_module_requires(
    with_existing_resources: Template,
) -> None:
    contracts = [
        contract
        for account in target_accounts(with_existing_resources)
        for contract in cross_account(with_existing_resources, account)
    ]
    assert failures(contracts) == []
    what = {(contract.call.action, contract.what) for contract in contracts}
    assert {
        ("ecr:BatchGetImage", "pull a version's image"),
        ("kms:Decrypt", "decrypt a version's model data through S3"),
    } <= what


def test_a_group_policy_granting_every_account_is_caught(deployed_templates: dict[str, Any]) -> None:
    """The neighbours can fail: with every account granted, a role outside the mapping reads the group."""
    import json

    raw = json.loads(json.dumps(deployed_templates["registry-dev-prod"].raw))
    for statement in raw["Resources"]["ModelPackageGroup"]["Properties"]["ModelPackageGroupPolicy"]["Statement"]:
        statement["Principal"] = {"AWS": "*"}
    broadened = Template(case="registry-dev-prod", module="sagemaker-model-package-group", raw=raw)
    found = failures(cross_account(broadened, DEV))
    assert found, "a policy open to every account must fail the contracts"
    assert all(line.startswith("ALLOWED an account outside the mapping: workload ") for line in found), found
