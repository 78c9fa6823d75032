"""What a second `seedfarmer apply` of the same deployment would do, planned against the last rehearsal.

Per module and resource: added, updated in place, replaced or removed, with the properties that cause
it (replacement from CloudFormation's resource schemas, see rehearsal.replacement), replacements that
follow from a replaced resource a property refers to, what SageMaker does to the endpoint, and the
updates AWS would refuse, as errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rehearsal.decisions import rollout
from rehearsal.replacement import matches, maybe_replacing_properties, replacing_properties
from rehearsal.templates import (
    Template,
    fixed_name,
    is_intrinsic,
    referenced_id,
    references,
    resources,
    shown,
    value_at,
)

ADDED, UPDATED, REPLACED, MAYBE_REPLACED, REMOVED = (
    "added",
    "updated in place",
    "replaced",
    "may be replaced",
    "removed",
)


@dataclass
class Change:
    logical_id: str
    resource_type: str
    action: str
    causes: list[str] = field(default_factory=list)


@dataclass
class ModuleUpdate:
    """One module's update; `changes` empty means no change."""

    module: str
    changes: list[Change] = field(default_factory=list)
    endpoint: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seedfarmer: list[str] = field(default_factory=list)  # what a real `seedfarmer apply` does with the change

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def changed_paths(old: Any, new: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The property paths where `old` and `new` differ (a list of another length, or an intrinsic function
    such as a `Fn::Join`, differs as a whole: its old and new values read better than a path into it)."""
    if isinstance(old, dict) and isinstance(new, dict) and not (is_intrinsic(old) or is_intrinsic(new)):
        return [
            changed
            for key in sorted(set(old) | set(new))
            for changed in changed_paths(old.get(key), new.get(key), (*path, key))
        ]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            changed
            for index, pair in enumerate(zip(old, new, strict=True))
            for changed in changed_paths(*pair, (*path, str(index)))
        ]
    return [] if old == new else [path]


def plan_stack(old: Template, new: Template, region: str) -> tuple[list[Change], list[str]]:
    """The changes from template `old` to `new` and the errors AWS would report for them."""
    before, after = old.get("Resources", {}), new.get("Resources", {})
    changes: dict[str, Change] = {}
    for logical_id in sorted(set(before) - set(after)):
        changes[logical_id] = Change(logical_id, before[logical_id]["Type"], REMOVED)
    for logical_id in sorted(set(after) - set(before)):
        changes[logical_id] = Change(logical_id, after[logical_id]["Type"], ADDED)
    for logical_id in sorted(set(before) & set(after)):
        kind = after[logical_id]["Type"]
        if before[logical_id]["Type"] != kind:
            changes[logical_id] = Change(logical_id, kind, REPLACED, [f"type {before[logical_id]['Type']} -> {kind}"])
            continue
        old, new = before[logical_id].get("Properties") or {}, after[logical_id].get("Properties") or {}
        paths = changed_paths(old, new)
        if paths:
            changed = [(path, f"{shown(value_at(old, path))} -> {shown(value_at(new, path))}") for path in paths]
            changes[logical_id] = _classify(logical_id, kind, changed, region)
    _follow_replacements(after, changes, region)
    errors = _refused(before, after, changes)
    return sorted(changes.values(), key=lambda change: (change.action, change.logical_id)), errors


def _classify(logical_id: str, kind: str, paths: Sequence[tuple[tuple[str, ...], str]], region: str) -> Change:
    replacing, maybe = replacing_properties(kind, region), maybe_replacing_properties(kind, region)
    causes: list[str] = []
    action = UPDATED
    for path, why in paths:
        text = "/".join(path)
        if any(matches(path, schema_path) for schema_path in replacing):
            action = REPLACED
            causes.append(f"{text}: {why} (create-only)")
        elif any(matches(path, schema_path) for schema_path in maybe):
            action = MAYBE_REPLACED if action == UPDATED else action
            causes.append(f"{text}: {why} (may replace)")
        else:
            causes.append(f"{text}: {why}")
    return Change(logical_id, kind, action, causes)


def _follow_replacements(after: dict[str, Any], changes: dict[str, Change], region: str) -> None:
    """A property referring to a replaced resource changes too (a new name, id or ARN): follow until stable."""
    settled = False
    while not settled:
        settled = True
        replaced = {logical_id for logical_id, change in changes.items() if change.action == REPLACED}
        for logical_id, resource in after.items():
            current = changes.get(logical_id)
            if current and current.action == ADDED:
                continue
            paths: list[tuple[tuple[str, ...], str]] = [
                ((str(key),), f"refers to replaced {', '.join(sorted(references(value) & replaced))}")
                for key, value in (resource.get("Properties") or {}).items()
                if references(value) & replaced
            ]
            known = {cause.split(":")[0].split("/")[0] for cause in (current.causes if current else [])}
            paths = [(path, why) for path, why in paths if path[0] not in known]
            if not paths:
                continue
            followed = _classify(logical_id, resource["Type"], paths, region)
            if current:
                current.causes += followed.causes
                if followed.action == REPLACED and current.action != REPLACED:
                    current.action = REPLACED
                    settled = False
                continue
            changes[logical_id] = followed
            settled = settled and followed.action != REPLACED


def _refused(before: dict[str, Any], after: dict[str, Any], changes: dict[str, Change]) -> list[str]:
    """Updates AWS would refuse: a custom-named resource replaced under the same name; an autoscaled
    variant's instance type changed (SageMaker fails the endpoint update while the variant is registered);
    variant names changed under a deployment guardrail (SageMaker's deployment guardrails: Exclusions)."""
    errors = []
    for logical_id, change in changes.items():
        if change.action != REPLACED or logical_id not in before:
            continue
        kind = change.resource_type
        old_name = fixed_name(kind, before[logical_id].get("Properties") or {})
        if old_name and old_name == fixed_name(kind, after[logical_id].get("Properties") or {}):
            errors.append(
                f"{logical_id} ({kind}) must be replaced but keeps its custom name {old_name}: CloudFormation "
                "refuses to replace a custom-named resource; the name must change with it"
            )
    template = {"Resources": after}
    scaled = _scaled_variants(template)
    old_types = _variant_types({"Resources": before})
    new_types = _variant_types(template)
    for variant, instance_type in new_types.items():
        if variant in scaled and variant in old_types and old_types[variant] != instance_type:
            errors.append(
                f"variant {variant}: instance type {old_types[variant]} -> {instance_type} on an autoscaled variant: "
                "SageMaker fails the endpoint update while the variant is registered with Application Auto Scaling; "
                "deregister the scalable target first (or deploy in two steps)"
            )
    for variant in sorted(_scaled_variants({"Resources": before}) & set(old_types) - set(new_types)):
        errors.append(
            f"variant {variant} is removed while registered with Application Auto Scaling: SageMaker fails the "
            "endpoint update; deregister the scalable target first (or deploy in two steps)"
        )
    old_names = _guarded_variant_names({"Resources": before})
    for logical_id, names in _guarded_variant_names(template).items():
        if logical_id in old_names and sorted(old_names[logical_id]) != sorted(names):
            errors.append(
                f"endpoint {logical_id}: variants {', '.join(old_names[logical_id])} -> {', '.join(names)} under its "
                "deployment guardrail: SageMaker requires a blue/green or rolling update to keep the variant names; "
                "keep them, or serve the new variants from another endpoint"
            )
    return errors


def _guarded_variant_names(template: Template) -> dict[str, list[str]]:
    """Per endpoint updated under a deployment guardrail (a DeploymentConfig), the variant names it serves."""
    configs = dict(resources(template, "AWS::SageMaker::EndpointConfig"))
    return {
        logical_id: [
            str(variant.get("VariantName"))
            for variant in configs.get(referenced_id(endpoint.get("EndpointConfigName")) or "", {}).get(
                "ProductionVariants", []
            )
        ]
        for logical_id, endpoint in resources(template, "AWS::SageMaker::Endpoint")
        if endpoint.get("DeploymentConfig")
    }


def _scaled_variants(template: Template) -> set[str]:
    """The variants a scalable target of the template registers (`endpoint/<name>/variant/<variant>`)."""
    return {
        str(part).rsplit("/variant/", 1)[-1].split("/")[0]
        for _, target in resources(template, "AWS::ApplicationAutoScaling::ScalableTarget")
        for part in _join_parts(target.get("ResourceId"))
        if "/variant/" in str(part)
    }


def _join_parts(value: Any) -> list[Any]:
    if isinstance(value, dict) and "Fn::Join" in value:
        return list(value["Fn::Join"][1])
    return [value]


def _variant_types(template: Template) -> dict[str, str]:
    """Instance type per variant of the configs the template's endpoints serve."""
    configs = dict(resources(template, "AWS::SageMaker::EndpointConfig"))
    served = {}
    for _, endpoint in resources(template, "AWS::SageMaker::Endpoint"):
        config = configs.get(referenced_id(endpoint.get("EndpointConfigName")) or "", {})
        for variant in config.get("ProductionVariants", []):
            if variant.get("InstanceType"):
                served[str(variant.get("VariantName"))] = str(variant["InstanceType"])
    return served


def endpoint_update(new: Template, changes: list[Change]) -> list[str]:
    """What SageMaker does to each endpoint whose configuration changes."""
    lines = []
    by_id = {change.logical_id: change for change in changes}
    for logical_id, endpoint in resources(new, "AWS::SageMaker::Endpoint"):
        change = by_id.get(logical_id)
        if change is None or change.action == ADDED:
            continue
        if change.action == REPLACED:
            lines.append(f"endpoint <{logical_id}> is replaced: a new endpoint, then the old one deleted")
        else:
            lines.append(f"endpoint <{logical_id}> updated in place: {rollout(endpoint.get('DeploymentConfig'))}")
    return lines


def package_versions(old: Template, new: Template) -> list[str]:
    """Per model whose model package changes, the versions before and after, and which way they go."""
    lines = []
    before = _packages(old)
    for logical_id, packages in _packages(new).items():
        for old_arn, new_arn in zip(before.get(logical_id, []), packages, strict=False):
            if old_arn == new_arn:
                continue
            old_group, _, old_version = old_arn.rpartition("/")
            new_group, _, new_version = new_arn.rpartition("/")
            if old_group != new_group or not (old_version.isdigit() and new_version.isdigit()):
                lines.append(f"model <{logical_id}>: model package {old_arn} -> {new_arn}")
                continue
            way = "a newer version" if int(new_version) > int(old_version) else "an OLDER version: a rollback"
            name = new_group.rsplit("/", 1)[-1]
            lines.append(f"model <{logical_id}>: model package {name} version {old_version} -> {new_version} ({way})")
    return lines


def _packages(template: Template) -> dict[str, list[str]]:
    """Per model, the model package ARNs its containers serve, when the template names them literally."""
    found = {}
    for logical_id, model in resources(template, "AWS::SageMaker::Model"):
        containers = [model.get("PrimaryContainer") or {}, *(model.get("Containers") or [])]
        arns = [str(c["ModelPackageName"]) for c in containers if isinstance(c.get("ModelPackageName"), str)]
        if arns:
            found[logical_id] = arns
    return found
