"""The state a rehearsal leaves for the next one of the same deployment, and the update plan against it.

`<output>/<deployment>/state.json` holds what the emulated account is after the last complete rehearsal:
the seed steps applied to it, and per module the templates as synthesized, what the emulated account made
of them (physical ids) and a digest of what Seed-Farmer compares to decide whether to redeploy it (its
files and its manifest entry as resolved). It is written only by a rehearsal that finished with nothing
refused (see rehearsal.output), so a rehearsal always plans against the last good one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from rehearsal.deploy import ModuleResult
from rehearsal.seed import SeedError
from rehearsal.update_plan import ModuleUpdate, endpoint_update, package_versions, plan_stack

STATE_FILE = "state.json"
STATE_VERSION = 1
# What Seed-Farmer never bundles, and what running a module here leaves in its folder.
_NOT_BUNDLED = {"cdk.out", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "node_modules"}


def state_of(modules: list[ModuleResult], physical_ids: dict[str, dict[str, str]], steps: list[str]) -> dict[str, Any]:
    return {
        "version": STATE_VERSION,
        "steps": steps,
        "modules": {
            f"{module.group}/{module.module}": {
                "region": module.environment.get("CDK_DEFAULT_REGION", ""),
                "stacks": {stack.name: stack.template for stack in module.stacks},
                "physical_ids": {stack.name: physical_ids.get(stack.name, {}) for stack in module.stacks},
                "metadata": module.metadata,
                "inputs": module.inputs,
            }
            for module in modules
        },
    }


def load_state(folder: Path) -> dict[str, Any] | None:
    """The last complete rehearsal's state, or None when there is none (or one this version cannot read)."""
    try:
        state: dict[str, Any] = json.loads((folder / STATE_FILE).read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return state if state.get("version") == STATE_VERSION else None


def save_state(folder: Path, state: dict[str, Any]) -> None:
    (folder / STATE_FILE).write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")


def account_steps(previous: dict[str, Any] | None, step: str | None, reset: bool) -> list[str]:
    """The seed steps the emulated account has after this rehearsal: those of the last complete rehearsal
    (unless `reset`), then `step`. A step already applied is refused: applying it twice is no pipeline's doing."""
    kept = [] if reset or previous is None else list(previous.get("steps") or _old_step(previous))
    if step and step in kept:
        raise SeedError(
            f"step '{step}' is already applied to the account of the last complete rehearsal (steps: "
            f"{', '.join(kept)}); rehearse without --step to plan against that account, or add --reset to "
            "start again from the seed alone"
        )
    return [*kept, step] if step else kept


def _old_step(previous: dict[str, Any]) -> list[str]:
    return [previous["step"]] if previous.get("step") else []


def module_inputs(folder: Path, environment: dict[str, str], entry: Any) -> str:
    """A digest of what Seed-Farmer compares before it redeploys a module: the files of its folder (its
    bundle, deployspec included), and its manifest entry, here as written and as resolved into variables."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not _NOT_BUNDLED & set(path.relative_to(folder).parts):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(json.dumps(environment, sort_keys=True).encode())
    digest.update(json.dumps(entry, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:32]


def plan_updates(previous: dict[str, Any], modules: list[ModuleResult]) -> list[ModuleUpdate]:
    """Per module of this rehearsal (and per module no longer in the manifest), what the update does."""
    updates = []
    before = previous.get("modules", {})
    for module in modules:
        key = f"{module.group}/{module.module}"
        update = ModuleUpdate(key)
        old = before.get(key) or {}
        old_stacks = old.get("stacks", {})
        region = module.environment.get("CDK_DEFAULT_REGION", "us-east-1")
        for stack in module.stacks:
            old_template = old_stacks.get(stack.name, {})
            changes, errors = plan_stack(old_template, stack.template, region)
            update.changes += changes
            update.errors += errors
            update.endpoint += package_versions(old_template, stack.template)
            update.endpoint += endpoint_update(stack.template, changes)
        if update.changes and old.get("inputs") == module.inputs:
            update.seedfarmer.append(_not_redeployed(module))
        updates.append(update)
    current = {f"{module.group}/{module.module}" for module in modules}
    for key in sorted(set(before) - current):
        gone = ModuleUpdate(key)
        gone.endpoint.append("module no longer in the manifest: `seedfarmer apply` destroys it")
        updates.append(gone)
    return updates


def _not_redeployed(module: ModuleResult) -> str:
    deployment = module.environment.get("SEEDFARMER_DEPLOYMENT_NAME", "<deployment>")
    return (
        "a real `seedfarmer apply` redeploys nothing here: the module's files and manifest entry are unchanged, "
        "so Seed-Farmer skips it; this change comes from the account, read at synthesis (a newly approved "
        f"package, say). To deploy it: `seedfarmer taint module -d {deployment} -g {module.group} -m "
        f"{module.module}`, then `seedfarmer apply`"
    )
