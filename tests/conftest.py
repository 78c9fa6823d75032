"""Fixtures for the whole-repository tests."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.matrix import ENDPOINT, MODULES, VALID, synthesize_in_one_process
from tests.repository import ROOT


@pytest.fixture(scope="session", autouse=True)
def shared_rehearsal_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One synthesis cache (rehearsal/synth_cache.py) for every rehearsal of the run, on every worker: many
    tests rehearse the same fixture manifests, and a module's synthesis with the same inputs is the same
    bytes. Tests of the cache itself use their own (`monkeypatch.delenv("REHEARSAL_CACHE")`)."""
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "rehearsal-cache"
    shared.mkdir(exist_ok=True)
    os.environ["REHEARSAL_CACHE"] = str(shared)
    return shared


@pytest.fixture(scope="session")
def deployment() -> Any:
    """manifests/deployment.yaml as Seed-Farmer loads it, with a placeholder account."""
    from rehearsal.manifests import load_deployment

    os.environ.setdefault("PRIMARY_ACCOUNT", "123456789012")
    return load_deployment(ROOT / "manifests" / "deployment.yaml")


@pytest.fixture(scope="session")
def default_rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """manifests/deployment.yaml, rehearsed once (each module synthesized and created in the emulator)."""
    from rehearsal.run import rehearse

    output = tmp_path_factory.mktemp("rehearsal")
    return rehearse(ROOT / "manifests" / "deployment.yaml", ROOT / "rehearsal" / "account.yaml", output)


@pytest.fixture(scope="session")
def serving_rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """manifests/examples/serving-modes.yaml (networking and one endpoint per serving mode), rehearsed once.
    Tests that read it carry `pytest.mark.xdist_group("serving-modes")`."""
    from rehearsal.run import rehearse

    output = tmp_path_factory.mktemp("serving-rehearsal")
    return rehearse(ROOT / "manifests" / "examples" / "serving-modes.yaml", ROOT / "rehearsal" / "account.yaml", output)


@pytest.fixture(scope="session")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every valid set of tests/matrix.py, synthesized once per session in one process per module (side by
    side). Tests that read it carry `pytest.mark.xdist_group("matrix")`, so one worker
    synthesizes it once for all of them."""
    runs = []
    for module in MODULES:
        outroot = tmp_path_factory.mktemp(module.name)
        cases = {name: parameters for name, (folder, parameters) in VALID.items() if folder == module}
        runs.append((outroot, synthesize_in_one_process(module, cases, outroot)))
    results: dict[str, Any] = {}
    for outroot, process in runs:
        output, _ = process.communicate(timeout=900)
        assert process.returncode == 0, output[-3000:]
        results.update(json.loads((outroot / "results.json").read_text()))
    return results


@pytest.fixture(scope="session")
def deployed_templates(matrix: dict[str, Any]) -> dict[str, Any]:
    """Every template of the matrix plus the modulestack's, intrinsics resolved (tests/real_account/cfn.py)."""
    from tests.real_account.cfn import matrix_templates, modulestack_templates

    return {template.case: template for template in [*matrix_templates(matrix), *modulestack_templates()]}


@pytest.fixture(scope="session")
def updates(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, dict[str, Any]]:
    """tests/updates.py: each module's one-parameter updates, synthesized once in one process per module
    (templates only), per module folder: case -> template, or {"error": the module's refusal}. Tests that
    read it carry `pytest.mark.xdist_group("neighbours")`, so one worker synthesizes it for all of them."""
    from tests import updates

    return updates.finish(updates.start(tmp_path_factory.mktemp("updates")))


@pytest.fixture(scope="session")
def neighbours(updates: dict[Path, dict[str, Any]]) -> dict[str, Any]:
    """tests/matrix.py NEIGHBOURS (part of tests/updates.py): one deployed endpoint module and its
    one-parameter updates, as templates for the lifecycle rules."""
    from tests.matrix import NEIGHBOURS
    from tests.real_account.cfn import Template

    templates = {}
    for name in NEIGHBOURS:
        raw = updates[ENDPOINT][name]
        assert "error" not in raw, raw.get("error")
        templates[name] = Template(case=f"neighbour~{name}", module="sagemaker-endpoint", raw=raw)
    return templates


@pytest.fixture(scope="session")
def monitoring_rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """manifests/examples/monitoring.yaml (networking, an endpoint with capture on, its monitoring), rehearsed
    once. Tests that read it carry `pytest.mark.xdist_group("monitoring")`."""
    from rehearsal.run import rehearse

    output = tmp_path_factory.mktemp("monitoring-rehearsal")
    return rehearse(ROOT / "manifests" / "examples" / "monitoring.yaml", ROOT / "rehearsal" / "account.yaml", output)


@pytest.fixture(scope="session")
def multi_account() -> Any:
    """manifests/multi-account/deployment.yaml as Seed-Farmer loads it, with the accounts .env defaults to. Tests
    that read it carry `pytest.mark.xdist_group("multi-account")`."""
    from tests.multi_account import load

    return load()


@pytest.fixture(scope="session")
def multi_account_registry(multi_account: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The manifest's model package group, synthesized once as Seed-Farmer runs it (tests/multi_account.py)."""
    from tests.multi_account import synthesize_registry

    return synthesize_registry(multi_account, tmp_path_factory.mktemp("multi-account-registry"))


@pytest.fixture(scope="session")
def multi_account_endpoints(
    multi_account: Any, multi_account_registry: Any, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """The manifest's dev and prod endpoints, synthesized once against the emulated registry."""
    from tests.multi_account import synthesize_endpoints

    return synthesize_endpoints(multi_account, multi_account_registry, tmp_path_factory.mktemp("multi-endpoints"))


@pytest.fixture(scope="session")
def multi_account_rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """manifests/multi-account/deployment.yaml rehearsed once in its three emulated accounts, then after the seed's
    `approve` step (version 2 approved in the registry) and after `promote-prod` (prod's pin moved to it): the
    three rehearsals, in order. Tests that read it carry `pytest.mark.xdist_group("multi-account-rehearsal")`."""
    from rehearsal.run import rehearse

    for variable in ("REGISTRY_ACCOUNT", "DEV_ACCOUNT", "PROD_ACCOUNT"):
        os.environ.pop(variable, None)  # .env's placeholders, as the README's plans show them
    manifest, seed = ROOT / "manifests" / "multi-account" / "deployment.yaml", ROOT / "rehearsal" / "account.yaml"
    output = tmp_path_factory.mktemp("multi-account-rehearsal")
    first = rehearse(manifest, seed, output)
    approved = rehearse(manifest, seed, output, step="approve")
    return first, approved, rehearse(manifest, seed, output, step="promote-prod")
