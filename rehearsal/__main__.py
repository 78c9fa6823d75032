"""`python -m rehearsal [MANIFEST]`: rehearse a deployment manifest offline, in an emulated AWS account."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from rehearsal.loading import RehearsalFailed, check, load
from rehearsal.manifests import ManifestError, project_root
from rehearsal.report import plan
from rehearsal.run import as_json, rehearse
from rehearsal.seed import SeedError

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rehearsal", description=__doc__)
    parser.add_argument(
        "manifest", nargs="?", type=Path, help="default: manifests/deployment.yaml here, else this repository's"
    )
    parser.add_argument(
        "--seed",
        type=Path,
        help="what must exist beforehand (default: rehearsal/account.yaml of the manifest's project, else nothing)",
    )
    parser.add_argument(
        "--output", type=Path, help="where to write what was built (default: .rehearsal/ in the manifest's project)"
    )
    parser.add_argument("--json", action="store_true", help="print the plan as JSON instead of text")
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
    arguments = parser.parse_args(argv)
    arguments.manifest = arguments.manifest or _default_manifest()

    started = time.monotonic()
    import seedfarmer  # noqa: F401  (importing it sets up root logging; keep only warnings from libraries)

    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("seedfarmer").setLevel(logging.WARNING)

    def progress(message: str) -> None:
        print(f"{time.monotonic() - started:6.1f}s  {message}", file=sys.stderr, flush=True)

    try:
        if arguments.check:
            loaded = load(arguments.manifest, arguments.seed, [arguments.step] if arguments.step else [])
            check(loaded, progress)
            groups = loaded.deployment.groups
            modules = sum(len(group.modules) for group in groups)
            print(f"preflight passed: {modules} module(s) in {len(groups)} group(s) accept their parameters")
            return 0
        output = arguments.output or project_root(arguments.manifest.parent) / ".rehearsal"
        result = rehearse(arguments.manifest, arguments.seed, output, progress, arguments.step, arguments.reset)
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


def _default_manifest() -> Path:
    """manifests/deployment.yaml of the current folder if there is one, else this repository's own."""
    here = Path("manifests/deployment.yaml")
    return here if here.is_file() else HERE.parent / "manifests" / "deployment.yaml"


if __name__ == "__main__":
    sys.exit(main())
