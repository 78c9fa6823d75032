"""Notifications as built: the module's topic (or the one given), and the rules that publish endpoint state changes
and newly approved model packages to it."""

from __future__ import annotations

from aws_cdk import aws_events as events
from aws_cdk import aws_sns as sns
from constructs import Construct

from mlops_platform.key import ModuleKey
from mlops_platform.topic import NotificationTopic, PublishTo
from sagemaker_endpoint.notifications.plan import NotificationsSpec


def notification_topic(scope: Construct, spec: NotificationsSpec | None, key: ModuleKey) -> sns.ITopic | None:
    """The topic notifications go to: the one given, one created (KMS-encrypted), or none."""
    if spec is None:
        return None
    if spec.topic_arn:
        return sns.Topic.from_topic_arn(scope, "NotificationTopic", spec.topic_arn)
    # Its policy replaces SNS's default one: the rules below and the alarms that notify it (stack.py) publish.
    return NotificationTopic(scope, "NotificationTopic", key=key)


def notification_rules(scope: Construct, spec: NotificationsSpec, topic: sns.ITopic, endpoint_name: str) -> None:
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
            targets=[PublishTo(topic)],
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
                    # The group's own account only (a registry's, forwarded here): no other account's group
                    # of the same name.
                    account=[spec.package_group_account] if spec.package_group_account else None,
                    detail={
                        "ModelPackageGroupName": [spec.package_group],
                        "ModelApprovalStatus": ["Approved"],
                    },
                ),
                targets=[PublishTo(topic)],
            )
        )
    # Only these rules publish (a topic given by ARN keeps its own policy).
    if isinstance(topic, NotificationTopic):
        topic.allow_rules(rules)
