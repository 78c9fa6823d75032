"""Synthesis and cfn-lint results reused when nothing they depend on changed.

A module's synthesis is deterministic (same inputs, byte-identical templates: a standard of this
repository), so a cloud assembly can be reused when its inputs are the same: every file of the module's
folder, its Seed-Farmer environment, what the emulated account holds that a synth-time lookup reads
(the seed), and the versions of Python and the CDK libraries. cfn-lint's findings depend only on the
template and the region. Entries live in `<output>/.cache/`, or in the folder REHEARSAL_CACHE names (one
cache for several output folders, as the test suite uses); the newest few per kind are kept. Several
rehearsals may share a cache at once: an entry is written under a name of its own and renamed into place,
and a writer that finds the entry already there keeps that one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

KEEP = 12
_SKIPPED_FOLDERS = {"cdk.out", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "node_modules", "tests"}
_LIBRARIES = ("aws-cdk-lib", "constructs", "cdk-nag", "cdklabs-cdk-validator-cfnguard", "cfn-lint")

T = TypeVar("T")


def _versions() -> str:
    found = []
    for name in _LIBRARIES:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} absent")
    return f"{sys.version} {' '.join(found)}"


def synthesis_key(folder: Path, environment: dict[str, str], account_state: str) -> str:
    """A digest of everything a module's `python app.py` reads."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not _SKIPPED_FOLDERS & set(path.relative_to(folder).parts):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(json.dumps(environment, sort_keys=True).encode())
    digest.update(account_state.encode())
    digest.update(_versions().encode())
    return digest.hexdigest()[:32]


def synthesized(cache: Path | None, key: str, outdir: Path, synthesize: Callable[[], T]) -> tuple[T, bool]:
    """`synthesize()`'s result with `outdir` filled, from the cache when `key` is there; and whether it was."""
    entry = cache / "synth" / key if cache else None
    if entry is not None and (entry / "cdk.out").is_dir() and (entry / "result.json").is_file():
        shutil.rmtree(outdir, ignore_errors=True)
        try:
            shutil.copytree(entry / "cdk.out", outdir)
            return json.loads((entry / "result.json").read_text()), True
        except (OSError, shutil.Error):  # pruned by another rehearsal sharing the cache: synthesize instead
            shutil.rmtree(outdir, ignore_errors=True)
    value = synthesize()
    if entry is not None:
        staging = entry.with_name(f"{entry.name}.{os.getpid()}.{id(value)}.partial")
        shutil.copytree(outdir, staging / "cdk.out")
        (staging / "result.json").write_text(json.dumps(value))
        shutil.rmtree(entry, ignore_errors=True)
        try:
            staging.rename(entry)
        except OSError:  # another rehearsal wrote the same entry meanwhile: the same inputs, the same result
            shutil.rmtree(staging, ignore_errors=True)
        _prune(entry.parent)
    return value, False


def linted(cache: Path | None, template_text: str, region: str, lint: Callable[[], list[str]]) -> list[str]:
    """cfn-lint's findings for a template in a region, from the cache when it has seen the same."""
    if cache is None:
        return lint()
    key = hashlib.sha256(f"{region}\0{_versions()}\0{template_text}".encode()).hexdigest()[:32]
    entry = cache / "lint" / f"{key}.json"
    if entry.is_file():
        findings: list[str] = json.loads(entry.read_text())
        return findings
    findings = lint()
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = entry.with_name(f"{entry.name}.{os.getpid()}.{id(findings)}.partial")
    staging.write_text(json.dumps(findings))
    staging.replace(entry)
    _prune(entry.parent)
    return findings


def cache_folder(output: Path) -> Path:
    """Where a rehearsal writing into `output` keeps its reusable results."""
    shared = os.environ.get("REHEARSAL_CACHE")
    return Path(shared).resolve() if shared else output.resolve() / ".cache"


def _prune(folder: Path) -> None:
    def modified(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except FileNotFoundError:  # pruned by another rehearsal sharing the cache
            return 0.0

    entries = sorted((path for path in folder.iterdir() if not path.name.endswith(".partial")), key=modified)
    for stale in entries[::-1][KEEP:]:
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
