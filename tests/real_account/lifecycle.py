"""CloudFormation lifecycle rules, from the resource schemas cfn-lint ships.

- A failed first create must leave nothing behind that blocks the retry: no resource is `Retain`ed
  on deletion (`RetainExceptOnCreate` keeps it on a later delete, but not when its create rolls back).
- An update that changes a create-only property replaces the resource, and CloudFormation creates the
  replacement before it deletes the old one: a resource with a custom name must then get a new name,
  or the update fails ("cannot update a stack when a custom-named resource requires replacing").
- A resource that moves to a new logical id is created before the old one is deleted: it too must
  not keep the old custom name.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

from tests.matrix import REGION
from tests.real_account.cfn import NAME_PROPERTIES, Template


@cache
def create_only(kind: str) -> tuple[str, ...]:
    """The top-level properties of `kind` whose change replaces the resource."""
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(REGION, kind).schema
    return tuple(sorted({path.split("/")[2] for path in schema.get("createOnlyProperties", [])}))


def retained_on_failed_create(template: Template) -> list[str]:
    return [
        f"{template.case} {logical} ({resource['Type']}): DeletionPolicy Retain keeps it when its first create "
        "rolls back; use RetainExceptOnCreate"
        for logical, resource in template.raw["Resources"].items()
        if resource.get("DeletionPolicy") == "Retain"
    ]


def _normal(template: Template, value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _custom_name(template: Template, logical: str) -> str | None:
    resource = template.resources[logical]
    prop = NAME_PROPERTIES.get(resource["Type"])
    name = resource["Properties"].get(prop) if prop else None
    return None if name is None else str(name)


def replacement_conflicts(before: Template, after: Template) -> list[str]:
    """Updates from `before` to `after` (the same deployed module) that replace a custom-named resource
    under its old name, or create one under a name the old template still holds."""
    found = []
    for logical, resource in after.resources.items():
        name = _custom_name(after, logical)
        if name is None:
            continue
        old = before.resources.get(logical)
        if old is not None and old["Type"] == resource["Type"]:
            changed = [
                prop
                for prop in create_only(resource["Type"])
                if _normal(before, old["Properties"].get(prop)) != _normal(after, resource["Properties"].get(prop))
            ]
            if changed and _custom_name(before, logical) == name:
                found.append(
                    f"{before.case} -> {after.case}: {logical} ({resource['Type']}) is replaced (changed {changed}) "
                    f"but keeps its custom name {name}"
                )
            continue
        for other, previous in before.resources.items():
            if (
                other not in after.resources
                and previous["Type"] == resource["Type"]
                and _custom_name(before, other) == name
            ):
                found.append(
                    f"{before.case} -> {after.case}: {logical} is created under the name {name} that {other} still holds"
                )
    return found
