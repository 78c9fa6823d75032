"""The rules of the serving modes: inference components (managed instance scaling), asynchronous inference
and shadow tests. Each raises one ParameterError naming the parameters involved; `rules.check` runs them.
"""

from __future__ import annotations

from mlops_platform.contract import ParameterError, parameter_name
from sagemaker_endpoint.parameters.settings import EndpointSettings
from sagemaker_endpoint.variants import variant_sizes

COMPONENT_PARAMETERS = (
    "inference_component_memory_mb",
    "inference_component_cpus",
    "inference_component_accelerators",
    "inference_component_copy_count",
    "autoscaling_target_invocations_per_copy",
)
ZERO_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html"


def managed_instance_scaling(settings: EndpointSettings) -> None:
    """Managed instance scaling means an endpoint of inference components (SageMaker accepts it nowhere else)."""
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
    refused = {
        "serverless_memory_size_mb": "serverless endpoints have no instances for inference components to run on",
        "containers": "an inference component runs one container (its Specification.Container), not a pipeline",
        "variants": "inference components are chosen per request by name, SageMaker splits no weighted traffic "
        "across them; deploy one model per module",
        "refresh_on_model_data_change": "the refresh switches endpoint configurations, and an inference "
        "component's model is not part of its endpoint's configuration",
        "data_capture_sampling_percentage": "data capture on inference-component endpoints is not verified "
        "against SageMaker's documentation",
    }
    for field, reason in refused.items():
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


ASYNC_PARAMETERS = (
    "async_failure_s3_uri",
    "async_input_s3_uri",
    "async_max_concurrent_invocations_per_instance",
    "async_success_topic_arn",
    "async_error_topic_arn",
    "autoscaling_target_backlog_per_instance",
)
ASYNC_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference.html"


def asynchronous(settings: EndpointSettings) -> None:
    """Asynchronous inference: what SageMaker documents it cannot go with, and what the module needs for it."""
    if not settings.asynchronous:
        stray = settings.given(*ASYNC_PARAMETERS)
        if stray:
            raise ParameterError(
                f"parameter '{parameter_name(stray[0])}' configures asynchronous inference, which "
                "'async-output-s3-uri' turns on; set it too, or remove this one"
            )
        return
    if settings.async_input_s3_uri is None:
        raise ParameterError(
            "parameter 'async-input-s3-uri': required with 'async-output-s3-uri'; the S3 prefix callers put "
            "requests under, the only place the endpoint's role may read them from"
        )
    refused = {
        "serverless_memory_size_mb": "asynchronous inference runs on instances (not verified for serverless)",
        "managed_instance_scaling": "asynchronous inference with inference components is not verified against "
        "SageMaker's documentation",
        "invoke_function": "the invoke function calls InvokeEndpoint, which an asynchronous endpoint refuses; "
        "callers put the request in S3 and call InvokeEndpointAsync",
        "autoscaling_target_invocations_per_instance": "an asynchronous endpoint publishes no Invocations "
        "metrics (https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-monitor.html); use "
        "'autoscaling-target-backlog-per-instance'",
    }
    for field, reason in refused.items():
        if getattr(settings, field):
            raise ParameterError(
                f"parameter '{parameter_name(field)}' does not go with 'async-output-s3-uri': {reason}"
            )
    for name, instance_type, _, _ in variant_sizes(settings):
        if instance_type and instance_type.startswith("ml.inf1."):
            raise ParameterError(
                f"parameter 'instance-type': variant '{name}' runs on {instance_type}; SageMaker documents that "
                f"asynchronous inference cannot be used on Inf1 instances ({ASYNC_DOC}, deployment guardrails "
                "exclusions); choose another instance type"
            )
    if settings.autoscaling and settings.autoscaling_target_backlog_per_instance is None:
        raise ParameterError(
            "parameter 'autoscaling-target-backlog-per-instance': required with 'autoscaling-max-capacity' on an "
            "asynchronous endpoint (the queued requests per instance that target tracking keeps; AWS's example "
            "uses 5)"
        )


SHADOW_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/shadow-tests.html"


def shadow(settings: EndpointSettings) -> None:
    """Shadow variants, within what SageMaker documents for shadow tests (shadow-tests and its exclusions)."""
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
    excluded = {
        "serverless_memory_size_mb": "serverless inference",
        "async_output_s3_uri": "asynchronous inference",
        "containers": "multiple-container endpoints",
        "managed_instance_scaling": "inference components (not documented for shadow tests either way)",
    }
    for field, feature in excluded.items():
        if getattr(settings, field):
            raise ParameterError(
                f"parameter '{parameter_name(field)}' does not go with 'shadow-variants': SageMaker's shadow tests "
                f"exclude {feature} (https://docs.aws.amazon.com/sagemaker/latest/dg/shadow-tests-exclusions.html)"
            )
    kinds = [size.instance_type or "" for size in variant_sizes(settings)]
    kinds.append(shadows[0].instance_type or settings.instance_type)
    if any(kind.startswith("ml.inf1.") for kind in kinds):
        raise ParameterError(
            "parameter 'instance-type': SageMaker's shadow tests exclude endpoints that use Inf1 instances "
            "(https://docs.aws.amazon.com/sagemaker/latest/dg/shadow-tests-exclusions.html)"
        )


def component_autoscaling(settings: EndpointSettings, maximum: int) -> None:
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
