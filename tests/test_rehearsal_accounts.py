"""A deployment over several accounts, rehearsed: each account of the mapping emulated, each module created in
its own, the registry's policies checked before a workload deploys, and a promotion across accounts. The
fixture modules write their templates at once (tests/fixtures/modules/): these tests take seconds."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from rehearsal.loading import PreflightFailed, RehearsalFailed, check, load
from rehearsal.report import plan
from rehearsal.result import Rehearsal, as_json
from rehearsal.run import rehearse
from tests.repository import ROOT

pytestmark = pytest.mark.xdist_group("rehearsal")

FIXTURES = ROOT / "tests" / "fixtures" / "manifests"
MANIFEST = FIXTURES / "multi-account.yaml"
SEED = FIXTURES / "multi-account-seed.yaml"
REGISTRY, DEV, PROD = "111111111111", "222222222222", "333333333333"
VERSION = f"arn:aws:sagemaker:us-east-1:{REGISTRY}:model-package/fixture-group"


@pytest.fixture(scope="module")
def accounts_rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Rehearsal:
    return rehearse(MANIFEST, SEED, tmp_path_factory.mktemp("accounts"))


def _module(rehearsal: Rehearsal, name: str) -> Any:
    return next(module for group in rehearsal.groups for module in group if module.module == name)


def test_each_module_is_created_in_the_account_its_alias_maps(accounts_rehearsal: Rehearsal) -> None:
    # A queue's URL names the account that holds it.
    assert _module(accounts_rehearsal, "dev-server").metadata["QueueUrl"].split("/")[3] == DEV
    assert _module(accounts_rehearsal, "prod-server").metadata["QueueUrl"].split("/")[3] == PROD
    group = _module(accounts_rehearsal, "group").metadata["SagemakerModelPackageGroupArn"]
    assert group == f"arn:aws:sagemaker:us-east-1:{REGISTRY}:model-package-group/fixture-group"
    assert {
        module.module: module.environment["CDK_DEFAULT_ACCOUNT"] for g in accounts_rehearsal.groups for module in g
    } == {
        "group": REGISTRY,
        "dev-server": DEV,
        "prod-server": PROD,
    }


def test_each_account_is_bootstrapped_and_the_registry_seeded_once_its_module_made_the_group(
    accounts_rehearsal: Rehearsal,
) -> None:
    assert accounts_rehearsal.bootstrapped == [
        f"registry ({REGISTRY}): Seed-Farmer's toolchain role seedfarmer-mlops-toolchain-role",
        *(
            f"{alias} ({account}): Seed-Farmer's deployment role seedfarmer-mlops-deployment-role (trusts the "
            "toolchain role), the CDK's bootstrap in us-east-1"
            for alias, account in (("registry", REGISTRY), ("dev", DEV), ("prod", PROD))
        ),
    ]
    assert accounts_rehearsal.seeded[-1] == (
        f"registry ({REGISTRY}): model package group fixture-group (v1 Approved, v2 PendingManualApproval), after "
        "module registry/group created it"
    )


def test_the_plan_names_each_modules_account_and_the_cost_of_each_account(accounts_rehearsal: Rehearsal) -> None:
    text = plan(accounts_rehearsal)
    assert f"in emulated accounts registry ({REGISTRY}), dev ({DEV}), prod ({PROD}) (us-east-1)" in text
    assert (
        f"[2.2] group workloads / module prod-server  (tests/fixtures/modules/tiny-producer/, us-east-1, account prod ({PROD}))"
        in text
    )
    assert f"  registry ({REGISTRY}): $1.00 idle, $1.00 at the autoscaled peak" in text
    assert f"  prod ({PROD}): $0.00 idle, $0.00 at the autoscaled peak" in text
    document = as_json(accounts_rehearsal)
    assert [(item["alias"], item["account"], item["toolchain"]) for item in document["accounts"]] == [
        ("registry", REGISTRY, True),
        ("dev", DEV, False),
        ("prod", PROD, False),
    ]
    assert document["monthly_cost"]["by_account"][REGISTRY]["monthly_usd"] == 1.0
    assert document["groups"][1][1]["alias"] == "prod"


def test_the_diagram_draws_a_box_per_account(accounts_rehearsal: Rehearsal) -> None:
    diagram = (Path(accounts_rehearsal.output) / "diagram.mmd").read_text()
    assert f'subgraph account__registry__{REGISTRY}_["account registry ({REGISTRY})"]' in diagram
    assert 'subgraph workloads__prod_server["workloads/prod-server: tests/fixtures/modules/tiny-producer"]' in diagram
    assert (
        'registry__group -- "SagemakerModelPackageGroupArn → model-package-group-name" --> workloads__dev_server'
        in diagram
    )


def test_every_call_a_workload_makes_on_the_registry_is_allowed_by_the_registrys_policies(
    accounts_rehearsal: Rehearsal,
) -> None:
    checked = "\n".join(accounts_rehearsal.across_accounts)
    bucket = _module(accounts_rehearsal, "group").metadata["ModelArtifactsBucketArn"]
    assert (
        f"module 'prod-server': s3:GetObject on {bucket}/fixture-group/1/model.tar.gz from prod ({PROD}): allowed by "
        f"the bucket policy in registry ({REGISTRY})"
    ) in checked
    assert (
        f"module 'dev-server': sagemaker:ListModelPackages on {VERSION}/1 from dev ({DEV}): allowed by the group's"
        in checked
    )
    assert "module 'prod-server': kms:Decrypt on arn:aws:kms:us-east-1:111111111111:key/" in checked


def test_a_registry_that_does_not_grant_a_workload_stops_it_before_it_deploys(tmp_path: Path) -> None:
    with pytest.raises(RehearsalFailed) as raised:
        rehearse(FIXTURES / "multi-account-ungranted.yaml", SEED, tmp_path)
    message = str(raised.value)
    assert message.startswith("the account is not ready for this manifest:\n")
    assert (
        f"group 'workloads', module 'prod-server': the version served, read by CloudFormation (the CDK's execution "
        f"role): sagemaker:DescribeModelPackage on {VERSION}/1 is denied (ImplicitlyDenied): the group's resource "
        f"policy in account registry ({REGISTRY}) does not allow account prod ({PROD})"
    ) in message
    assert "s3:GetObject" in message
    assert "kms:Decrypt" in message
    assert "dev-server" not in message
    assert not (tmp_path / "fixture-ungranted").exists()


def test_every_unknown_alias_and_region_is_named_at_its_line() -> None:
    with pytest.raises(PreflightFailed) as raised:
        load(FIXTURES / "multi-account-unknown-alias.yaml", SEED)
    group = "tests/fixtures/manifests/multi-account-unknown-alias-group.yaml"
    assert str(raised.value).splitlines()[1:] == [
        f"{group}:3: group 'workloads', module 'staging-server': targetAccount 'staging' is no alias of "
        "targetAccountMappings (its aliases: dev)",
        f"{group}:12: group 'workloads', module 'european-server': targetRegion 'eu-west-1' is not mapped for alias "
        "'dev' (its regions: us-east-1)",
    ]


def test_metadata_read_from_another_account_is_a_note_naming_both_accounts() -> None:
    notes = [str(note) for note in check(load(MANIFEST, SEED))]
    assert notes == [
        "tests/fixtures/manifests/multi-account-workloads.yaml:5: group 'workloads', module 'dev-server': parameter "
        "'model-package-group-name' takes SagemakerModelPackageGroupArn of module 'group' of group 'registry', which "
        f"deploys to account registry ({REGISTRY}), while this module deploys to dev ({DEV}): Seed-Farmer hands it "
        f"over; a resource it names is registry's, whose policies must grant {DEV}"
    ]


def test_account_variables_nothing_sets_default_to_an_account_each(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("REGISTRY_ACCOUNT", "DEV_ACCOUNT", "PROD_ACCOUNT"):
        monkeypatch.delenv(variable, raising=False)
    loaded = load(ROOT / "manifests" / "multi-account" / "deployment.yaml", None)
    # .env's placeholders, not one account for all three aliases.
    assert [(target.alias, target.account) for target in loaded.accounts.targets] == [
        ("registry", REGISTRY),
        ("dev", DEV),
        ("prod", PROD),
    ]
    assert loaded.accounts.toolchain == REGISTRY
    assert os.environ["DEV_ACCOUNT"] == DEV


@pytest.fixture(scope="module")
def promoted(accounts_rehearsal: Rehearsal, tmp_path_factory: pytest.TempPathFactory) -> tuple[Rehearsal, Rehearsal]:
    """The fixture deployment after the registry's `approve` step, then after the `promote` step."""
    output = tmp_path_factory.mktemp("promoted")
    shutil.copytree(accounts_rehearsal.output, output / "fixture-accounts")
    approved = rehearse(MANIFEST, SEED, output, step="approve")
    return approved, rehearse(MANIFEST, SEED, output, step="promote")


def test_an_approval_in_the_registry_is_what_dev_serves_next_while_prod_stays_pinned(
    promoted: tuple[Rehearsal, Rehearsal],
) -> None:
    approved, _ = promoted
    checked = "\n".join(approved.across_accounts)
    assert f"module 'dev-server': sagemaker:DescribeModelPackage on {VERSION}/2 from dev" in checked
    assert f"module 'prod-server': sagemaker:DescribeModelPackage on {VERSION}/1 from prod" in checked
    assert approved.steps == ["approve"]


def test_the_promotion_changes_prods_manifest_entry_and_plans_its_update(promoted: tuple[Rehearsal, Rehearsal]) -> None:
    _, promotion = promoted
    assert promotion.steps == ["approve", "promote"]
    updates = {update.module: update for update in promotion.updates or []}
    [change] = updates["workloads/prod-server"].changes
    assert (change.action, change.logical_id) == ("updated in place", "Queue")
    assert change.causes == [f"Tags/0/Value: {VERSION}/1 -> {VERSION}/2"]
    # The manifest entry changed: a real apply redeploys the module (no taint needed).
    assert updates["workloads/prod-server"].seedfarmer == []
    assert updates["workloads/dev-server"].changes == []
    assert json.loads((Path(promotion.output) / "state.json").read_text())["steps"] == ["approve", "promote"]
