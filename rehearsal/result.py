"""What a rehearsal found, and its plan for machines (`--json`, plan.json): everything the text plan shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rehearsal.cost import PRICES, price_list
from rehearsal.deploy import ModuleResult
from rehearsal.summary import metadata_as_deployed, module_summary
from rehearsal.update_plan import ModuleUpdate


@dataclass
class Rehearsal:
    manifest: str
    deployment: str
    account: str
    regions: list[str]
    seeded: list[str] = field(default_factory=list)
    groups: list[list[ModuleResult]] = field(default_factory=list)
    consumers: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    seconds: float = 0.0
    output: str = ""
    step: str | None = None  # the seed step this rehearsal applied (--step)
    steps: list[str] = field(default_factory=list)  # every seed step the emulated account has, in order
    # None on the first rehearsal of a deployment; else, per module, what an update would do.
    updates: list[ModuleUpdate] | None = None

    @property
    def refused(self) -> list[str]:
        """The updates AWS would refuse: a rehearsal with any is a failed one."""
        return [error for update in self.updates or [] for error in update.errors]


def as_json(rehearsal: Rehearsal) -> dict[str, Any]:
    """The plan for machines: everything the text plan shows."""
    return {
        "manifest": rehearsal.manifest,
        "deployment": rehearsal.deployment,
        "account": rehearsal.account,
        "regions": rehearsal.regions,
        "seeded": rehearsal.seeded,
        "step": rehearsal.step,
        "steps": rehearsal.steps,
        "refused": rehearsal.refused,
        "update": None if rehearsal.updates is None else [update.as_json() for update in rehearsal.updates],
        "seconds": rehearsal.seconds,
        "output": rehearsal.output,
        "monthly_cost": total_cost(rehearsal),
        "prices": f"{PRICES.name}, list prices of {price_list()['date']}",
        "groups": [
            [
                {
                    "group": module.group,
                    "module": module.module,
                    "path": module.path,
                    "stacks": [
                        {
                            "name": stack.name,
                            "status": stack.status,
                            "resources": [vars(outcome) for outcome in stack.resources],
                            "custom_resources_answered": stack.custom_resources_answered,
                            "emulator_workarounds": stack.adaptations,
                        }
                        for stack in module.stacks
                    ],
                    **module_summary(module),
                    "metadata": module.metadata,
                    "metadata_as_deployed": metadata_as_deployed(module),
                    "consumed_by": rehearsal.consumers.get(f"{module.group}/{module.module}", []),
                    "cfn_lint": module.lint,
                    "cdk_nag_acknowledged": module.acknowledged,
                    "seconds": module.seconds,
                }
                for module in group
            ]
            for group in rehearsal.groups
        ],
    }


def total_cost(rehearsal: Rehearsal) -> dict[str, Any]:
    """The deployment's estimate: idle and at the autoscaled peak, None (unknown) when any price is missing."""
    costs = [module_summary(module)["cost"] for group in rehearsal.groups for module in group]
    unpriced = sum(len(cost["unpriced"]) for cost in costs)
    priced = round(sum(cost["priced_usd"] for cost in costs), 2)
    at_peak = round(sum(cost["priced_usd_at_peak"] for cost in costs), 2)
    return {
        "complete": not unpriced,
        "monthly_usd": None if unpriced else priced,
        "monthly_usd_at_peak": None if unpriced else at_peak,
        "priced_usd": priced,
        "priced_usd_at_peak": at_peak,
        "unpriced": unpriced,
    }
