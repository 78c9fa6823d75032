"""Model monitoring schedules as a template declares them: what each runs, how often, on what, for how long.

Read from the template alone (the emulator creates neither schedules nor job definitions), for the plan's
decisions and its cost estimate.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rehearsal.templates import Template, resources

HOURS_PER_MONTH = 730
_DEFINITION_TYPES = [
    f"AWS::SageMaker::{kind}JobDefinition"
    for kind in ("DataQuality", "ModelQuality", "ModelBias", "ModelExplainability")
]
_DAILY = re.compile(r"cron\(0 \d{1,2} \? \* \* \*\)")
_EVERY = re.compile(r"cron\(0 \d{1,2}/(\d{1,2}) \? \* \* \*\)")


@dataclass(frozen=True)
class Schedule:
    name: str
    monitoring_type: str
    expression: str
    instance_count: int
    instance_type: str
    max_runtime_hours: float
    network_isolation: bool
    subnets: int
    baseline: str

    @property
    def runs_per_month(self) -> float:
        """Runs in a 730-hour month; a one-time (NOW) schedule runs once, when it is created."""
        if self.expression == "cron(0 * ? * * *)":
            return float(HOURS_PER_MONTH)
        if _DAILY.fullmatch(self.expression):
            return HOURS_PER_MONTH / 24
        every = _EVERY.fullmatch(self.expression)
        if every:
            return math.ceil(24 / max(1, int(every[1]))) * HOURS_PER_MONTH / 24
        return 0.0

    @property
    def cadence(self) -> str:
        if self.expression == "NOW":
            return "once, at deployment"
        every = _EVERY.fullmatch(self.expression)
        if every and int(every[1]) < 24:
            return f"every {int(every[1])} hours"
        return "hourly" if self.runs_per_month == HOURS_PER_MONTH else "daily"


def schedules(template: Template) -> list[Schedule]:
    """Each monitoring schedule with the job definition it runs (matched by the definition's name)."""
    definitions = {
        str(props.get("JobDefinitionName")): (kind.split("::")[-1].removesuffix("JobDefinition"), props)
        for kind in _DEFINITION_TYPES
        for _, props in resources(template, kind)
    }
    found = []
    for logical_id, props in resources(template, "AWS::SageMaker::MonitoringSchedule"):
        config = props.get("MonitoringScheduleConfig") or {}
        kind, definition = definitions.get(str(config.get("MonitoringJobDefinitionName")), ("?", {}))
        cluster = (definition.get("JobResources") or {}).get("ClusterConfig") or {}
        network = definition.get("NetworkConfig") or {}
        baseline = (definition.get(f"{kind}BaselineConfig") or {}).get("ConstraintsResource") or {}
        found.append(
            Schedule(
                name=str(props.get("MonitoringScheduleName", logical_id)),
                monitoring_type=str(config.get("MonitoringType", kind)),
                expression=str((config.get("ScheduleConfig") or {}).get("ScheduleExpression", "")),
                instance_count=int(cluster.get("InstanceCount") or 1),
                instance_type=str(cluster.get("InstanceType", "?")),
                max_runtime_hours=int((definition.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds") or 0)
                / 3600,
                network_isolation=bool(network.get("EnableNetworkIsolation")),
                subnets=len((network.get("VpcConfig") or {}).get("Subnets") or []),
                baseline=str(baseline.get("S3Uri", "none")),
            )
        )
    return found


def decisions(template: Template) -> list[str]:
    lines = []
    for schedule in schedules(template):
        where = f"in {schedule.subnets} subnet(s)" if schedule.subnets else "outside any VPC"
        isolation = "network isolation on" if schedule.network_isolation else "network isolation OFF"
        lines.append(
            f"monitoring schedule {schedule.name}: {schedule.monitoring_type} {schedule.cadence} "
            f"({schedule.expression}), {schedule.instance_count} x {schedule.instance_type} up to "
            f"{schedule.max_runtime_hours:g} h a run, {isolation}, {where}"
        )
        lines.append(f"  baseline constraints {schedule.baseline}")
    return lines
