"""What a manifest expects to exist already, created in the emulated account from a small YAML file."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError


class SeedError(Exception):
    """The seed file is malformed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bucket(_Strict):
    name: str
    objects: list[str] = []
    versioning: bool = False
    eventbridge: bool = False  # S3 sends Object Created events to EventBridge (model refresh needs it)


class Package(_Strict):
    approval: str = "Approved"
    image: str
    model_data_url: str | None = None
    # CreateModelPackage's DriftCheckBaselines as written there (what a pipeline's check steps register).
    drift_check_baselines: dict[str, Any] = {}


class PackageGroup(_Strict):
    name: str
    description: str = ""
    packages: list[Package] = []
    # `<group>/<module>` of the manifest that creates the group (a registry module): the seed registers the
    # packages right after that module has deployed, as a training pipeline would before the workloads deploy.
    created_by: str | None = None


class NamedValue(_Strict):
    name: str
    value: str


class ManagedPolicy(_Strict):
    """A customer managed policy the manifests name (a permissions boundary, say); it allows what the
    document says, by default every action, as a boundary that limits nothing but must exist."""

    name: str
    description: str = ""
    document: dict[str, Any] = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }


class ServiceQuota(_Strict):
    """One of SageMaker's quotas, by the name Service Quotas gives it: `ml.g5.xlarge for endpoint usage`."""

    name: str
    value: float


class ManifestEdit(_Strict):
    """One parameter of a module entry given a new value, as a person's reviewed change of the manifest."""

    group: str
    module: str
    parameter: str
    value: Any


class Step(_Strict):
    """A change between two rehearsals, as a pipeline or a person would make it (`--step NAME`)."""

    name: str
    description: str = ""
    # The alias (of targetAccountMappings) whose account the step changes; none: every account seeded from the
    # file's top-level form.
    account: str | None = None
    approve: dict[str, list[int]] = {}  # model package group -> versions (1-based) approved by this step
    add_packages: dict[str, list[Package]] = {}  # model package group -> packages registered by this step
    manifest: list[ManifestEdit] = []  # parameters the step changes in the manifest's module entries


class AccountSeed(_Strict):
    """What one account holds before the first module deploys."""

    buckets: list[Bucket] = []
    model_package_groups: list[PackageGroup] = []
    ssm_parameters: list[NamedValue] = []
    secrets: list[NamedValue] = []
    managed_policies: list[ManagedPolicy] = []
    service_quotas: list[ServiceQuota] = []  # SageMaker's, as the endpoint module reads them before deploying


class Seed(AccountSeed):
    """The seed of one account: its own resources, and every step of the seed file (by name).

    A file's top-level keys seed every account whose alias has no section under `accounts` (the form for a
    manifest of one account); an alias listed there is seeded from its section alone.
    """

    accounts: dict[str, AccountSeed] = {}
    steps: list[Step] = []
    _alias: str | None = PrivateAttr(default=None)  # the section this seed came from; None: the top-level form

    def step(self, step_name: str) -> Step:
        """The step named `step_name`, or a SeedError naming the steps there are."""
        found = next((step for step in self.steps if step.name == step_name), None)
        if found is None:
            known = ", ".join(step.name for step in self.steps) or "none"
            raise SeedError(f"no step '{step_name}' in the seed file (its steps: {known})")
        return found

    def for_alias(self, alias: str | None) -> Seed:
        """The seed of the account `alias` names: its section under `accounts`, else the top-level form."""
        if alias is None or alias not in self.accounts:
            return self
        section = self.accounts[alias].model_dump()
        seed = Seed(**section, accounts=self.accounts, steps=self.steps)
        seed._alias = alias
        return seed

    def applies(self, step: Step) -> bool:
        """Whether `step` changes this account: a step names its alias, or none for the top-level form."""
        return step.account == self._alias if step.account else self._alias is None

    def after(self, step_name: str) -> Seed:
        """This seed with the step applied: the account as it is after the step, for the next rehearsal."""
        step = self.step(step_name)
        if not self.applies(step):
            return self
        unknown = sorted(
            (set(step.approve) | set(step.add_packages)) - {group.name for group in self.model_package_groups}
        )
        if unknown:
            raise SeedError(
                f"step '{step_name}' names model package group(s) the seed does not create"
                f"{f' in account {self._alias}' if self._alias else ''}: {', '.join(unknown)}"
            )
        groups = []
        for group in self.model_package_groups:
            packages = [*group.packages, *step.add_packages.get(group.name, [])]
            for version in step.approve.get(group.name, []):
                if not 1 <= version <= len(packages):
                    raise SeedError(f"step '{step_name}': {group.name} has no version {version}")
                packages[version - 1] = packages[version - 1].model_copy(update={"approval": "Approved"})
            groups.append(group.model_copy(update={"packages": packages}))
        seed = self.model_copy(update={"model_package_groups": groups})
        seed._alias = self._alias
        return seed


_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def load_seed(path: Path, account: str, region: str, alias: str | None = None) -> Seed:
    """The seed file for one region of the emulated account `alias` names, with `${VAR}` replaced.

    `${PRIMARY_ACCOUNT}` and `${PRIMARY_REGION}` are the account and the region being seeded (so a
    manifest with a literal account, or several regions, needs nothing exported); any other variable
    comes from the environment, and one that is not set is named. `${<group>.<module>.<key>}` stays as
    written: a module's metadata, known once it has deployed (rehearsal.seeding.register_packages).
    """
    values = {**os.environ, "PRIMARY_ACCOUNT": account, "PRIMARY_REGION": region}

    def replace(node: Any) -> Any:
        if isinstance(node, str):
            missing = [name for name in _PLACEHOLDER.findall(node) if name not in values]
            if missing:
                raise SeedError(f"{path}: ${{{missing[0]}}} is used but not set in the environment")
            return _PLACEHOLDER.sub(lambda match: values[match.group(1)], node)
        if isinstance(node, list):
            return [replace(item) for item in node]
        if isinstance(node, dict):
            # A step's manifest edits are written as the manifest is: replaced when applied (`manifest_value`).
            return {key: value if key == "manifest" else replace(value) for key, value in node.items()}
        return node

    try:
        document = yaml.safe_load(path.read_text()) or {}
    except OSError as error:
        raise SeedError(f"{path}: cannot be read ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise SeedError(f"{path}: not valid YAML{_where(error)}") from None
    if not isinstance(document, dict):
        raise SeedError(f"{path}: not a YAML mapping")
    try:
        return Seed(**replace(document)).for_alias(alias)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, item['loc']))}: {item['msg']}" for item in error.errors(include_url=False)
        )
        raise SeedError(f"{path}: {problems}") from None


def manifest_value(step: Step, edit: ManifestEdit) -> Any:
    """An edit's value with `${VAR}` replaced from the environment, as Seed-Farmer reads the manifest."""
    if not isinstance(edit.value, str):
        return edit.value
    missing = [name for name in _PLACEHOLDER.findall(edit.value) if name not in os.environ]
    if missing:
        raise SeedError(f"step '{step.name}': ${{{missing[0]}}} is used but not set in the environment")
    return _PLACEHOLDER.sub(lambda match: os.environ[match.group(1)], edit.value)


def _where(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or ""
    return f" at line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else ""
