"""Where an event a rule forwards to another account's bus goes: whether that bus's policy lets the rule's role
put it, and which rules there hear it; read from the emulated accounts once every module has deployed.

A registry's rule forwards its group's approvals to each workload account's default bus, as a role of the
registry's account; the workload's bus policy must let that role in (its endpoint module adds the statement),
and a rule there, matching events of the registry's account, turns an approval into a notification or a
redeploy. moto delivers no event and evaluates no policy: the route is traced here, the policies decided by the
IAM simulator with both sides' (the role's identity policies in its account, the bus policy in the other), and
each rule's pattern matched against the event the forwarding rule's pattern describes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rehearsal.accounts import Accounts
from rehearsal.emulator import EmulatorServer
from rehearsal.iam_simulator import Call, Caller, SimulationError, Target, simulate


@dataclass
class Routes:
    """Each forwarding checked, one line each; `problems`: forwarded events a rule waits for but never gets."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Forward:
    rule: str
    pattern: dict[str, Any]
    role: str
    source: str  # the forwarding rule's account
    target: str  # the receiving account
    bus: str
    region: str


def trace(server: EmulatorServer, accounts: Accounts) -> Routes:
    """Every rule of an emulated account that forwards to another emulated account's bus, traced."""
    forwards = [
        forward for account, region in accounts.places() for forward in _forwards(server, accounts, account, region)
    ]
    routes = Routes()
    if not forwards:
        return routes
    try:
        verdicts = simulate([_call(server, forward) for forward in forwards])
    except SimulationError as error:
        routes.problems.append(f"the forwarding across accounts could not be evaluated: {error}")
        return routes
    for forward, verdict in zip(forwards, verdicts, strict=True):
        hearing = _listeners(server, forward)
        where = f"rule {forward.rule} in {accounts.name(forward.source)} forwards to {forward.bus}"
        heard = "; ".join(hearing) if hearing else f"no rule in {accounts.name(forward.target)} hears it"
        if verdict.allowed:
            routes.lines.append(f"{where}: allowed by its bus policy (as {forward.role}); {heard}")
        elif hearing:
            routes.problems.append(
                f"{where}, but its bus policy does not let {forward.role} put events ({verdict.result}): the rule(s) "
                f"waiting there never fire ({heard})"
            )
        else:
            routes.lines.append(
                f"{where}: refused by its bus policy ({verdict.result}); nothing there listens, and EventBridge counts "
                f"each delivery as a FailedInvocation of {forward.rule}"
            )
    return routes


def _forwards(server: EmulatorServer, accounts: Accounts, account: str, region: str) -> list[_Forward]:
    events = server.account(account, region).client("events")
    found = []
    for rule in events.list_rules()["Rules"]:
        for target in events.list_targets_by_rule(Rule=rule["Name"])["Targets"]:
            arn = str(target["Arn"])
            parts = arn.split(":")
            if (
                parts[2:3] != ["events"]
                or ":event-bus/" not in arn
                or parts[4] == account
                or parts[4] not in accounts.ids
            ):
                continue
            pattern = json.loads(rule.get("EventPattern") or "{}")
            found.append(
                _Forward(rule["Name"], pattern, str(target.get("RoleArn", "")), account, parts[4], arn, parts[3])
            )
    return found


def _call(server: EmulatorServer, forward: _Forward) -> Call:
    """events:PutEvents of the forwarded event by the rule's role, with its identity policies and the bus's policy."""
    bus_name = forward.bus.rsplit("/", 1)[1]
    described = server.account(forward.target, forward.region).client("events").describe_event_bus(Name=bus_name)
    bus_policy = json.loads(described["Policy"]) if described.get("Policy") else None
    context = {
        key: [str(value) for value in forward.pattern.get(field_name) or []][:1]
        for key, field_name in (("events:source", "source"), ("events:detail-type", "detail-type"))
        if forward.pattern.get(field_name)
    }
    role = Caller(forward.role, tuple(_role_policies(server, forward.source, forward.role)))
    return Call(role, "events:PutEvents", Target(forward.bus, forward.target, bus_policy), context)


def _role_policies(server: EmulatorServer, account: str, role_arn: str) -> list[dict[str, Any]]:
    iam = server.account(account).client("iam")
    name = role_arn.rsplit("/", 1)[1]
    try:
        inline = [
            iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]
            for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]
        ]
        attached = []
        for item in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
            version = iam.get_policy(PolicyArn=item["PolicyArn"])["Policy"]["DefaultVersionId"]
            attached.append(
                iam.get_policy_version(PolicyArn=item["PolicyArn"], VersionId=version)["PolicyVersion"]["Document"]
            )
    except iam.exceptions.NoSuchEntityException:
        return []
    return [document if isinstance(document, dict) else json.loads(document) for document in [*inline, *attached]]


def _listeners(server: EmulatorServer, forward: _Forward) -> list[str]:
    """The rules on the receiving bus that match the event the forwarding rule sends, each with its targets."""
    from moto.events.models import EventPattern

    event = _event(forward)
    events = server.account(forward.target, forward.region).client("events")
    bus_name = forward.bus.rsplit("/", 1)[1]
    heard = []
    for rule in events.list_rules(EventBusName=bus_name)["Rules"]:
        if not rule.get("EventPattern") or not EventPattern.load(rule["EventPattern"]).matches_event(event):
            continue
        targets = [
            str(target["Arn"])
            for target in events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus_name)["Targets"]
        ]
        heard.append(f"rule {rule['Name']} there hears it (targets: {', '.join(targets) or 'none'})")
    return heard


def _event(forward: _Forward) -> Any:
    """The event the forwarding rule's pattern describes, as it arrives in the other account: its `account` is
    still the account it happened in."""

    def first(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: first(item) for key, item in value.items()}
        return value[0] if isinstance(value, list) and value and not isinstance(value[0], dict) else value

    pattern = first(forward.pattern)
    return {
        "version": "0",
        "id": "rehearsal",
        "source": pattern.get("source", ""),
        "detail-type": pattern.get("detail-type", ""),
        "account": forward.source,
        "region": forward.region,
        "time": "2026-01-01T00:00:00Z",
        "resources": [],
        "detail": pattern.get("detail", {}),
    }
