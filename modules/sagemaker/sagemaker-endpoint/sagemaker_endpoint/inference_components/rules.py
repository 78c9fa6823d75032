"""The rules of inference components: managed instance scaling means an endpoint of inference components
(SageMaker accepts it nowhere else), within what SageMaker documents for them, and their copies' autoscaling."""

from __future__ import annotations

from mlops_platform.contract import ParameterError, parameter_name
from sagemaker_endpoint.parameters.declared import DeclaredParameters

COMPONENT_PARAMETERS = (
    "inference_component_memory_mb",
    "inference_component_cpus",
    "inference_component_accelerators",
    "inference_component_copy_count",
    "autoscaling_target_invocations_per_copy",
)
ZERO_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html"
REFUSED = {
    "serverless_memory_size_mb": "serverless endpoints have no instances for inference components to run on",
    "containers": "an inference component runs one container (its Specification.Container), not a pipeline",
    "variants": "inference components are chosen per request by name, SageMaker splits no weighted traffic "
    "across them; deploy one model per module",
    "refresh_on_model_data_change": "the refresh switches endpoint configurations, and an inference "
    "component's model is not part of its endpoint's configuration",
    "data_capture_sampling_percentage": "data capture on inference-component endpoints is not verified "
    "against SageMaker's documentation",
}


def check(settings: DeclaredParameters) -> None:
    if not settings.managed_instance_scaling:
        stray = settings.given(*COMPONENT_PARAMETERS)
        if stray:
            raise ParameterError(
                f"parameter '{parameter_name(stray[0])}' configures the inference component that "
                "'managed-instance-scaling: true' deploys; turn that on, or remove it"
            )
        return
    low, initial, high = (
        settings.scaling_min_instance_count,
        settings.initial_instance_count,
        settings.scaling_max_instance_count,
    )
    if not low <= initial <= high:
        raise ParameterError(
            f"parameters 'scaling-min-instance-count' ({low}), 'initial-instance-count' ({initial}), "
            f"'scaling-max-instance-count' ({high}): need min <= initial <= max"
        )
    for field, reason in REFUSED.items():
        if getattr(settings, field):
            raise ParameterError(
                f"parameter '{parameter_name(field)}' does not go with 'managed-instance-scaling: true': {reason}"
            )
    if settings.deployment_strategy in ("CANARY", "LINEAR"):
        raise ParameterError(
            f"parameter 'deployment-strategy': {settings.deployment_strategy} is a blue/green traffic shift of "
            "production variants; an inference component is updated by its own rolling update "
            "(InferenceComponent DeploymentConfig.RollingUpdatePolicy); use ROLLING or ALL_AT_ONCE"
        )
    _to_zero(settings, low)


def _to_zero(settings: DeclaredParameters, low: int) -> None:
    if low == 0 and not settings.autoscaling:
        raise ParameterError(
            "parameter 'scaling-min-instance-count': 0 lets SageMaker remove every instance only once the "
            "component has no copies left; set 'autoscaling-max-capacity' and "
            f"'autoscaling-target-invocations-per-copy' so the copies scale to and from zero ({ZERO_DOC})"
        )
    if low == 0 and settings.autoscaling_min_capacity is not None:
        raise ParameterError(
            "parameter 'autoscaling-min-capacity': with 'scaling-min-instance-count: 0' the copies must reach zero, "
            "so the module sets the minimum copy count to 0; remove it"
        )


def copy_autoscaling(settings: DeclaredParameters, maximum: int) -> None:
    """Autoscaling of the component's copies (variants/rules.py hands it over when autoscaling is on)."""
    if settings.autoscaling_target_invocations_per_instance is not None or settings.given(
        "autoscaling_target_utilization"
    ):
        raise ParameterError(
            "parameter 'autoscaling-target-invocations-per-instance': an inference component scales its copies; "
            "use 'autoscaling-target-invocations-per-copy' (and let managed instance scaling size the instances)"
        )
    if settings.autoscaling_target_invocations_per_copy is None:
        raise ParameterError(
            "parameter 'autoscaling-target-invocations-per-copy': required with 'autoscaling-max-capacity' and "
            "'managed-instance-scaling: true' (the invocations per copy per minute that target tracking keeps)"
        )
    copies = settings.inference_component_copy_count
    minimum = 0 if settings.scaling_min_instance_count == 0 else settings.autoscaling_min_capacity or copies
    if not minimum <= copies <= maximum:
        raise ParameterError(
            f"parameters 'autoscaling-min-capacity' ({minimum}), 'inference-component-copy-count' ({copies}), "
            f"'autoscaling-max-capacity' ({maximum}): need min <= copies <= max"
        )
