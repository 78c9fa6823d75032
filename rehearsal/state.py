"""The state a rehearsal leaves for the next one of the same deployment, and the update plan against it.

`<output>/<deployment>/state.json` holds, per module, the templates as synthesized and what the emulated
account made of them (physical ids). It is written only by a rehearsal that finished (see
rehearsal.output), so a second rehearsal always plans against the last complete one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rehearsal.deploy import ModuleResult
from rehearsal.update_plan import ModuleUpdate, endpoint_update, plan_stack

STATE_FILE = "state.json"
STATE_VERSION = 1


def state_of(modules: list[ModuleResult], physical_ids: dict[str, dict[str, str]], step: str | None) -> dict[str, Any]:
    return {
        "version": STATE_VERSION,
        "step": step,
        "modules": {
            f"{module.group}/{module.module}": {
                "region": module.environment.get("CDK_DEFAULT_REGION", ""),
                "stacks": {stack.name: stack.template for stack in module.stacks},
                "physical_ids": {stack.name: physical_ids.get(stack.name, {}) for stack in module.stacks},
                "metadata": module.metadata,
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


def plan_updates(previous: dict[str, Any], modules: list[ModuleResult]) -> list[ModuleUpdate]:
    """Per module of this rehearsal (and per module no longer in the manifest), what the update does."""
    updates = []
    before = previous.get("modules", {})
    for module in modules:
        key = f"{module.group}/{module.module}"
        update = ModuleUpdate(key)
        old_stacks = (before.get(key) or {}).get("stacks", {})
        region = module.environment.get("CDK_DEFAULT_REGION", "us-east-1")
        for stack in module.stacks:
            changes, errors = plan_stack(old_stacks.get(stack.name, {}), stack.template, region)
            update.changes += changes
            update.errors += errors
            update.endpoint += endpoint_update(stack.template, changes)
        updates.append(update)
    current = {f"{module.group}/{module.module}" for module in modules}
    for key in sorted(set(before) - current):
        gone = ModuleUpdate(key)
        gone.endpoint.append("module no longer in the manifest: `seedfarmer apply` destroys it")
        updates.append(gone)
    return updates
