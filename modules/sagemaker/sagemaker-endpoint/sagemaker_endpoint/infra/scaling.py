"""Autoscaling with Application Auto Scaling: instance counts on load, or serverless provisioned concurrency."""

from __future__ import annotations

from aws_cdk import aws_applicationautoscaling as autoscaling
from constructs import Construct

from sagemaker_endpoint.names import pascal
from sagemaker_endpoint.parameters.settings import EndpointSettings
from sagemaker_endpoint.variants import Variant


def add_autoscaling(scope: Construct, settings: EndpointSettings, endpoint_name: str, variants: list[Variant]) -> None:
    """One scalable target and one target-tracking policy per variant.

    `endpoint_name` is the endpoint's name attribute, so each target is created after the endpoint.
    """
    assert settings.autoscaling_max_capacity is not None
    for variant in variants:
        prefix = pascal(variant.name)
        if settings.serverless:
            dimension = "sagemaker:variant:DesiredProvisionedConcurrency"
            minimum = settings.autoscaling_min_capacity or settings.serverless_provisioned_concurrency or 1
            metric, target = (
                "SageMakerVariantProvisionedConcurrencyUtilization",
                settings.autoscaling_target_utilization,
            )
        else:
            dimension = "sagemaker:variant:DesiredInstanceCount"
            minimum = settings.autoscaling_min_capacity or variant.initial_instance_count
            metric = "SageMakerVariantInvocationsPerInstance"
            target = float(settings.autoscaling_target_invocations_per_instance or 0)
        scalable = autoscaling.CfnScalableTarget(
            scope,
            f"{prefix}ScalableTarget",
            service_namespace="sagemaker",
            resource_id=f"endpoint/{endpoint_name}/variant/{variant.name}",
            scalable_dimension=dimension,
            min_capacity=minimum,
            max_capacity=settings.autoscaling_max_capacity,
        )
        autoscaling.CfnScalingPolicy(
            scope,
            f"{prefix}ScalingPolicy",
            policy_name=f"{endpoint_name}-{variant.name}-target-tracking"[:256],
            policy_type="TargetTrackingScaling",
            scaling_target_id=scalable.ref,
            target_tracking_scaling_policy_configuration=autoscaling.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty(
                target_value=target,
                predefined_metric_specification=autoscaling.CfnScalingPolicy.PredefinedMetricSpecificationProperty(
                    predefined_metric_type=metric
                ),
                scale_in_cooldown=settings.autoscaling_scale_in_cooldown_seconds,
                scale_out_cooldown=settings.autoscaling_scale_out_cooldown_seconds,
            ),
        )
