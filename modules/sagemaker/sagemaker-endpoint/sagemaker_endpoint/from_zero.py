"""The step-scaling policy that brings an endpoint scaled to zero back: target tracking alone never leaves zero
(no traffic reaches an endpoint without capacity, so its metric never rises). Asynchronous inference and
inference components both use it."""

from __future__ import annotations

from aws_cdk import aws_applicationautoscaling as autoscaling
from constructs import Construct


def first_unit_on_alarm(
    scope: Construct,
    id: str,
    *,
    policy_name: str,
    target: autoscaling.CfnScalableTarget,
    aggregation: str,
    cooldown: int,
) -> autoscaling.CfnScalingPolicy:
    """A step-scaling policy that adds one unit when its alarm fires."""
    policy = autoscaling.CfnScalingPolicy
    return policy(
        scope,
        id,
        policy_name=policy_name,
        policy_type="StepScaling",
        scaling_target_id=target.ref,
        step_scaling_policy_configuration=policy.StepScalingPolicyConfigurationProperty(
            adjustment_type="ChangeInCapacity",
            metric_aggregation_type=aggregation,
            cooldown=cooldown,
            step_adjustments=[policy.StepAdjustmentProperty(metric_interval_lower_bound=0, scaling_adjustment=1)],
        ),
    )
