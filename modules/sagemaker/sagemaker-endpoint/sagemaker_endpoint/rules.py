"""How the endpoint's parameters may combine: each rule raises one error naming the parameters involved.

Single values are checked where they are declared (parameters/settings.py); this file holds what depends on more
than one parameter: the model source, serverless exclusions, autoscaling bounds and rollout strategy; the
serving modes (inference components, asynchronous inference, shadow tests) have theirs in serving_rules.py, and
what depends on where the endpoint deploys (the account and region of a package, key or domain) placement.py.
"""

from __future__ import annotations

from mlops_platform.contract import ParameterError, parameter_name
from sagemaker_endpoint.parameters.settings import EndpointSettings
from sagemaker_endpoint.serving_rules import asynchronous, component_autoscaling, managed_instance_scaling, shadow
from sagemaker_endpoint.variants import alarm_names, variant_sizes

MODEL_SOURCES = ("model_package_arn", "model_package_group_name", "model_image_uri", "containers", "variants")
STRATEGY_PARAMETERS = {
    "canary_size_percent": "CANARY",
    "linear_step_percent": "LINEAR",
    "rolling_batch_percent": "ROLLING",
}
BURSTABLE_PREFIX = "ml.t"
MAX_ROLLBACK_ALARMS = 10  # AutoRollbackConfig.Alarms in the SageMaker API


def check(settings: EndpointSettings) -> None:
    """Every rule, in the order a user would want to fix things."""
    model_source(settings)
    network(settings)
    data_capture(settings)
    managed_instance_scaling(settings)
    asynchronous(settings)
    shadow(settings)
    serverless(settings)
    autoscaling(settings)
    rollout(settings)
    events(settings)


def _names(*fields: str) -> str:
    return ", ".join(f"'{parameter_name(field)}'" for field in fields)


def model_source(settings: EndpointSettings) -> None:
    sources = [field for field in MODEL_SOURCES if getattr(settings, field)]
    if len(sources) != 1:
        raise ParameterError(
            f"parameters {_names(*MODEL_SOURCES)}: give exactly one model source (a package version, a package "
            f"group whose newest approved package is served, an image, a pipeline of containers, or variants); "
            f"got {_names(*sources) if sources else 'none'}"
        )
    for field in settings.given("model_data_url", "model_environment"):
        if not settings.model_image_uri:
            raise ParameterError(f"parameter '{parameter_name(field)}' goes with 'model-image-uri', which is not set")
    if settings.variants:
        variants = settings.variants
        names = [variant.name for variant in variants]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ParameterError(
                f"parameter 'variants': variant names must be unique; repeated: {', '.join(duplicates)}"
            )
        if settings.given("variant_name"):
            raise ParameterError(
                "parameter 'variant-name' is the short form of a one-element 'variants'; with 'variants', name each "
                "variant in the list"
            )


def network(settings: EndpointSettings) -> None:
    if settings.serverless:
        return
    missing = [field for field in ("vpc_id", "subnet_ids") if not getattr(settings, field)]
    if missing:
        raise ParameterError(
            f"parameter(s) {_names(*missing)}: required, the endpoint's network interfaces live in your VPC "
            "(only serverless endpoints run without them)"
        )


def data_capture(settings: EndpointSettings) -> None:
    if settings.data_capture_enabled and not settings.model_artifacts_bucket_arn:
        raise ParameterError(
            "parameter 'data-capture-sampling-percentage': data capture writes to the artifacts bucket; "
            "set 'model-artifacts-bucket-arn' too, or set the percentage to 0 to turn capture off"
        )


def serverless(settings: EndpointSettings) -> None:
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
            f"parameter(s) {_names(*missing)}: a serverless endpoint needs both {_names(*serverless_fields)}"
        )
    excluded = {
        "vpc_id": "VPC configuration",
        "subnet_ids": "VPC configuration",
        "enable_network_isolation": "network isolation",
        "data_capture_sampling_percentage": "data capture",
        "containers": "inference pipelines",
        "instance_type": "instance types",
        "initial_instance_count": "instance counts",
    }
    for field, feature in excluded.items():
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


def autoscaling(settings: EndpointSettings) -> None:
    tuning = settings.given(
        "autoscaling_min_capacity",
        "autoscaling_target_invocations_per_instance",
        "autoscaling_target_invocations_per_copy",
        "autoscaling_target_backlog_per_instance",
        "autoscaling_target_utilization",
        "autoscaling_scale_in_cooldown_seconds",
        "autoscaling_scale_out_cooldown_seconds",
    )
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
        component_autoscaling(settings, maximum)
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


def _serverless_autoscaling(settings: EndpointSettings, maximum: int) -> None:
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


def rollout(settings: EndpointSettings) -> None:
    strategy = settings.deployment_strategy
    sizes = variant_sizes(settings)
    variants = len(sizes)
    own = sum(len(alarm_names(settings, "", size.name)) for size in sizes)
    if settings.shadow_alarms_roll_back:
        own += sum(len(alarm_names(settings, "", v.name, shadow=True)) for v in settings.shadow_variants or ())
    if own + len(settings.rollback_alarm_names) > MAX_ROLLBACK_ALARMS:
        raise ParameterError(
            f"parameter 'rollback-alarm-names': SageMaker rolls a deployment back on at most {MAX_ROLLBACK_ALARMS} "
            f"alarms, and this endpoint has {own} of its own ({variants} variant(s)) plus "
            f"{len(settings.rollback_alarm_names)} given"
        )
    for field, owner in STRATEGY_PARAMETERS.items():
        if settings.given(field) and owner != strategy:
            raise ParameterError(
                f"parameter '{parameter_name(field)}' applies to deployment-strategy {owner}, not {strategy}"
            )
    if strategy == "ROLLING":
        if settings.serverless:
            raise ParameterError(
                "parameter 'deployment-strategy': ROLLING updates do not support serverless endpoints "
                "(SageMaker deployment guardrails exclusions); use ALL_AT_ONCE, CANARY or LINEAR"
            )
        if settings.variants and len(settings.variants) > 1:
            raise ParameterError(
                "parameter 'deployment-strategy': ROLLING updates do not support multi-variant endpoints "
                "(SageMaker deployment guardrails exclusions); use ALL_AT_ONCE, CANARY or LINEAR"
            )
        if settings.given("termination_wait_seconds"):
            raise ParameterError(
                "parameter 'termination-wait-seconds' applies to blue/green strategies (ALL_AT_ONCE, CANARY, LINEAR)"
            )


def events(settings: EndpointSettings) -> None:
    if settings.notification_topic_arn and settings.notifications:
        raise ParameterError(
            "parameters 'notification-topic-arn', 'notifications': give the topic to use, or notifications: true "
            "for a topic the module creates, not both"
        )
    if settings.given("refresh_debounce_seconds") and not settings.refresh_on_model_data_change:
        raise ParameterError(
            "parameter 'refresh-debounce-seconds' tunes 'refresh-on-model-data-change', which is not turned on"
        )
    if not settings.refresh_on_model_data_change:
        return
    has_data = (
        bool(settings.model_data_url or settings.model_package_group_name)
        or any(container.model_data_url for container in settings.containers or ())
        or any(variant.model_data_url for variant in settings.variants or ())
    )
    if not has_data:
        raise ParameterError(
            "parameter 'refresh-on-model-data-change': the endpoint serves no model data object this module "
            "knows (a package given by ARN is not looked up at synth time); use 'model-data-url', "
            "'model-package-group-name', or containers or variants with a model-data-url"
        )
