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
    """
    root = project_root(manifest.parent)
    seedfarmer_config(root)
    from seedfarmer.errors import InvalidManifestError, InvalidPathError
    from seedfarmer.models.manifests import DeploymentManifest, ModuleManifest
    from seedfarmer.utils import load_dotenv_files

    load_dotenv_files(str(root), list(env_files))
    try:
        deployment = DeploymentManifest(**_yaml(manifest))
        for group in deployment.groups:
            if group.path:
                group_file = root / group.path
                if not group_file.is_file():
                    raise ManifestError(f"group '{group.name}': no group manifest at {group.path}")
                with group_file.open() as handle:
                    group.modules = [ModuleManifest(**document) for document in yaml.safe_load_all(handle) if document]
        deployment.validate_and_set_module_defaults()
    except (InvalidManifestError, InvalidPathError, ValueError) as error:
        raise ManifestError(f"{manifest}: {error}") from None
    return deployment


def _yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ManifestError(f"no deployment manifest at {path}")
    with path.open() as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict):
        raise ManifestError(f"{path}: not a YAML mapping")
    return document
