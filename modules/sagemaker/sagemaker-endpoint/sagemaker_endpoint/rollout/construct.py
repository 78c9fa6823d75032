"""Guarded rollouts as built: the endpoint's DeploymentConfig, so SageMaker shifts traffic step by step to a new
model and rolls back by itself when an alarm fires during the bake period."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_sagemaker as sagemaker

from sagemaker_endpoint.rollout.plan import RolloutSpec

Endpoint = sagemaker.CfnEndpoint


def deployment_config(spec: RolloutSpec) -> Endpoint.DeploymentConfigProperty:
    """Blue/green (ALL_AT_ONCE, CANARY, LINEAR) or ROLLING, rolling back on the module's and the given alarms."""
    rollback = Endpoint.AutoRollbackConfigProperty(
        alarms=[Endpoint.AlarmProperty(alarm_name=name) for name in spec.rollback_alarm_names]
    )
    strategy = spec.strategy
    if strategy == "ROLLING":
        return Endpoint.DeploymentConfigProperty(
            auto_rollback_configuration=rollback,
            rolling_update_policy=Endpoint.RollingUpdatePolicyProperty(
                maximum_batch_size=_percent(spec.rolling_batch_percent),
                wait_interval_in_seconds=spec.wait_interval_seconds,
                maximum_execution_timeout_in_seconds=spec.maximum_execution_timeout_seconds,
            ),
        )
    routing = Endpoint.TrafficRoutingConfigProperty(
        type=strategy,
        wait_interval_in_seconds=spec.wait_interval_seconds,
        canary_size=_percent(spec.canary_size_percent) if strategy == "CANARY" else None,
        linear_step_size=_percent(spec.linear_step_percent) if strategy == "LINEAR" else None,
    )
    return Endpoint.DeploymentConfigProperty(
        auto_rollback_configuration=rollback,
        blue_green_update_policy=Endpoint.BlueGreenUpdatePolicyProperty(
            traffic_routing_configuration=routing,
            termination_wait_in_seconds=spec.termination_wait_seconds,
            maximum_execution_timeout_in_seconds=spec.maximum_execution_timeout_seconds,
        ),
    )


def retained_variant_properties(autoscaled: bool) -> dict[str, Any]:
    """What an update of an autoscaled endpoint keeps from the running one: UpdateEndpoint resets every
    variant to the configuration's initial instance count and weight unless RetainAllVariantProperties is
    true ("The default is false"), which would undo Application Auto Scaling on every model rollout. The
    weights still come from the configuration (ExcludeRetainedVariantProperties DesiredWeight): nothing
    but the manifest sets them. An instance-type change or another set of variants under autoscaling is
    refused before deploying (variants/deployed.py), so nothing else that must change is retained."""
    if not autoscaled:
        return {}
    return {
        "retain_all_variant_properties": True,
        "exclude_retained_variant_properties": [
            Endpoint.VariantPropertyProperty(variant_property_type="DesiredWeight")
        ],
    }


def _percent(value: int) -> Endpoint.CapacitySizeProperty:
    return Endpoint.CapacitySizeProperty(type="CAPACITY_PERCENT", value=value)
