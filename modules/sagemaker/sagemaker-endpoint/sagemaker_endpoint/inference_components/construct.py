"""Inference components as built: each model runs as a component on an endpoint whose instances SageMaker manages.

A component is updated in place (a new model, new compute needs) by SageMaker's rolling update of its copies,
not by a new endpoint configuration. Its copies scale with Application Auto Scaling; when the endpoint may
shrink to zero instances, a step policy on failed invocations brings the first copy back, as AWS documents in
https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_applicationautoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from mlops_platform.key import ModuleKey
from mlops_platform.log_group import EncryptedLogGroup
from sagemaker_endpoint.from_zero import first_unit_on_alarm
from sagemaker_endpoint.inference_components.plan import ComponentScalingSpec, ComponentSpec
from sagemaker_endpoint.rollout.plan import RolloutSpec

Component = sagemaker.CfnInferenceComponent
Policy = autoscaling.CfnScalingPolicy
COPY_DIMENSION = "sagemaker:inference-component:DesiredCopyCount"


class InferenceComponent(Component):
    """The component serving `model_name` on the planned variant of `endpoint_name` (an endpoint attribute), with
    its own encrypted, kept log group, created before it, and its copies scaled when `scaling` is given."""

    def __init__(
        self,
        scope: Construct,
        *,
        spec: ComponentSpec,
        rollout: RolloutSpec,
        endpoint_name: str,
        model_name: str,
        key: ModuleKey,
        alarms: Sequence[cloudwatch.CfnAlarm],
        scaling: ComponentScalingSpec | None,
    ) -> None:
        super().__init__(
            scope,
            f"{spec.construct_prefix}InferenceComponent",
            inference_component_name=spec.name,
            endpoint_name=endpoint_name,
            variant_name=spec.variant,
            specification=Component.InferenceComponentSpecificationProperty(
                model_name=model_name,
                compute_resource_requirements=Component.InferenceComponentComputeResourceRequirementsProperty(
                    min_memory_required_in_mb=spec.memory_mb,
                    number_of_cpu_cores_required=spec.cpus,
                    number_of_accelerator_devices_required=spec.accelerators,
                ),
            ),
            runtime_config=Component.InferenceComponentRuntimeConfigProperty(copy_count=spec.copy_count),
            deployment_config=_rolling_update(rollout),
        )
        if spec.defaulted:  # for the rehearsal's plan and a reviewer: where the compute came from
            self.add_metadata("mlops:compute", spec.defaulted)
        # The rolling update watches these alarms; they must exist before SageMaker starts one.
        for alarm in alarms:
            self.node.add_dependency(alarm)
        # SageMaker sends the copies' container logs here from the start (with the execution role).
        self.node.add_dependency(
            EncryptedLogGroup(
                scope,
                f"{spec.construct_prefix}ComponentLogGroup",
                name=spec.log_group_name,
                key=key,
                sid=f"CloudWatchLogsUseFor{spec.construct_prefix}ComponentLogGroupOnly",
            )
        )
        if scaling is not None:
            add_copy_scaling(scope, scaling, spec, self)


def _rolling_update(rollout: RolloutSpec) -> Component.InferenceComponentDeploymentConfigProperty | None:
    """ROLLING replaces a share of the copies at a time and rolls back on the alarms; ALL_AT_ONCE leaves
    SageMaker's default update."""
    if rollout.strategy != "ROLLING":
        return None
    return Component.InferenceComponentDeploymentConfigProperty(
        rolling_update_policy=Component.InferenceComponentRollingUpdatePolicyProperty(
            maximum_batch_size=Component.InferenceComponentCapacitySizeProperty(
                type="CAPACITY_PERCENT", value=rollout.rolling_batch_percent
            ),
            wait_interval_in_seconds=rollout.wait_interval_seconds,
            maximum_execution_timeout_in_seconds=rollout.maximum_execution_timeout_seconds,
        ),
        auto_rollback_configuration=Component.AutoRollbackConfigurationProperty(
            alarms=[Component.AlarmProperty(alarm_name=name) for name in rollout.rollback_alarm_names]
        ),
    )


def add_copy_scaling(scope: Construct, spec: ComponentScalingSpec, component: ComponentSpec, built: Component) -> None:
    """Target tracking on invocations per copy; with a minimum of 0, the wake-up policy and its alarm too."""
    component_name = component.name
    target = autoscaling.CfnScalableTarget(
        scope,
        f"{component.construct_prefix}ComponentScalableTarget",
        service_namespace="sagemaker",
        resource_id=f"inference-component/{component_name}",
        scalable_dimension=COPY_DIMENSION,
        min_capacity=spec.minimum,
        max_capacity=spec.maximum,
    )
    # The component's reference is its ARN, not its name: the target must wait for it explicitly.
    target.node.add_dependency(built)
    Policy(
        scope,
        f"{component.construct_prefix}ComponentScalingPolicy",
        policy_name=f"{component.name}-copies-target-tracking",
        policy_type="TargetTrackingScaling",
        scaling_target_id=target.ref,
        target_tracking_scaling_policy_configuration=Policy.TargetTrackingScalingPolicyConfigurationProperty(
            target_value=spec.target,
            predefined_metric_specification=Policy.PredefinedMetricSpecificationProperty(
                predefined_metric_type="SageMakerInferenceComponentInvocationsPerCopy"
            ),
            scale_in_cooldown=spec.scale_in_cooldown,
            scale_out_cooldown=spec.scale_out_cooldown,
        ),
    )
    if spec.scales_to_zero:
        _wake_up_from_zero(scope, component, component_name, target)


def _wake_up_from_zero(
    scope: Construct, component: ComponentSpec, component_name: str, target: autoscaling.CfnScalableTarget
) -> None:
    """Target tracking on a per-copy metric never leaves zero copies: a failed request adds the first copy."""
    wake_up = first_unit_on_alarm(
        scope,
        f"{component.construct_prefix}ComponentWakeUpPolicy",
        policy_name=f"{component.name}-copies-from-zero",
        target=target,
        aggregation="Maximum",
        cooldown=60,
    )
    cloudwatch.CfnAlarm(
        scope,
        f"{component.construct_prefix}NoCapacityAlarm",
        alarm_name=f"{component.name}-no-capacity",
        alarm_description=(
            f"Requests to inference component {component.name} failed for lack of a copy: adds the first copy"
        ),
        namespace="AWS/SageMaker",
        metric_name="NoCapacityInvocationFailures",
        dimensions=[cloudwatch.CfnAlarm.DimensionProperty(name="InferenceComponentName", value=component_name)],
        statistic="Sum",
        period=60,
        evaluation_periods=1,
        datapoints_to_alarm=1,
        # AWS's example uses GreaterThanThreshold 1, which waits for a second failed request in the same
        # minute; the first failed request is reason enough to start an instance.
        threshold=1,
        comparison_operator="GreaterThanOrEqualToThreshold",
        treat_missing_data="notBreaching",
        alarm_actions=[wake_up.attr_arn],
    )
