"""The rule of notifications: a topic given, or one the module creates, not both."""

from __future__ import annotations

from mlops_platform.contract import ParameterError
from sagemaker_endpoint.parameters.declared import DeclaredParameters


def check(settings: DeclaredParameters) -> None:
    if settings.notification_topic_arn and settings.notifications:
        raise ParameterError(
            "parameters 'notification-topic-arn', 'notifications': give the topic to use, or notifications: true "
            "for a topic the module creates, not both"
        )
