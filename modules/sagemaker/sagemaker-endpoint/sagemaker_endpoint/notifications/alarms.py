"""Alarms as built: per variant, on server errors and p99 model latency; they notify and roll deployments back."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct

from sagemaker_endpoint import compliance
from sagemaker_endpoint.notifications.plan import AlarmActions, AlarmsSpec
from sagemaker_endpoint.variants.plan import VariantPlan

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
    """The alarms of every variant that has any (the plan gives a variant alarms only when something acts on
    them: a topic, or a rollback configuration), named as the plan named them."""
    actions = alarm_actions(spec.actions, topic)
    alarms = []
    for variant in (variant for variant in variants if variant.alarm_names):
        alarms.append(
            _alarm(
                scope,
                variant,
                endpoint_name,
                actions,
                kind="ServerErrors",
                name=variant.alarm_names[0],
                description=f"Variant {variant.name} of {endpoint_name} answered with 5xx errors",
                metric_name="Invocation5XXErrors",
                statistic="Sum",
                threshold=spec.server_errors_threshold,
                comparison_operator="GreaterThanOrEqualToThreshold",
            )
        )
        if spec.latency_p99_ms is not None:
            alarms.append(
                _alarm(
                    scope,
                    variant,
                    endpoint_name,
                    actions,
                    kind="ModelLatency",
                    name=variant.alarm_names[1],
                    description=(
                        f"p99 model latency of variant {variant.name} of {endpoint_name} above {spec.latency_p99_ms} ms"
                    ),
                    metric_name="ModelLatency",
                    extended_statistic="p99",
                    # ModelLatency is published in microseconds.
                    threshold=spec.latency_p99_ms * 1000,
                    comparison_operator="GreaterThanThreshold",
                )
            )
    return alarms


def acknowledge_rollback_triggers(alarms: list[cloudwatch.CfnAlarm], rollbacks: dict[str, tuple[str, ...]]) -> None:
    """Acknowledge the rule packs' "alarm without action" on each alarm that notifies nobody, naming the
    rollback configurations that name it (`rollbacks`: construct path -> alarm names, read from the
    resources themselves). An alarm no configuration names would do nothing: that is a defect, not a finding.
    """
    for alarm in (alarm for alarm in alarms if not alarm.alarm_actions):
        name = str(alarm.alarm_name)
        owners = [owner for owner, names in sorted(rollbacks.items()) if name in names]
        if not owners:
            raise AssertionError(f"alarm {name} notifies nobody and no rollback configuration names it")
        reason = compliance.alarm_without_action(owners)
        compliance.acknowledge(alarm, "CloudWatchAlarmAction", reason)
        compliance.acknowledge_guard(alarm, "cloudwatch_alarm_action_check", reason)


def _alarm(
    scope: Construct,
    variant: VariantPlan,
    endpoint_name: str,
    actions: list[str] | None,
    *,
    kind: str,
    name: str,
    description: str,
    **metric: Any,
) -> cloudwatch.CfnAlarm:
    """One alarm of `variant` on a metric of its endpoint, over one minute, named as the plan named it."""
    return cloudwatch.CfnAlarm(
        scope,
        f"{variant.construct_prefix}{kind}Alarm",
        alarm_name=name,
        alarm_description=description,
        namespace=NAMESPACE,
        dimensions=_dimensions(variant, endpoint_name),
        period=60,
        evaluation_periods=1,
        treat_missing_data="notBreaching",
        alarm_actions=actions,
        ok_actions=actions,
        **metric,
    )


def _dimensions(variant: VariantPlan, endpoint_name: str) -> list[cloudwatch.CfnAlarm.DimensionProperty]:
    """A variant's invocation metrics; SageMaker publishes those of an inference component under its name."""
    if variant.component_name is not None:
        return [cloudwatch.CfnAlarm.DimensionProperty(name="InferenceComponentName", value=variant.component_name)]
    return [
        cloudwatch.CfnAlarm.DimensionProperty(name="EndpointName", value=endpoint_name),
        cloudwatch.CfnAlarm.DimensionProperty(name="VariantName", value=variant.name),
    ]
