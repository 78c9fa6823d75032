"""The rule that forwards the group's approvals and rejections to other accounts' event buses, and its role.

SageMaker sends "SageMaker Model Package State Change" events to the default bus of the registry's account;
the rule sends the group's Approved and Rejected ones on to each target bus with its role, which may put
events on those buses only. Each target account's bus policy must let the role in (grants.bus_policy_statement).
"""

from __future__ import annotations

import re

from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from constructs import Construct

from sagemaker_model_package_group.plan import ForwardingSpec

# The states a workload cares about: a version approved (serve it) or rejected (stop serving it).
FORWARDED_APPROVAL_STATES = ["Approved", "Rejected"]


def event_pattern(group_name: str) -> dict[str, object]:
    return {
        "source": ["aws.sagemaker"],
        "detail-type": ["SageMaker Model Package State Change"],
        "detail": {"ModelPackageGroupName": [group_name], "ModelApprovalStatus": FORWARDED_APPROVAL_STATES},
    }


def target_id(bus_arn: str) -> str:
    """A rule target's id that names the bus (`222222222222-default`): stable whatever the order of the buses."""
    account, name = bus_arn.split(":")[4], bus_arn.split(":event-bus/", 1)[1]
    return re.sub(r"[^.\-_A-Za-z0-9]", "-", f"{account}-{name}")[:64]


class EventForwarding(Construct):
    """`rule` delivers the group's state changes to each bus of the spec as `role`."""

    def __init__(self, scope: Construct, id: str, *, spec: ForwardingSpec, group_name: str, account: str) -> None:
        super().__init__(scope, id)
        self.role = iam.Role(
            self,
            "TargetRole",
            # EventBridge may take the role only for this rule of this account (the confused deputy).
            assumed_by=iam.ServicePrincipal(
                "events.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": account, "aws:SourceArn": spec.rule_arn}},
            ),
            path="/service-role/",
            description=f"Forwards the state changes of model package group {group_name} to the target accounts",
        )
        self.policy = iam.ManagedPolicy(
            self,
            "TargetPolicy",
            description=f"Puts the state changes of model package group {group_name} on the target buses",
            statements=[
                iam.PolicyStatement(
                    sid="PutEventsOnTheTargetBuses", actions=["events:PutEvents"], resources=list(spec.buses)
                )
            ],
            roles=[self.role],
        )
        self.rule = events.CfnRule(
            self,
            "Rule",
            name=spec.rule_name,
            description=f"Forwards the approvals and rejections of model package group {group_name}",
            event_pattern=event_pattern(group_name),
            state="ENABLED",
            targets=[
                events.CfnRule.TargetProperty(arn=bus, id=target_id(bus), role_arn=self.role.role_arn)
                for bus in spec.buses
            ],
        )
        # The role's policy must be in place before EventBridge first delivers with it.
        self.rule.node.add_dependency(self.policy)
