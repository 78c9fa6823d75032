"""manifests/multi-account/ rehearsed as its README tells: a registry, dev and prod, each emulated; a version
approved in the registry, then promoted to prod by changing prod's pin. The plans are the README's."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from rehearsal.report import plan
from rehearsal.result import Rehearsal, as_json
from tests.repository import ROOT

pytestmark = pytest.mark.xdist_group("multi-account-rehearsal")

REGISTRY, DEV, PROD = "111111111111", "222222222222", "333333333333"
VERSION = f"arn:aws:sagemaker:us-east-1:{REGISTRY}:model-package/fraud-detector"
README = (ROOT / "README.md").read_text()


def _updates(rehearsal: Rehearsal) -> dict[str, Any]:
    return {update.module: update for update in rehearsal.updates or []}


def test_each_module_deploys_in_its_own_emulated_account(multi_account_rehearsal: tuple[Rehearsal, ...]) -> None:
    first = multi_account_rehearsal[0]
    placed = {module.module: module.environment["CDK_DEFAULT_ACCOUNT"] for group in first.groups for module in group}
    assert placed == {
        "model-registry": REGISTRY,
        "dev-vpc": DEV,
        "prod-vpc": PROD,
        "dev-endpoint": DEV,
        "prod-endpoint": PROD,
    }
    text = plan(first)
    assert f"in emulated accounts registry ({REGISTRY}), dev ({DEV}), prod ({PROD}) (us-east-1)" in text
    assert first.seeded[-1] == (
        f"registry ({REGISTRY}): model package group fraud-detector (v1 Approved, v2 PendingManualApproval), after "
        "module registry/model-registry created it"
    )


def test_the_cost_is_shown_per_account_and_adds_up(multi_account_rehearsal: tuple[Rehearsal, ...]) -> None:
    cost = as_json(multi_account_rehearsal[0])["monthly_cost"]
    by_account = cost["by_account"]
    assert list(by_account) == [REGISTRY, DEV, PROD]
    assert round(sum(account["monthly_usd"] for account in by_account.values()), 2) == cost["monthly_usd"]
    assert by_account[PROD]["monthly_usd"] > by_account[DEV]["monthly_usd"] > by_account[REGISTRY]["monthly_usd"]
    # The README's section "Across accounts" quotes each account's idle cost, rounded to the dollar.
    quoted = re.search(r"about \$(\d+) a month\s+for the registry, \$(\d+) for dev, \$(\d+) for prod", README)
    assert quoted, "README.md no longer quotes the cost per account"
    idle = [round(by_account[account]["monthly_usd"]) for account in (REGISTRY, DEV, PROD)]
    assert [int(value) for value in quoted.groups()] == idle


def test_the_endpoints_may_use_the_registrys_version_and_hear_its_approvals(
    multi_account_rehearsal: tuple[Rehearsal, ...],
) -> None:
    checked = "\n".join(multi_account_rehearsal[0].across_accounts)
    for stage, account in (("dev", DEV), ("prod", PROD)):
        allowed = f"module '{stage}-endpoint': kms:Decrypt on arn:aws:kms:us-east-1:{REGISTRY}:key/"
        assert allowed in checked
        assert f"from {stage} ({account}): allowed by the key policy in registry ({REGISTRY})" in checked
    assert (
        f"sagemaker:ListModelPackages on {VERSION}/1 from dev ({DEV}): allowed by the group's resource policy"
        in checked
    )
    forwarded = [line for line in multi_account_rehearsal[0].across_accounts if " forwards to " in line]
    assert len(forwarded) == 2
    assert "event-bus/default: allowed by its bus policy" in forwarded[0]
    assert f"{DEV}:event-bus/default" in forwarded[0]
    assert "ModelPackageApprovedRule" in forwarded[0]
    assert forwarded[1].endswith(f"no rule in prod ({PROD}) hears it")


def test_the_diagram_draws_the_three_accounts(multi_account_rehearsal: tuple[Rehearsal, ...]) -> None:
    diagram = (Path(multi_account_rehearsal[0].output) / "diagram.mmd").read_text()
    for alias, account in (("registry", REGISTRY), ("dev", DEV), ("prod", PROD)):
        assert f'["account {alias} ({account})"]' in diagram


def test_an_approval_in_the_registry_plans_devs_update_and_leaves_prod(
    multi_account_rehearsal: tuple[Rehearsal, ...],
) -> None:
    approved = _updates(multi_account_rehearsal[1])
    dev = approved["endpoints/dev-endpoint"]
    assert "model <Model>: model package fraud-detector version 1 -> 2 (a newer version)" in dev.endpoint
    assert {change.logical_id: change.action for change in dev.changes}["Model"] == "replaced"
    assert dev.seedfarmer[0].endswith(
        "`seedfarmer taint module -d multi -g endpoints -m dev-endpoint`, then `seedfarmer apply`"
    )
    for unchanged in (
        "registry/model-registry",
        "networking/dev-vpc",
        "networking/prod-vpc",
        "endpoints/prod-endpoint",
    ):
        assert approved[unchanged].changes == [], unchanged


def test_promoting_prods_pin_plans_its_update_under_its_canary(multi_account_rehearsal: tuple[Rehearsal, ...]) -> None:
    promotion = multi_account_rehearsal[2]
    assert promotion.steps == ["approve", "promote-prod"]
    promoted = _updates(promotion)
    prod = promoted["endpoints/prod-endpoint"]
    assert "model <Model>: model package fraud-detector version 1 -> 2 (a newer version)" in prod.endpoint
    assert any("canary 10 capacity percent" in line for line in prod.endpoint)
    assert prod.seedfarmer == []  # its manifest entry changed: Seed-Farmer redeploys it
    assert promoted["endpoints/dev-endpoint"].changes == []
    assert not promotion.refused


def test_the_registry_readme_shows_the_picture_of_its_template_in_this_manifest(
    multi_account_rehearsal: tuple[Rehearsal, ...],
) -> None:
    from rehearsal.diagram import EXAMPLES, embedded_module_block, module_block, module_picture

    manifest = "manifests/multi-account/deployment.yaml"
    [module] = [m for group in multi_account_rehearsal[0].groups for m in group if m.group == "registry"]
    assert EXAMPLES[module.path.rstrip("/") + "/"] == manifest
    expected = module_block("registry/model-registry", module_picture(module.stacks[0].template), manifest)
    readme = (ROOT / module.path / "README.md").read_text()
    assert embedded_module_block(readme) == expected, "run `make docs` to redraw the registry README's picture"


def test_modules_of_one_group_are_numbered_one_after_the_other(multi_account_rehearsal: tuple[Rehearsal, ...]) -> None:
    """Two modules of a group (dev's and prod's networking) are [2.1] and [2.2], never both [2]."""
    text = plan(multi_account_rehearsal[0])
    assert "[2.1] group networking / module dev-vpc" in text
    assert "[2.2] group networking / module prod-vpc" in text
    assert "[3.1] group endpoints / module dev-endpoint" in text
    assert "[3.2] group endpoints / module prod-endpoint" in text
