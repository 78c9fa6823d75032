"""docs/updates.md is what the rehearsal's update plan says of each one-parameter update (tests/updates.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import updates_doc
from tests.matrix import ENDPOINT, NEIGHBOURS
from tests.updates import ENDPOINT_UPDATES, UPDATES

pytestmark = pytest.mark.xdist_group("neighbours")


def test_docs_updates_md_is_what_the_update_plan_says(updates: dict[Path, dict[str, Any]]) -> None:
    assert updates_doc.DOCUMENT.read_text() == updates_doc.render(updates), (
        "docs/updates.md is stale: run `python -m tests.generate_docs`"
    )


def test_every_update_is_one_the_module_accepts(updates: dict[Path, dict[str, Any]]) -> None:
    """A row refused at synthesis would document a mistake in tests/updates.py, not an update a user makes."""
    refused = {
        (module.name, name): templates[name]["error"]
        for module, templates in updates.items()
        for name in templates
        if "error" in templates[name]
    }
    assert refused == {}


def test_the_endpoint_updates_include_every_neighbour_of_the_lifecycle_check() -> None:
    assert {name: ENDPOINT_UPDATES[name][1] for name in NEIGHBOURS} == NEIGHBOURS
    assert all(previous is None or previous in cases for cases in UPDATES.values() for previous, _ in cases.values())


def test_the_table_names_what_forces_a_replacement_and_what_aws_refuses(updates: dict[Path, dict[str, Any]]) -> None:
    """The rows a user reads the table for: a new image replaces the model (create-only PrimaryContainer/Image)
    and moves traffic by the deployment strategy; an autoscaled variant's new instance type is refused."""
    rows = {line.split(" ", 2)[1]: line for line in updates_doc.render(updates).splitlines() if line.startswith("| **")}
    assert "Model (ModelName, PrimaryContainer/Image)" in rows["**image**"]
    assert "blue/green all at once on a new fleet" in rows["**image**"]
    assert (
        "SageMaker, and so the module before deploy: variant AllTraffic: instance type"
        in rows["**autoscaled-instance-type**"]
    )
    assert "keeps its configuration (no new fleet)" in rows["**canary**"]
    assert (
        "SageMaker, and so the module before deploy: endpoint Endpoint: variants AllTraffic -> blue under its "
        "deployment guardrail" in rows["**variant-name**"]
    )
    assert updates[ENDPOINT]["base"] != updates[ENDPOINT]["image"]
