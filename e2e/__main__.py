"""`python -m e2e` (make e2e): the real Seed-Farmer applies, re-applies, updates and destroys our manifests
against the emulator, offline. Each step prints with its time; the first failure stops the run, naming
the step, its command and the tail of its log. Everything is written under .e2e/ (git-ignored); a green
run then prunes it to its report, logs and build records."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from e2e.run import MANIFEST, ROOT, end_to_end, prune
from e2e.server import EmulatorFailed
from e2e.steps import StepFailed
from e2e.summary import summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m e2e", description=__doc__)
    parser.add_argument("--scratch", type=Path, default=ROOT / ".e2e", help="homes, caches, logs and the report")
    parser.add_argument(
        "--keep-caches",
        action="store_true",
        help="after a green run, keep the builds' download caches (hundreds of MB) for a faster next run",
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        default=MANIFEST,
        help=f"the deployment manifest, relative to the project (default: {MANIFEST}; or manifests/deployment.yaml)",
    )
    arguments = parser.parse_args(argv)

    def progress(line: str) -> None:
        print(line, flush=True)

    try:
        report = end_to_end(arguments.scratch.resolve(), progress, arguments.manifest)
    except (StepFailed, EmulatorFailed) as error:
        print(f"\nmake e2e failed: {error}", file=sys.stderr)
        return 1
    print(summary(report))
    if not arguments.keep_caches:
        print(prune(arguments.scratch.resolve()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
