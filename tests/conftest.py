"""Fixtures for the whole-repository tests."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.matrix import ENDPOINT, NETWORKING, VALID, synthesize_in_one_process
from tests.repository import ROOT


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
def matrix(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every valid set of tests/matrix.py, synthesized once per session in one process per module (the two
    run side by side). Tests that read it carry `pytest.mark.xdist_group("matrix")`, so one worker
    synthesizes it once for all of them."""
    runs = []
    for module in (NETWORKING, ENDPOINT):
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
def neighbours(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """tests/matrix.py NEIGHBOURS: one deployed endpoint module and its one-parameter updates, synthesized
    once in one process, intrinsics resolved."""
    from tests.matrix import NEIGHBOURS
    from tests.real_account.cfn import Template

    outroot = tmp_path_factory.mktemp("neighbours")
    cases = {f"neighbour~{name}": parameters for name, parameters in NEIGHBOURS.items()}
    # Only the templates are compared: no rule packs' Guard process here (the matrix runs them).
    process = synthesize_in_one_process(ENDPOINT, cases, outroot, validate=False)
    output, _ = process.communicate(timeout=900)
    assert process.returncode == 0, output[-3000:]
    results = json.loads((outroot / "results.json").read_text())
    templates = {}
    for case, result in results.items():
        assert result["ok"], result.get("error")
        [path] = Path(result["outdir"]).glob("*.template.json")
        templates[case.split("~", 1)[1]] = Template(
            case=case, module="sagemaker-endpoint", raw=json.loads(path.read_text())
        )
    return templates
