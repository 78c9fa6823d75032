"""Facts about the repository that the whole-repository tests share."""

from __future__ import annotations

import importlib
import json
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODULE_DIRS = sorted(path.parent for path in ROOT.glob("modules/**/deployspec.yaml") if "cdk.out" not in path.parts)


def module_documents(module_dir: Path) -> str:
    """A module's documentation as one text, its docs/ (where a long README moved its tables) before its
    README, so a heading is found where its table is."""
    return "\n".join(path.read_text() for path in [*sorted(module_dir.glob("docs/*.md")), module_dir / "README.md"])


def module_package(module_dir: Path) -> str:
    """The name of a module's package: the folder beside its app.py holding its synthesis.py."""
    [synthesis] = module_dir.glob("*/synthesis.py")
    return synthesis.parent.name


def manifest_name(module_dir: Path, parameter: str) -> str:
    """A parameter (any spelling) as the module's manifests write it (its settings class's `manifest_name`)."""
    return str(_settings_class(module_dir).manifest_name(parameter.replace("-", "_")))


@cache
def _settings_class(module_dir: Path) -> Any:
    package = module_package(module_dir)
    contract = importlib.import_module("mlops_platform.contract")
    importlib.import_module(f"{package}.synthesis")  # imports the settings class; the CDK only to build
    [settings] = [cls for cls in contract.ModuleSettings.__subclasses__() if cls.__module__.startswith(package)]
    return settings


@cache
def module_parameters(module_dir: Path) -> dict[str, dict[str, Any]]:
    """Every parameter a module's settings class declares: manifest name -> default (or None), required."""
    settings = _settings_class(module_dir)
    parameters = {
        settings.manifest_name(name): {
            "default": None if field.is_required() else field.get_default(call_default_factory=True),
            "required": field.is_required(),
        }
        for name, field in settings.model_fields.items()
    }
    # As a manifest (YAML, JSON) writes them: tuples are lists.
    described: dict[str, dict[str, Any]] = json.loads(json.dumps(parameters, default=list))
    return described
