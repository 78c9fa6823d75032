"""The rules of the variants and their scaling: unique names, what serverless endpoints exclude, and
autoscaling's bounds and targets for instance and serverless variants (an inference component's copies have
theirs in inference_components/rules.py)."""

from __future__ import annotations

from mlops_platform.contract import ParameterError, parameter_name
from sagemaker_endpoint.inference_components.rules import copy_autoscaling
from sagemaker_endpoint.parameters.declared import DeclaredParameters, quoted_names
from sagemaker_endpoint.variants.sizes import variant_sizes

BURSTABLE_PREFIX = "ml.t"
SERVERLESS_EXCLUDES = {
    "vpc_id": "VPC configuration",
    "subnet_ids": "VPC configuration",
    "enable_network_isolation": "network isolation",
    "data_capture_sampling_percentage": "data capture",
    "containers": "inference pipelines",
    "instance_type": "instance types",
    "initial_instance_count": "instance counts",
}
AUTOSCALING_TUNING = (
    "autoscaling_min_capacity",
    "autoscaling_target_invocations_per_instance",
    "autoscaling_target_invocations_per_copy",
    "autoscaling_target_backlog_per_instance",
    "autoscaling_target_utilization",
    "autoscaling_scale_in_cooldown_seconds",
    "autoscaling_scale_out_cooldown_seconds",
)


def check_names(settings: DeclaredParameters) -> None:
    if not settings.variants:
        return
    names = [variant.name for variant in settings.variants]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ParameterError(f"parameter 'variants': variant names must be unique; repeated: {', '.join(duplicates)}")
    if settings.given("variant_name"):
        raise ParameterError(
            "parameter 'variant-name' is the short form of a one-element 'variants'; with 'variants', name each "
            "variant in the list"
        )


def check_serverless(settings: DeclaredParameters) -> None:
    serverless_fields = ("serverless_memory_size_mb", "serverless_max_concurrency")
    if not settings.serverless:
        if settings.serverless_provisioned_concurrency is not None:
            raise ParameterError(
                "parameter 'serverless-provisioned-concurrency' needs 'serverless-memory-size-mb' and "
                "'serverless-max-concurrency'"
            )
        return
    missing = [field for field in serverless_fields if getattr(settings, field) is None]
    if missing:
        raise ParameterError(
            f"parameter(s) {quoted_names(*missing)}: a serverless endpoint needs both "
            f"{quoted_names(*serverless_fields)}"
        )
    for field, feature in SERVERLESS_EXCLUDES.items():
        asked = field in settings.given(field) and getattr(settings, field) not in (False, 0, None)
        if asked:
            raise ParameterError(
                f"parameter '{parameter_name(field)}': serverless endpoints support no {feature} (SageMaker's "
                "serverless inference exclusions); remove it, or drop the serverless-* parameters for a "
                "real-time endpoint"
            )
    if settings.variants and len(settings.variants) > 1:
        raise ParameterError(
            "parameter 'variants': serverless endpoints support one production variant only (SageMaker's "
            "serverless inference exclusions)"
        )
    provisioned, maximum = settings.serverless_provisioned_concurrency, settings.serverless_max_concurrency
    if provisioned is not None and maximum is not None and provisioned > maximum:
        raise ParameterError(
            f"parameter 'serverless-provisioned-concurrency': {provisioned} is more than "
            f"'serverless-max-concurrency' ({maximum})"
        )


def check_autoscaling(settings: DeclaredParameters) -> None:
    tuning = settings.given(*AUTOSCALING_TUNING)
    if not settings.autoscaling:
        if tuning:
            raise ParameterError(
                f"parameter '{parameter_name(tuning[0])}' tunes autoscaling, which 'autoscaling-max-capacity' "
                "turns on; set it too"
            )
        return
    maximum = settings.autoscaling_max_capacity
    assert maximum is not None
    if settings.serverless:
        _serverless_autoscaling(settings, maximum)
        return
    if settings.managed_instance_scaling:
        copy_autoscaling(settings, maximum)
        return
    if "autoscaling_target_utilization" in tuning:
        raise ParameterError(
            "parameter 'autoscaling-target-utilization' applies to serverless provisioned concurrency; instance "
            "variants scale on 'autoscaling-target-invocations-per-instance'"
        )
    if settings.autoscaling_target_invocations_per_instance is None and not settings.asynchronous:
        raise ParameterError(
            "parameter 'autoscaling-target-invocations-per-instance': required with 'autoscaling-max-capacity' "
            "(the invocations per instance per minute that target tracking keeps each variant at)"
        )
    _instance_bounds(settings, maximum)


def _instance_bounds(settings: DeclaredParameters, maximum: int) -> None:
    for name, instance_type, initial, _ in variant_sizes(settings):
        if instance_type and instance_type.startswith(BURSTABLE_PREFIX):
            raise ParameterError(
                f"parameter 'instance-type': variant '{name}' runs on {instance_type}, a burstable instance type "
                "SageMaker cannot autoscale; choose another type or drop 'autoscaling-max-capacity'"
            )
        minimum = settings.autoscaling_min_capacity or initial
        if not minimum <= initial <= maximum:
            raise ParameterError(
                f"parameters 'autoscaling-min-capacity' ({minimum}), 'initial-instance-count' ({initial}) of variant "
                f"'{name}', 'autoscaling-max-capacity' ({maximum}): need min <= initial <= max"
            )


def _serverless_autoscaling(settings: DeclaredParameters, maximum: int) -> None:
    provisioned = settings.serverless_provisioned_concurrency
    if provisioned is None:
        raise ParameterError(
            "parameter 'autoscaling-max-capacity': a serverless endpoint scales its provisioned concurrency; "
            "set 'serverless-provisioned-concurrency' too"
        )
    if settings.autoscaling_target_invocations_per_instance is not None:
        raise ParameterError(
            "parameter 'autoscaling-target-invocations-per-instance' applies to instance variants; serverless "
            "endpoints scale on 'autoscaling-target-utilization'"
        )
    minimum = settings.autoscaling_min_capacity or provisioned
    ceiling = settings.serverless_max_concurrency or maximum
    if not minimum <= provisioned <= maximum <= ceiling:
        raise ParameterError(
            f"parameters 'autoscaling-min-capacity' ({minimum}), 'serverless-provisioned-concurrency' ({provisioned}), "
            f"'autoscaling-max-capacity' ({maximum}), 'serverless-max-concurrency' ({ceiling}): need "
            "min <= provisioned <= max <= max concurrency"
        )
