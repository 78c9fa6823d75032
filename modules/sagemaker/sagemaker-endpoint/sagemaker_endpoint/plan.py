"""The plan: every decision the stack needs, made once from the validated settings (no CDK import here).

`plan(settings, package, context)` turns the parameters into names, variants and one spec per concern
(specs.py). The constructs in infra/ take their spec and never look at the settings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from mlops_platform.contract import DeploymentContext, ParameterError
from sagemaker_endpoint import placement, serving_plan
from sagemaker_endpoint.instance_sizes import InstanceSize
from sagemaker_endpoint.model_package import ModelArtifacts, ResolvedPackage
from sagemaker_endpoint.names import pascal, sagemaker_name, spec_digest
from sagemaker_endpoint.parameters.formats import bucket_of
from sagemaker_endpoint.parameters.settings import EndpointSettings
from sagemaker_endpoint.specs import (
    AlarmActions,
    AlarmsSpec,
    ArtifactsSpec,
    AsyncSpec,
    CaptureAsGiven,
    CaptureSpec,
    Container,
    EndpointConfigSpec,
    EndpointPlan,
    InstanceScaling,
    NetworkSpec,
    NotificationsSpec,
    RefreshSpec,
    RegistryEventsSpec,
    RolloutSpec,
    ScalingSpec,
    ServerlessSize,
    VariantPlan,
)
from sagemaker_endpoint.variants import alarm_names, has_instance_storage, model_name, model_spec, variant_sizes


def plan(
    settings: EndpointSettings,
    package: ResolvedPackage | None,
    context: DeploymentContext,
    packages: Mapping[str, ResolvedPackage] | None = None,
    instance: InstanceSize | None = None,
) -> EndpointPlan:
    """Every decision, once; `package` is the resolved model package of the short form, if it has one,
    `packages` the described packages `variants` and `shadow-variants` name, by ARN, and `instance` the
    size of the instance type, when an inference component's compute is defaulted from it."""
    endpoint_name = sagemaker_name(context.stack_name)
    network = NetworkSpec(settings.vpc_id, settings.subnet_ids) if settings.vpc_id and settings.subnet_ids else None
    packages = packages or {}
    model_sources = _model_sources(settings, package, packages)
    short_form = not settings.variants
    managed = settings.managed_instance_scaling
    variants = []
    for size, (containers, served) in zip(variant_sizes(settings), model_sources, strict=True):
        model = model_spec(settings, containers)
        variants.append(
            VariantPlan(
                name=size.name,
                kind="serverless" if settings.serverless else "instance",
                model=model,
                model_name=model_name(endpoint_name, model),
                model_id="Model" if short_form else f"{pascal(size.name)}Model",
                construct_prefix=pascal(size.name),
                size=size,
                package=served,
                alarm_names=alarm_names(settings, endpoint_name, size.name),
                component_name=serving_plan.component_name(endpoint_name) if managed else None,
            )
        )
    shadows = serving_plan.shadows(settings, endpoint_name, packages)
    instance_types = [v.size.instance_type for v in (*variants, *shadows) if v.size.instance_type]
    config = EndpointConfigSpec(
        # An endpoint of inference components has no model on its variants: a new model updates the component.
        models=() if managed else tuple(variant.model_name for variant in variants),
        variants=tuple(variant.size for variant in variants),
        serverless=ServerlessSize(
            settings.serverless_memory_size_mb,
            settings.serverless_max_concurrency,
            settings.serverless_provisioned_concurrency,
        ),
        encrypt_storage=bool(instance_types) and not any(has_instance_storage(kind) for kind in instance_types),
        capture=CaptureAsGiven(settings.data_capture_sampling_percentage, settings.data_capture_prefix),
        # An endpoint of inference components carries these on its configuration rather than on a model.
        instance_scaling=(
            InstanceScaling(settings.scaling_min_instance_count, settings.scaling_max_instance_count)
            if managed
            else None
        ),
        execution_role=(settings.model_execution_role_arn or "module-role") if managed else None,
        subnets=settings.subnet_ids if managed else None,
        isolation=settings.network_isolation if managed else None,
        asynchronous=serving_plan.async_config(settings),
        shadow_variants=tuple(shadow.size for shadow in shadows),
        shadow_models=tuple(shadow.model_name for shadow in shadows),
        capture_bucket=settings.model_artifacts_bucket_arn if settings.data_capture_enabled else None,
    )
    config_digest = spec_digest(config)
    known = _artifacts([*variants, *shadows])
    result = EndpointPlan(
        stack_name=context.stack_name,
        endpoint_name=endpoint_name,
        log_group_name=f"/aws/sagemaker/Endpoints/{endpoint_name}",
        variants=tuple(variants),
        config=config,
        config_name=sagemaker_name(endpoint_name, suffix=f"config-{config_digest}"),
        execution_role_arn=settings.model_execution_role_arn,
        network=None if settings.serverless else network,
        capture=_capture(settings, endpoint_name),
        alarms=AlarmsSpec(
            server_errors_threshold=settings.alarm_5xx_errors_threshold,
            latency_p99_ms=settings.alarm_model_latency_p99_ms,
            actions=AlarmActions(
                topic_arn=settings.alarm_topic_arn or settings.notification_topic_arn,
                module_topic=not settings.alarm_topic_arn and settings.notifications,
            ),
        ),
        scaling=None if managed else _scaling(settings, variants),
        rollout=_rollout(settings, [*variants, *(shadows if settings.shadow_alarms_roll_back else [])]),
        refresh=None,
        notifications=_notifications(settings, package, context),
        invoke_function=settings.invoke_function,
        artifacts=ArtifactsSpec(known, settings.ecr_repo_arn, settings.model_artifacts_kms_key_arn),
        components=tuple(
            serving_plan.component(settings, variant, instance) for variant in variants if variant.component_name
        ),
        component_scaling=serving_plan.component_scaling(settings) if managed else None,
        shadow_variants=tuple(shadows),
        key_administrators=settings.key_administrator_arns,
        domain=placement.domain(settings, context),
        registry_events=_registry_events(settings, context),
    )
    if config.asynchronous is not None:
        assert settings.async_input_s3_uri is not None
        result = dataclasses.replace(result, asynchronous=AsyncSpec(config.asynchronous, settings.async_input_s3_uri))
    if not settings.refresh_on_model_data_change:
        return result
    if not known.model_data_urls:
        raise ParameterError(
            "parameter 'refresh-on-model-data-change': the served package has no model data object to watch"
        )
    refresh = RefreshSpec(
        model_data_urls=known.model_data_urls,
        twin_config_name=sagemaker_name(endpoint_name, suffix=f"twin-{config_digest}"),
        debounce_seconds=settings.refresh_debounce_seconds,
        maximum_execution_timeout_seconds=settings.maximum_execution_timeout_seconds,
    )
    return dataclasses.replace(result, refresh=refresh)


def _model_sources(
    settings: EndpointSettings, package: ResolvedPackage | None, packages: Mapping[str, ResolvedPackage]
) -> list[tuple[tuple[Container, ...], ResolvedPackage | None]]:
    """Each variant's containers and the package it serves: every model source as a list of variants."""
    if settings.variants:
        return [
            (
                (Container(variant.model_package_arn, None, None, ()),)
                if variant.model_package_arn
                else (Container(None, variant.model_image_uri, variant.model_data_url, ()),),
                packages.get(variant.model_package_arn) or ResolvedPackage(arn=variant.model_package_arn)
                if variant.model_package_arn
                else None,
            )
            for variant in settings.variants
        ]
    if settings.containers:
        pipeline = tuple(
            Container(None, container.image_uri, container.model_data_url, tuple(sorted(container.environment.items())))
            for container in settings.containers
        )
        return [(pipeline, None)]
    if settings.model_image_uri:
        environment = tuple(sorted(settings.model_environment.items()))
        return [((Container(None, settings.model_image_uri, settings.model_data_url, environment),), None)]
    assert package is not None, "a package source is resolved before the plan is made"
    return [((Container(package.arn, None, None, ()),), package)]


def _artifacts(variants: list[VariantPlan]) -> ModelArtifacts:
    """Every image and model data URL the variants serve, their packages' included (synthesis describes
    every package, so the execution role is granted exactly these)."""
    images: list[str] = []
    data: list[str] = []
    for variant in variants:
        for container in variant.model.containers:
            if container.image:
                images.append(container.image)
            if container.model_data_url:
                data.append(container.model_data_url)
        if variant.package is not None:
            if variant.package.artifacts is None:
                raise ValueError(f"model package {variant.package.arn} was not described before the plan")
            images.extend(variant.package.artifacts.images)
            data.extend(variant.package.artifacts.model_data_urls)
    return ModelArtifacts(images=tuple(dict.fromkeys(images)), model_data_urls=tuple(dict.fromkeys(data)))


def _notifications(
    settings: EndpointSettings, package: ResolvedPackage | None, context: DeploymentContext
) -> NotificationsSpec | None:
    """The topic, and the group whose approvals are announced: as SageMaker's events name it, from its registry."""
    if not settings.notification_topic_arn and not settings.notifications:
        return None
    if not settings.model_package_group_name:
        return NotificationsSpec(settings.notification_topic_arn, None)
    group = placement.group_reference(settings.model_package_group_name, context)
    name = package.group_name if package is not None and package.group_name else group.name
    return NotificationsSpec(settings.notification_topic_arn, name, group.account)


def _registry_events(settings: EndpointSettings, context: DeploymentContext) -> RegistryEventsSpec | None:
    role = settings.registry_event_forwarding_role_arn
    if role is None:
        return None
    return RegistryEventsSpec(
        forwarding_role_arn=role,
        registry_account=role.split(":")[4],
        # EventBridge's StatementId: up to 64 letters, digits, hyphens and underscores, unique on the bus.
        statement_id=sagemaker_name(context.stack_name, suffix="registry-events", limit=64),
    )


def _capture(settings: EndpointSettings, endpoint_name: str) -> CaptureSpec | None:
    if not settings.data_capture_enabled or not settings.model_artifacts_bucket_arn:
        return None
    return CaptureSpec(
        bucket_arn=settings.model_artifacts_bucket_arn,
        bucket=bucket_of(settings.model_artifacts_bucket_arn),
        prefix=(settings.data_capture_prefix or f"data-capture/{endpoint_name}").strip("/"),
        sampling_percentage=settings.data_capture_sampling_percentage,
    )


def _scaling(settings: EndpointSettings, variants: list[VariantPlan]) -> ScalingSpec | None:
    if settings.autoscaling_max_capacity is None:
        return None
    if settings.serverless:
        dimension, metric = "DesiredProvisionedConcurrency", "SageMakerVariantProvisionedConcurrencyUtilization"
        target = settings.autoscaling_target_utilization
        floor = settings.autoscaling_min_capacity or settings.serverless_provisioned_concurrency or 1
        minimum = tuple(floor for _ in variants)
    elif settings.asynchronous:
        # Requests queue while no instance runs, so an asynchronous endpoint may scale to zero.
        dimension, metric = "DesiredInstanceCount", "ApproximateBacklogSizePerInstance"
        target = float(settings.autoscaling_target_backlog_per_instance or 0)
        minimum = tuple(settings.autoscaling_min_capacity or 0 for _ in variants)
    else:
        dimension, metric = "DesiredInstanceCount", "SageMakerVariantInvocationsPerInstance"
        target = float(settings.autoscaling_target_invocations_per_instance or 0)
        minimum = tuple(settings.autoscaling_min_capacity or v.size.initial_instance_count for v in variants)
    return ScalingSpec(
        dimension=f"sagemaker:variant:{dimension}",
        metric=metric,
        target=target,
        minimum=minimum,
        maximum=settings.autoscaling_max_capacity,
        scale_in_cooldown=settings.autoscaling_scale_in_cooldown_seconds,
        scale_out_cooldown=settings.autoscaling_scale_out_cooldown_seconds,
        backlog=settings.asynchronous,
    )


def _rollout(settings: EndpointSettings, variants: list[VariantPlan]) -> RolloutSpec:
    return RolloutSpec(
        strategy=settings.deployment_strategy,
        canary_size_percent=settings.canary_size_percent,
        linear_step_percent=settings.linear_step_percent,
        rolling_batch_percent=settings.rolling_batch_percent,
        wait_interval_seconds=settings.wait_interval_seconds,
        termination_wait_seconds=settings.termination_wait_seconds,
        maximum_execution_timeout_seconds=settings.maximum_execution_timeout_seconds,
        rollback_alarm_names=(*(name for v in variants for name in v.alarm_names), *settings.rollback_alarm_names),
    )
