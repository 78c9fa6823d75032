"""Monitoring schedule expressions as SageMaker Model Monitor accepts them, and what each one implies.

Model Monitor accepts far fewer expressions than EventBridge (ScheduleConfig, SageMaker API Reference):
hourly `cron(0 * ? * * *)`, daily `cron(0 H ? * * *)` (H 0-23), every N hours from hour H
`cron(0 H/N ? * * *)` (H 0-23, N 1-24), and `NOW`, one run at once over a window given by
DataAnalysisStartTime and DataAnalysisEndTime (required with NOW, offsets at most 24 hours apart). Nothing
runs more often than hourly. A job's MaxRuntimeInSeconds cannot exceed its schedule's frequency: on an
hourly schedule at most 3600 s for data quality and explainability, 1800 s for model quality and bias
(MonitoringStoppingCondition). Anything else is refused here, before SageMaker would refuse or fail it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

HOURLY = "cron(0 * ? * * *)"
SECONDS_PER_HOUR = 3600
LONGEST_RUNTIME = 86400  # MonitoringStoppingCondition's valid range ends here
_DAILY = re.compile(r"cron\(0 (\d{1,2}) \? \* \* \*\)")
_EVERY = re.compile(r"cron\(0 (\d{1,2})/(\d{1,2}) \? \* \* \*\)")
_OFFSET = re.compile(r"^(-)?PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")

ACCEPTED = (
    f"Model Monitor accepts {HOURLY} (hourly), cron(0 H ? * * *) (daily at hour H, 0-23), "
    "cron(0 H/N ? * * *) (every N hours from hour H, N 1-24) and NOW (one run at once); "
    "nothing runs more often than hourly"
)


@dataclass(frozen=True)
class Schedule:
    """A parsed expression: hours between runs (None for the one-time NOW) and runs per day."""

    expression: str
    interval_hours: int | None

    @property
    def one_time(self) -> bool:
        return self.interval_hours is None

    @property
    def runs_per_month(self) -> float:
        """Runs in an average month (730 hours); a one-time schedule runs once, when it is created."""
        if self.interval_hours is None:
            return 0.0
        return math.ceil(24 / self.interval_hours) * 730 / 24

    def longest_runtime(self, hourly_limit: int) -> int:
        """The most MaxRuntimeInSeconds SageMaker takes on this schedule, `hourly_limit` on an hourly one."""
        if self.interval_hours is None:
            return LONGEST_RUNTIME
        if self.interval_hours == 1:
            return hourly_limit
        return min(self.interval_hours * SECONDS_PER_HOUR, LONGEST_RUNTIME)

    def describe(self) -> str:
        if self.interval_hours is None:
            return "once, at deployment (NOW)"
        if self.interval_hours == 1:
            return "hourly"
        if self.interval_hours >= 24:
            return "daily"
        return f"every {self.interval_hours} hours"


def parse(expression: str) -> Schedule:
    """The schedule `expression` describes; ValueError naming what Model Monitor accepts otherwise."""
    text = expression.strip()
    if text == "NOW":
        return Schedule(text, None)
    if text == HOURLY:
        return Schedule(text, 1)
    daily = _DAILY.fullmatch(text)
    if daily is not None:
        _hour(daily[1], text)
        return Schedule(text, 24)
    every = _EVERY.fullmatch(text)
    if every is not None:
        _hour(every[1], text)
        interval = int(every[2])
        if not 1 <= interval <= 24:
            raise ValueError(f"'{text}' repeats every {interval} hours; N must be 1 to 24. {ACCEPTED}")
        return Schedule(text, interval)
    raise ValueError(f"'{text}' is not a monitoring schedule expression. {ACCEPTED}")


def _hour(value: str, text: str) -> None:
    if not 0 <= int(value) <= 23:
        raise ValueError(f"'{text}' starts at hour {value}; hours are 0 to 23 (UTC). {ACCEPTED}")


def offset_seconds(value: str) -> int:
    """An analysis window offset (ISO 8601 duration, such as -PT1H) in seconds, negative before the run."""
    match = _OFFSET.fullmatch(value)
    if match is None or not any(match.group(2, 3, 4)):
        raise ValueError(f"'{value}' is not an offset such as -PT1H or -PT30M (an ISO 8601 duration in hours, minutes)")
    sign = -1 if match[1] else 1
    hours, minutes, seconds = (int(part or 0) for part in match.group(2, 3, 4))
    return sign * (hours * 3600 + minutes * 60 + seconds)
