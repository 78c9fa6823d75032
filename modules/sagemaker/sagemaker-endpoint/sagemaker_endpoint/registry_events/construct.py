"""This account's default event bus lets the registry's forwarding role in: the statement the registry module's
rule needs to deliver its group's approvals and rejections here (the sagemaker-model-package-group module's
"What a target account must hold").

The default bus has one policy that every statement of the account shares. AWS::Events::EventBusPolicy adds
one statement, by its StatementId, and removes it with the stack: each endpoint adds its own (named after its
stack), so two endpoints of one account that serve the same registry hold two equal statements, and removing
one endpoint leaves the other's in place.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_events as events
from constructs import Construct

from sagemaker_endpoint.registry_events.plan import RegistryEventsSpec

STATE_CHANGE = "SageMaker Model Package State Change"


def bus_policy_statement(spec: RegistryEventsSpec, bus_arn: str) -> dict[str, object]:
    """The registry's forwarding role alone may put events, and only SageMaker's model package state changes.
    `events:source` and `events:detail-type` hold one value per entry of a PutEvents request: every entry must
    be one (ForAllValues), and the keys must be there (Null false), or a request without entries would match."""
    return {
        "Effect": "Allow",
        "Principal": {"AWS": spec.forwarding_role_arn},
        "Action": "events:PutEvents",
        "Resource": bus_arn,
        "Condition": {
            "ForAllValues:StringEquals": {"events:source": ["aws.sagemaker"], "events:detail-type": [STATE_CHANGE]},
            "Null": {"events:source": "false", "events:detail-type": "false"},
        },
    }


def registry_events(scope: Construct, spec: RegistryEventsSpec) -> events.CfnEventBusPolicy:
    """The statement on this account's default bus in this region."""
    stack = cdk.Stack.of(scope)
    bus = stack.format_arn(service="events", resource="event-bus", resource_name="default")
    return events.CfnEventBusPolicy(
        scope,
        "RegistryEventsBusPolicy",
        event_bus_name="default",
        statement_id=spec.statement_id,
        statement=bus_policy_statement(spec, bus),
    )
