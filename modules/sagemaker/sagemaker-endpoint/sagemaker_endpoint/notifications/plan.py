"""The plan of notifications and alarms: the topic and the group whose approvals are announced, and what every
variant's alarms watch and whom they notify (their names: alarm_names.py)."""

from __future__ import annotations

from dataclasses import dataclass

from mlops_platform.contract import DeploymentContext
from sagemaker_endpoint.model_source.lookup import ResolvedPackage
from sagemaker_endpoint.model_source.registry import group_reference
from sagemaker_endpoint.parameters.declared import DeclaredParameters


@dataclass(frozen=True)
class NotificationsSpec:
    topic_arn: str | None  # a topic given by ARN; None means the module creates one
    package_group: str | None  # newly approved packages of this group are announced too
    package_group_account: str | None = None  # the account the group's events come from (its registry's)


@dataclass(frozen=True)
class AlarmActions:
    """Whom alarms notify: a topic given by ARN, else the topic the module creates, else nobody."""

    topic_arn: str | None
    module_topic: bool


@dataclass(frozen=True)
class AlarmsSpec:
    server_errors_threshold: int
    latency_p99_ms: int | None
    actions: AlarmActions


def notifications(
    settings: DeclaredParameters, package: ResolvedPackage | None, context: DeploymentContext
) -> NotificationsSpec | None:
    """The topic, and the group whose approvals are announced: as SageMaker's events name it, from its registry."""
    if not settings.notification_topic_arn and not settings.notifications:
        return None
    if not settings.model_package_group_name:
        return NotificationsSpec(settings.notification_topic_arn, None)
    group = group_reference(settings.model_package_group_name, context)
    name = package.group_name if package is not None and package.group_name else group.name
    return NotificationsSpec(settings.notification_topic_arn, name, group.account)


def alarms(settings: DeclaredParameters) -> AlarmsSpec:
    return AlarmsSpec(
        server_errors_threshold=settings.alarm_5xx_errors_threshold,
        latency_p99_ms=settings.alarm_model_latency_p99_ms,
        actions=AlarmActions(
            topic_arn=settings.alarm_topic_arn or settings.notification_topic_arn,
            module_topic=not settings.alarm_topic_arn and settings.notifications,
        ),
    )
