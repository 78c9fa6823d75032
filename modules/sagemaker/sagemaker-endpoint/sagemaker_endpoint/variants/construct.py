"""The production variants as the endpoint configuration writes them: instance, serverless, or hosting inference
components (no model on the variant, instances SageMaker manages)."""

from __future__ import annotations

from aws_cdk import aws_sagemaker as sagemaker

from sagemaker_endpoint.inference_components.plan import InstanceScaling
from sagemaker_endpoint.variants.plan import ServerlessSize, VariantPlan

Config = sagemaker.CfnEndpointConfig


def production_variant(
    variant: VariantPlan,
    model_name: str,
    *,
    serverless: ServerlessSize,
    instance_scaling: InstanceScaling | None,
) -> Config.ProductionVariantProperty:
    """`variant` serving the model named `model_name` (an attribute of its model)."""
    size = variant.size
    if variant.kind == "serverless":
        return Config.ProductionVariantProperty(
            variant_name=variant.name,
            model_name=model_name,
            initial_variant_weight=size.initial_variant_weight,
            serverless_config=Config.ServerlessConfigProperty(
                memory_size_in_mb=serverless.memory_size_mb,  # type: ignore[arg-type]
                max_concurrency=serverless.max_concurrency,  # type: ignore[arg-type]
                provisioned_concurrency=serverless.provisioned_concurrency,
            ),
        )
    if instance_scaling is not None:
        # SageMaker refuses inference components on a variant that has a model; the components bring theirs.
        return Config.ProductionVariantProperty(
            variant_name=variant.name,
            instance_type=size.instance_type,
            initial_instance_count=size.initial_instance_count,
            managed_instance_scaling=Config.ManagedInstanceScalingProperty(
                status="ENABLED",
                min_instance_count=instance_scaling.minimum,
                max_instance_count=instance_scaling.maximum,
            ),
            routing_config=Config.RoutingConfigProperty(routing_strategy="LEAST_OUTSTANDING_REQUESTS"),
        )
    return Config.ProductionVariantProperty(
        variant_name=variant.name,
        model_name=model_name,
        instance_type=size.instance_type,
        initial_instance_count=size.initial_instance_count,
        initial_variant_weight=size.initial_variant_weight,
    )
