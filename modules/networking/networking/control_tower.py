"""AWS Control Tower's proactive controls (Guard rules) as cdklabs-cdk-validator-cfnguard runs them.

Shared by every module as a copy (each module stands alone as Seed-Farmer ships it; a test keeps the
copies identical). The plugin runs the cfn-guard engine over every rule it bundles (237 rules for 41
services in 0.0.62), about a second a synthesis, although a rule can only ever select resources of the
types it names. A module names the rule folders of the services it deploys; the rules of every other
folder are left out (the plugin's `disabled_rules`), which cuts the engine's time by about two thirds.
tests/test_real_account_guard.py proves, over every template of the parameter matrix, that each rule
naming a resource type a template holds is in a folder its module runs.
"""

from __future__ import annotations

import functools
import tarfile
from collections.abc import Collection
from importlib import metadata
from pathlib import PurePosixPath

RULES = PurePosixPath("package/rules/control-tower/cfn-guard")


def bundle() -> tarfile.TarFile:
    """The plugin's own package (the jsii tarball pip installed with it), opened for reading."""
    [tarball] = [
        file for file in metadata.files("cdklabs-cdk-validator-cfnguard") or () if file.name.endswith(".jsii.tgz")
    ]
    return tarfile.open(tarball.locate(), mode="r|gz")


@functools.cache
def rule_folders() -> dict[str, tuple[str, ...]]:
    """Each Control Tower rule folder of the bundle (a service, e.g. "sagemaker") and its rules' names."""
    folders: dict[str, list[str]] = {}
    with bundle() as archive:
        for member in archive:
            path = PurePosixPath(member.name)
            if member.isfile() and path.suffix == ".guard" and path.is_relative_to(RULES):
                folders.setdefault(path.relative_to(RULES).parts[0], []).append(path.stem)
    return {folder: tuple(sorted(set(names))) for folder, names in sorted(folders.items())}


def rules_outside(services: Collection[str]) -> list[str]:
    """The names of the bundled rules that are not in the folders `services`, for `disabled_rules`."""
    folders = rule_folders()
    unknown = sorted(set(services) - set(folders))
    if unknown:
        raise ValueError(f"no Control Tower rule folder named {', '.join(unknown)} in cdklabs-cdk-validator-cfnguard")
    return [name for folder, names in folders.items() if folder not in services for name in names]
