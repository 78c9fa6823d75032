"""How a benchmark times whole processes, and the row of the report each timing becomes."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SLOW_RUNS = int(os.environ.get("BENCH_SLOW_RUNS", "2"))


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of each run, and the load average (1, 5, 15 min) just before the first."""

    seconds: list[float]
    load: tuple[float, float, float]


def timed(
    command: list[str], cwd: Path, env: dict[str, str], runs: int, before: Callable[[], None] = lambda: None
) -> Timing:
    """`runs` runs of a whole process, timed; a synthesis writes to a fresh CDK_OUTDIR."""
    load = os.getloadavg()
    seconds = []
    for _ in range(runs):
        before()
        with tempfile.TemporaryDirectory() as outdir:
            started = time.perf_counter()
            process = subprocess.run(
                command, cwd=cwd, env={**env, "CDK_OUTDIR": outdir}, capture_output=True, text=True, check=False
            )
            seconds.append(time.perf_counter() - started)
            if process.returncode != 0:
                sys.exit(f"{' '.join(command)} failed:\n{(process.stdout + process.stderr)[-3000:]}")
    return Timing(seconds, load)


def row(name: str, timing: Timing, note: str = "") -> dict[str, object]:
    return {
        "name": name,
        "median": statistics.median(timing.seconds),
        "spread": max(timing.seconds) - min(timing.seconds),
        "runs": len(timing.seconds),
        "load": " / ".join(f"{value:.2f}" for value in timing.load),
        "note": note,
    }
