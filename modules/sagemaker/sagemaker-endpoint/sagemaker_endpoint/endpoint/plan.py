"""The plan of the endpoint itself: its configuration (which cannot change in place, so it is named after its
naming key), and what governs every resource of the stack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sagemaker_endpoint.async_inference.plan import AsyncAsGiven
from sagemaker_endpoint.capture.plan import CaptureAsGiven
from sagemaker_endpoint.inference_components.plan import InstanceScaling
from sagemaker_endpoint.model_source.plan import MODULE_ROLE
from sagemaker_endpoint.names import key_digest
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.variants.plan import ServerlessSize, VariantPlan
from sagemaker_endpoint.variants.sizes import VariantSize, has_instance_storage


@dataclass(frozen=True)
class EndpointConfigSpec:
    """Everything that defines the endpoint configuration (which cannot change in place): its name hashes it."""

    models: tuple[str, ...]  # the models' names, so a new model gives a new configuration
    variants: tuple[VariantSize, ...]
    serverless: ServerlessSize
    encrypt_storage: bool  # a KMS key for the ML storage volumes (none for serverless or instance storage)
    capture: CaptureAsGiven
    # Set only for an endpoint of inference components.
    instance_scaling: InstanceScaling | None = None
    execution_role: str | None = None  # the role ARN given, or MODULE_ROLE; on the configuration itself
    subnets: tuple[str, ...] | None = None
    isolation: bool | None = None
    asynchronous: AsyncAsGiven | None = None
    shadow_variants: tuple[VariantSize, ...] = ()
    shadow_models: tuple[str, ...] = ()
    # The bucket data is captured to, when capture is on: DataCaptureConfig cannot change in place, and
    # the prefix alone does not say where. None when capture is off.
    capture_bucket: str | None = None


def config_naming_key(config: EndpointConfigSpec) -> dict[str, Any]:
    """What names an endpoint configuration, written out key by key: these keys and values named every deployed
    configuration. A property added after the first release enters only when it is set, so the configurations
    of endpoints that do not use it keep their names."""
    key: dict[str, Any] = {
        "models": list(config.models),
        "variants": [list(size) for size in config.variants],
        "serverless": list(config.serverless),
        "encrypt_storage": config.encrypt_storage,
        **config.capture.naming_key(),
    }
    if config.instance_scaling is not None:
        key["instance_scaling"] = list(config.instance_scaling)
    if config.execution_role is not None:
        key["execution_role"] = config.execution_role
    if config.subnets is not None:
        key["subnets"] = list(config.subnets)
    if config.isolation is not None:
        key["isolation"] = config.isolation
    if config.asynchronous is not None:
        key["asynchronous"] = list(config.asynchronous)
    if config.shadow_variants:
        key["shadow_variants"] = [list(size) for size in config.shadow_variants]
    if config.shadow_models:
        key["shadow_models"] = list(config.shadow_models)
    if config.capture_bucket is not None:
        key["capture_bucket"] = config.capture_bucket
    return key


def config_digest(config: EndpointConfigSpec) -> str:
    return key_digest(config_naming_key(config))


def configuration(
    settings: DeclaredParameters,
    variants: Sequence[VariantPlan],
    shadows: Sequence[VariantPlan],
    *,
    capture: CaptureAsGiven,
    capture_bucket: str | None,
    instance_scaling: InstanceScaling | None,
    asynchronous: AsyncAsGiven | None,
    serverless: ServerlessSize,
) -> EndpointConfigSpec:
    """The configuration serving `variants` (and the shadow), from every feature's part of it."""
    managed = instance_scaling is not None
    instance_types = [v.size.instance_type for v in (*variants, *shadows) if v.size.instance_type]
    return EndpointConfigSpec(
        # An endpoint of inference components has no model on its variants: a new model updates the component.
        models=() if managed else tuple(variant.model_name for variant in variants),
        variants=tuple(variant.size for variant in variants),
        serverless=serverless,
        encrypt_storage=bool(instance_types) and not any(has_instance_storage(kind) for kind in instance_types),
        capture=capture,
        # An endpoint of inference components carries these on its configuration rather than on a model.
        instance_scaling=instance_scaling,
        execution_role=(settings.model_execution_role_arn or MODULE_ROLE) if managed else None,
        subnets=settings.subnet_ids if managed else None,
        isolation=settings.network_isolation if managed else None,
        asynchronous=asynchronous,
        shadow_variants=tuple(shadow.size for shadow in shadows),
        shadow_models=tuple(shadow.model_name for shadow in shadows),
        capture_bucket=capture_bucket,
    )


@dataclass(frozen=True)
class GovernanceSpec:
    """What applies to every resource of the stack: tags, the permissions boundary, log retention, and who may
    administer the module's key."""

    tags: dict[str, str | None]  # None: left out (a parameter not given)
    permissions_boundary_name: str | None
    log_retention_days: int
    key_administrators: tuple[str, ...]


def governance(settings: DeclaredParameters, domain_tags: dict[str, str]) -> GovernanceSpec:
    """The project's tags, the domain's (domain/plan.py) and the user's, in that order."""
    tags = {
        "sagemaker:project-id": settings.sagemaker_project_id,
        "sagemaker:project-name": settings.sagemaker_project_name,
        "sagemaker:domain-id": domain_tags.get("sagemaker:domain-id"),
        "sagemaker:domain-arn": domain_tags.get("sagemaker:domain-arn"),
        **settings.tags,
    }
    return GovernanceSpec(
        tags=tags,
        permissions_boundary_name=settings.permissions_boundary_name,
        log_retention_days=settings.log_retention_days,
        key_administrators=settings.key_administrator_arns,
    )
