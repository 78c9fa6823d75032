"""What `make e2e` reads back between its steps: the builds the stand-in ran, and Seed-Farmer's module metadata."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from e2e import checks
from e2e.preparation import SEEDFARMER
from e2e.steps import CheckFailed, Steps

ROOT = Path(__file__).resolve().parents[1]


def fill_caches(scratch: Path, modules: list[checks.Module]) -> list[str]:
    """The builds' caches filled online, once (e2e/fill_caches.py): the builds install from them offline."""
    requirements = sorted({str(ROOT / module.path / "requirements.txt") for module in modules})
    return [sys.executable, "-m", "e2e.fill_caches", str(scratch), *requirements]


def moduledata(steps: Steps, deployment: str, modules: list[checks.Module]) -> dict[str, dict[str, Any]]:
    found = {}
    for module in modules:
        argv = [*SEEDFARMER, "list", "moduledata", "-d", deployment, "-g", module.group, "-m", module.name]
        found[module.bundle] = checks.json_in(steps.command_output(argv, ROOT))
    return found


def promised(metadata: dict[str, dict[str, Any]], modules: list[checks.Module]) -> None:
    checks.published_what_readmes_promise(metadata, modules, ROOT)


def builds(scratch: Path) -> list[dict[str, Any]]:
    return checks.builds(scratch)


def no_new_builds(scratch: Path, before: int, what: str) -> None:
    new = builds(scratch)[before:]
    if new:
        raise CheckFailed(f"{what} ran {len(new)} builds: {', '.join(b['folder'] for b in new)}")


def new_builds(scratch: Path, before: int) -> None:
    if len(builds(scratch)) == before:
        raise CheckFailed("no build ran: the tainted module was not redeployed")
