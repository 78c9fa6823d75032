"""Before and during the first apply of `make e2e`: each account bootstrapped with its own credentials, seeded,
and the versions a registry module's group waits for registered once that module has deployed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from e2e.steps import CheckFailed, Steps
from e2e.world import World
from rehearsal.loading import Loaded
from rehearsal.seeding import register_packages, seed_account

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "mlops"  # seedfarmer.yaml
# Seed-Farmer's CLI, less its waits for IAM to propagate (e2e/seedfarmer_cli.py says why).
SEEDFARMER = [sys.executable, "-m", "e2e.seedfarmer_cli"]
CDK = str(ROOT / "node_modules" / ".bin" / "cdk")


def bootstrap(steps: Steps, world: World, scratch: Path) -> None:
    """`seedfarmer bootstrap toolchain` in the toolchain account (a target too), `seedfarmer bootstrap target` in
    each other account, and `cdk bootstrap` in each account and region: each with that account's credentials."""
    accounts = world.accounts
    toolchain = accounts.toolchain
    trusted = f"arn:aws:iam::{toolchain}:root"
    toolchain_command = [*SEEDFARMER, "bootstrap", "toolchain", "--project", PROJECT, "--trusted-principal", trusted]
    # Seed-Farmer writes the bootstrap templates to ./templates: keep them in the scratch folder.
    steps.command(
        f"bootstrap Seed-Farmer's toolchain and target roles in {accounts.name(toolchain)}",
        [*toolchain_command, "--as-target"],
        scratch,
        world.environment(toolchain),
    )
    for account in accounts.ids:
        if account != toolchain:
            target = [*SEEDFARMER, "bootstrap", "target", "--project", PROJECT, "--toolchain-account", toolchain]
            steps.command(
                f"bootstrap Seed-Farmer's target role in {accounts.name(account)}",
                target,
                scratch,
                world.environment(account),
            )
        environments = [f"aws://{account}/{region}" for region in accounts.regions(account)]
        steps.command(
            f"bootstrap the CDK in {accounts.name(account)}",
            [CDK, "bootstrap", *environments, "--no-notices"],
            scratch,
            world.environment(account),
        )


def seed(world: World, loaded: Loaded) -> list[str]:
    """Each account and region from the seed of its alias (rehearsal/account.yaml), as the rehearsal seeds it."""
    lines = []
    for (account, region), account_seed in loaded.seeds.items():
        seeded = seed_account(world.emulator(account, region), account_seed, region).lines
        lines += [world.accounts.prefixed(account, line) for line in seeded]
    return lines


def creators(loaded: Loaded) -> list[tuple[str, str, str]]:
    """(`<group>/<module>`, account, region) of each module that creates a group the seed registers versions in."""
    found = []
    for (account, region), account_seed in loaded.seeds.items():
        for group in account_seed.model_package_groups:
            if group.created_by:
                found.append((group.created_by, account, region))
    return found


def manifest_up_to(loaded: Loaded, last_group: str, scratch: Path) -> Path:
    """A copy of the deployment manifest with the groups up to `last_group` only (under the scratch folder, its
    group paths still relative to the project): what a platform team applies before a pipeline registers
    versions into the registry those groups create."""
    document = yaml.safe_load(loaded.manifest.read_text())
    names = [group["name"] for group in document["groups"]]
    document["groups"] = document["groups"][: names.index(last_group) + 1]
    copy = scratch / "manifests" / f"{loaded.manifest.stem}-up-to-{last_group}.yaml"
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(yaml.safe_dump(document, sort_keys=False))
    return copy


def register(
    world: World, loaded: Loaded, creator: str, account: str, region: str, metadata: dict[str, Any]
) -> list[str]:
    """The versions the seed registers once `creator` made their group, as a training pipeline would."""
    account_seed = loaded.seeds[(account, region)]
    lines = register_packages(world.emulator(account, region), region, account_seed, creator, metadata)
    if not lines:
        raise CheckFailed(f"the seed registers no version in a group module {creator} creates")
    return [world.accounts.prefixed(account, line) for line in lines]
