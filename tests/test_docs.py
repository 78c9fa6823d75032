"""Each module's README says what its code does: the inputs table is checked against the settings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.repository import MODULE_DIRS, ROOT, module_parameters


def table(readme: str, heading: str) -> list[list[str]]:
    """The rows of the first Markdown table under `heading`, cells stripped, header row dropped."""
    lines = readme.split(f"\n{heading}\n", 1)[1].splitlines()
    rows = []
    started = False
    for line in lines:
        if line.startswith("|"):
            started = True
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif started:
            break
    return rows[2:]


def tables(readme: str, heading: str) -> list[list[str]]:
    """The rows of every Markdown table of the section `heading` opens (to the next heading of its level),
    header rows dropped: an Inputs section may split its parameters into Required and Optional tables."""
    level = heading.split(" ", 1)[0]
    section = readme.split(f"\n{heading}\n", 1)[1].split(f"\n{level} ", 1)[0]
    rows: list[list[str]] = []
    in_table, header = False, 0
    for line in section.splitlines():
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not in_table:
                header, in_table = 2, True
            if header:
                header -= 1
                continue
            rows.append(cells)
        else:
            in_table = False
    return rows


def documented_default(cell: str) -> Any:
    """`2` -> 2, `["a"]` -> ["a"], `10.0.0.0/16` -> "10.0.0.0/16"; plain words describe a computed default."""
    if not (cell.startswith("`") and cell.endswith("`")):
        return DESCRIBED
    text = cell[1:-1]
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


DESCRIBED = object()


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda path: str(Path(path).relative_to(ROOT)))
def test_readme_inputs_table_matches_the_settings(module_dir: Path) -> None:
    declared = module_parameters(module_dir)
    rows = tables((module_dir / "README.md").read_text(), "## Inputs")
    # A module documents its parameters as its reference does (kebab-case or snake_case); Seed-Farmer reads either.
    documented = {row[0].strip("`").replace("_", "-"): row for row in rows}
    assert sorted(documented) == sorted(declared)
    for name, row in documented.items():
        default = documented_default(row[2])
        if declared[name]["required"]:
            assert row[2] in {"required", "—"}, f"{name} is required; the README shows default {row[2]}"
        elif default is DESCRIBED:
            assert declared[name]["default"] is None, f"{name}: README describes a default the code sets to a value"
        else:
            assert default == declared[name]["default"], f"{name}: README {row[2]}, code {declared[name]['default']}"


def test_readme_counts_the_parameter_sets_the_matrices_hold() -> None:
    from tests.matrix import BAD, VALID

    readme = (ROOT / "README.md").read_text()
    assert f"validation on: {len(VALID)} valid parameter sets" in readme
    assert f"and {len(BAD)} bad parameter\nsets" in readme
