"""Guarded rollouts: the endpoint's DeploymentConfig, so SageMaker shifts traffic step by step to a new
model and rolls back by itself when an alarm fires during the bake period."""

from __future__ import annotations

from aws_cdk import aws_sagemaker as sagemaker

from sagemaker_endpoint.specs import RolloutSpec

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


def _percent(value: int) -> Endpoint.CapacitySizeProperty:
    return Endpoint.CapacitySizeProperty(type="CAPACITY_PERCENT", value=value)
