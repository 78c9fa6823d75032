"""The endpoint configuration as built: production variants (and the shadow), the storage key, and each feature's
part of it (data capture, asynchronous inference)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from sagemaker_endpoint import compliance
from sagemaker_endpoint.endpoint.plan import EndpointConfigSpec
from sagemaker_endpoint.variants.construct import production_variant
from sagemaker_endpoint.variants.plan import VariantPlan
from sagemaker_endpoint.variants.sizes import has_instance_storage

Config = sagemaker.CfnEndpointConfig


class EndpointConfig(Config):
    """The configuration named `name`, serving each variant with its model (`models`, in order).

    For an endpoint of inference components, the variants carry no model and the configuration carries the
    execution role, network and isolation the components run with.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        spec: EndpointConfigSpec,
        variants: Sequence[tuple[VariantPlan, sagemaker.CfnModel]],
        shadows: Sequence[tuple[VariantPlan, sagemaker.CfnModel]],
        key: kms.IKey,
        role_arn: str,
        security_group_id: str | None,
        data_capture: Config.DataCaptureConfigProperty | None,
    ) -> None:
        hosts_components = spec.instance_scaling is not None

        def entries(pairs: Sequence[tuple[VariantPlan, sagemaker.CfnModel]]) -> list[Config.ProductionVariantProperty]:
            return [
                production_variant(
                    variant, model.attr_model_name, serverless=spec.serverless, instance_scaling=spec.instance_scaling
                )
                for variant, model in pairs
            ]

        super().__init__(
            scope,
            id,
            endpoint_config_name=name,
            production_variants=entries(variants),
            # A shadow variant receives a copy of the production requests; its answers are discarded.
            shadow_production_variants=entries(shadows) or None,
            # Serverless variants and instances with local NVMe storage have no volume to encrypt with a key.
            kms_key_id=key.key_arn if spec.encrypt_storage else None,
            data_capture_config=data_capture,
            execution_role_arn=role_arn if hosts_components else None,
            vpc_config=(
                Config.VpcConfigProperty(subnets=list(spec.subnets), security_group_ids=[security_group_id])
                if hosts_components and spec.subnets and security_group_id
                else None
            ),
            enable_network_isolation=spec.isolation,
        )
        if not spec.encrypt_storage:
            acknowledge_storage_key(self, [variant for variant, _ in (*variants, *shadows)])

    def twin(self, scope: Construct, id: str, *, name: str, variants: Sequence[VariantPlan]) -> Config:
        """The same configuration under another name (model refresh switches between the two)."""
        twin = Config(
            scope,
            id,
            endpoint_config_name=name,
            production_variants=self.production_variants,
            kms_key_id=self.kms_key_id,
            data_capture_config=self.data_capture_config,
            async_inference_config=self.async_inference_config,
            shadow_production_variants=self.shadow_production_variants,
        )
        if self.kms_key_id is None:
            acknowledge_storage_key(twin, variants)
        return twin


def acknowledge_storage_key(config: Config, variants: Sequence[VariantPlan]) -> None:
    """Why a configuration has no storage key: serverless variants, or instances with local NVMe storage."""
    if any(variant.kind == "serverless" for variant in variants):
        reason = "Serverless variants have no ML storage volume to encrypt; SageMaker manages their compute."
    else:
        kinds = [v.size.instance_type for v in variants if v.size.instance_type]
        local = sorted({kind for kind in kinds if has_instance_storage(kind)})
        reason = (
            f"{', '.join(local)} ha{'s' if len(local) == 1 else 've'} local NVMe instance storage, which "
            "SageMaker encrypts with a hardware key and for which it rejects a KmsKeyId. Captured data and "
            "logs are still encrypted with the module's key."
        )
    compliance.acknowledge(config, "SageMakerEndpointConfigurationKMSKeyConfigured", reason)
