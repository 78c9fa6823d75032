"""The plan of the serving modes: inference components, asynchronous inference and shadow variants.

Part of the plan (plan.py calls these); no CDK import here.
"""

from __future__ import annotations

from collections.abc import Mapping

from sagemaker_endpoint.instance_sizes import InstanceSize
from sagemaker_endpoint.model_package import ResolvedPackage
from sagemaker_endpoint.names import pascal, sagemaker_name
from sagemaker_endpoint.parameters.settings import EndpointSettings
from sagemaker_endpoint.specs import (
    AsyncAsGiven,
    ComponentScalingSpec,
    ComponentSpec,
    Container,
    VariantPlan,
    VariantSize,
)
from sagemaker_endpoint.variants import alarm_names, model_name, model_spec


def component_name(endpoint_name: str) -> str:
    """The inference component's name: stable, so its scalable target and alarms keep naming it."""
    return sagemaker_name(endpoint_name, suffix="component")


def shadows(
    settings: EndpointSettings, endpoint_name: str, packages: Mapping[str, ResolvedPackage] | None = None
) -> list[VariantPlan]:
    """The shadow variant (SageMaker allows one): its own model, size and alarms, sized like `variants`."""
    shadows = []
    for shadow in settings.shadow_variants or ():
        container = (
            Container(shadow.model_package_arn, None, None, ())
            if shadow.model_package_arn
            else Container(None, shadow.model_image_uri, shadow.model_data_url, ())
        )
        model = model_spec(settings, (container,))
        shadows.append(
            VariantPlan(
                name=shadow.name,
                kind="instance",
                model=model,
                model_name=model_name(endpoint_name, model),
                model_id=f"{pascal(shadow.name)}Model",
                construct_prefix=pascal(shadow.name),
                size=VariantSize(
                    shadow.name,
                    shadow.instance_type or settings.instance_type,
                    shadow.initial_instance_count or settings.initial_instance_count,
                    shadow.initial_variant_weight or settings.initial_variant_weight,
                ),
                package=(packages or {}).get(shadow.model_package_arn) or ResolvedPackage(arn=shadow.model_package_arn)
                if shadow.model_package_arn
                else None,
                alarm_names=alarm_names(settings, endpoint_name, shadow.name, shadow=True),
            )
        )
    return shadows


def async_config(settings: EndpointSettings) -> AsyncAsGiven | None:
    """Results to S3; each topic given, else the module's notification topic (given or created), else none."""
    if settings.async_output_s3_uri is None:
        return None
    shared = settings.notification_topic_arn or ("module-topic" if settings.notifications else None)
    return AsyncAsGiven(
        output_uri=settings.async_output_s3_uri,
        failure_uri=settings.async_failure_s3_uri,
        max_concurrent_invocations_per_instance=settings.async_max_concurrent_invocations_per_instance,
        success_topic=settings.async_success_topic_arn or shared,
        error_topic=settings.async_error_topic_arn or shared,
    )


def component(settings: EndpointSettings, variant: VariantPlan, instance: InstanceSize | None) -> ComponentSpec:
    """The component of `variant`; without `inference-component-memory-mb`, its compute is defaulted from the
    size of the instance (`instance`, from EC2: instance_sizes.py)."""
    assert variant.component_name is not None
    memory, accelerators = settings.inference_component_memory_mb, settings.inference_component_accelerators
    defaulted = None
    if memory is None:
        if instance is None:
            raise ValueError("the instance's size was not looked up before the plan (synthesis.py)")
        memory, defaulted = instance.copy_memory_mb, instance.describe()
        accelerators = accelerators or instance.accelerators or None
    return ComponentSpec(
        name=variant.component_name,
        variant=variant.name,
        model_name=variant.model_name,
        construct_prefix=variant.construct_prefix,
        memory_mb=memory,
        cpus=settings.inference_component_cpus,
        accelerators=accelerators,
        copy_count=settings.inference_component_copy_count,
        defaulted=defaulted,
    )


def component_scaling(settings: EndpointSettings) -> ComponentScalingSpec | None:
    if settings.autoscaling_max_capacity is None:
        return None
    assert settings.autoscaling_target_invocations_per_copy is not None
    to_zero = settings.scaling_min_instance_count == 0
    return ComponentScalingSpec(
        target=float(settings.autoscaling_target_invocations_per_copy),
        minimum=0 if to_zero else settings.autoscaling_min_capacity or settings.inference_component_copy_count,
        maximum=settings.autoscaling_max_capacity,
        scale_in_cooldown=settings.autoscaling_scale_in_cooldown_seconds,
        scale_out_cooldown=settings.autoscaling_scale_out_cooldown_seconds,
    )
