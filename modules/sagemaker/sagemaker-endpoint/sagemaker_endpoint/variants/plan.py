"""The plan of the variants: each production variant with its model, size, alarms and construct ids, the
serverless sizes, and how Application Auto Scaling scales them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from sagemaker_endpoint.inference_components.plan import component_name
from sagemaker_endpoint.model_source.lookup import ResolvedPackage
from sagemaker_endpoint.model_source.plan import ModelSpec, Source, model_name, model_spec
from sagemaker_endpoint.names import pascal
from sagemaker_endpoint.notifications.alarm_names import alarm_names
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.variants.sizes import VariantSize, variant_sizes

VariantKind = Literal["instance", "serverless"]


@dataclass(frozen=True)
class VariantPlan:
    """One production (or shadow) variant: its kind, its model and the names and ids made for it."""

    name: str
    kind: VariantKind
    model: ModelSpec
    model_name: str
    model_id: str  # construct id of its model: `Model` for the short form, else `<Variant>Model`
    construct_prefix: str  # PascalCase variant name, the start of its alarms' and scaling's construct ids
    size: VariantSize
    package: ResolvedPackage | None  # the package it serves, when it serves one
    alarm_names: tuple[str, ...]
    component_name: str | None = None  # the inference component serving its model, with managed instance scaling


class ServerlessSize(NamedTuple):
    memory_size_mb: int | None
    max_concurrency: int | None
    provisioned_concurrency: int | None


def production_variants(
    settings: DeclaredParameters, sources: Sequence[Source], endpoint_name: str
) -> list[VariantPlan]:
    """Every production variant, each serving its source (model_source/plan.py), in manifest order."""
    short_form = not settings.variants
    variants = []
    for size, (containers, served) in zip(variant_sizes(settings), sources, strict=True):
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
                component_name=component_name(endpoint_name) if settings.managed_instance_scaling else None,
            )
        )
    return variants


def serverless_size(settings: DeclaredParameters) -> ServerlessSize:
    return ServerlessSize(
        settings.serverless_memory_size_mb,
        settings.serverless_max_concurrency,
        settings.serverless_provisioned_concurrency,
    )


@dataclass(frozen=True)
class ScalingSpec:
    """Target tracking on every variant: instance counts on invocations, or serverless provisioned concurrency."""

    dimension: str
    metric: str
    target: float
    minimum: tuple[int, ...]  # one per variant, in order
    maximum: int
    scale_in_cooldown: int
    scale_out_cooldown: int
    backlog: bool = False  # asynchronous: track ApproximateBacklogSizePerInstance, wake up from zero on a backlog


def scaling(settings: DeclaredParameters, variants: Sequence[VariantPlan]) -> ScalingSpec | None:
    """Autoscaling of the variants (an inference component scales its copies instead: inference_components/)."""
    if settings.autoscaling_max_capacity is None or settings.managed_instance_scaling:
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
