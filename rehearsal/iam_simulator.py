"""Whether AWS allows a call, decided by a maintained IAM simulator that evaluates across accounts.

Every service contract of the tests (tests/real_account/) and every cross-account precondition of the
rehearsal (rehearsal/across_accounts.py) is decided here, by `@cloud-copilot/iam-simulate` (pinned in package.json,
installed by `make install`; rehearsal/iam_simulate.mjs is the bridge), which implements IAM's
policy evaluation logic: an explicit Deny anywhere wins; in one account, an Allow in the caller's
identity policies or in the resource policy suffices (KMS is the exception: the key policy must allow
the caller, or allow its account and an identity policy allow it too); across accounts, the resource
policy must allow the caller (or its account) AND the caller's identity policies must allow the call;
a permissions boundary limits what the identity policies grant; a service principal has no identity
policy, so the resource policy alone decides.

A `Call` states both sides. The caller: a role's ARN (its account is read from it) with its identity
policies and permissions boundary, or a service principal (`events.amazonaws.com`) with the account and
resource it acts for (`aws:SourceAccount`, `aws:SourceArn`). The target: the resource's ARN, its account
(S3 ARNs carry none), its resource policy (bucket, key, repository, event bus, model package group
policy) and its tags. Policies are IAM policy documents, as in a template. Organizations' SCPs and RCPs
are not modelled: the simulator takes them, a `Call` does not yet.

The context holds what AWS adds to every authenticated request (`aws:SecureTransport`,
`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalIsAWSService`, `aws:PrincipalServiceName`,
`aws:ResourceAccount`, `aws:RequestedRegion` when the ARN names a region, `kms:CallerAccount` on a KMS
call, `aws:ResourceTag/<key>` for each of the target's tags) plus the call's own keys, which win: a call
made through another service states `kms:ViaService`, `aws:CalledVia` and `aws:ViaAWSService` itself. A
key the action does not carry is dropped by the simulator as AWS would never send it, and reported in
`Verdict.ignored_context_keys`.

Many calls are evaluated in one round trip to one Node.js process, which lives as long as the Python
process (one per test worker, one per rehearsal): `simulate([...])`, never one process per call.

A model registry in account 111111111111 grants the dev account 222222222222 its model artifacts: the
bucket policy names the dev account, and the dev endpoint's role has its own identity policy. The call
from the dev account is allowed; the same role in an account outside the mapping is denied, as its
identity policy alone cannot reach into another account:

>>> read = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::registry-models/*"}
>>> bucket = Target(
...     "arn:aws:s3:::registry-models/fraud/model.tar.gz",
...     account="111111111111",
...     policy=policy({**read, "Principal": {"AWS": "arn:aws:iam::222222222222:root"}}),
... )
>>> dev = Caller("arn:aws:iam::222222222222:role/endpoint", identity_policies=(policy(read),))
>>> outside = Caller("arn:aws:iam::999999999999:role/endpoint", identity_policies=(policy(read),))
>>> [verdict.result for verdict in simulate([Call(dev, "s3:GetObject", bucket), Call(outside, "s3:GetObject", bucket)])]
['Allowed', 'ImplicitlyDenied']
"""

from __future__ import annotations

import atexit
import json
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BRIDGE = Path(__file__).with_name("iam_simulate.mjs")
LIBRARY = ROOT / "node_modules" / "@cloud-copilot" / "iam-simulate"

Policy = Mapping[str, Any]
ContextValue = str | list[str]


def policy(*statements: Mapping[str, Any]) -> dict[str, Any]:
    """An IAM policy document holding `statements`."""
    return {"Version": "2012-10-17", "Statement": [dict(statement) for statement in statements]}


def is_service(principal: str) -> bool:
    return principal.endswith(".amazonaws.com")


@dataclass(frozen=True)
class Caller:
    """Who calls: a role's ARN with its identity policies and permissions boundary, or a service principal
    (which has neither) acting for a resource: `source_account` and `source_arn` become the request's
    `aws:SourceAccount` and `aws:SourceArn`."""

    principal: str
    identity_policies: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    source_account: str | None = None
    source_arn: str | None = None

    @property
    def account(self) -> str | None:
        """The role's account, or the account a service principal acts for."""
        match = re.match(r"arn:aws:(?:iam|sts)::(\d{12}):", self.principal)
        return match[1] if match else self.source_account


@dataclass(frozen=True)
class Target:
    """What is called: the resource's ARN, the account that owns it, its resource policy (a bucket, key,
    repository, event bus or model package group policy) and its tags."""

    arn: str
    account: str
    policy: Policy | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """`caller` calls `action` on `target`, with the request's own context keys."""

    caller: Caller
    action: str
    target: Target
    context: Mapping[str, ContextValue] = field(default_factory=dict)

    def request_context(self) -> dict[str, ContextValue]:
        """The keys AWS adds to every authenticated request, the target's tags, then the call's own."""
        principal, added = self.caller.principal, {"aws:SecureTransport": "true"}
        if is_service(principal):
            added |= {"aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": principal}
            if self.caller.source_account:
                added["aws:SourceAccount"] = self.caller.source_account
            if self.caller.source_arn:
                added["aws:SourceArn"] = self.caller.source_arn
        else:
            added |= {"aws:PrincipalIsAWSService": "false", "aws:PrincipalArn": principal}
            added |= {"aws:PrincipalAccount": self.caller.account or ""}
            if self.action.startswith("kms:"):
                added["kms:CallerAccount"] = self.caller.account or ""
        added["aws:ResourceAccount"] = self.target.account
        region = self.target.arn.split(":")[3] if self.target.arn.count(":") >= 5 else ""
        if region:
            added["aws:RequestedRegion"] = region
        tags = {f"aws:ResourceTag/{key}": value for key, value in self.target.tags.items()}
        return {**added, **tags, **self.context}

    def simulation(self) -> dict[str, Any]:
        """The call in the simulator's own shape (its `Simulation` type)."""
        caller = self.caller
        found: dict[str, Any] = {
            "request": {
                "principal": caller.principal,
                "action": self.action,
                "resource": {"resource": self.target.arn, "accountId": self.target.account},
                "contextVariables": self.request_context(),
            },
            "identityPolicies": [
                {"name": f"identity-{index}", "policy": document}
                for index, document in enumerate(caller.identity_policies)
            ],
            "serviceControlPolicies": [],
            "resourceControlPolicies": [],
        }
        if self.target.policy is not None:
            found["resourcePolicy"] = self.target.policy
        if caller.boundary is not None:
            found["permissionBoundaryPolicies"] = [{"name": "boundary", "policy": caller.boundary}]
        return found


@dataclass(frozen=True)
class Verdict:
    """The simulator's answer: Allowed, ExplicitlyDenied or ImplicitlyDenied, the context keys it dropped
    because the action does not carry them, and those the bridge put back (iam_simulate.mjs: the library drops
    `kms:EncryptionContext:<key>`, which KMS's cryptographic operations carry)."""

    result: str
    ignored_context_keys: tuple[str, ...] = ()
    corrected_context_keys: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.result == "Allowed"


class SimulationError(Exception):
    """The simulator refused a call: an unknown action, a resource of a type the action does not take,
    or an invalid policy. A contract that states such a call is wrong."""


class _Bridge:
    """One Node.js process running iam_simulate.mjs, answering one line of JSON per batch."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None or not LIBRARY.is_dir():
            raise SimulationError(f"the IAM simulator needs Node.js and {LIBRARY}: run `make install`")
        self.process = subprocess.Popen(
            [node, str(BRIDGE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        atexit.register(self.close)

    def run(self, simulations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps({"simulations": simulations}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SimulationError(f"the IAM simulator stopped (exit code {self.process.wait()})")
        results: list[dict[str, Any]] = json.loads(line)["results"]
        return results

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=30)


_bridges: list[_Bridge] = []


def simulate(calls: Sequence[Call], *, corrected: bool = True) -> list[Verdict]:
    """The simulator's verdict on each call, in order, in one round trip (`corrected=False`: the library's
    own, without the bridge's one correction)."""
    if not calls:
        return []
    if not _bridges:
        _bridges.append(_Bridge())
    answers = _bridges[0].run([{**call.simulation(), "raw": not corrected} for call in calls])
    verdicts = []
    for call, answer in zip(calls, answers, strict=True):
        if answer["result"] == "Error":
            raise SimulationError(f"{call.action} on {call.target.arn} by {call.caller.principal}: {answer['errors']}")
        ignored, restored = tuple(answer["ignoredContextKeys"]), tuple(answer["corrected"])
        verdicts.append(Verdict(answer["result"], ignored, restored))
    return verdicts


def explain(call: Call) -> dict[str, Any]:
    """The simulator's full analysis of one call (which statements matched and why), for investigating a
    verdict."""
    if not _bridges:
        _bridges.append(_Bridge())
    [answer] = _bridges[0].run([{**call.simulation(), "explain": True}])
    return answer
