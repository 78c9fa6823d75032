"""A manifest and its seed, loaded and checked (the preflight) before anything is built."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rehearsal.accounts import Accounts
from rehearsal.git_paths import resolve_git_paths
from rehearsal.locations import Entry, entries
from rehearsal.manifests import (
    ManifestError,
    UnknownTargets,
    load_deployment,
    project_root,
    seedfarmer_config,
    yaml_documents,
)
from rehearsal.preflight import Finding, preflight
from rehearsal.seed import Seed, SeedError, Step, load_seed, manifest_value

DEFAULT_ACCOUNT = "123456789012"
# Further account variables a manifest reads and nothing sets get accounts of their own, one each.
FURTHER_DEFAULT_ACCOUNTS = ("111111111111", "222222222222", "333333333333", "444444444444", "555555555555")
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
    """A manifest loaded and checked: what the preflight and the rehearsal both start from. `seeds` holds
    what each (account, region) of the mapping holds beforehand."""

    manifest: Path
    root: Path
    deployment: Any
    accounts: Accounts
    seeds: dict[tuple[str, str], Seed]

    @property
    def account(self) -> str:
        """The default target's account (the toolchain's, see rehearsal.accounts)."""
        return self.accounts.toolchain

    @property
    def regions(self) -> list[str]:
        """Every region a module deploys to, sorted."""
        return sorted({str(module.target_region) for group in self.deployment.groups for module in group.modules})


def load(manifest: Path, seed_file: Path | None, steps: Sequence[str] = ()) -> Loaded:
    """The deployment manifest and the seed, loaded; any problem is one line naming its file.

    Without a seed file, the project's own `rehearsal/account.yaml` is used if it has one; else nothing
    is seeded (a manifest that needs nothing pre-existing needs no seed; one that does is told what).
    Every account and region of `targetAccountMappings` is seeded from the seed of its alias. The accounts
    are the seed with `steps` applied in order (see `after_steps`), and so is the manifest for a step that
    changes it.
    """
    root = project_root(manifest.parent)
    if seed_file is None and (root / PROJECT_SEED).is_file():
        seed_file = root / PROJECT_SEED
    _default_account_variables(manifest, root)
    try:
        deployment = load_deployment(manifest)
        resolve_git_paths(deployment)
    except UnknownTargets as unknown:
        raise _unknown_targets(unknown, manifest, root) from None
    except ManifestError as error:
        raise RehearsalFailed(f"invalid manifest: {error}") from None
    accounts = Accounts.of(deployment)
    seeds = {}
    for target in accounts.targets:
        for region in target.regions:
            # Two aliases of one account are one account: the first alias's seed is its seed.
            place = (target.account, region)
            if place not in seeds:
                seeds[place] = load_seed(seed_file, target.account, region, target.alias) if seed_file else Seed()
    return after_steps(Loaded(manifest, root, deployment, accounts, seeds), steps)


def after_steps(loaded: Loaded, steps: Sequence[str]) -> Loaded:
    """`loaded` with the seed's `steps` applied in order: each account as a pipeline left it, and the manifest
    as a person changed it (a step's `manifest` edits)."""
    seeds = dict(loaded.seeds)
    for step in steps:
        seeds = {place: seed.after(step) for place, seed in seeds.items()}
        if seeds:
            edit_manifest(loaded.deployment, next(iter(seeds.values())).step(step))
    return replace(loaded, seeds=seeds)


def edit_manifest(deployment: Any, step: Step) -> None:
    """Give each parameter the step names its new value, in the loaded manifest (the file is not touched)."""
    from seedfarmer.models.manifests import ModuleParameter

    for edit in step.manifest:
        module = deployment.get_module(edit.group, edit.module)
        names = [str(parameter.name) for parameter in module.parameters] if module is not None else []
        if edit.parameter not in names:
            where = f"module '{edit.module}' of group '{edit.group}'"
            raise SeedError(
                f"step '{step.name}' changes parameter '{edit.parameter}' of {where}, which "
                + (
                    f"has no such parameter (its parameters: {', '.join(names)})"
                    if module
                    else "is not in the manifest"
                )
            )
        module.parameters = [
            ModuleParameter(name=edit.parameter, value=manifest_value(step, edit))
            if str(parameter.name) == edit.parameter
            else parameter
            for parameter in module.parameters
        ]


def _unknown_targets(unknown: UnknownTargets, manifest: Path, root: Path) -> PreflightFailed:
    """Every module with an unknown alias or region, one line each at the line of its `targetAccount`."""
    written = entries(manifest, root)
    findings = []
    for group, module, key, text in unknown.problems:
        entry = written.get((group, module), Entry("", 0))
        findings.append(Finding(group, module, text, entry.file, entry.keys.get(key, entry.line)))
    lines = "\n".join(str(finding) for finding in findings)
    count = f"{len(findings)} problem{'s' if len(findings) > 1 else ''}"
    return PreflightFailed(f"preflight found {count} before anything was built:\n{lines}", findings)


def check(loaded: Loaded, progress: Callable[[str], None] = lambda _: None) -> list[Finding]:
    """The preflight: its notes; PreflightFailed listing every problem of every module, one line each."""
    known = {
        parameter.name: parameter.value
        for seed in loaded.seeds.values()
        for parameter in [*seed.ssm_parameters, *seed.secrets]
    }

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


def _default_account_variables(manifest: Path, root: Path) -> None:
    """Default each account variable the manifest reads (`valueFrom: envVariable`) that neither the environment
    nor the project's .env sets, each to a fake account of its own (PRIMARY_ACCOUNT and the first to
    123456789012): two aliases read from two unset variables stay two accounts.

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
    seedfarmer_config(root)
    from seedfarmer.utils import load_dotenv_files

    load_dotenv_files(str(root), [".env"])  # what .env defaults is not unset
    defaults = iter((DEFAULT_ACCOUNT, *FURTHER_DEFAULT_ACCOUNTS))
    for variable in dict.fromkeys(variables):
        if not os.environ.get(variable):
            os.environ[variable] = next(defaults, DEFAULT_ACCOUNT)
