"""What the plan shows of one module, computed once for the text plan and the JSON plan alike."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from rehearsal.cost import estimate
from rehearsal.decisions import decisions
from rehearsal.deploy import ModuleResult
from rehearsal.templates import fixed_name

EMULATOR_LIMITS = (
    "IAM: policies are stored, not evaluated (who may call what is checked in the modules' tests)",
    "service-side checks: quotas, instance availability in the region, model containers starting",
    "updates: planned from the templates and CloudFormation's resource schemas, not applied by the emulator",
)


def metadata_as_deployed(module: ModuleResult) -> dict[str, Any]:
    """The module's metadata with each name the emulator made up, for a resource whose template fixes its
    name, replaced by that name: what `seedfarmer apply` would publish in AWS.

    moto names such a resource `<stack>-<logical id>-<12 random characters>` when it ignores the name.
    """
    renames: dict[str, str] = {}
    for stack in module.stacks:
        for logical_id, resource in stack.template.get("Resources", {}).items():
            name = fixed_name(resource.get("Type", ""), resource.get("Properties") or {})
            if name:
                renames[f"{re.escape(stack.name)}-{re.escape(logical_id)}-[A-Z0-9]{{12}}"] = name
    if not renames:
        return dict(module.metadata)
    pattern = re.compile("|".join(f"(?:{key})" for key in renames))
    names = {re.compile(key): name for key, name in renames.items()}

    def rename(match: re.Match[str]) -> str:
        return next(name for key, name in names.items() if key.fullmatch(match.group(0)))

    return {key: json.loads(pattern.sub(rename, json.dumps(value))) for key, value in module.metadata.items()}


def region_of(module: ModuleResult) -> str:
    return module.environment.get("CDK_DEFAULT_REGION", "")


def module_summary(module: ModuleResult) -> dict[str, Any]:
    """Decisions, the resources with the names the template fixes, cost, and what the emulator did not check."""
    region = region_of(module)
    named, generated = [], Counter[str]()
    lines: list[str] = []
    items: list[dict[str, Any]] = []
    peaks: list[dict[str, Any]] = []
    usage: list[str] = []
    unpriced: list[str] = []
    not_checked = list(EMULATOR_LIMITS)
    for stack in module.stacks:
        lines += decisions(stack.template)
        for logical_id, resource in stack.template.get("Resources", {}).items():
            name = fixed_name(resource.get("Type", ""), resource.get("Properties") or {})
            if name:
                named.append({"logical_id": logical_id, "type": resource["Type"], "name": name})
            else:
                generated[resource["Type"]] += 1
        cost = estimate(stack.template, region)
        items += [{"what": item.what, "monthly_usd": item.monthly} for item in cost.items]
        peaks += [
            {
                "idle": idle.what,
                "what": top.what,
                "monthly_usd": top.monthly,
                "more_than_idle_usd": top.monthly - idle.monthly,
            }
            for idle, top in cost.peak
        ]
        usage += cost.usage_based
        unpriced += cost.unpriced
        skipped = sorted({outcome.resource_type for outcome in stack.resources if outcome.status == "not emulated"})
        if skipped:
            not_checked.append(f"declared but not emulated: {', '.join(skipped)}")
        if stack.custom_resources_answered:
            answered = ", ".join(stack.custom_resources_answered)
            not_checked.append(f"custom resources answered SUCCESS, handler not run: {answered}")
    return {
        "region": region,
        "decisions": lines,
        "named_resources": named,
        "generated_names": dict(sorted(generated.items())),
        "cost": _cost(items, peaks, usage, unpriced),
        "not_checked": not_checked,
    }


def _cost(
    items: list[dict[str, Any]], peaks: list[dict[str, Any]], usage: list[str], unpriced: list[str]
) -> dict[str, Any]:
    """The module's estimate: `monthly_usd` (idle) and `monthly_usd_at_peak` are None when a price is missing
    (`unpriced`), never a total that counts it as zero; `priced_usd` is what the priced items come to."""
    priced = round(sum(item["monthly_usd"] for item in items), 2)
    at_peak = round(priced + sum(peak["more_than_idle_usd"] for peak in peaks), 2)
    return {
        "complete": not unpriced,
        "monthly_usd": None if unpriced else priced,
        "monthly_usd_at_peak": None if unpriced else at_peak,
        "priced_usd": priced,
        "priced_usd_at_peak": at_peak,
        "items": items,
        "at_peak": [{key: value for key, value in peak.items() if key != "more_than_idle_usd"} for peak in peaks],
        "usage_based": sorted(set(usage)),
        "unpriced": unpriced,
    }
