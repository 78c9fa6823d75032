"""Acknowledgements of rule-pack findings: each on the one resource it concerns, with the reviewer's answer.

cdk-nag runs AwsSolutions, NIST 800-53 rev 5 and HIPAA Security on every synthesis and the Control Tower
rules run wherever templates are validated (assembly.py); a finding neither fixed nor acknowledged stops
the synthesis. docs/security.md lists every acknowledgement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import IConstruct

PACKS = ("NIST.800.53.R5", "HIPAA.Security")
# AWS Control Tower's proactive controls, as the cfn-guard validation plugin names them.
GUARD = "cdk-validator-cfnguard"

# Why each statement the library's constructs write with a wildcard resource cannot be narrower.
WILDCARD_REASONS = {
    "WriteOwnLogs": "Log streams are created by Lambda under the function's own log group only.",
    "SendTraces": "X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions.",
    "FunctionInterfacesInVpc": (
        "Lambda creates the function's network interfaces (their ids and subnets' interfaces are unknown "
        "before); limited to this VPC by the ec2:Vpc condition where the action supports it."
    ),
    "DescribeNetwork": "EC2 Describe actions support no resource-level permissions; they are read-only.",
}


def acknowledge(scope: IConstruct, rule: str, reason: str, packs: tuple[str, ...] = PACKS) -> None:
    """Acknowledge `rule` (for example `LambdaDLQ`) of each pack on `scope` only."""
    for pack in packs:
        cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=f"{pack}::{pack}-{rule}", reason=reason))


def acknowledge_guard(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge a Control Tower Guard rule (for example `sqs_dlq_check`) on `scope` only."""
    cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=f"{GUARD}::{rule}", reason=reason))


def acknowledge_wildcards(
    policy: iam.ManagedPolicy, statements: Iterable[iam.PolicyStatement], reasons: Mapping[str, str]
) -> None:
    """Acknowledge on `policy` each wildcard resource of `statements`, with its statement's reason (by sid)."""
    for acknowledgement in wildcard_acknowledgements(list(statements), cdk.Stack.of(policy), reasons):
        cdk.Validations.of(policy.node.default_child).acknowledge(acknowledgement)  # type: ignore[arg-type]


def wildcard_acknowledgements(
    statements: list[iam.PolicyStatement], stack: cdk.Stack, reasons: Mapping[str, str]
) -> list[cdk.Acknowledgment]:
    """One cdk-nag acknowledgement per wildcard resource, with its statement's reason; a statement naming a
    wildcard with no reason is an error (every wildcard is a reviewer's decision)."""
    found: dict[str, list[str]] = {}
    for statement in statements:
        for resource in statement.resources:
            if "*" not in resource:
                continue
            sid = statement.sid or ""
            if sid not in reasons:
                raise ValueError(f"statement {sid} names {resource}, and no reason says why it cannot be narrower")
            finding = f"AwsSolutions::AwsSolutions-IAM5[Resource::{_nag_form(resource, stack)}]"
            reason = f"{sid}: {reasons[sid]}"
            if reason not in found.setdefault(finding, []):
                found[finding].append(reason)
    return [cdk.Acknowledgment(id=finding, reason=" ".join(found[finding])) for finding in sorted(found)]


def _nag_form(resource: str, stack: cdk.Stack) -> str:
    """The resource as cdk-nag writes it in a finding: each `Ref` as `<Name>` (the partition as
    `<AWS::Partition>`), each `Fn::GetAtt` as `<LogicalId.Attribute>` (a domain's id, say)."""
    return _rendered(stack.resolve(resource))


def _rendered(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        [(function, argument)] = value.items()
        if function == "Ref":
            return f"<{argument}>"
        if function == "Fn::GetAtt":
            return f"<{argument[0]}.{argument[1]}>"
        if function == "Fn::Join":
            return str(argument[0]).join(_rendered(part) for part in argument[1])
    raise ValueError(f"cannot write {value} as cdk-nag names a resource")
