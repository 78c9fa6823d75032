"""AWS Control Tower's Guard rules: each module runs every rule that can report on what it deploys.

A module runs only the rule folders it names (CONTROL_TOWER_RULE_FOLDERS, see control_tower.py); a rule
reports only on the resource types its specification lists. Over every template of the parameter matrix,
no rule that could report on one of its resources may be left out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from networking import control_tower
from networking.synthesis import CONTROL_TOWER_RULE_FOLDERS as NETWORKING_FOLDERS
from sagemaker_endpoint.synthesis import CONTROL_TOWER_RULE_FOLDERS as ENDPOINT_FOLDERS
from tests.matrix import NETWORKING, VALID
from tests.real_account.guard import folders_selecting, named_types

pytestmark = pytest.mark.xdist_group("matrix")


@pytest.mark.parametrize("name", sorted(VALID))
def test_every_rule_that_can_report_on_a_resource_of_the_template_runs(matrix: dict[str, Any], name: str) -> None:
    [template] = Path(matrix[name]["outdir"]).glob("*.template.json")
    runs = NETWORKING_FOLDERS if VALID[name][0] == NETWORKING else ENDPOINT_FOLDERS
    assert folders_selecting(json.loads(template.read_text())) - set(runs) == set()


def test_the_rules_left_out_are_exactly_those_of_the_other_folders() -> None:
    left_out = set(control_tower.rules_outside(ENDPOINT_FOLDERS))
    assert left_out == {rule for (folder, rule) in named_types() if folder not in ENDPOINT_FOLDERS}
    assert {rule for (folder, rule) in named_types() if folder == "sagemaker"}.isdisjoint(left_out)
    assert len(named_types()) - len(left_out) >= 40  # the folders of eight services, not a handful of rules


def test_a_folder_the_bundle_does_not_have_is_an_error() -> None:
    with pytest.raises(ValueError, match="no Control Tower rule folder named sns"):
        control_tower.rules_outside(["sagemaker", "sns"])
