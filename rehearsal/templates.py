"""Small readers of a synthesized CloudFormation template, shared by the plan, the cost and the update plan."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

Template = dict[str, Any]


def resources(template: Template, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(logical id, properties) of every resource of type `kind`."""
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") == kind:
            yield logical_id, resource.get("Properties") or {}


def referenced_id(value: Any) -> str | None:
    """The logical id a `Ref` or `Fn::GetAtt` points at, if `value` is one."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return str(target[0] if isinstance(target, list) else str(target).split(".")[0])
    return None


def references(value: Any) -> set[str]:
    """Every logical id or parameter `value` refers to, at any depth (Ref, GetAtt, Sub)."""
    found: set[str] = set()
    if isinstance(value, dict):
        target = referenced_id(value)
        if target:
            found.add(target)
        if "Fn::Sub" in value:
            text = value["Fn::Sub"][0] if isinstance(value["Fn::Sub"], list) else value["Fn::Sub"]
            found |= {part.split("}")[0].split(".")[0] for part in str(text).split("${")[1:]}
        for item in value.values():
            found |= references(item)
    elif isinstance(value, list):
        for item in value:
            found |= references(item)
    return found


def fixed_name(kind: str, properties: dict[str, Any]) -> str | None:
    """The physical name the template fixes for a resource (a literal `...Name` property), if it does."""
    preferred = kind.split("::")[-1] + "Name"
    for key in [preferred, *sorted(properties)]:
        value = properties.get(key)
        # ServiceName and MetricName name what a resource points at, not the resource itself.
        if key.endswith("Name") and isinstance(value, str) and key not in ("ServiceName", "MetricName"):
            return value
    return None


def short(value: Any) -> str:
    """A literal as is; an intrinsic as the resource it points at."""
    target = referenced_id(value)
    if target:
        return f"<{target}>"
    return value if isinstance(value, str) else str(value)


def is_intrinsic(value: Any) -> bool:
    """Whether `value` is an intrinsic function (`Ref`, `Fn::Join`, ...) rather than a literal mapping."""
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _INTRINSICS


_INTRINSICS = {"Ref", "Condition"} | {
    f"Fn::{name}"
    for name in [
        "Base64",
        "Cidr",
        "FindInMap",
        "GetAtt",
        "GetAZs",
        "If",
        "ImportValue",
        "Join",
        "Select",
        "Split",
        "Sub",
        "Equals",
        "And",
        "Or",
        "Not",
        "Length",
    ]
}


def value_at(properties: Any, path: tuple[str, ...]) -> Any:
    """The value at a property path (`ProductionVariants/0/InstanceType`); None where there is none."""
    value = properties
    for step in path:
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


def shown(value: Any, limit: int = 120) -> str:
    """A property value as a person reads it in a plan: a literal as it is, `${Logical.Attr}` for a reference,
    a `Fn::Join` as the text it joins; cut at `limit` characters."""
    text = _text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Ref" in value and len(value) == 1:
        return "${" + str(value["Ref"]) + "}"
    if isinstance(value, dict) and "Fn::GetAtt" in value and len(value) == 1:
        target = value["Fn::GetAtt"]
        return "${" + (".".join(map(str, target)) if isinstance(target, list) else str(target)) + "}"
    if isinstance(value, dict) and "Fn::Join" in value and len(value) == 1:
        separator, parts = value["Fn::Join"]
        if isinstance(parts, list):
            return str(separator).join(_text(part) for part in parts)
    if isinstance(value, dict) and "Fn::Sub" in value and len(value) == 1:
        return str(value["Fn::Sub"][0] if isinstance(value["Fn::Sub"], list) else value["Fn::Sub"])
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
