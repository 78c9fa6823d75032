"""The scenario of `make e2e`: bootstrap, seed, apply, check, re-apply, update, destroy, with the real Seed-Farmer."""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from e2e import checks, leftovers, preparation, promotion, records
from e2e.account import inventory
from e2e.discarding import discard, discarding
from e2e.preparation import SEEDFARMER
from e2e.server import emulator
from e2e.steps import Steps
from e2e.world import World
from rehearsal.loading import Loaded, load

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "rehearsal" / "account.yaml"
# The manifest `make e2e` applies unless told another (`python -m e2e --manifest ...`).
MANIFEST = Path("manifests/multi-account/deployment.yaml")


def end_to_end(scratch: Path, progress: Callable[[str], None], manifest: Path = MANIFEST) -> dict[str, Any]:
    """Run the whole scenario; the report of what happened (also written to `<scratch>/report.json`)."""
    for folder in ("home", "builds", "logs", "manifests", "jobs", "sources"):
        shutil.rmtree(scratch / folder, ignore_errors=True)
        (scratch / folder).mkdir(parents=True)
    for stale in ROOT.glob(".seedfarmerlocal-*"):
        shutil.rmtree(stale, ignore_errors=True)
    discard(scratch)
    loaded = load(ROOT / manifest, SEED)  # the accounts (their variables defaulted as the rehearsal does) and seeds
    deployment, modules = checks.manifest_modules(ROOT / manifest, ROOT)
    accounts = loaded.accounts
    report: dict[str, Any] = {
        "manifest": str(manifest),
        "deployment": deployment,
        "account": accounts.toolchain,
        "region": accounts.toolchain_region,
        "accounts": {target.alias: target.account for target in accounts.targets},
    }
    steps = Steps(scratch / "logs", {}, progress)
    progress(f"{0.0:7.1f}s  starting the emulator ...")
    # What a container would throw away with itself is deleted in the background as builds finish.
    with emulator(scratch) as url, discarding(scratch):
        world = World(url, accounts, scratch)
        steps.environment = world.environment(accounts.toolchain)  # a person of the toolchain account runs apply
        try:
            _scenario(steps, world, loaded, manifest, scratch, deployment, modules, report)
        finally:
            report["steps"] = [vars(record) for record in steps.records]
            report["builds"] = [{k: v for k, v in b.items() if k != "environment"} for b in checks.builds(scratch)]
            (scratch / "report.json").write_text(json.dumps(report, indent=2, default=sorted) + "\n")
    return report


def _scenario(
    steps: Steps,
    world: World,
    loaded: Loaded,
    manifest: Path,
    scratch: Path,
    deployment: str,
    modules: list[checks.Module],
    report: dict[str, Any],
) -> None:
    apply = [*SEEDFARMER, "apply", str(manifest)]
    preparation.bootstrap(steps, world, scratch)
    seeded = steps.check("seed each account from rehearsal/account.yaml", lambda: preparation.seed(world, loaded))
    steps.note("; ".join(seeded))
    before = {account: inventory(world.account(account)) for account in world.accounts.ids}
    steps.command(
        "fill the builds' caches (uv's wheel, Seed-Farmer's tool, the modules' requirements)",
        records.fill_caches(scratch, modules),
        ROOT,
    )

    _first_apply(steps, world, loaded, scratch, deployment, modules, apply)
    metadata = steps.check("seedfarmer list moduledata", lambda: records.moduledata(steps, deployment, modules))
    report["metadata"] = metadata
    steps.check("every module published what its README promises", lambda: records.promised(metadata, modules))
    wiring = steps.check(
        "each module received the metadata it takes",
        lambda: checks.received_metadata(modules, metadata, records.builds(scratch)),
    )
    for line in wiring:
        steps.note(line)
    placed = steps.check(
        "each module's stack and metadata are in its own account, and nowhere else",
        lambda: checks.placed(world, loaded.deployment, leftovers.PROJECT),
    )
    for line in placed:
        steps.note(line)
    report["environments"] = {b["bundle"]: b["environment"] for b in records.builds(scratch) if b["kind"] == "deploy"}
    report["serving"] = steps.check(
        "each pinned endpoint serves the version it names", lambda: promotion.pinned(world, loaded, modules, metadata)
    )
    for line in report["serving"]:
        steps.note(line)

    built = len(records.builds(scratch))
    steps.command("seedfarmer apply again (nothing changed)", apply, ROOT)
    steps.check("nothing was redeployed", lambda: records.no_new_builds(scratch, built, "the second apply"))

    report["update"] = promotion.promote(steps, world, loaded, manifest, scratch, deployment, modules, metadata, apply)

    retained = steps.check("read what the stacks keep on deletion", lambda: leftovers.retained(world))
    steps.command(f"seedfarmer destroy {deployment}", [*SEEDFARMER, "destroy", deployment], ROOT)
    report["kept"], report["leftovers"] = steps.check(
        "nothing is left but what is kept by design", lambda: leftovers.nothing_left(world, before, retained)
    )
    for kind, identifiers in sorted(report["kept"].items()):
        steps.note(f"kept: {kind}: {', '.join(sorted(identifiers))}")


def _first_apply(
    steps: Steps,
    world: World,
    loaded: Loaded,
    scratch: Path,
    deployment: str,
    modules: list[checks.Module],
    apply: list[str],
) -> None:
    """The first deployment. Where the seed registers versions into a group a module creates (a registry), the
    groups up to that module's are applied first, the versions registered, then the whole manifest."""
    for creator, account, region in preparation.creators(loaded):
        group, name = creator.split("/")
        first = preparation.manifest_up_to(loaded, group, scratch)
        steps.command(
            f"seedfarmer apply, groups up to {group} (the registry)",
            [*apply[:4], str(first.relative_to(ROOT))],
            ROOT,
        )
        [module] = [module for module in modules if (module.group, module.name) == (group, name)]
        read = functools.partial(records.moduledata, steps, deployment, [module])
        metadata = steps.check(f"seedfarmer list moduledata ({creator})", read)
        register = functools.partial(
            preparation.register, world, loaded, creator, account, region, metadata[module.bundle]
        )
        registered = steps.check(f"the pipeline registers versions in the group {creator} created", register)
        steps.note("; ".join(registered))
    steps.command("seedfarmer apply (first deployment)", apply, ROOT)


# What a green run keeps in the scratch folder: what it found (the tests and `make bench` read report.json).
KEPT_AFTER_A_GREEN_RUN = ("report.json", "logs", "builds")


def prune(scratch: Path) -> str:
    """After a green run, delete the scratch folder's caches, homes and templates (hundreds of MB: the CDK's
    wheels and jsii packages); keep the report, the logs and the builds' records. One line saying so."""
    removed = kept = 0
    for path in sorted(scratch.iterdir()) if scratch.is_dir() else []:
        size = _size(path)
        if path.name in KEPT_AFTER_A_GREEN_RUN:
            kept += size
            continue
        removed += size
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return (
        f"pruned {scratch}: removed its caches, homes and templates ({removed / 1e6:.0f} MB), kept "
        f"{', '.join(KEPT_AFTER_A_GREEN_RUN)} ({kept / 1e6:.1f} MB); `python -m e2e --keep-caches` keeps the "
        "caches for a faster next run"
    )


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file() and not item.is_symlink())
