"""The endpoint configuration: production variants (instance or serverless), storage key and data capture."""

from __future__ import annotations

from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from sagemaker_endpoint.infra import compliance
from sagemaker_endpoint.specs import CaptureSpec, Container, EndpointPlan, VariantPlan
from sagemaker_endpoint.variants import has_instance_storage

Config = sagemaker.CfnEndpointConfig


def endpoint_config(
    scope: Construct,
    id: str,
    *,
    name: str,
    plan: EndpointPlan,
    models: list[sagemaker.CfnModel],
    shadow_models: list[sagemaker.CfnModel],
    key: kms.IKey,
    role_arn: str,
    security_group_id: str | None,
) -> Config:
    """The configuration named `name`, serving each planned variant with its model (`models`, in order).

    For an endpoint of inference components, the variants carry no model and the configuration carries the
    execution role, network and isolation the components run with.
    """
    spec = plan.config
    hosts_components = spec.instance_scaling is not None
    config = Config(
        scope,
        id,
        endpoint_config_name=name,
        production_variants=[
            production_variant(plan, variant, model) for variant, model in zip(plan.variants, models, strict=True)
        ],
        # A shadow variant receives a copy of the production requests; its answers are discarded.
        shadow_production_variants=[
            production_variant(plan, variant, model)
            for variant, model in zip(plan.shadow_variants, shadow_models, strict=True)
        ]
        or None,
        # Serverless variants and instances with local NVMe storage have no volume to encrypt with a key.
        kms_key_id=key.key_arn if plan.config.encrypt_storage else None,
        data_capture_config=data_capture(plan.capture, key),
        execution_role_arn=role_arn if hosts_components else None,
        vpc_config=(
            Config.VpcConfigProperty(subnets=list(spec.subnets), security_group_ids=[security_group_id])
            if hosts_components and spec.subnets and security_group_id
            else None
        ),
        enable_network_isolation=spec.isolation,
    )
    if not plan.config.encrypt_storage:
        acknowledge_storage_key(config, plan)
    return config


def acknowledge_storage_key(config: Config, plan: EndpointPlan) -> None:
    if plan.serverless:
        reason = "Serverless variants have no ML storage volume to encrypt; SageMaker manages their compute."
    else:
        kinds = [v.size.instance_type for v in (*plan.variants, *plan.shadow_variants) if v.size.instance_type]
        local = sorted({kind for kind in kinds if has_instance_storage(kind)})
        reason = (
            f"{', '.join(local)} ha{'s' if len(local) == 1 else 've'} local NVMe instance storage, which "
            "SageMaker encrypts with a hardware key and for which it rejects a KmsKeyId. Captured data and "
            "logs are still encrypted with the module's key."
        )
    compliance.acknowledge(config, "SageMakerEndpointConfigurationKMSKeyConfigured", reason)


def production_variant(
    plan: EndpointPlan, variant: VariantPlan, model: sagemaker.CfnModel
) -> Config.ProductionVariantProperty:
    size = variant.size
    if variant.kind == "serverless":
        serverless = plan.config.serverless
        return Config.ProductionVariantProperty(
            variant_name=variant.name,
            model_name=model.attr_model_name,
            initial_variant_weight=size.initial_variant_weight,
            serverless_config=Config.ServerlessConfigProperty(
                memory_size_in_mb=serverless.memory_size_mb,  # type: ignore[arg-type]
                max_concurrency=serverless.max_concurrency,  # type: ignore[arg-type]
                provisioned_concurrency=serverless.provisioned_concurrency,
            ),
        )
    scaling = plan.config.instance_scaling
    if scaling is not None:
        # SageMaker refuses inference components on a variant that has a model; the components bring theirs.
        return Config.ProductionVariantProperty(
            variant_name=variant.name,
            instance_type=size.instance_type,
            initial_instance_count=size.initial_instance_count,
            managed_instance_scaling=Config.ManagedInstanceScalingProperty(
                status="ENABLED", min_instance_count=scaling.minimum, max_instance_count=scaling.maximum
            ),
            routing_config=Config.RoutingConfigProperty(routing_strategy="LEAST_OUTSTANDING_REQUESTS"),
        )
    return Config.ProductionVariantProperty(
        variant_name=variant.name,
        model_name=model.attr_model_name,
        instance_type=size.instance_type,
        initial_instance_count=size.initial_instance_count,
        initial_variant_weight=size.initial_variant_weight,
    )


def data_capture(capture: CaptureSpec | None, key: kms.IKey) -> Config.DataCaptureConfigProperty | None:
    if capture is None:
        return None
    return Config.DataCaptureConfigProperty(
        enable_capture=True,
        initial_sampling_percentage=capture.sampling_percentage,
        destination_s3_uri=capture.destination,
        kms_key_id=key.key_arn,
        capture_options=[
            Config.CaptureOptionProperty(capture_mode="Input"),
            Config.CaptureOptionProperty(capture_mode="Output"),
        ],
        capture_content_type_header=Config.CaptureContentTypeHeaderProperty(json_content_types=["application/json"]),
    )


def container(container: Container) -> sagemaker.CfnModel.ContainerDefinitionProperty:
    if container.package_arn:
        return sagemaker.CfnModel.ContainerDefinitionProperty(model_package_name=container.package_arn)
    return sagemaker.CfnModel.ContainerDefinitionProperty(
        image=container.image,
        model_data_url=container.model_data_url,
        environment=dict(container.environment) or None,
    )
