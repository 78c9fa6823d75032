"""A manifest and its seed, loaded and checked (the preflight) before anything is built."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rehearsal.git_paths import resolve_git_paths
from rehearsal.manifests import ManifestError, load_deployment, project_root, yaml_documents
from rehearsal.preflight import Finding, preflight
from rehearsal.seed import Seed, load_seed

DEFAULT_ACCOUNT = "123456789012"
PROJECT_SEED = Path("rehearsal") / "account.yaml"


class RehearsalFailed(Exception):
    """The rehearsal stopped; the message says where and why, as early as it could be known."""


class PreflightFailed(RehearsalFailed):
    """The preflight found problems; `findings` holds them and the notes, for `--check --json`."""

    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings


@dataclass
class Loaded:
    """A manifest loaded and checked: what the preflight and the rehearsal both start from."""

    manifest: Path
    root: Path
    deployment: Any
    account: str
    regions: list[str]
    seeds: dict[str, Seed]


def load(manifest: Path, seed_file: Path | None, steps: Sequence[str] = ()) -> Loaded:
    """The deployment manifest and the seed, loaded; any problem is one line naming its file.

    Without a seed file, the project's own `rehearsal/account.yaml` is used if it has one; else nothing
    is seeded (a manifest that needs nothing pre-existing needs no seed; one that does is told what).
    The account is the seed with `steps` applied in order (see `after_steps`).
    """
    root = project_root(manifest.parent)
    if seed_file is None and (root / PROJECT_SEED).is_file():
        seed_file = root / PROJECT_SEED
    _default_account_variables(manifest)
    try:
        deployment = load_deployment(manifest)
        resolve_git_paths(deployment)
    except ManifestError as error:
        raise RehearsalFailed(f"invalid manifest: {error}") from None
    accounts = {str(module.get_target_account_id()) for group in deployment.groups for module in group.modules}
    if len(accounts) != 1:
        raise RehearsalFailed(
            f"the manifest deploys to accounts {', '.join(sorted(accounts)) or '(none)'}; "
            "the rehearsal emulates exactly one account"
        )
    account = accounts.pop()
    regions = sorted({str(module.target_region) for group in deployment.groups for module in group.modules})
    seeds = {region: load_seed(seed_file, account, region) if seed_file else Seed() for region in regions}
    return after_steps(Loaded(manifest, root, deployment, account, regions, seeds), steps)


def after_steps(loaded: Loaded, steps: Sequence[str]) -> Loaded:
    """`loaded` with the seed's `steps` applied in order in every region: the account a pipeline left."""
    seeds = dict(loaded.seeds)
    for step in steps:
        seeds = {region: seed.after(step) for region, seed in seeds.items()}
    return replace(loaded, seeds=seeds)


def check(loaded: Loaded, progress: Callable[[str], None] = lambda _: None) -> list[Finding]:
    """The preflight: its notes; PreflightFailed listing every problem of every module, one line each."""
    seed = loaded.seeds[loaded.regions[0]]
    known = {parameter.name: parameter.value for parameter in [*seed.ssm_parameters, *seed.secrets]}

    def secrets(kind: str, name: str) -> str:
        return known.get(name.partition(":")[0], f"placeholder-{name}")

    findings = preflight(loaded.deployment, loaded.root, secrets, progress, loaded.manifest)
    problems = [str(finding) for finding in findings if not finding.note]
    notes = [finding for finding in findings if finding.note]
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        message = f"preflight found {count} before anything was built:\n" + "\n".join(problems)
        if notes:
            message += f"\nand {len(notes)} note(s), not problems:\n" + "\n".join(f"note: {note}" for note in notes)
        raise PreflightFailed(message, findings)
    return notes


def _default_account_variables(manifest: Path) -> None:
    """Default each account variable the manifest reads (`valueFrom: envVariable`) to a fake account.

    An exported value (say PRIMARY_ACCOUNT) is kept, so the rehearsal's templates are those of your account.
    """
    try:
        documents = yaml_documents(manifest)
    except ManifestError as error:
        raise RehearsalFailed(f"invalid manifest: {error}") from None
    document = documents[0] if documents and isinstance(documents[0], dict) else {}
    variables = [
        mapping["accountId"]["valueFrom"]["envVariable"]
        for mapping in document.get("targetAccountMappings") or []
        if isinstance(mapping, dict)
        and isinstance(mapping.get("accountId"), dict)
        and "envVariable" in (mapping["accountId"].get("valueFrom") or {})
    ]
    for variable in variables:
        os.environ.setdefault(variable, DEFAULT_ACCOUNT)
