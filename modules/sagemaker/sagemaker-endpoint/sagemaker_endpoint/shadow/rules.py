"""The rules of shadow tests, within what SageMaker documents for them (shadow-tests and its exclusions)."""

from __future__ import annotations

from mlops_platform.contract import ParameterError, parameter_name
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.variants.sizes import variant_sizes

SHADOW_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/shadow-tests.html"
EXCLUSIONS_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/shadow-tests-exclusions.html"
EXCLUDED = {
    "serverless_memory_size_mb": "serverless inference",
    "async_output_s3_uri": "asynchronous inference",
    "containers": "multiple-container endpoints",
    "managed_instance_scaling": "inference components (not documented for shadow tests either way)",
}


def check(settings: DeclaredParameters) -> None:
    shadows = settings.shadow_variants
    if not shadows:
        if settings.shadow_alarms_roll_back:
            raise ParameterError("parameter 'shadow-alarms-roll-back' applies to 'shadow-variants', which is not set")
        return
    if len(shadows) > 1:
        raise ParameterError(
            f"parameter 'shadow-variants': SageMaker supports at most one shadow variant per endpoint ({SHADOW_DOC}); "
            f"got {len(shadows)}"
        )
    if settings.variants and len(settings.variants) > 1:
        raise ParameterError(
            "parameters 'shadow-variants', 'variants': an endpoint with a shadow variant has at most one production "
            f"variant ({SHADOW_DOC}); test one challenger at a time, or drop the shadow for A/B weights"
        )
    production = {size.name for size in variant_sizes(settings)}
    if shadows[0].name in production:
        raise ParameterError(
            f"parameter 'shadow-variants': '{shadows[0].name}' is already a production variant's name; name it apart"
        )
    for field, feature in EXCLUDED.items():
        if getattr(settings, field):
            raise ParameterError(
                f"parameter '{parameter_name(field)}' does not go with 'shadow-variants': SageMaker's shadow tests "
                f"exclude {feature} ({EXCLUSIONS_DOC})"
            )
    kinds = [size.instance_type or "" for size in variant_sizes(settings)]
    kinds.append(shadows[0].instance_type or settings.instance_type)
    if any(kind.startswith("ml.inf1.") for kind in kinds):
        raise ParameterError(
            "parameter 'instance-type': SageMaker's shadow tests exclude endpoints that use Inf1 instances "
            f"({EXCLUSIONS_DOC})"
        )
