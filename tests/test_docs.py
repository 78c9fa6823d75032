"""Each module's README says what its code does: the inputs table is checked against the settings."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.repository import MODULE_DIRS, ROOT, module_documents, module_parameters


def table(readme: str, heading: str) -> list[list[str]]:
    """The rows of the first Markdown table under `heading`, cells stripped, header row dropped."""
    return tables(readme, heading)[0]


def tables(readme: str, heading: str) -> list[list[list[str]]]:
    """The rows of each Markdown table under `heading` (a `## ` heading, up to the next one: a section may
    split a table under `### ` headings, as Required and Optional), cells stripped, header rows dropped."""
    section = readme.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
    found: list[list[list[str]]] = []
    previous = ""
    for line in section.splitlines():
        if line.startswith("|") and not previous.startswith("|"):
            found.append([])
        if line.startswith("|"):
            found[-1].append([cell.strip() for cell in line.strip().strip("|").split("|")])
        previous = line
    return [rows[2:] for rows in found]


def inputs(readme: str) -> list[list[str]]:
    """The rows of every table of a README's Inputs (its Required and Optional tables, or its one table)."""
    return [row for rows in tables(readme, "## Inputs") for row in rows]


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
    rows = inputs(module_documents(module_dir))
    documented = {row[0].strip("`"): row for row in rows}
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


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda path: str(Path(path).relative_to(ROOT)))
def test_a_module_readme_that_splits_required_from_optional_names_every_parameter_once(module_dir: Path) -> None:
    readme = (module_dir / "README.md").read_text()
    if "\n## Parameters\n" not in readme:
        return  # a README that keeps its inputs tables: test_readme_inputs_table_matches_the_settings reads them
    parameters = readme.split("\n## Parameters\n", 1)[1].split("\n## ", 1)[0]
    required = parameters.split("\n### Required\n", 1)[1].split("\n### Optional\n", 1)[0]
    optional = parameters.split("\n### Optional\n", 1)[1]
    named = [re.findall(r"`([a-z0-9-]+)`", section) for section in (required, optional)]
    declared = set(module_parameters(module_dir))
    assert sorted(named[0] + named[1]) == sorted(declared), "each parameter once, in Required or Optional"


def test_the_endpoint_readme_is_short_and_its_long_tables_live_in_its_docs() -> None:
    endpoint = ROOT / "modules" / "sagemaker" / "sagemaker-endpoint"
    readme = (endpoint / "README.md").read_text()
    assert len(readme.splitlines()) < 320
    for document in ("docs/parameters.md", "docs/outputs.md", "docs/capabilities.md"):
        assert f"]({document}" in readme, document
        assert (endpoint / document).is_file()


def test_the_monitoring_readmes_sample_manifest_is_the_example_it_names() -> None:
    """The README shows the example module manifest whole (comments aside), so a reader copies what rehearses."""
    readme = (ROOT / "modules/sagemaker/sagemaker-model-monitoring/README.md").read_text()
    section = readme.split("\n## Sample manifest\n", 1)[1].split("\n## ", 1)[0]
    [shown] = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    example = (ROOT / "manifests/examples/monitoring-modules.yaml").read_text()
    assert shown.strip() == "\n".join(line for line in example.splitlines() if not line.startswith("#")).strip()


def test_every_endpoint_key_the_monitoring_readme_points_to_is_one_the_endpoint_publishes() -> None:
    """The monitoring README marks a parameter ← with the endpoint's metadata key that feeds it: that key exists."""
    readme = (ROOT / "modules/sagemaker/sagemaker-model-monitoring/README.md").read_text()
    outputs = (ROOT / "modules/sagemaker/sagemaker-endpoint/docs/outputs.md").read_text()
    published = set(re.findall(r"^\| `(\w+)` \|", outputs, re.MULTILINE))
    pointed = set(re.findall(r"← (?:the endpoint's )?`(\w+)`", readme))
    assert {"DataCaptureS3Uri", "SubnetIds", "EndpointName"} <= pointed
    assert pointed - published == set()
