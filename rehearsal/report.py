"""The plan a person reads: per module the decisions, the resources as the templates name them, the wiring,
the estimated monthly cost, and what the emulator did not check."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rehearsal.cost import PRICES, price_list
from rehearsal.result import Rehearsal, cost_by_account, total_cost
from rehearsal.summary import metadata_as_deployed, module_summary

WIDTH = 100


def plan(rehearsal: Rehearsal) -> str:
    lines = [
        "=" * WIDTH,
        f"Rehearsal of {rehearsal.manifest}: deployment '{rehearsal.deployment}' "
        f"in {_where(rehearsal)} ({', '.join(rehearsal.regions)})",
        "=" * WIDTH,
        *_accounts(rehearsal),
        "Seeded (what the manifests expect to exist already):",
        *(f"  - {line}" for line in rehearsal.seeded or ["nothing"]),
        *_account_steps(rehearsal),
    ]
    for number, group in enumerate(rehearsal.groups, 1):
        for index, module in enumerate(group, 1):
            lines += _module(rehearsal, f"{number}.{index}", module, module_summary(module))
    lines += _updates(rehearsal)
    lines += _cross_account(rehearsal)
    lines += [
        "",
        _total(total_cost(rehearsal))
        + f" (list prices of {price_list()['date']} from rehearsal/{PRICES.name}; usage-based charges not included)",
        *_by_account(rehearsal),
        f"Rehearsed in {rehearsal.seconds:.1f}s. Templates, environments, metadata and findings: {rehearsal.output}",
        "This is a rehearsal, not a deployment: see 'What the rehearsal proves' in README.md.",
    ]
    return "\n".join(lines)


def _where(rehearsal: Rehearsal) -> str:
    accounts = rehearsal.accounts
    if accounts is None or not accounts.several:
        return f"emulated account {rehearsal.account}"
    return "emulated accounts " + ", ".join(accounts.name(account) for account in accounts.ids)


def _accounts(rehearsal: Rehearsal) -> list[str]:
    """For a deployment over several accounts: each account, where Seed-Farmer keeps its state, and what was
    bootstrapped in each."""
    accounts = rehearsal.accounts
    if accounts is None or not accounts.several:
        return []
    return [
        f"Accounts (toolchain: {accounts.name(accounts.toolchain)}, which holds the deployment manifest; each "
        "module's metadata is kept in its own account and read through that account's deployment role):",
        *(f"  - {line}" for line in rehearsal.bootstrapped),
    ]


def _by_account(rehearsal: Rehearsal) -> list[str]:
    accounts = rehearsal.accounts
    if accounts is None or not accounts.several:
        return []
    return [
        f"  {accounts.name(account)}: {_total(cost).removeprefix('Estimated monthly cost: ')}"
        for account, cost in cost_by_account(rehearsal).items()
    ]


def _cross_account(rehearsal: Rehearsal) -> list[str]:
    if not rehearsal.across_accounts:
        return []
    return ["", "Across accounts (decided by the IAM simulator over the policies the emulated accounts hold):"] + [
        f"  {line}" for line in rehearsal.across_accounts
    ]


def _module(rehearsal: Rehearsal, number: str, module: Any, summary: dict[str, Any]) -> list[str]:
    """One module of the plan, numbered `<group>.<module>` in deployment order."""
    where = f"{module.path}, {summary['region']}"
    if rehearsal.accounts is not None and rehearsal.accounts.several:
        where += f", account {rehearsal.accounts.name(module.environment.get('CDK_DEFAULT_ACCOUNT', ''))}"
    lines = ["", f"[{number}] group {module.group} / module {module.module}  ({where})"]
    for stack in module.stacks:
        count = len(stack.template.get("Resources", {}))
        lines.append(f"    stack {stack.name}: {stack.status}, {count} resources")
    lines.append("    decisions:")
    lines += [f"      {line}" for line in summary["decisions"] or ["(none of the kinds the plan reads)"]]
    lines.append("    resources with the names the template fixes:")
    lines += [f"      {item['name']}  ({item['type']})" for item in summary["named_resources"]]
    generated = ", ".join(f"{count} x {kind}" for kind, count in summary["generated_names"].items())
    lines.append(f"    named by CloudFormation at deploy: {generated or 'none'}")
    lines += _wiring(rehearsal, module)
    lines += _cost(summary["cost"])
    lines.append("    not checked by the emulator:")
    lines += [f"      - {line}" for line in summary["not_checked"]]
    for stack in module.stacks:
        lines += [f"      - emulator workaround: {note}" for note in stack.adaptations]
    lines.append(f"    cfn-lint: {len(module.lint) or 'no'} finding(s)")
    lines += [f"      {finding}" for finding in module.lint]
    lines.append(f"    cdk-nag: no open finding; {len(module.acknowledged)} acknowledged with a reason")
    seconds = ", ".join(f"{step} {value:.1f}s" for step, value in module.seconds.items())
    lines.append(f"    time: {seconds}")
    return lines


def _updates(rehearsal: Rehearsal) -> list[str]:
    step = f" after step '{rehearsal.step}'" if rehearsal.step else ""
    if rehearsal.updates is None:
        return [
            "",
            f"Update plan: none, this is the first complete rehearsal of '{rehearsal.deployment}'{step} "
            "(the next one plans against it)",
        ]
    lines = ["", f"Update plan{step}, against the last complete rehearsal of '{rehearsal.deployment}':"]
    for update in rehearsal.updates:
        if not update.changes and not update.endpoint and not update.errors:
            lines.append(f"  {update.module}: no change")
            continue
        counts = Counter(change.action for change in update.changes)
        summary = ", ".join(f"{count} {action}" for action, count in sorted(counts.items()))
        lines.append(f"  {update.module}: {summary or 'no resource change'}")
        for change in update.changes:
            causes = f": {'; '.join(change.causes)}" if change.causes else ""
            lines.append(f"    {change.action:<16} {change.logical_id} ({change.resource_type}){causes}")
        lines += [f"    SageMaker: {line}" for line in update.endpoint]
        lines += [f"    Seed-Farmer: {line}" for line in update.seedfarmer]
        lines += [f"    ERROR (AWS would refuse): {error}" for error in update.errors]
    if rehearsal.refused:
        lines += [
            "",
            f"REFUSED: {len(rehearsal.refused)} change(s) AWS would refuse. This rehearsal's output is in "
            f"{rehearsal.output}; the last complete rehearsal's state is kept, and the next rehearsal plans "
            "against it again.",
        ]
    return lines


def _account_steps(rehearsal: Rehearsal) -> list[str]:
    if not rehearsal.steps:
        return []
    earlier = [step for step in rehearsal.steps if step != rehearsal.step]
    kept = (
        f"; {', '.join(earlier)} kept from the last complete rehearsal (`--reset` starts again from the seed alone)"
        if earlier
        else ""
    )
    return [f"  then the seed's step(s) {', '.join(rehearsal.steps)}{kept}"]


def _wiring(rehearsal: Rehearsal, module: Any) -> list[str]:
    lines = ["    metadata published (names the templates fix, where the emulator made up its own):"]
    deployed = metadata_as_deployed(module)
    for key, value in module.metadata.items():
        note = f"  (emulator: {value})" if deployed[key] != value else ""
        lines.append(f"      {key} = {deployed[key]}{note}")
    for use in rehearsal.consumers.get(f"{module.group}/{module.module}", []):
        consumer = f"{use['group']}/{use['module']}"
        lines.append(f"      -> {use['key']} consumed by {consumer} as parameter '{use['parameter']}'")
    return lines


def _total(cost: dict[str, Any]) -> str:
    if not cost["complete"]:
        priced = (
            f"; what has a price comes to ${cost['priced_usd']:,.2f} idle, ${cost['priced_usd_at_peak']:,.2f} at "
            "the autoscaled peak"
            if cost["priced_usd_at_peak"]
            else ""
        )
        return f"Estimated monthly cost: UNKNOWN, {cost['unpriced']} item(s) have no price (listed per module){priced}"
    return (
        f"Estimated monthly cost: ${cost['monthly_usd']:,.2f} idle, ${cost['monthly_usd_at_peak']:,.2f} at the "
        "autoscaled peak"
    )


def _cost(cost: dict[str, Any]) -> list[str]:
    if cost["complete"]:
        head = f"${cost['monthly_usd']:,.2f} idle"
        if cost["at_peak"]:
            head += f", ${cost['monthly_usd_at_peak']:,.2f} at the autoscaled peak"
    else:
        head = f"UNKNOWN ({len(cost['unpriced'])} item(s) without a price)"
        head += f"; priced items: ${cost['priced_usd']:,.2f} idle" if cost["priced_usd"] else ""
    lines = [f"    estimated monthly cost: {head}"]
    lines += [f"      ${item['monthly_usd']:>9,.2f}  {item['what']}" for item in cost["items"]]
    lines += [
        f"      ${peak['monthly_usd']:>9,.2f}  {peak['what']} (instead of {peak['idle']})" for peak in cost["at_peak"]
    ]
    lines += [f"      no price: {item}" for item in cost["unpriced"]]
    if cost["usage_based"]:
        lines.append("      billed by use, not estimated: " + "; ".join(cost["usage_based"]))
    return lines
