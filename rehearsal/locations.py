"""Where each module entry and each of its parameters is written in the manifests: file and line.

Seed-Farmer's models keep no positions, so the preflight reads the same YAML again, node by node, to
point each problem at the line a person edits. Files are named relative to the project root, as the
deployment manifest names its group manifests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# `parameter 'x'`, `parameter 'x[0].y'`, `unknown parameter 'x'`, `parameters 'x' (3), 'y'`, `parameter(s) 'x'`
_PARAMETER = re.compile(r"parameters?(?:\(s\))? '([^'\[.]+)")


@dataclass(frozen=True)
class Entry:
    """One module entry of a manifest: its file, the line of the entry, of each parameter and of each of the
    entry's own keys (`targetAccount`, ...)."""

    file: str
    line: int
    parameters: dict[str, int] = field(default_factory=dict)
    keys: dict[str, int] = field(default_factory=dict)

    def line_of(self, text: str) -> int:
        """The line of the first parameter `text` names (the entry's own line if it names none written here)."""
        match = _PARAMETER.search(text)
        return self.parameters.get(_normal(match.group(1)), self.line) if match else self.line


def entries(manifest: Path, root: Path) -> dict[tuple[str, str], Entry]:
    """(group, module) -> where the module entry is written; entries YAML cannot place are left out."""
    shown = _shown(manifest, root)
    try:
        deployment = yaml.compose(manifest.read_text())
    except (OSError, yaml.YAMLError):
        return {}
    found: dict[tuple[str, str], Entry] = {}
    for group in _items(_value(deployment, "groups")):
        name = _scalar(_value(group, "name"))
        path = _scalar(_value(group, "path"))
        if path:
            try:
                documents = list(yaml.compose_all((root / path).read_text()))
            except (OSError, yaml.YAMLError):
                continue
            modules, file = documents, path
        else:
            modules, file = _items(_value(group, "modules")), shown
        for module in modules:
            module_name = _scalar(_value(module, "name"))
            if name and module_name:
                found[(name, module_name)] = _entry(module, file)
    return found


def _entry(module: Any, file: str) -> Entry:
    parameters = {}
    for parameter in _items(_value(module, "parameters")):
        name = _scalar(_value(parameter, "name"))
        if name:
            parameters[_normal(name)] = parameter.start_mark.line + 1
    keys = {
        str(key.value): key.start_mark.line + 1
        for key, _ in (module.value if isinstance(module, yaml.MappingNode) else [])
        if isinstance(key, yaml.ScalarNode)
    }
    return Entry(file, module.start_mark.line + 1, parameters, keys)


def _normal(name: str) -> str:
    """A parameter name as modules compare it: `Instance_Type` and `instance-type` are one parameter."""
    return name.lower().replace("_", "-")


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _value(node: Any, key: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


def _items(node: Any) -> list[Any]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _scalar(node: Any) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None
