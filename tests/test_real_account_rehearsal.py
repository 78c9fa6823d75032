"""The four real-account checks over the templates the rehearsal of manifests/deployment.yaml synthesized.

The matrix (tests/matrix.py) covers each parameter on its own; the default manifest combines them as a
platform team deploys them (networking's outputs wired in, a seeded model package group, refresh,
notifications, autoscaling, a canary rollout). These tests read the shared rehearsal, so they run on
its worker.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.real_account.cfn import Template, rehearsal_templates
from tests.real_account.contracts import contracts, failures
from tests.real_account.lifecycle import retained_on_failed_create
from tests.real_account.policies import documents
from tests.real_account.sar import document_findings

pytestmark = pytest.mark.xdist_group("rehearsal")

STACKS = ["networking-vpc", "sagemaker-endpoints-endpoint"]


@pytest.fixture(scope="module")
def rehearsed(default_rehearsal: Any) -> dict[str, Template]:
    templates = rehearsal_templates(default_rehearsal)
    assert sorted(templates) == STACKS
    return templates


@pytest.mark.parametrize("stack", STACKS)
def test_every_statement_of_the_rehearsal_follows_the_service_authorization_reference(
    rehearsed: dict[str, Template], stack: str
) -> None:
    template = rehearsed[stack]
    assert [finding for document in documents(template) for finding in document_findings(document)] == []


@pytest.mark.parametrize("stack", STACKS)
def test_every_contract_of_the_rehearsal_is_allowed_and_nothing_just_outside_it(
    rehearsed: dict[str, Template], stack: str
) -> None:
    assert failures(rehearsed[stack]) == []


def test_the_rehearsal_contracts_cover_the_seeded_package_and_the_wired_network(
    rehearsed: dict[str, Template],
) -> None:
    """The endpoint's contracts are built from what the rehearsal gave it, not left empty."""
    whats = {contract.what for contract in contracts(rehearsed["sagemaker-endpoints-endpoint"])}
    assert any(what.startswith("pull image 683313688378.dkr.ecr.") for what in whats), whats
    assert any(what.startswith("read model data s3://mlops-model-artifacts-") for what in whats), whats
    assert any(what.startswith("create a network interface in subnet-") for what in whats), whats
    assert {"write captured data", "an alarm of the module delivers to the module's topic"} <= whats


@pytest.mark.parametrize("stack", STACKS)
def test_a_failed_first_create_of_the_rehearsal_leaves_nothing_that_blocks_the_retry(
    rehearsed: dict[str, Template], stack: str
) -> None:
    assert retained_on_failed_create(rehearsed[stack]) == []


@pytest.mark.parametrize("stack", STACKS)
def test_control_tower_guard_rules_ran_on_the_rehearsal_synthesis_and_found_nothing_unacknowledged(
    default_rehearsal: Any, stack: str
) -> None:
    """The rehearsal runs `python app.py` with CDK validation on, so the Guard plugin checks each template
    as it is synthesized (a violation stops the synthesis); its report shows what it acknowledged."""
    report = json.loads((Path(default_rehearsal.output) / stack / "cdk.out" / "validation-report.json").read_text())
    plugins = {plugin["pluginName"]: plugin for plugin in report["pluginReports"]}
    assert "cdk-validator-cfnguard" in plugins
    assert [v["ruleName"] for plugin in plugins.values() for v in plugin["violations"]] == []
    assert all(finding.get("reason") for finding in plugins["cdk-validator-cfnguard"]["suppressedViolations"])
