"""Lets one pytest run hold every module's tests.

Each module is a folder Seed-Farmer runs as `python app.py`, so its files import each other by plain
names (`settings`, `stack`), and two modules both have a `settings`. Before pytest collects or runs
anything under a module, this puts that module's folder first on sys.path and swaps in that module's
own copies of those names: exactly what `python app.py` in that folder would see.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

ROOT = Path(__file__).parent
MODULE_DIRS = sorted(path.parent for path in ROOT.glob("modules/**/app.py") if "cdk.out" not in path.parts)
_LOCAL_NAMES = {name for directory in MODULE_DIRS for name in (path.stem for path in directory.glob("*.py"))}
_stashed: dict[Path, dict[str, ModuleType]] = {directory: {} for directory in MODULE_DIRS}


def _owner(path: Path) -> Path | None:
    return next((directory for directory in MODULE_DIRS if directory == path or directory in path.parents), None)


def activate(directory: Path | None) -> None:
    """Make `directory`'s own files the ones `import settings` (and the like) finds."""
    if directory is None:
        return
    for name in _LOCAL_NAMES:
        module = sys.modules.get(name)
        owner = _owner(Path(module.__file__)) if module is not None and module.__file__ else None
        if owner is not None and owner != directory:
            _stashed[owner][name] = sys.modules.pop(name)
    sys.modules.update(_stashed[directory])
    sys.path[:] = [str(directory)] + [entry for entry in sys.path if Path(entry) not in MODULE_DIRS]


def pytest_collect_directory(path: Path, parent: pytest.Collector) -> None:
    # Called before the folder's conftest.py is imported, so that import sees the right module.
    activate(_owner(path))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> None:
    activate(_owner(file_path))


def pytest_runtest_setup(item: pytest.Item) -> None:
    activate(_owner(Path(str(item.path))))
