"""Calls across accounts, stated with both sides' policies, and whether AWS allows them.

A `Call` names its caller (a role's ARN or a service principal, with the identity policies of its account
that apply to it) and its target (the resource's ARN, the account that owns it, its resource or key
policy). `allowed` follows IAM's evaluation logic: an explicit Deny anywhere wins; in one account either
side may allow (a key's policy must allow, or delegate to the account and an identity policy allow); across
accounts both sides must allow. The maintained simulator (tests/real_account/simulator.py, once it is on
main) takes this over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.real_account.cfn import Template
from tests.real_account.evaluate import Request, decide
from tests.real_account.policies import Document


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    """An IAM policy document holding `statements`."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


@dataclass(frozen=True)
class Caller:
    """Who calls, and the identity policies of its account that apply to it (none for a service)."""

    principal: str
    policies: tuple[dict[str, Any], ...] = ()

    @property
    def account(self) -> str | None:
        return self.principal.split(":")[4] if self.principal.startswith("arn:") else None


@dataclass(frozen=True)
class Target:
    """What is called: its ARN, the account that owns it, and its resource (or key) policy."""

    arn: str
    account: str
    policy: dict[str, Any] | None
    is_key: bool = False


@dataclass(frozen=True)
class Call:
    caller: Caller
    action: str
    target: Target
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CrossAccountContract:
    """`call` must be allowed; each of `outside` (named by what changed) must be denied."""

    who: str
    what: str
    call: Call
    outside: tuple[tuple[str, Call], ...]


PROBE = Template(case="probe", module="probe", raw={"Resources": {}})


def allowed(call: Call) -> bool:
    """Both sides: in one account, either policy may allow (a key's policy must); across accounts, the
    caller's identity policies and the resource's (or key's) policy must both allow; a Deny anywhere wins."""
    request = Request(call.caller.principal, call.action, call.target.arn, call.context)
    identity = [Document(PROBE, "Identity", "identity", tuple(policy["Statement"])) for policy in call.caller.policies]
    statements = tuple((call.target.policy or {}).get("Statement", []))
    target = (
        [Document(PROBE, "Target", "key" if call.target.is_key else "resource", statements, targets=(call.target.arn,))]
        if statements
        else []
    )
    resource, key = ([], target) if call.target.is_key else (target, [])
    if call.caller.account in (None, call.target.account):
        return decide(request, identity, resource, key)
    if call.target.is_key:  # the key policy delegates to the caller's account, whose identity policy must allow
        return decide(request, identity, [], []) and decide(request, identity, [], key)
    return decide(request, identity, [], []) and decide(request, [], resource, [])


def failures(contracts: list[CrossAccountContract]) -> list[str]:
    found = []
    for contract in contracts:
        if not allowed(contract.call):
            found.append(
                f"DENIED {contract.who}: {contract.what}: {contract.call.action} on {contract.call.target.arn}"
            )
        for neighbour, call in contract.outside:
            if allowed(call):
                found.append(
                    f"ALLOWED {neighbour}: {contract.who}: {contract.what}: {call.action} on {call.target.arn}"
                )
    return found
