"""Autoscaling of the variants with Application Auto Scaling: instance counts on load, or serverless provisioned
concurrency; an asynchronous endpoint scales on its backlog, from zero."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_applicationautoscaling as autoscaling
from constructs import Construct

from sagemaker_endpoint.async_inference.construct import wake_up_on_backlog
from sagemaker_endpoint.variants.plan import ScalingSpec, VariantPlan

Policy = autoscaling.CfnScalingPolicy


def add_autoscaling(scope: Construct, spec: ScalingSpec, endpoint: str, variants: Sequence[VariantPlan]) -> None:
    """One scalable target and one target-tracking policy per variant.

    `endpoint` is the endpoint's name attribute, so each target is created after the endpoint.
    """
    for variant, minimum in zip(variants, spec.minimum, strict=True):
        scalable = autoscaling.CfnScalableTarget(
            scope,
            f"{variant.construct_prefix}ScalableTarget",
            service_namespace="sagemaker",
            resource_id=f"endpoint/{endpoint}/variant/{variant.name}",
            scalable_dimension=spec.dimension,
            min_capacity=minimum,
            max_capacity=spec.maximum,
        )
        Policy(
            scope,
            f"{variant.construct_prefix}ScalingPolicy",
            policy_name=f"{endpoint}-{variant.name}-target-tracking"[:256],
            policy_type="TargetTrackingScaling",
            scaling_target_id=scalable.ref,
            target_tracking_scaling_policy_configuration=Policy.TargetTrackingScalingPolicyConfigurationProperty(
                target_value=spec.target,
                predefined_metric_specification=None
                if spec.backlog
                else Policy.PredefinedMetricSpecificationProperty(predefined_metric_type=spec.metric),
                customized_metric_specification=_backlog_metric(spec, endpoint) if spec.backlog else None,
                scale_in_cooldown=spec.scale_in_cooldown,
                scale_out_cooldown=spec.scale_out_cooldown,
            ),
        )
        if spec.backlog and minimum == 0:
            wake_up_on_backlog(scope, variant.construct_prefix, variant.name, endpoint, scalable)


def _backlog_metric(spec: ScalingSpec, endpoint: str) -> Policy.CustomizedMetricSpecificationProperty:
    """The queued requests per instance of an asynchronous endpoint (it publishes no invocation metrics)."""
    return Policy.CustomizedMetricSpecificationProperty(
        metric_name=spec.metric,
        namespace="AWS/SageMaker",
        dimensions=[Policy.MetricDimensionProperty(name="EndpointName", value=endpoint)],
        statistic="Average",
    )
