"""Guarded rollouts (SageMaker deployment guardrails): how traffic moves to a new model, and what rolls it back."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import NoDecode

from mlops_platform.contract import decode_list


class RolloutParameters(BaseModel):
    deployment_strategy: Literal["ALL_AT_ONCE", "CANARY", "LINEAR", "ROLLING"] = "ALL_AT_ONCE"
    canary_size_percent: int = Field(10, ge=1, le=50)
    linear_step_percent: int = Field(20, ge=10, le=50)
    rolling_batch_percent: int = Field(25, ge=5, le=50)
    wait_interval_seconds: int = Field(300, ge=0, le=3600)
    termination_wait_seconds: int = Field(300, ge=0, le=3600)
    maximum_execution_timeout_seconds: int = Field(3600, ge=600, le=28800)
    rollback_alarm_names: Annotated[tuple[str, ...], NoDecode] = Field((), examples=[["fraud-detector-5xx"]])

    @field_validator("rollback_alarm_names", mode="before")
    @classmethod
    def _alarm_list(cls, value: Any) -> Any:
        return decode_list(value)

    @field_validator("rollback_alarm_names")
    @classmethod
    def _alarm_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not 1 <= len(name) <= 255:
                raise ValueError(f"'{name}' is not a CloudWatch alarm name (1 to 255 characters)")
        return value
