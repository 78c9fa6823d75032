"""Deployment and group manifests, loaded and validated by Seed-Farmer's own models, offline."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

PROJECT_FILE = "seedfarmer.yaml"


class ManifestError(Exception):
    """The manifest is not one Seed-Farmer would accept; the message is Seed-Farmer's own."""


class UnknownTargets(ManifestError):
    """Modules name an alias or region `targetAccountMappings` does not map: every one of them, as
    (group, module, the manifest key, the message), where Seed-Farmer stops at the first."""

    def __init__(self, problems: list[tuple[str, str, str, str]]) -> None:
        lines = [f"group '{group}', module '{module}': {text}" for group, module, _, text in problems]
        super().__init__("; ".join(lines))
        self.problems = problems


def project_root(start: Path) -> Path:
    """The folder holding seedfarmer.yaml, searched from `start` upwards as Seed-Farmer does."""
    for folder in [start.resolve(), *start.resolve().parents]:
        if (folder / PROJECT_FILE).is_file():
            return folder
    raise ManifestError(f"no {PROJECT_FILE} found in {start} or any folder above it")


@contextlib.contextmanager
def _working_directory(folder: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def seedfarmer_config(root: Path) -> Any:
    """Seed-Farmer's process-wide config, bound to `root` (it reads seedfarmer.yaml once, from the cwd)."""
    with _working_directory(root):
        from seedfarmer import config

        if Path(config.OPS_ROOT).resolve() != root.resolve():
            raise ManifestError(f"Seed-Farmer is already bound to {config.OPS_ROOT} in this process, not {root}")
        return config


def load_deployment(manifest: Path, env_files: tuple[str, ...] = (".env",)) -> Any:
    """The DeploymentManifest with every group's modules loaded, as `seedfarmer apply` loads it.

    Group `path`s and module `path`s are relative to the project root; `${VAR}` placeholders and
    `envVariable` references are resolved from the environment after the project's .env files.
    Every error is one line naming the file it is in (the group manifest, when it is one).
    """
    root = project_root(manifest.parent)
    seedfarmer_config(root)
    from seedfarmer.models.manifests import DeploymentManifest, ModuleManifest
    from seedfarmer.utils import load_dotenv_files

    load_dotenv_files(str(root), list(env_files))
    documents = yaml_documents(manifest)
    if len(documents) != 1 or not isinstance(documents[0], dict):
        raise ManifestError(f"{manifest}: not one YAML mapping")
    with _seedfarmer_errors(manifest):
        deployment = DeploymentManifest(**documents[0])
    for group in deployment.groups:
        if not group.path:
            continue
        group_file = root / group.path
        if not group_file.is_file():
            raise ManifestError(f"group '{group.name}': no group manifest at {group.path}")
        modules = []
        for number, document in enumerate(yaml_documents(group_file, Path(group.path)), 1):
            if not isinstance(document, dict):
                raise ManifestError(f"{group.path}: document {number} is not a YAML mapping of one module")
            with _seedfarmer_errors(Path(group.path), f"group '{group.name}', module {number}"):
                modules.append(ModuleManifest(**document))
        group.modules = modules
    problems = unknown_targets(deployment)
    if problems:
        raise UnknownTargets(problems)
    with _seedfarmer_errors(manifest):
        deployment.validate_and_set_module_defaults()
    return deployment


def unknown_targets(deployment: Any) -> list[tuple[str, str, str, str]]:
    """Every module whose `targetAccount` no alias of the mapping names, or whose `targetRegion` the alias does
    not map (Seed-Farmer's own check, `validate_and_set_module_defaults`, raises at the first)."""
    mappings = {str(mapping.alias): mapping for mapping in deployment.target_account_mappings or []}
    default = next((alias for alias, mapping in mappings.items() if mapping.default), None)
    known = ", ".join(mappings) or "none"
    problems = []
    for group in deployment.groups:
        for module in group.modules:
            alias = module.target_account or default
            mapping = mappings.get(str(alias)) if alias else None
            if mapping is None:
                text = (
                    f"targetAccount '{alias}' is no alias of targetAccountMappings (its aliases: {known})"
                    if alias
                    else f"no targetAccount, and no alias of targetAccountMappings is the default (aliases: {known})"
                )
                problems.append((group.name, module.name, "targetAccount", text))
                continue
            regions = [str(region.region) for region in mapping.region_mappings]
            if module.target_region and str(module.target_region) not in regions:
                text = (
                    f"targetRegion '{module.target_region}' is not mapped for alias '{alias}' "
                    f"(its regions: {', '.join(regions) or 'none'})"
                )
                problems.append((group.name, module.name, "targetRegion", text))
    return problems


@contextlib.contextmanager
def _seedfarmer_errors(path: Path, where: str = "") -> Iterator[None]:
    """Seed-Farmer's own message for a manifest it refuses, on one line, naming `path`."""
    from seedfarmer.errors import InvalidManifestError, InvalidPathError

    try:
        yield
    except (InvalidManifestError, InvalidPathError, ValueError, TypeError) as error:
        detail = " ".join(str(error).split())
        raise ManifestError(f"{path}: {where + ': ' if where else ''}{detail}") from None


def yaml_documents(path: Path, shown: Path | None = None) -> list[Any]:
    """Every YAML document of `path`; a syntax error is one line naming `shown` (or `path`), line and column."""
    if not path.is_file():
        raise ManifestError(f"no manifest at {shown or path}")
    try:
        with path.open() as handle:
            return [document for document in yaml.safe_load_all(handle) if document is not None]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or type(error).__name__
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ManifestError(f"{shown or path}: not valid YAML{where}: {problem}") from None
