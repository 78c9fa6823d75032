"""What a rehearsal found, and its plan for machines (`--json`, plan.json): everything the text plan shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rehearsal.accounts import Accounts
from rehearsal.cost import PRICES, price_list
from rehearsal.deploy import ModuleResult
from rehearsal.summary import metadata_as_deployed, module_summary
from rehearsal.update_plan import ModuleUpdate


@dataclass
class Rehearsal:
    manifest: str
    deployment: str
    account: str  # the default target's (the toolchain's): the one account of a single-account manifest
    regions: list[str]
    accounts: Accounts | None = None  # every account of the mapping, by alias
    bootstrapped: list[str] = field(default_factory=list)  # Seed-Farmer's and the CDK's bootstrap, per account
    seeded: list[str] = field(default_factory=list)
    # What crosses accounts, each line a checked route (an approval forwarded to another account's bus, ...).
    across_accounts: list[str] = field(default_factory=list)
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
        "accounts": _accounts(rehearsal),
        "bootstrapped": rehearsal.bootstrapped,
        "across_accounts": rehearsal.across_accounts,
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
                    "alias": module.alias,
                    "account": module.environment.get("CDK_DEFAULT_ACCOUNT", ""),
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


def _accounts(rehearsal: Rehearsal) -> list[dict[str, Any]]:
    accounts = rehearsal.accounts
    if accounts is None:
        return []
    return [
        {
            "alias": target.alias,
            "account": target.account,
            "regions": list(target.regions),
            "toolchain": target.account == accounts.toolchain,
        }
        for target in accounts.targets
    ]


def cost_by_account(rehearsal: Rehearsal) -> dict[str, dict[str, Any]]:
    """The estimate of each account's modules, in the order the plan lists the modules."""
    accounts: dict[str, list[ModuleResult]] = {}
    for group in rehearsal.groups:
        for module in group:
            accounts.setdefault(module.environment.get("CDK_DEFAULT_ACCOUNT", ""), []).append(module)
    return {
        account: _sum([module_summary(module)["cost"] for module in modules]) for account, modules in accounts.items()
    }


def total_cost(rehearsal: Rehearsal) -> dict[str, Any]:
    """The deployment's estimate: idle and at the autoscaled peak, None (unknown) when any price is missing;
    with the estimate of each account when it spans several (`by_account`)."""
    total = _sum([module_summary(module)["cost"] for group in rehearsal.groups for module in group])
    if rehearsal.accounts is not None and rehearsal.accounts.several:
        total["by_account"] = cost_by_account(rehearsal)
    return total


def _sum(costs: list[dict[str, Any]]) -> dict[str, Any]:
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
