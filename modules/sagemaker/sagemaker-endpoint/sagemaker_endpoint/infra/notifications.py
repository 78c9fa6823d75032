"""Notifications: the module's topic (or the one given), and the rules that publish endpoint state
changes and newly approved model packages to it."""

from __future__ import annotations

import aws_cdk as cdk
import jsii
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk.interfaces.aws_events import IRuleRef
from constructs import Construct

from sagemaker_endpoint.infra.parts import allow_service
from sagemaker_endpoint.specs import NotificationsSpec


def notification_topic(scope: Construct, spec: NotificationsSpec | None, key: kms.Key) -> sns.ITopic | None:
    """The topic notifications go to: the one given, one created (KMS-encrypted), or none."""
    if spec is None:
        return None
    if spec.topic_arn:
        return sns.Topic.from_topic_arn(scope, "NotificationTopic", spec.topic_arn)
    allow_service(key, "events.amazonaws.com", "EventBridgeSendsToEncryptedQueuesAndTopics")
    allow_service(key, "cloudwatch.amazonaws.com", "CloudWatchAlarmsPublishToEncryptedTopic")
    topic = sns.Topic(scope, "NotificationTopic", master_key=key, enforce_ssl=True)
    # The topic policy replaces SNS's default one: the alarms of this account publish only with this.
    stack = cdk.Stack.of(scope)
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            sid="CloudWatchAlarmsOfThisAccountPublish",
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={
                "StringEquals": {"aws:SourceAccount": stack.account},
                "ArnLike": {
                    "aws:SourceArn": f"arn:{stack.partition}:cloudwatch:{stack.region}:{stack.account}:alarm:*"
                },
            },
        )
    )
    return topic


@jsii.implements(events.IRuleTarget)
class _PublishTo:
    """An SNS target that leaves the topic policy to `notifications` (the CDK's SnsTopic target grants
    EventBridge publishing with no source condition)."""

    def __init__(self, topic: sns.ITopic) -> None:
        self.topic = topic

    def bind(self, rule: IRuleRef, id: str | None = None) -> events.RuleTargetConfig:
        return events.RuleTargetConfig(arn=self.topic.topic_arn)


def notifications(scope: Construct, spec: NotificationsSpec, topic: sns.ITopic, endpoint_name: str) -> None:
    """Endpoint state changes and, when following a group, each newly approved package, to `topic`."""
    rules = [
        events.Rule(
            scope,
            "EndpointStateChangeRule",
            description=f"State changes of SageMaker endpoint {endpoint_name}, rollbacks included",
            event_pattern=events.EventPattern(
                source=["aws.sagemaker"],
                detail_type=["SageMaker Endpoint State Change"],
                detail={"EndpointName": [endpoint_name]},
            ),
            targets=[_PublishTo(topic)],
        )
    ]
    if spec.package_group:
        rules.append(
            events.Rule(
                scope,
                "ModelPackageApprovedRule",
                description=f"A newly approved package of {spec.package_group}: time to redeploy",
                event_pattern=events.EventPattern(
                    source=["aws.sagemaker"],
                    detail_type=["SageMaker Model Package State Change"],
                    detail={
                        "ModelPackageGroupName": [spec.package_group],
                        "ModelApprovalStatus": ["Approved"],
                    },
                ),
                targets=[_PublishTo(topic)],
            )
        )
    # Only these rules, of this account, publish (a given topic keeps its own policy: this adds nothing to it).
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            sid="TheseRulesPublish",
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={
                "StringEquals": {"aws:SourceAccount": cdk.Stack.of(scope).account},
                "ArnEquals": {"aws:SourceArn": [rule.rule_arn for rule in rules]},
            },
        )
    )
