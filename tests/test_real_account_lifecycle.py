"""CloudFormation lifecycle rules over every template of the matrix and over one-parameter updates."""

from __future__ import annotations

from typing import Any

import pytest

from tests.matrix import NEIGHBOUR_BEFORE, NEIGHBOURS, REGISTRY, VALID
from tests.real_account.cfn import Template
from tests.real_account.lifecycle import create_only, replacement_conflicts, retained_on_failed_create
from tests.studio_cases import STUDIO
from tests.updates import STUDIO_UPDATES

# The matrix test shares the matrix's worker; the update tests synthesize their own templates, on
# whichever worker is free (their group is their own).
NEIGHBOURS_GROUP = pytest.mark.xdist_group("neighbours")


@pytest.mark.xdist_group("matrix")
@pytest.mark.parametrize("case", sorted(VALID))
def test_a_failed_first_create_leaves_nothing_that_blocks_the_retry(
    deployed_templates: dict[str, Template], case: str
) -> None:
    assert retained_on_failed_create(deployed_templates[case]) == []


@NEIGHBOURS_GROUP
@pytest.mark.parametrize("change", sorted(set(NEIGHBOURS) - {"base"}))
def test_an_update_that_replaces_a_custom_named_resource_renames_it(neighbours: dict[str, Any], change: str) -> None:
    before, after = neighbours[NEIGHBOUR_BEFORE.get(change, "base")], neighbours[change]
    assert replacement_conflicts(before, after) == []
    assert replacement_conflicts(after, before) == []


@NEIGHBOURS_GROUP
def test_each_neighbour_changes_a_create_only_property_of_something(neighbours: dict[str, Any]) -> None:
    """Otherwise the update check above would compare identical templates and could not fail."""
    for change, template in neighbours.items():
        if change == "base":
            continue
        base = neighbours[NEIGHBOUR_BEFORE.get(change, "base")]
        replaced = [
            logical
            for logical, resource in template.resources.items()
            if logical in base.resources
            and any(
                resource["Properties"].get(prop) != base.resources[logical]["Properties"].get(prop)
                for prop in create_only(resource["Type"])
            )
        ]
        assert replaced or set(template.resources) != set(base.resources), change


@NEIGHBOURS_GROUP
def test_a_registry_update_replaces_no_custom_named_resource_under_its_name(updates: dict[Any, Any]) -> None:
    """Targets, forwarding, the prefix and the tags change in place: the group keeps its name and its versions."""
    from tests.updates import REGISTRY_UPDATES

    templates = {
        name: Template(case=f"neighbour~{name}", module=REGISTRY.name, raw=raw)
        for name, raw in updates[REGISTRY].items()
    }
    for name, (before, _) in REGISTRY_UPDATES.items():
        if before is not None:
            assert replacement_conflicts(templates[before], templates[name]) == [], name
            assert replacement_conflicts(templates[name], templates[before]) == [], name
    group = templates["base"].raw["Resources"]["ModelPackageGroup"]
    assert (
        templates["target-added"].raw["Resources"]["ModelPackageGroup"]["Properties"]["ModelPackageGroupName"]
        == (group["Properties"]["ModelPackageGroupName"])
    )


def test_the_rules_catch_a_replaced_resource_that_keeps_its_name() -> None:
    def template(case: str, image: str, deletion: str = "Delete") -> Template:
        model = {
            "Type": "AWS::SageMaker::Model",
            "DeletionPolicy": deletion,
            "Properties": {"ModelName": "m", "PrimaryContainer": {"Image": image}},
        }
        return Template(case=case, module="probe", raw={"Resources": {"Model": model}})

    assert replacement_conflicts(template("a", "i:1"), template("b", "i:2"))
    assert retained_on_failed_create(template("a", "i:1", "Retain"))


@NEIGHBOURS_GROUP
@pytest.mark.parametrize("change", sorted(set(STUDIO_UPDATES) - {"base"}))
def test_a_studio_update_that_replaces_a_custom_named_resource_renames_it(
    updates: dict[Any, dict[str, Any]], change: str
) -> None:
    """A space whose sharing changes is replaced under a name of its own; users come and go by profile."""
    previous = STUDIO_UPDATES[change][0] or "base"
    before, after = (
        Template(case=f"neighbour~{name}", module="sagemaker-studio", raw=updates[STUDIO][name])
        for name in (previous, change)
    )
    assert "error" not in after.raw
    assert replacement_conflicts(before, after) == []
    assert replacement_conflicts(after, before) == []
