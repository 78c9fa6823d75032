"""Rehearse a deployment manifest offline, in emulated AWS accounts (each account of its targetAccountMappings):
preflight, every module synthesized and created in order in its account, and the plan of what `seedfarmer apply`
would build, update or replace."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rehearsal.loading import PreflightFailed, RehearsalFailed, check, load
from rehearsal.manifests import ManifestError, project_root
from rehearsal.report import plan
from rehearsal.result import as_json
from rehearsal.run import rehearse
from rehearsal.seed import SeedError

DEFAULT_MANIFEST = Path("manifests") / "deployment.yaml"
# The command as the user runs it: `make install`'s `rehearse` script names itself here.
COMMAND_VARIABLE = "REHEARSAL_COMMAND"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=os.environ.get(COMMAND_VARIABLE) or "python -m rehearsal", description=__doc__
    )
    parser.add_argument(
        "manifest",
        nargs="?",
        type=Path,
        help=f"the deployment manifest (default: {DEFAULT_MANIFEST} of the Seed-Farmer project you are in)",
    )
    parser.add_argument(
        "--seed",
        type=Path,
        help="what must exist beforehand (default: rehearsal/account.yaml of the manifest's project, else nothing)",
    )
    parser.add_argument(
        "--output", type=Path, help="where to write what was built (default: .rehearsal/ in the manifest's project)"
    )
    parser.add_argument("--json", action="store_true", help="print the plan (or with --check, the preflight) as JSON")
    parser.add_argument(
        "--step",
        help="apply this step of the seed file to the account (e.g. promote), then plan the update; the account "
        "keeps the steps of the last complete rehearsal",
    )
    parser.add_argument(
        "--reset", action="store_true", help="start from the seed alone, without the steps earlier rehearsals applied"
    )
    parser.add_argument(
        "--check", action="store_true", help="only the preflight: every module's parameters, in seconds, nothing built"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    started = time.monotonic()
    import seedfarmer  # noqa: F401  (importing it sets up root logging; keep only warnings from libraries)

    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("seedfarmer").setLevel(logging.WARNING)

    def progress(message: str) -> None:
        print(f"{time.monotonic() - started:6.1f}s  {message}", file=sys.stderr, flush=True)

    try:
        manifest = arguments.manifest or default_manifest(Path.cwd())
        if arguments.check:
            return _check(manifest, arguments, progress)
        output = arguments.output or project_root(manifest.parent) / ".rehearsal"
        result = rehearse(manifest, arguments.seed, output, progress, arguments.step, arguments.reset)
    except (RehearsalFailed, ManifestError, SeedError) as error:
        print(f"rehearsal failed: {error}", file=sys.stderr)
        return 1
    print(json.dumps(as_json(result), indent=2) if arguments.json else plan(result))
    if result.refused:
        print(
            f"rehearsal failed: the update plan has {len(result.refused)} change(s) AWS would refuse; "
            f"its output is in {result.output}, and the last complete rehearsal's state is kept",
            file=sys.stderr,
        )
        return 1
    return 0


def default_manifest(folder: Path) -> Path:
    """manifests/deployment.yaml of `folder`, else of the Seed-Farmer project `folder` is in; never another's."""
    if (folder / DEFAULT_MANIFEST).is_file():
        return folder / DEFAULT_MANIFEST
    try:
        root = project_root(folder)
    except ManifestError:
        root = None
    if root is not None and (root / DEFAULT_MANIFEST).is_file():
        return root / DEFAULT_MANIFEST
    raise ManifestError(
        f"no manifest given, and no {DEFAULT_MANIFEST} in {folder}"
        + (f" or in its Seed-Farmer project {root}" if root else " (nor a Seed-Farmer project around it)")
        + "; name the deployment manifest to rehearse"
    )


def _check(manifest: Path, arguments: argparse.Namespace, progress: Callable[[str], None]) -> int:
    """`--check`: the preflight alone, as text or JSON, naming the manifest it checked."""
    shown = _shown(manifest)
    try:
        loaded = load(manifest, arguments.seed, [arguments.step] if arguments.step else [])
        notes = check(loaded, progress)
    except PreflightFailed as failed:
        if not arguments.json:
            raise
        problems = [finding.as_json() for finding in failed.findings if not finding.note]
        notes_found = [finding.as_json() for finding in failed.findings if finding.note]
        print(json.dumps({"manifest": shown, "passed": False, "problems": problems, "notes": notes_found}, indent=2))
        return 1
    except (RehearsalFailed, ManifestError, SeedError) as error:
        if not arguments.json:
            raise
        print(json.dumps({"manifest": shown, "passed": False, "problems": [{"message": str(error)}], "notes": []}))
        return 1
    groups = loaded.deployment.groups
    modules = sum(len(group.modules) for group in groups)
    if arguments.json:
        summary = {"manifest": shown, "passed": True, "modules": modules, "groups": len(groups), "problems": []}
        print(json.dumps({**summary, "notes": [note.as_json() for note in notes]}, indent=2))
        return 0
    print(f"preflight passed: {shown}: {modules} module(s) in {len(groups)} group(s) accept their parameters")
    for note in notes:
        print(f"  note: {note}")
    return 0


def _shown(manifest: Path) -> str:
    try:
        return str(manifest.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(manifest.resolve())


if __name__ == "__main__":
    sys.exit(main())
