"""What `seedfarmer destroy` leaves in each account, and why each thing left is kept by design: Seed-Farmer's
project stacks, what a template's DeletionPolicy keeps, and what AWS or the emulator leave for a known reason;
anything else fails the run."""

from __future__ import annotations

from typing import Any

from e2e.account import Account, Inventory, added, inventory, stack_resources
from e2e.steps import CheckFailed
from e2e.world import World

PROJECT = "mlops"  # seedfarmer.yaml


def kept_by_design(account: Account, leftovers: Inventory, project: str) -> tuple[Inventory, Inventory]:
    """Split what destroy left into what Seed-Farmer keeps by design and the rest.

    Seed-Farmer keeps its project's stacks (the seedkit `aws-codeseeder-<project>`, the bucket stack
    `seedfarmer-<project>-artifacts` and the project policy `<project>-managed-policy`) and what they hold.
    """
    stacks = {name for name in leftovers.get("CloudFormation stack", set()) if _seedfarmer_stack(name, project)}
    held = set().union(*(stack_resources(account, stack) for stack in stacks)) if stacks else set()
    kept: Inventory = {}
    rest: Inventory = {}
    for kind, identifiers in leftovers.items():
        for identifier in identifiers:
            keep = identifier in stacks or any(_same(identifier, h) for h in held)
            (kept if keep else rest).setdefault(kind, set()).add(identifier)
    return kept, rest


def _same(identifier: str, physical_id: str) -> bool:
    """A listed identifier is a stack's physical id, or the name at the end of that ARN (and vice versa)."""
    return identifier == physical_id or physical_id.endswith(f"/{identifier}") or identifier.endswith(f"/{physical_id}")


# What destroy leaves for a known reason other than a DeletionPolicy: kind -> (identifiers starting with, why).
OTHER_LEFTOVERS = {
    "elastic IP": ("", "the emulator differs from AWS: moto's AWS::EC2::EIP has no delete"),
    "internet gateway": ("", "the emulator differs from AWS: moto's AWS::EC2::InternetGateway has no delete"),
    "log group": (
        "/aws/lambda/",
        "as in AWS: Lambda creates a function's log group outside its stack (AWS when the function first runs, "
        "the emulator when it creates the function), so deleting the stack leaves it",
    ),
}
KEPT_POLICIES = ("Retain", "RetainExceptOnCreate")


def retained_resources(account: Account) -> dict[str, str]:
    """Per physical id, why a stack of the account keeps that resource when it is deleted: its DeletionPolicy
    (`RetainExceptOnCreate`: kept unless the stack's first creation fails), read before `seedfarmer destroy`."""
    cloudformation = account.client("cloudformation")
    kept = {}
    for stack in cloudformation.describe_stacks()["Stacks"]:
        if stack["StackStatus"] == "DELETE_COMPLETE":
            continue
        name = stack["StackName"]
        resources = _template(cloudformation.get_template(StackName=name)["TemplateBody"], name).get("Resources", {})
        policies = {
            logical_id: resource["DeletionPolicy"]
            for logical_id, resource in resources.items()
            if resource.get("DeletionPolicy") in KEPT_POLICIES
        }
        for summary in cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"]:
            policy = policies.get(summary["LogicalResourceId"])
            if policy and summary.get("PhysicalResourceId"):
                kept[summary["PhysicalResourceId"]] = f"{name} {summary['LogicalResourceId']}, DeletionPolicy {policy}"
    return kept


def _template(body: Any, stack: str) -> dict[str, Any]:
    """A stack's template as boto3 returns it: parsed JSON, or text (YAML with CloudFormation's tags)."""
    if isinstance(body, dict):
        return body
    from cfnlint.decode.decode import decode_str

    template, errors = decode_str(str(body))
    if template is None:
        raise CheckFailed(f"the template of stack {stack} cannot be read: {errors}")
    return dict(template)


def kept_by_deletion_policy(leftovers: Inventory, retained: dict[str, str]) -> tuple[Inventory, Inventory]:
    """Split what destroy left into what a template keeps by its DeletionPolicy (as AWS keeps it) and the rest;
    each kept identifier says which stack and resource keep it."""
    kept: Inventory = {}
    rest: Inventory = {}
    for kind, identifiers in leftovers.items():
        for identifier in identifiers:
            why = next((why for physical, why in retained.items() if _same(identifier, physical)), None)
            if why:
                kept.setdefault(f"{kind} (kept by its stack's DeletionPolicy, as in AWS)", set()).add(
                    f"{identifier} ({why})"
                )
            else:
                rest.setdefault(kind, set()).add(identifier)
    return kept, rest


def _seedfarmer_stack(name: str, project: str) -> bool:
    return name in (f"aws-codeseeder-{project}", f"seedfarmer-{project}-artifacts", f"{project}-managed-policy")


def explained_leftovers(leftovers: Inventory) -> tuple[Inventory, Inventory]:
    """Split what destroy left into what OTHER_LEFTOVERS explains (by kind, with why) and the rest."""
    explained: Inventory = {}
    rest: Inventory = {}
    for kind, identifiers in leftovers.items():
        prefix, why = OTHER_LEFTOVERS.get(kind, (None, ""))
        for identifier in identifiers:
            if prefix is not None and identifier.startswith(prefix):
                explained.setdefault(f"{kind} ({why})", set()).add(identifier)
            else:
                rest.setdefault(kind, set()).add(identifier)
    return explained, rest


def retained(world: World) -> dict[str, dict[str, str]]:
    return {account: retained_resources(world.account(account)) for account in world.accounts.ids}


def nothing_left(
    world: World, before: dict[str, Inventory], retained: dict[str, dict[str, str]]
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """What destroy left in each account, all of it explained: Seed-Farmer's project stacks, what a template's
    DeletionPolicy keeps, and what OTHER_LEFTOVERS explains; anything else fails the step."""
    kept_all: dict[str, set[str]] = {}
    rest_all: dict[str, set[str]] = {}
    for account in world.accounts.ids:
        aws = world.account(account)
        leftovers = added(before[account], inventory(aws))
        kept, rest = kept_by_design(aws, leftovers, PROJECT)
        kept = {f"{kind} (kept by Seed-Farmer)": identifiers for kind, identifiers in kept.items()}
        by_policy, rest = kept_by_deletion_policy(rest, retained[account])
        kept.update(by_policy)
        explained, rest = explained_leftovers(rest)
        kept.update(explained)
        prefix = f"{world.accounts.name(account)}: " if world.accounts.several else ""
        for kind, identifiers in kept.items():
            kept_all.setdefault(prefix + kind, set()).update(identifiers)
        for kind, identifiers in rest.items():
            rest_all.setdefault(prefix + kind, set()).update(identifiers)
    if rest_all:
        listed = "; ".join(f"{kind}: {', '.join(sorted(ids))}" for kind, ids in sorted(rest_all.items()))
        raise CheckFailed(f"destroy left {listed}")
    return kept_all, rest_all
