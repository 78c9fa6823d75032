"""Notifications and alarms: the topic (given, or created with `notifications: true`) and the alarms of every
variant, which notify a topic or roll a deployment back."""

from __future__ import annotations

from pydantic import BaseModel, Field

from sagemaker_endpoint.parameters.values import TopicArn


class NotificationParameters(BaseModel):
    alarm_5xx_errors_threshold: int = Field(1, ge=1)
    alarm_model_latency_p99_ms: int | None = Field(None, ge=1, examples=[500])
    alarm_topic_arn: TopicArn | None = Field(None, examples=["arn:aws:sns:us-east-1:123456789012:ml-alarms"])
    notification_topic_arn: TopicArn | None = Field(None, examples=["arn:aws:sns:us-east-1:123456789012:ml-events"])
    notifications: bool = False
