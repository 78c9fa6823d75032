"""What `make e2e` reads back between its steps: the builds the stand-in ran, and Seed-Farmer's module metadata."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from e2e import checks
from e2e.preparation import SEEDFARMER
from e2e.steps import CheckFailed, Steps

ROOT = Path(__file__).resolve().parents[1]


def download(scratch: Path) -> list[str]:
    """pip caches nothing here (the proxy to PyPI strips caching headers), and pip installs one package in
    each build: uv, in Seed-Farmer's build preamble (`pip install uv`). The builds find its wheel in a local
    folder (PIP_FIND_LINKS), still resolving it against PyPI. Everything else is installed by uv (Seed-Farmer
    itself, and our deployspecs' `uv pip install -r requirements.txt`), whose cache the builds share."""
    wheels = str(scratch / "cache" / "wheels")
    return [sys.executable, "-m", "pip", "download", "--quiet", "--dest", wheels, "--find-links", wheels, "uv"]


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
