"""EventBridge deliveries to a queue encrypted with the module key, allowed for the named rules only.

`rule.add_target(SendTo(queue, message_group_id=...))` sends a rule's events to `queue` and leaves the queue's
policy to `allow_rules(queue, [rule], key=key)`: the CDK's SqsQueue target would grant EventBridge the queue
for any rule of the account (aws:SourceAccount alone, for an encrypted queue) and the key for encrypting and
re-encrypting with no condition at all.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
import jsii
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from aws_cdk.interfaces.aws_events import IRuleRef

from mlops_platform.key import ModuleKey


@jsii.implements(events.IRuleTarget)
class SendTo:
    """A rule target that sends to `queue` (a FIFO queue's events in the message group `message_group_id`)."""

    def __init__(self, queue: sqs.IQueue, *, message_group_id: str | None = None) -> None:
        self.queue = queue
        self.message_group_id = message_group_id

    def bind(self, rule: IRuleRef, id: str | None = None) -> events.RuleTargetConfig:
        group = self.message_group_id
        return events.RuleTargetConfig(
            arn=self.queue.queue_arn,
            sqs_parameters=events.CfnRule.SqsParametersProperty(message_group_id=group) if group else None,
        )


def allow_rules(
    queue: sqs.IQueue, rules: Sequence[events.IRule], *, key: ModuleKey | None, sid: str = "TheseRulesSend"
) -> None:
    """Let EventBridge send to `queue` for `rules` of this account; with the queue's `key`, let it use the key
    for this account's queues (ModuleKey.allow_eventbridge_to_queues says why no narrower)."""
    queue.add_to_resource_policy(
        iam.PolicyStatement(
            sid=sid,
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            actions=["sqs:SendMessage"],
            resources=[queue.queue_arn],
            conditions={
                "StringEquals": {"aws:SourceAccount": cdk.Stack.of(queue).account},
                "ArnEquals": {"aws:SourceArn": [rule.rule_arn for rule in rules]},
            },
        )
    )
    if key is not None:
        key.allow_eventbridge_to_queues()
