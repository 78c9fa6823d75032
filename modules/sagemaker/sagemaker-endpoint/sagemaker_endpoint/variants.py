"""Each variant's size and alarm names, made from the settings: shared by the rules that check them and the plan.

No CDK import here, and nothing from plan.py, so rules.py and the plan can both import it.
"""

from __future__ import annotations

import re

from sagemaker_endpoint.names import sagemaker_name, spec_digest
from sagemaker_endpoint.parameters.settings import EndpointSettings
from sagemaker_endpoint.specs import Container, ModelSpec, VariantSize

# Instance families with local NVMe storage: SageMaker encrypts that storage itself and rejects a
# KmsKeyId for the storage volume of such variants.
_INSTANCE_STORAGE_FAMILY = re.compile(r"^ml\.([a-z]+\d+[a-z]*d[a-z]*|g5|g6|g6e|p5|p5e|p5en|trn1|trn1n|trn2)\.")


def has_instance_storage(instance_type: str) -> bool:
    return bool(_INSTANCE_STORAGE_FAMILY.match(instance_type))


def variant_sizes(settings: EndpointSettings) -> list[VariantSize]:
    """Every variant's size, with the top-level parameters filling what a variant leaves out."""
    instance_type = None if settings.serverless else settings.instance_type
    if not settings.variants:
        return [
            VariantSize(
                settings.variant_name, instance_type, settings.initial_instance_count, settings.initial_variant_weight
            )
        ]
    return [
        VariantSize(
            variant.name,
            None if settings.serverless else (variant.instance_type or settings.instance_type),
            variant.initial_instance_count or settings.initial_instance_count,
            variant.initial_variant_weight or settings.initial_variant_weight,
        )
        for variant in settings.variants
    ]


def alarms_act(settings: EndpointSettings, *, shadow: bool) -> bool:
    """Whether a variant's alarms would act: notify a topic, or roll a deployment back. An alarm that does
    neither is not created."""
    if settings.alarm_topic_arn or settings.notification_topic_arn or settings.notifications:
        return True
    if shadow:
        return settings.shadow_alarms_roll_back
    # An inference component rolls back only in its rolling update; every other endpoint's deployment
    # configuration (rollout.py) names its production variants' alarms.
    return not settings.managed_instance_scaling or settings.deployment_strategy == "ROLLING"


def alarm_names(
    settings: EndpointSettings, endpoint_name: str, variant: str, *, shadow: bool = False
) -> tuple[str, ...]:
    """The names of a variant's alarms: deterministic, so the rollback configuration can name them; none
    when nothing would act on them (`alarms_act`)."""
    if not alarms_act(settings, shadow=shadow):
        return ()
    names = [f"{endpoint_name}-{variant}-5xx-errors"]
    if settings.alarm_model_latency_p99_ms is not None:
        names.append(f"{endpoint_name}-{variant}-model-latency-p99")
    return tuple(names)


def model_spec(settings: EndpointSettings, containers: tuple[Container, ...]) -> ModelSpec:
    """What defines a SageMaker model of this endpoint (production or shadow): its containers and how it runs."""
    return ModelSpec(
        containers=containers,
        role=settings.model_execution_role_arn or "module-role",
        subnets=settings.subnet_ids,
        vpc=settings.vpc_id,
        isolation=settings.network_isolation,
    )


def model_name(endpoint_name: str, model: ModelSpec) -> str:
    """The model's name: the endpoint's plus the digest of everything that defines the model."""
    return sagemaker_name(endpoint_name, suffix=f"model-{spec_digest(model)}")
