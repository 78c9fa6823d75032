"""The plan of inference components: each model's component (its compute defaulted from the instance's size when
not given), the instances SageMaker manages for them, and how their copies scale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sagemaker_endpoint.inference_components.instance_sizes import InstanceSize
from sagemaker_endpoint.names import sagemaker_name
from sagemaker_endpoint.parameters.declared import DeclaredParameters


class InstanceScaling(NamedTuple):
    """ManagedInstanceScaling of a variant that hosts inference components: SageMaker sizes it in these bounds."""

    minimum: int
    maximum: int


@dataclass(frozen=True)
class ComponentSpec:
    """The inference component a model runs as on an endpoint with managed instance scaling."""

    name: str
    variant: str
    model_name: str
    construct_prefix: str
    memory_mb: int
    cpus: float | None
    accelerators: int | None
    copy_count: int
    defaulted: str | None = None  # how the compute was defaulted from the instance's size, when it was

    @property
    def log_group_name(self) -> str:
        """Where SageMaker sends the component's container logs (not the endpoint's log group)."""
        return f"/aws/sagemaker/InferenceComponents/{self.name}"


@dataclass(frozen=True)
class ComponentScalingSpec:
    """Target tracking on a component's copies; from zero, a step policy on failed invocations wakes it up."""

    target: float
    minimum: int
    maximum: int
    scale_in_cooldown: int
    scale_out_cooldown: int

    @property
    def scales_to_zero(self) -> bool:
        return self.minimum == 0


def component_name(endpoint_name: str) -> str:
    """The inference component's name: stable, so its scalable target and alarms keep naming it."""
    return sagemaker_name(endpoint_name, suffix="component")


def instance_scaling(settings: DeclaredParameters) -> InstanceScaling | None:
    if not settings.managed_instance_scaling:
        return None
    return InstanceScaling(settings.scaling_min_instance_count, settings.scaling_max_instance_count)


def component(
    settings: DeclaredParameters,
    *,
    name: str,
    variant: str,
    model_name: str,
    construct_prefix: str,
    instance: InstanceSize | None,
) -> ComponentSpec:
    """The component serving `model_name` on `variant`; without `inference-component-memory-mb`, its compute is
    defaulted from the size of the instance (`instance`, from EC2: inference_components/instance_sizes.py)."""
    memory, accelerators = settings.inference_component_memory_mb, settings.inference_component_accelerators
    defaulted = None
    if memory is None:
        if instance is None:
            raise ValueError("the instance's size was not looked up before the plan (synthesis.py)")
        memory, defaulted = instance.copy_memory_mb, instance.describe()
        accelerators = accelerators or instance.accelerators or None
    return ComponentSpec(
        name=name,
        variant=variant,
        model_name=model_name,
        construct_prefix=construct_prefix,
        memory_mb=memory,
        cpus=settings.inference_component_cpus,
        accelerators=accelerators,
        copy_count=settings.inference_component_copy_count,
        defaulted=defaulted,
    )


def component_scaling(settings: DeclaredParameters) -> ComponentScalingSpec | None:
    if not settings.managed_instance_scaling or settings.autoscaling_max_capacity is None:
        return None
    assert settings.autoscaling_target_invocations_per_copy is not None
    to_zero = settings.scaling_min_instance_count == 0
    return ComponentScalingSpec(
        target=float(settings.autoscaling_target_invocations_per_copy),
        minimum=0 if to_zero else settings.autoscaling_min_capacity or settings.inference_component_copy_count,
        maximum=settings.autoscaling_max_capacity,
        scale_in_cooldown=settings.autoscaling_scale_in_cooldown_seconds,
        scale_out_cooldown=settings.autoscaling_scale_out_cooldown_seconds,
    )
