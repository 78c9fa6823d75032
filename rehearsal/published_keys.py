"""The metadata keys a module publishes, as the preflight knows them before the module has run.

The source is the module's README: its `## Outputs` section lists every metadata key in the first
column of its tables. It is the one source every Seed-Farmer module of this ecosystem already has (the
reference modules and the IDF modules document their outputs there), it is readable without running or
importing the module (a `git::` clone, another repository's module), and for this repository's modules
it is checked against the code: the rehearsal and `make e2e` compare each module's published metadata
with it (tests/test_rehearsal.py, e2e/checks.py). A module whose README has no Outputs table publishes
keys the preflight cannot know: its consumers are checked when it has run, as before.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

_KEY = re.compile(r"^\|\s*`([A-Za-z0-9_.-]+)`\s*\|")


@functools.cache
def published_keys(folder: Path) -> frozenset[str] | None:
    """Every key in the first column of the tables under the README's `## Outputs` heading; None without one."""
    try:
        text = (folder / "README.md").read_text()
    except OSError:
        return None
    _, heading, rest = text.partition("\n## Outputs\n")
    if not heading:
        return None
    section = rest.split("\n## ", 1)[0]
    keys = frozenset(match.group(1) for line in section.splitlines() if (match := _KEY.match(line)))
    return keys or None
