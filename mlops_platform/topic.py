"""A notifications topic encrypted with the module key, which each AWS service may publish to only for its sources.

`NotificationTopic(scope, "NotificationTopic", key=key)` is an `sns.Topic` (KMS-encrypted, TLS only). Its
policy starts with no publisher: `allow_alarms` (or `allow_alarms_in`, every alarm of a stack that notifies
it) lets CloudWatch publish for the named alarms, `allow_rules` lets EventBridge publish for the named rules,
each with the key statement its service needs, and `grant_publish` (the CDK's) gives a role the topic and
the key. `PublishTo(topic)` is the rule target that leaves the topic's policy to `allow_rules` (the CDK's SnsTopic
target grants EventBridge publishing with no source condition).
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
import jsii
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk.interfaces.aws_events import IRuleRef
from constructs import Construct, IConstruct

from mlops_platform.key import ModuleKey


class NotificationTopic(sns.Topic):
    """A topic encrypted with `key`; publishers are added by source (`allow_alarms`, `allow_rules`)."""

    def __init__(self, scope: Construct, id: str, *, key: ModuleKey) -> None:
        super().__init__(scope, id, master_key=key, enforce_ssl=True)
        self.key = key

    def allow_alarms(self, alarm_arns: Sequence[str], *, sid: str = "TheseAlarmsPublish") -> None:
        """Let CloudWatch publish for the alarms `alarm_arns` of this account, and use the key for them."""
        if not alarm_arns:
            return
        allow_alarms(self, alarm_arns, sid=sid)
        # CloudWatch's requests to KMS carry aws:SourceAccount and aws:SourceArn (the SNS Developer Guide's key
        # policy for AWS service event sources); only EventBridge's do not.
        self.key.allow_service_sends(
            "cloudwatch.amazonaws.com", sid="CloudWatchAlarmsPublishToEncryptedTopic", source_arns=alarm_arns
        )

    def allow_alarms_in(self, scope: IConstruct) -> None:
        """`allow_alarms` for every alarm under `scope` (a stack) whose actions name this topic: call it once they
        all exist. Each needs a fixed name: its ARN is written into the key's policy, and a reference to the
        alarm would make the key depend on the alarm, which depends on the topic, which depends on the key."""
        stack = cdk.Stack.of(self)
        arns = []
        for alarm in scope.node.find_all():
            if isinstance(alarm, cloudwatch.CfnAlarm) and self.topic_arn in (alarm.alarm_actions or []):
                name = alarm.alarm_name
                if name is None or cdk.Token.is_unresolved(name):
                    raise ValueError(f"alarm {alarm.node.path} notifies {self.node.path} and needs a fixed alarm_name")
                arns.append(f"arn:{stack.partition}:cloudwatch:{stack.region}:{stack.account}:alarm:{name}")
        self.allow_alarms(sorted(arns))

    def allow_rules(self, rules: Sequence[events.IRule], *, sid: str = "TheseRulesPublish") -> None:
        """Let EventBridge publish for `rules` of this account, and use the key for this account's topics."""
        allow_rules(self, rules, sid=sid)
        self.key.allow_eventbridge_to_topics()


def allow_alarms(topic: sns.ITopic, alarm_arns: Sequence[str], *, sid: str = "TheseAlarmsPublish") -> None:
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
                "ArnEquals": {"aws:SourceArn": list(alarm_arns)},
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
