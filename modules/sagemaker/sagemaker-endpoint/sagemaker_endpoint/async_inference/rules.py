"""The rules of asynchronous inference: what SageMaker documents it cannot go with, and what the module needs."""

from __future__ import annotations

from mlops_platform.contract import ParameterError, parameter_name
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.variants.sizes import variant_sizes

ASYNC_PARAMETERS = (
    "async_failure_s3_uri",
    "async_input_s3_uri",
    "async_max_concurrent_invocations_per_instance",
    "async_success_topic_arn",
    "async_error_topic_arn",
    "autoscaling_target_backlog_per_instance",
)
ASYNC_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference.html"
REFUSED = {
    "serverless_memory_size_mb": "asynchronous inference runs on instances (not verified for serverless)",
    "managed_instance_scaling": "asynchronous inference with inference components is not verified against "
    "SageMaker's documentation",
    "invoke_function": "the invoke function calls InvokeEndpoint, which an asynchronous endpoint refuses; "
    "callers put the request in S3 and call InvokeEndpointAsync",
    "autoscaling_target_invocations_per_instance": "an asynchronous endpoint publishes no Invocations "
    "metrics (https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-monitor.html); use "
    "'autoscaling-target-backlog-per-instance'",
}


def check(settings: DeclaredParameters) -> None:
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
    for field, reason in REFUSED.items():
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
