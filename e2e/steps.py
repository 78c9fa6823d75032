"""Steps of the end-to-end run: each timed and logged; the first failure stops the run and says where."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
TAIL_LINES = 40


class StepFailed(Exception):
    """A step failed: the message names the step, the command, and ends with the tail of its log."""


class CheckFailed(Exception):
    """A check of what a step left behind failed; the message says what was expected and what was found."""


@dataclass
class StepRecord:
    """One step: its seconds, and the machine's load average (1, 5, 15 min) when it began (a shared machine's
    figures mean little without it)."""

    name: str
    seconds: float
    load: tuple[float, float, float]
    command: str = ""
    log: str = ""


@dataclass
class Steps:
    """Runs steps in order, printing each with its time, and keeps a record of them."""

    logs: Path
    environment: dict[str, str]
    progress: Callable[[str], None]
    records: list[StepRecord] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def command(self, name: str, argv: list[str], cwd: Path, environment: dict[str, str] | None = None) -> str:
        """Run `argv` as step `name` (in `environment`, else the run's); its output goes to a log file, which is
        returned as text."""
        log = self.logs / f"{len(self.records) + 1:02d}-{_slug(name)}.log"
        load = self._begin(name)
        began = time.monotonic()
        with log.open("w") as output:
            status = subprocess.run(
                argv, cwd=cwd, env=environment or self.environment, stdout=output, stderr=subprocess.STDOUT, check=False
            ).returncode
        text = log.read_text(errors="replace")
        self._end(StepRecord(name, round(time.monotonic() - began, 1), load, " ".join(argv), str(log)))
        if status != 0:
            raise StepFailed(
                f"step '{name}' failed (exit status {status})\n  command: {' '.join(argv)}\n  log: {log}\n"
                + _tail(text)
            )
        return text

    def command_output(self, argv: list[str], cwd: Path) -> str:
        """The output of a command run inside a step (not a step of its own); a failure fails the step."""
        process = subprocess.run(argv, cwd=cwd, env=self.environment, capture_output=True, text=True, check=False)
        if process.returncode != 0:
            raise CheckFailed(f"{' '.join(argv)} failed (exit status {process.returncode}):\n{_tail(process.stderr)}")
        return process.stdout

    def check(self, name: str, action: Callable[[], T]) -> T:
        """Run `action` as step `name`; a CheckFailed it raises stops the run with its message."""
        load = self._begin(name)
        began = time.monotonic()
        try:
            result = action()
        except CheckFailed as failure:
            raise StepFailed(f"step '{name}' failed:\n  {failure}") from None
        self._end(StepRecord(name, round(time.monotonic() - began, 1), load))
        return result

    def note(self, text: str) -> None:
        """A finding to show under the step that made it."""
        self.progress(f"{'':>8}  {text}")

    def _begin(self, name: str) -> tuple[float, float, float]:
        self.progress(f"{time.monotonic() - self.started:7.1f}s  {name} ...")
        return load_average()

    def _end(self, record: StepRecord) -> None:
        self.records.append(record)
        self.progress(f"{time.monotonic() - self.started:7.1f}s  {record.name}: done in {record.seconds:.1f}s")


def load_average() -> tuple[float, float, float]:
    """The machine's load average over 1, 5 and 15 minutes, rounded to hundredths."""
    one, five, fifteen = (round(value, 2) for value in os.getloadavg())
    return one, five, fifteen


def _slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())[:60]


def _tail(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "  last lines of the log:\n" + "\n".join(f"    {line}" for line in lines[-TAIL_LINES:])
