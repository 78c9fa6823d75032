"""The plan of guarded rollouts: the strategy, its steps and waits, and every alarm that rolls a deployment back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sagemaker_endpoint.parameters.declared import DeclaredParameters


@dataclass(frozen=True)
class RolloutSpec:
    strategy: Literal["ALL_AT_ONCE", "CANARY", "LINEAR", "ROLLING"]
    canary_size_percent: int
    linear_step_percent: int
    rolling_batch_percent: int
    wait_interval_seconds: int
    termination_wait_seconds: int
    maximum_execution_timeout_seconds: int
    rollback_alarm_names: tuple[str, ...]  # the module's own alarms, then the ones given


def rollout(settings: DeclaredParameters, watched: Sequence[str]) -> RolloutSpec:
    """`watched`: the module's own alarms a deployment rolls back on (its variants', the shadow's when asked)."""
    return RolloutSpec(
        strategy=settings.deployment_strategy,
        canary_size_percent=settings.canary_size_percent,
        linear_step_percent=settings.linear_step_percent,
        rolling_batch_percent=settings.rolling_batch_percent,
        wait_interval_seconds=settings.wait_interval_seconds,
        termination_wait_seconds=settings.termination_wait_seconds,
        maximum_execution_timeout_seconds=settings.maximum_execution_timeout_seconds,
        rollback_alarm_names=(*watched, *settings.rollback_alarm_names),
    )
