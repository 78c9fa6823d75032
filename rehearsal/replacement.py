"""Which property changes make CloudFormation replace a resource, from the resource schemas cfn-lint ships.

A property in a schema's `createOnlyProperties` cannot be changed in place: CloudFormation creates a new
resource and deletes the old one. `conditionalCreateOnlyProperties` may do so, depending on the change.
Paths are returned without the `/properties/` prefix, with `/` between levels (`VpcConfig/Subnets`),
and `*` for any list item, as the schemas write them.
"""

from __future__ import annotations

import functools

DEFAULT_REGION = "us-east-1"


@functools.cache
def _schema(resource_type: str, region: str) -> dict[str, object]:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER, ResourceNotFoundError

    if not resource_type.startswith("AWS::"):
        return {}
    try:
        schema: dict[str, object] = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type).schema
    except ResourceNotFoundError:
        return {}
    return schema


def _paths(resource_type: str, key: str, region: str) -> frozenset[str]:
    listed = _schema(resource_type, region).get(key) or []
    assert isinstance(listed, list)
    return frozenset(str(path).removeprefix("/properties/") for path in listed)


def replacing_properties(resource_type: str, region: str = DEFAULT_REGION) -> frozenset[str]:
    """The property paths whose change replaces a resource of `resource_type` (its createOnlyProperties)."""
    return _paths(resource_type, "createOnlyProperties", region)


def maybe_replacing_properties(resource_type: str, region: str = DEFAULT_REGION) -> frozenset[str]:
    """The property paths whose change may replace it, depending on the change (conditionalCreateOnlyProperties)."""
    return _paths(resource_type, "conditionalCreateOnlyProperties", region)


def matches(changed: tuple[str, ...], schema_path: str) -> bool:
    """Whether a changed property path falls under a schema path (`*` matches any list index)."""
    # Compared over the shorter of the two: a change above the schema's path (a whole list) includes it,
    # and a change below it (one field of a replacing property) is part of it.
    parts = schema_path.split("/")
    return all(part in ("*", step) for part, step in zip(parts, changed, strict=False))
