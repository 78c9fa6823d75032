"""Per-variant CloudWatch alarms on server errors and p99 model latency: notifications and rollback triggers."""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from sagemaker_endpoint.infra import compliance
from sagemaker_endpoint.specs import AlarmActions, AlarmsSpec, VariantPlan

NAMESPACE = "AWS/SageMaker"


def alarm_actions(actions: AlarmActions, topic: sns.ITopic | None) -> list[str] | None:
    """The topic every alarm of the module notifies (the plan decided which), or None."""
    if actions.topic_arn:
        return [actions.topic_arn]
    if actions.module_topic and topic is not None:
        return [topic.topic_arn]
    return None


def add_alarms(
    scope: Construct,
    spec: AlarmsSpec,
    endpoint_name: str,
    variants: tuple[VariantPlan, ...],
    topic: sns.ITopic | None,
) -> list[cloudwatch.CfnAlarm]:
    """The alarms of every variant, named as the plan named them (the rollout rolls back on them)."""
    actions = alarm_actions(spec.actions, topic)
    alarms = []
    for variant in variants:
        dimensions = [
            cloudwatch.CfnAlarm.DimensionProperty(name="EndpointName", value=endpoint_name),
            cloudwatch.CfnAlarm.DimensionProperty(name="VariantName", value=variant.name),
        ]
        alarms.append(
            cloudwatch.CfnAlarm(
                scope,
                f"{variant.construct_prefix}ServerErrorsAlarm",
                alarm_name=variant.alarm_names[0],
                alarm_description=f"Variant {variant.name} of {endpoint_name} answered with 5xx errors",
                namespace=NAMESPACE,
                metric_name="Invocation5XXErrors",
                dimensions=dimensions,
                statistic="Sum",
                period=60,
                evaluation_periods=1,
                threshold=spec.server_errors_threshold,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=actions,
                ok_actions=actions,
            )
        )
        if spec.latency_p99_ms is not None:
            alarms.append(
                cloudwatch.CfnAlarm(
                    scope,
                    f"{variant.construct_prefix}ModelLatencyAlarm",
                    alarm_name=variant.alarm_names[1],
                    alarm_description=(
                        f"p99 model latency of variant {variant.name} of {endpoint_name} above {spec.latency_p99_ms} ms"
                    ),
                    namespace=NAMESPACE,
                    metric_name="ModelLatency",
                    dimensions=dimensions,
                    extended_statistic="p99",
                    period=60,
                    evaluation_periods=1,
                    # ModelLatency is published in microseconds.
                    threshold=spec.latency_p99_ms * 1000,
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
