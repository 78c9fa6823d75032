"""Inference components: with `managed-instance-scaling: true` the model runs as a component whose copies scale
on an endpoint whose instances SageMaker manages (down to zero)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ComponentParameters(BaseModel):
    managed_instance_scaling: bool = False
    scaling_min_instance_count: int = Field(1, ge=0)
    scaling_max_instance_count: int = Field(10, ge=1)
    inference_component_memory_mb: int | None = Field(None, ge=128, examples=[2048])
    inference_component_cpus: float | None = Field(None, ge=0.25, examples=[1])
    inference_component_accelerators: int | None = Field(None, ge=1, examples=[1])
    inference_component_copy_count: int = Field(1, ge=1)
    autoscaling_target_invocations_per_copy: int | None = Field(None, ge=1, examples=[4])
