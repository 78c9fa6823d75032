"""The metadata keys a module publishes, as the preflight knows them before the module has run.

The source is the module's README: its `## Outputs` section lists every metadata key in the first
column of its tables. It is the one source every Seed-Farmer module of this ecosystem already has (the
reference modules and the IDF modules document their outputs there), it is readable without running or
importing the module (a `git::` clone, another repository's module), and for this repository's modules
it is checked against the code: the rehearsal and `make e2e` compare each module's published metadata
with it (tests/test_rehearsal.py, e2e/checks.py). A README whose Outputs section keeps its tables in
another page of the module (the endpoint's links `docs/outputs.md`) is followed to that page's Outputs
section. A module with no Outputs table publishes keys the preflight cannot know: its consumers are
checked when it has run, as before.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

_KEY = re.compile(r"^\|\s*`([A-Za-z0-9_.-]+)`\s*\|")
# A link to a Markdown page of the module itself: `[text](docs/outputs.md)`.
_PAGE = re.compile(r"\]\(((?!https?:|/)[^)#\s]+\.md)\)")


@functools.cache
def published_keys(folder: Path) -> frozenset[str] | None:
    """Every key in the first column of the tables under the README's `## Outputs` heading, or of the
    module's own pages that section links to; None without one."""
    section = _outputs_section(folder / "README.md")
    if section is None:
        return None
    keys = _table_keys(section)
    if not keys:
        for link in _PAGE.findall(section):
            page = (folder / link).resolve()
            if page.is_relative_to(folder.resolve()):
                keys |= _table_keys(_outputs_section(page) or "")
    return frozenset(keys) or None


def _outputs_section(page: Path) -> str | None:
    try:
        text = page.read_text()
    except OSError:
        return None
    _, heading, rest = text.partition("\n## Outputs\n")
    return rest.split("\n## ", 1)[0] if heading else None


def _table_keys(section: str) -> set[str]:
    return {match.group(1) for line in section.splitlines() if (match := _KEY.match(line))}
