"""Per-variant CloudWatch alarms on server errors and p99 model latency: notifications and rollback triggers."""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from sagemaker_endpoint.infra import compliance
from sagemaker_endpoint.names import pascal
from sagemaker_endpoint.parameters.settings import EndpointSettings
from sagemaker_endpoint.variants import Variant

NAMESPACE = "AWS/SageMaker"


def alarm_names(endpoint_name: str, variant: str, settings: EndpointSettings) -> list[str]:
    """The names of a variant's alarms: deterministic, so rollback configuration can name them."""
    names = [f"{endpoint_name}-{variant}-5xx-errors"]
    if settings.alarm_model_latency_p99_ms is not None:
        names.append(f"{endpoint_name}-{variant}-model-latency-p99")
    return names


def add_alarms(
    scope: Construct, settings: EndpointSettings, endpoint_name: str, variants: list[Variant], topic_arn: str | None
) -> list[cloudwatch.CfnAlarm]:
    """The alarms of every variant; they notify `alarm-topic-arn`, else the notification topic if any."""
    actions = [settings.alarm_topic_arn] if settings.alarm_topic_arn else ([topic_arn] if topic_arn else None)
    alarms = []
    for variant in variants:
        prefix = pascal(variant.name)
        dimensions = [
            cloudwatch.CfnAlarm.DimensionProperty(name="EndpointName", value=endpoint_name),
            cloudwatch.CfnAlarm.DimensionProperty(name="VariantName", value=variant.name),
        ]
        names = alarm_names(endpoint_name, variant.name, settings)
        alarms.append(
            cloudwatch.CfnAlarm(
                scope,
                f"{prefix}ServerErrorsAlarm",
                alarm_name=names[0],
                alarm_description=f"Variant {variant.name} of {endpoint_name} answered with 5xx errors",
                namespace=NAMESPACE,
                metric_name="Invocation5XXErrors",
                dimensions=dimensions,
                statistic="Sum",
                period=60,
                evaluation_periods=1,
                threshold=settings.alarm_5xx_errors_threshold,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=actions,
                ok_actions=actions,
            )
        )
        if settings.alarm_model_latency_p99_ms is not None:
            alarms.append(
                cloudwatch.CfnAlarm(
                    scope,
                    f"{prefix}ModelLatencyAlarm",
                    alarm_name=names[1],
                    alarm_description=(
                        f"p99 model latency of variant {variant.name} of {endpoint_name} "
                        f"above {settings.alarm_model_latency_p99_ms} ms"
                    ),
                    namespace=NAMESPACE,
                    metric_name="ModelLatency",
                    dimensions=dimensions,
                    extended_statistic="p99",
                    period=60,
                    evaluation_periods=1,
                    # ModelLatency is published in microseconds.
                    threshold=settings.alarm_model_latency_p99_ms * 1000,
                    comparison_operator="GreaterThanThreshold",
                    treat_missing_data="notBreaching",
                    alarm_actions=actions,
                    ok_actions=actions,
                )
            )
    if actions is None:
        for alarm in alarms:
            compliance.acknowledge(alarm, "CloudWatchAlarmAction", compliance.ALARM_WITHOUT_ACTION)
    return alarms
