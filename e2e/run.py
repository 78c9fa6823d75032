"""The scenario of `make e2e`: bootstrap, seed, apply, check, re-apply, update, destroy, with the real Seed-Farmer."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from e2e import checks
from e2e.account import Account, added, inventory
from e2e.codebuild import discard, discarding
from e2e.server import emulator
from e2e.steps import CheckFailed, Steps
from e2e.update import approve_newer_package, observe_update
from rehearsal.emulator import Emulator, ResourceLog
from rehearsal.seed import load_seed, seed_account

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = Path("manifests/deployment.yaml")
SEED = ROOT / "rehearsal" / "account.yaml"
PROJECT = "mlops"  # seedfarmer.yaml
DEFAULT_ACCOUNT = "123456789012"
# Seed-Farmer's CLI, less its waits for IAM to propagate (e2e/seedfarmer_cli.py says why).
SEEDFARMER = [sys.executable, "-m", "e2e.seedfarmer_cli"]
CDK = str(ROOT / "node_modules" / ".bin" / "cdk")


def environment(url: str, scratch: Path, account: str, region: str) -> dict[str, str]:
    """What every command of the run sees: the emulator's endpoint and fake credentials, the stand-in first
    on PATH, a HOME under the scratch folder, and none of the caller's AWS settings."""
    inherited = {name: value for name, value in Emulator.clean(dict(os.environ)).items() if not name.startswith("AWS_")}
    path = [str(ROOT / "e2e" / "bin"), str(Path(sys.executable).parent), str(ROOT / "node_modules" / ".bin")]
    return {
        **inherited,
        "PATH": os.pathsep.join([*path, inherited.get("PATH", "")]),
        "HOME": str(scratch / "home"),
        "E2E_SCRATCH": str(scratch),
        "PYTHONPATH": str(ROOT),
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": "e2e",
        "AWS_SECRET_ACCESS_KEY": "e2e",
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "PRIMARY_ACCOUNT": account,
        "PRIMARY_REGION": region,
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "CDK_DISABLE_VERSION_CHECK": "true",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }


def end_to_end(scratch: Path, progress: Callable[[str], None]) -> dict[str, Any]:
    """Run the whole scenario; the report of what happened (also written to `<scratch>/report.json`)."""
    account = os.environ.get("PRIMARY_ACCOUNT", DEFAULT_ACCOUNT)
    region = os.environ.get("PRIMARY_REGION", "us-east-1")
    for folder in ("home", "builds", "logs"):
        shutil.rmtree(scratch / folder, ignore_errors=True)
        (scratch / folder).mkdir(parents=True)
    for stale in ROOT.glob(".seedfarmerlocal-*"):
        shutil.rmtree(stale, ignore_errors=True)
    discard(scratch)
    deployment, modules = checks.manifest_modules(ROOT / MANIFEST, ROOT)
    report: dict[str, Any] = {"account": account, "region": region, "deployment": deployment}
    steps = Steps(scratch / "logs", {}, progress)
    progress(f"{0.0:7.1f}s  starting the emulator ...")
    # What a container would throw away with itself is deleted in the background as builds finish.
    with emulator(scratch, account) as url, discarding(scratch):
        steps.environment = environment(url, scratch, account, region)
        aws = Account(url, region)
        try:
            _scenario(steps, aws, scratch, deployment, modules, account, region, report)
        finally:
            report["steps"] = [vars(record) for record in steps.records]
            report["builds"] = [{k: v for k, v in b.items() if k != "environment"} for b in checks.builds(scratch)]
            (scratch / "report.json").write_text(json.dumps(report, indent=2, default=sorted) + "\n")
    return report


def _scenario(
    steps: Steps,
    aws: Account,
    scratch: Path,
    deployment: str,
    modules: list[checks.Module],
    account: str,
    region: str,
    report: dict[str, Any],
) -> None:
    apply = [*SEEDFARMER, "apply", str(MANIFEST), "--local"]
    trusted = f"arn:aws:iam::{account}:root"
    bootstrap = [*SEEDFARMER, "bootstrap", "toolchain", "--project", PROJECT, "--trusted-principal", trusted]
    # Seed-Farmer writes the bootstrap templates to ./templates: keep them in the scratch folder.
    steps.command("bootstrap Seed-Farmer's toolchain and target roles", [*bootstrap, "--as-target"], scratch)
    steps.command("bootstrap the CDK", [CDK, "bootstrap", f"aws://{account}/{region}", "--no-notices"], scratch)
    seeded = steps.check("seed the account from rehearsal/account.yaml", lambda: _seed(aws, account, region))
    steps.note("; ".join(seeded))
    before = inventory(aws)
    steps.command("download uv's wheel for the builds (pip download)", _download(scratch), ROOT)

    steps.command("seedfarmer apply (first deployment)", apply, ROOT)
    metadata = steps.check("seedfarmer list moduledata", lambda: _moduledata(steps, deployment, modules))
    report["metadata"] = metadata
    steps.check("every module published what its README promises", lambda: _promised(metadata, modules))
    wiring = steps.check(
        "the endpoint received networking's ids", lambda: checks.received_metadata(modules, metadata, _builds(scratch))
    )
    for line in wiring:
        steps.note(line)
    report["environments"] = {b["bundle"]: b["environment"] for b in _builds(scratch) if b["kind"] == "deploy"}

    built = len(_builds(scratch))
    steps.command("seedfarmer apply again (nothing changed)", apply, ROOT)
    steps.check("nothing was redeployed", lambda: _no_new_builds(scratch, built, "the second apply"))

    report["update"] = _update(steps, aws, scratch, deployment, modules, metadata, apply)

    retained = steps.check("read what the stacks keep on deletion", lambda: checks.retained_resources(aws))
    steps.command(f"seedfarmer destroy {deployment}", [*SEEDFARMER, "destroy", deployment, "--local"], ROOT)
    report["kept"], report["leftovers"] = steps.check(
        "nothing is left but what is kept by design", lambda: _nothing_left(aws, before, retained)
    )
    for kind, identifiers in sorted(report["kept"].items()):
        steps.note(f"kept: {kind}: {', '.join(sorted(identifiers))}")


def _update(
    steps: Steps,
    aws: Account,
    scratch: Path,
    deployment: str,
    modules: list[checks.Module],
    metadata: dict[str, dict[str, Any]],
    apply: list[str],
) -> dict[str, Any]:
    """Approve a newer package, apply as a pipeline would, then redeploy the module and observe the update."""
    endpoint = next(m for m in modules if any(p["name"] == "model-package-group-name" for p in m.parameters))
    group = next(str(p["value"]) for p in endpoint.parameters if p["name"] == "model-package-group-name")
    approved = steps.check(f"approve a newer package of {group}", lambda: approve_newer_package(aws, group))
    steps.note(f"approved {approved}")
    built = len(_builds(scratch))
    steps.command("seedfarmer apply after the approval", apply, ROOT)
    redeployed = len(_builds(scratch)) > built
    steps.note(
        "Seed-Farmer redeployed the endpoint"
        if redeployed
        else "Seed-Farmer redeployed nothing: the module's files, manifest and deployspec are unchanged, and an "
        "approval changes none of them; the module serves the new package once it is redeployed"
    )
    selector = ["-d", deployment, "-g", endpoint.group, "-m", endpoint.name]
    if not redeployed:
        steps.command("seedfarmer taint module (the endpoint)", [*SEEDFARMER, "taint", "module", *selector], ROOT)
        steps.command("seedfarmer apply after the taint", apply, ROOT)
        steps.check("the endpoint was redeployed", lambda: _new_builds(scratch, built))
    after = steps.check("seedfarmer list moduledata", lambda: _moduledata(steps, deployment, [endpoint]))
    observed = steps.check(
        "the endpoint serves the newly approved package",
        lambda: observe_update(aws, metadata[endpoint.bundle], after[endpoint.bundle], approved),
    )
    for line in observed["lines"]:
        steps.note(line)
    return {"approved": approved, "apply_redeployed": redeployed, **observed}


def _download(scratch: Path) -> list[str]:
    """pip caches nothing here (the proxy to PyPI strips caching headers), and pip installs one package in
    each build: uv, in Seed-Farmer's build preamble (`pip install uv`). The builds find its wheel in a local
    folder (PIP_FIND_LINKS), still resolving it against PyPI. Everything else is installed by uv (Seed-Farmer
    itself, and our deployspecs' `uv pip install -r requirements.txt`), whose cache the builds share."""
    wheels = str(scratch / "cache" / "wheels")
    return [sys.executable, "-m", "pip", "download", "--quiet", "--dest", wheels, "--find-links", wheels, "uv"]


def _seed(aws: Account, account: str, region: str) -> list[str]:
    emulated = Emulator(aws.url, account, region, ResourceLog())
    # The seed's ${PRIMARY_ACCOUNT} and ${PRIMARY_REGION} are the account and region being seeded.
    return seed_account(emulated, load_seed(SEED, account, region), region).lines


def _moduledata(steps: Steps, deployment: str, modules: list[checks.Module]) -> dict[str, dict[str, Any]]:
    found = {}
    for module in modules:
        argv = [*SEEDFARMER, "list", "moduledata", "-d", deployment, "-g", module.group, "-m", module.name]
        found[module.bundle] = checks.json_in(steps.command_output(argv, ROOT))
    return found


def _promised(metadata: dict[str, dict[str, Any]], modules: list[checks.Module]) -> None:
    checks.published_what_readmes_promise(metadata, modules, ROOT)


def _builds(scratch: Path) -> list[dict[str, Any]]:
    return checks.builds(scratch)


def _no_new_builds(scratch: Path, before: int, what: str) -> None:
    new = _builds(scratch)[before:]
    if new:
        raise CheckFailed(f"{what} ran {len(new)} builds: {', '.join(b['folder'] for b in new)}")


def _new_builds(scratch: Path, before: int) -> None:
    if len(_builds(scratch)) == before:
        raise CheckFailed("no build ran: the tainted module was not redeployed")


def _nothing_left(
    aws: Account, before: dict[str, set[str]], retained: dict[str, str]
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """What destroy left, all of it explained: Seed-Farmer's project stacks, what a template's DeletionPolicy
    keeps, and what checks.OTHER_LEFTOVERS explains; anything else fails the step."""
    leftovers = added(before, inventory(aws))
    kept, rest = checks.kept_by_design(aws, leftovers, PROJECT)
    kept = {f"{kind} (kept by Seed-Farmer)": identifiers for kind, identifiers in kept.items()}
    by_policy, rest = checks.kept_by_deletion_policy(rest, retained)
    kept.update(by_policy)
    explained, rest = checks.explained_leftovers(rest)
    kept.update(explained)
    if rest:
        listed = "; ".join(f"{kind}: {', '.join(sorted(ids))}" for kind, ids in sorted(rest.items()))
        raise CheckFailed(f"destroy left {listed}")
    return kept, rest


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
