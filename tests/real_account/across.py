"""Contracts across accounts: a call stated with both sides' policies, its neighbours, and the simulator's verdicts.

A `Call` (rehearsal/iam_simulator.py) names its caller with the identity policies of the caller's
account and its target with the policy of the resource's account; the maintained simulator evaluates both
sides as IAM does across accounts (each must allow, a Deny anywhere wins).
"""

from __future__ import annotations

from dataclasses import dataclass

from rehearsal.iam_simulator import Call, simulate


@dataclass(frozen=True)
class CrossAccountContract:
    """`call` must be allowed; each of `outside` (named by what changed) must be denied."""

    who: str
    what: str
    call: Call
    outside: tuple[tuple[str, Call], ...]


def failures(contracts: list[CrossAccountContract]) -> list[str]:
    """Each call denied, each neighbour allowed, and each context key a call states that its action does not
    carry (AWS would never send it, so a condition on it would not hold): one batch for all of them."""
    checked = [
        (contract, name, call) for contract in contracts for name, call in [("", contract.call), *contract.outside]
    ]
    verdicts = simulate([call for _, _, call in checked])
    found = []
    for (contract, neighbour, call), verdict in zip(checked, verdicts, strict=True):
        where = f"{contract.who}: {contract.what}: {call.action} on {call.target.arn}"
        if not neighbour and not verdict.allowed:
            found.append(f"DENIED ({verdict.result}) {where}")
        if neighbour and verdict.allowed:
            found.append(f"ALLOWED {neighbour}: {where}")
        stated = [key for key in verdict.ignored_context_keys if key in call.context]
        if stated:
            found.append(f"NOT CARRIED {stated}: {where}")
    return found
