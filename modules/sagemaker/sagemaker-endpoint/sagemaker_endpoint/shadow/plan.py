"""The plan of shadow tests: the shadow variant (SageMaker allows one), with its own model, size and alarms."""

from __future__ import annotations

from collections.abc import Mapping

from sagemaker_endpoint.model_source.lookup import ResolvedPackage
from sagemaker_endpoint.model_source.plan import entry_source, model_name, model_spec
from sagemaker_endpoint.names import pascal
from sagemaker_endpoint.notifications.alarm_names import alarm_names
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.variants.plan import VariantPlan
from sagemaker_endpoint.variants.sizes import VariantSize


def shadows(
    settings: DeclaredParameters, endpoint_name: str, packages: Mapping[str, ResolvedPackage]
) -> list[VariantPlan]:
    """The shadow variant, sized like an entry of `variants` (unset sizes take the top-level parameters)."""
    planned = []
    for shadow in settings.shadow_variants or ():
        containers, package = entry_source(shadow, packages)
        model = model_spec(settings, containers)
        planned.append(
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
                package=package,
                alarm_names=alarm_names(settings, endpoint_name, shadow.name, shadow=True),
            )
        )
    return planned
