"""Whole-repository rules: pins, CI and the tool chain agree with each other."""

from __future__ import annotations

import json
import re

from tests.repository import MODULE_DIRS, ROOT


def _pins(text: str) -> dict[str, str]:
    pins = {}
    for line in text.splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-"):
            continue
        name, separator, version = line.partition("==")
        assert separator, f"unpinned requirement: {line}"
        pins[re.sub(r"\[.*\]", "", name).lower()] = version
    return pins


def test_every_module_pins_the_same_versions() -> None:
    pins = {folder: _pins((folder / "requirements.txt").read_text()) for folder in MODULE_DIRS}
    for folder, own in pins.items():
        for other in pins.values():
            shared = own.keys() & other.keys()
            assert {name: own[name] for name in shared} == {name: other[name] for name in shared}, folder
    for own in pins.values():
        assert own["aws-cdk-lib"].startswith("2.")
        assert own["constructs"].startswith("10.")
        assert own["cdk-nag"].startswith("3.")


def test_development_tools_are_pinned() -> None:
    _pins((ROOT / "requirements-dev.txt").read_text())


def test_cdk_cli_is_version_2_and_locked() -> None:
    wanted = json.loads((ROOT / "package.json").read_text())["devDependencies"]["aws-cdk"]
    assert wanted.startswith("2."), "aws-cdk 3.x cannot read aws-cdk-lib 2.x cloud assemblies"
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/aws-cdk"]["version"]
    assert locked == wanted


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci
    assert "make test" in readme
