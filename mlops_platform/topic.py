"""A notifications topic encrypted with the module key, which each AWS service may publish to only for its sources.

`NotificationTopic(scope, "NotificationTopic", key=key)` is an `sns.Topic` (KMS-encrypted, TLS only). Its
policy starts with no publisher: `allow_alarms` lets CloudWatch publish for the named alarms, `allow_rules`
lets EventBridge publish for the named rules, and `grant_publish` (the CDK's) gives a role the topic and the
key. `PublishTo(topic)` is the rule target that leaves the topic's policy to `allow_rules` (the CDK's SnsTopic
target grants EventBridge publishing with no source condition).
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
import jsii
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk.interfaces.aws_events import IRuleRef
from constructs import Construct

from mlops_platform.key import ModuleKey


class NotificationTopic(sns.Topic):
    """A topic encrypted with `key`; publishers are added by source (`allow_alarms`, `allow_rules`)."""

    def __init__(self, scope: Construct, id: str, *, key: ModuleKey) -> None:
        key.allow_service_sends("events.amazonaws.com", sid="EventBridgeSendsToEncryptedQueuesAndTopics")
        key.allow_service_sends("cloudwatch.amazonaws.com", sid="CloudWatchAlarmsPublishToEncryptedTopic")
        super().__init__(scope, id, master_key=key, enforce_ssl=True)
        self.key = key

    def allow_alarms(self, alarm_arns: Sequence[str], *, sid: str = "CloudWatchAlarmsOfThisAccountPublish") -> None:
        """Let CloudWatch publish for the alarms `alarm_arns` of this account."""
        allow_alarms(self, alarm_arns, sid=sid)

    def allow_rules(self, rules: Sequence[events.IRule], *, sid: str = "TheseRulesPublish") -> None:
        """Let EventBridge publish for `rules` of this account."""
        allow_rules(self, rules, sid=sid)


def allow_alarms(
    topic: sns.ITopic, alarm_arns: Sequence[str], *, sid: str = "CloudWatchAlarmsOfThisAccountPublish"
) -> None:
    """Let CloudWatch publish to `topic` for the alarms `alarm_arns` of this account (a topic given by ARN keeps
    its own policy: this adds nothing to it)."""
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            sid=sid,
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={
                "StringEquals": {"aws:SourceAccount": cdk.Stack.of(topic).account},
                # One ARN is written alone, as IAM shows a single value.
                "ArnLike": {"aws:SourceArn": alarm_arns[0] if len(alarm_arns) == 1 else list(alarm_arns)},
            },
        )
    )


def allow_rules(topic: sns.ITopic, rules: Sequence[events.IRule], *, sid: str = "TheseRulesPublish") -> None:
    """Let EventBridge publish to `topic` for `rules` of this account (a topic given by ARN keeps its own
    policy: this adds nothing to it)."""
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            sid=sid,
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={
                "StringEquals": {"aws:SourceAccount": cdk.Stack.of(topic).account},
                "ArnEquals": {"aws:SourceArn": [rule.rule_arn for rule in rules]},
            },
        )
    )


@jsii.implements(events.IRuleTarget)
class PublishTo:
    """A rule target that publishes to `topic` and leaves its policy to `allow_rules`."""

    def __init__(self, topic: sns.ITopic) -> None:
        self.topic = topic

    def bind(self, rule: IRuleRef, id: str | None = None) -> events.RuleTargetConfig:
        return events.RuleTargetConfig(arn=self.topic.topic_arn)
