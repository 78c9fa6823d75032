"""A whole deployment manifest, group by group, as `seedfarmer apply` runs it, in an emulated account."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rehearsal import event_routes
from rehearsal.bootstrap import bootstrap_accounts, project_name, store_deployment_manifest
from rehearsal.deploy import ModuleResult
from rehearsal.diagram import of_rehearsal
from rehearsal.emulator import EmulatorServer, emulator_server
from rehearsal.groups import Run, rehearse_group
from rehearsal.loading import Loaded, RehearsalFailed, after_steps, check, load
from rehearsal.output import failed_folder, staged
from rehearsal.result import Rehearsal, as_json
from rehearsal.seeding import seed_account
from rehearsal.stable_ids import stable_ids
from rehearsal.state import account_steps, load_state, plan_updates, save_state, state_of
from rehearsal.synth_cache import cache_folder


class _Refused(Exception):
    """The update plan holds changes AWS would refuse: the output goes to `<deployment>.failed/`."""


def rehearse(
    manifest: Path,
    seed_file: Path | None,
    output: Path,
    progress: Callable[[str], None] = lambda _: None,
    step: str | None = None,
    reset: bool = False,
) -> Rehearsal:
    """Rehearse `manifest`: preflight, then every module synthesized and created, in order, metadata handed on.

    Every account of the mapping is emulated, in one emulator (rehearsal.emulator). Each starts as its seed with
    the steps of the last complete rehearsal of the deployment applied (none with `reset`), then `step`. A
    rehearsal whose update plan holds a change AWS would refuse returns with `refused` set and leaves the last
    complete rehearsal's output as it was (see rehearsal.output).
    """
    started = time.monotonic()
    loaded = load(manifest, seed_file)
    final = output.resolve() / loaded.deployment.name
    previous = load_state(final)
    steps = account_steps(previous, step, reset)
    loaded = after_steps(loaded, steps)  # a step may change the manifest: the preflight checks it as changed
    for note in check(loaded, progress):
        progress(f"preflight note: {note}")
    result = Rehearsal(
        str(manifest), loaded.deployment.name, loaded.account, loaded.regions, output=str(final), step=step, steps=steps
    )
    result.accounts = loaded.accounts
    try:
        _rehearse_into(final, loaded, result, previous, output, progress)
    except _Refused:
        result.output = str(failed_folder(final))
    result.seconds = round(time.monotonic() - started, 1)
    return result


def _rehearse_into(
    final: Path,
    loaded: Loaded,
    result: Rehearsal,
    previous: dict[str, Any] | None,
    output: Path,
    progress: Callable[[str], None],
) -> None:
    deployment, accounts = loaded.deployment, loaded.accounts
    with staged(final) as folder, emulator_server(accounts.toolchain_region) as server, stable_ids():
        names = ", ".join(accounts.name(account) for account in accounts.ids)
        progress(f"emulated account(s) {names} at {server.url}; bootstrapping and seeding each")
        project = project_name()
        result.bootstrapped = bootstrap_accounts(server, accounts, project)
        store_deployment_manifest(server.account(accounts.toolchain), accounts.toolchain_region, deployment)
        run = Run(server, loaded, folder, cache_folder(output), progress)
        for (account, region), seed in loaded.seeds.items():
            lines = seed_account(server.account(account), seed, region).lines
            run.seeded += [accounts.prefixed(account, line) for line in lines]
        for group in deployment.groups:
            result.groups.append(rehearse_group(run, group))
        routes = event_routes.trace(server, accounts) if accounts.several else event_routes.Routes()
        if routes.problems:
            raise RehearsalFailed("events forwarded across accounts never arrive:\n" + "\n".join(routes.problems))
        run.across_accounts += routes.lines
        result.seeded = run.seeded
        result.across_accounts = run.across_accounts
        result.consumers = {f"{group}/{module}": uses for (group, module), uses in run.published.consumers.items()}
        modules = [module for group_results in result.groups for module in group_results]
        if previous is not None:
            result.updates = plan_updates(previous, modules)
        save_state(folder, state_of(modules, _physical_ids(server, modules), result.steps))
        (folder / "plan.json").write_text(json.dumps(as_json(result), indent=2) + "\n")
        (folder / "diagram.mmd").write_text(of_rehearsal(deployment, result.groups, accounts))
        if result.refused:
            raise _Refused(f"the update plan has {len(result.refused)} change(s) AWS would refuse")


def _physical_ids(server: EmulatorServer, modules: list[ModuleResult]) -> dict[str, dict[str, str]]:
    """Per stack, the physical id the emulated account gave each resource (stable, see rehearsal.stable_ids)."""
    ids = {}
    for module in modules:
        account, region = module.environment["CDK_DEFAULT_ACCOUNT"], module.environment["CDK_DEFAULT_REGION"]
        cloudformation = server.account(account, region).client("cloudformation")
        for stack in module.stacks:
            described = cloudformation.describe_stack_resources(StackName=stack.name)["StackResources"]
            # moto leaves out the logical id of some kinds (custom resources): those have no id to keep.
            ids[stack.name] = {
                str(item["LogicalResourceId"]): str(item.get("PhysicalResourceId", ""))
                for item in described
                if "LogicalResourceId" in item
            }
    return ids
