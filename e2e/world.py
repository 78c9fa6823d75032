"""The accounts `make e2e` deploys to, in one emulator: credentials of a person's role in each, the environment
every command of the run sees in an account, and where the CodeBuild stand-in builds each module.

moto answers each request in the account of its credentials (unless MOTO_ACCOUNT_ID pins one, which the
emulator process never sets): a person's credentials in an account are those of a role assumed there, as
an administrator would take them (`e2e-admin`). Seed-Farmer itself reaches the target accounts from the
toolchain account through its own roles, as in AWS.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import yaml

from e2e.account import Account
from rehearsal.accounts import Accounts
from rehearsal.emulator import Emulator

ROOT = Path(__file__).resolve().parents[1]
PERSON = "e2e-admin"
# Where the stand-in finds each bundle's target account and region (e2e/codebuild.py reads it).
TARGETS = "targets.json"


@dataclass
class World:
    """The emulator's URL, the deployment's accounts, and a person's credentials in each (assumed once)."""

    url: str
    accounts: Accounts
    scratch: Path
    credentials: dict[str, dict[str, str]] = field(default_factory=dict)

    def credentials_in(self, account: str) -> dict[str, str]:
        if account not in self.credentials:
            self.credentials[account] = assume(self.url, self.accounts.toolchain_region, account, PERSON)
        return self.credentials[account]

    def account(self, account: str, region: str | None = None) -> Account:
        return Account(self.url, region or self.accounts.toolchain_region, self.credentials_in(account))

    def emulator(self, account: str, region: str) -> Emulator:
        """The same account, as the rehearsal's seeding takes it."""
        from rehearsal.emulator import ResourceLog

        return Emulator(self.url, account, region, ResourceLog(), self.credentials_in(account))

    def environment(self, account: str) -> dict[str, str]:
        """What every command run as a person of `account` sees: the emulator's endpoint and that account's
        credentials, the stand-in first on PATH, a HOME under the scratch folder, none of the caller's AWS
        settings, and the account variables the manifests read."""
        clean = Emulator.clean(dict(os.environ))
        inherited = {name: value for name, value in clean.items() if not name.startswith("AWS_")}
        path = [str(ROOT / "e2e" / "bin"), str(Path(sys.executable).parent), str(ROOT / "node_modules" / ".bin")]
        region = self.accounts.toolchain_region
        return {
            **inherited,
            "PATH": os.pathsep.join([*path, inherited.get("PATH", "")]),
            "HOME": str(self.scratch / "home"),
            "E2E_SCRATCH": str(self.scratch),
            "PYTHONPATH": str(ROOT),
            "AWS_ENDPOINT_URL": self.url,
            **self.credentials_in(account),
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "PRIMARY_ACCOUNT": os.environ.get("PRIMARY_ACCOUNT", self.accounts.toolchain),
            "PRIMARY_REGION": region,
            "CDK_DISABLE_CLI_TELEMETRY": "true",
            "CDK_DISABLE_VERSION_CHECK": "true",
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        }

    def write_targets(self, deployment: Any) -> None:
        """Each module's bundle (`<deployment>-<group>-<module>`) -> its target account and region."""
        targets = {
            f"{deployment.name}-{group.name}-{module.name}": {
                "account": str(module.get_target_account_id()),
                "region": str(module.target_region),
            }
            for group in deployment.groups
            for module in group.modules
        }
        (self.scratch / TARGETS).write_text(json.dumps(targets, indent=2, sort_keys=True) + "\n")


def assume(url: str, region: str, account: str, role: str, credentials: dict[str, str] | None = None) -> dict[str, str]:
    """Credentials of `role` in `account`, assumed against the emulator (with `credentials`, else fake keys)."""
    given = credentials or {"AWS_ACCESS_KEY_ID": "e2e", "AWS_SECRET_ACCESS_KEY": "e2e"}
    sts = boto3.client(
        "sts",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=given["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=given["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=given.get("AWS_SESSION_TOKEN"),
    )
    assumed = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="e2e")["Credentials"]
    return {
        "AWS_ACCESS_KEY_ID": str(assumed["AccessKeyId"]),
        "AWS_SECRET_ACCESS_KEY": str(assumed["SecretAccessKey"]),
        "AWS_SESSION_TOKEN": str(assumed["SessionToken"]),
    }


def in_target_account(
    scratch: Path, source: Path, buildspec: str, variables: dict[str, str], env_file: dict[str, str]
) -> dict[str, str]:
    """The module role's credentials in the bundle's target account (what CodeBuild's build there runs with),
    assumed with the caller's; and which account and role, for the build's record. The role is the one a deploy's
    buildspec records in the module's metadata (`ModuleDeploymentRoleName`), and a destroy's finds there, as
    Seed-Farmer does."""
    targets = json.loads((scratch / TARGETS).read_text())
    target = targets.get(source.name)
    phases = (yaml.safe_load(buildspec) or {}).get("phases") or {}
    commands = [str(command) for phase in phases.values() for command in (phase or {}).get("commands") or []]
    roles = [match.group(1) for command in commands if (match := _MODULE_ROLE.search(command))]
    metadata = next((value for name, value in env_file.items() if name.endswith("MODULE_METADATA") and value), "")
    if metadata and not roles:
        roles = [str(json.loads(metadata).get("ModuleDeploymentRoleName") or "")] if metadata.startswith("{") else []
        roles = [role for role in roles if role]
    if target is None or not roles:
        raise ValueError(f"no target account or module role recorded for bundle {source.name}")
    caller = {key: value for key, value in variables.items() if key.startswith("AWS_")}
    credentials = assume(variables["AWS_ENDPOINT_URL"], target["region"], target["account"], roles[0], caller)
    return {**credentials, "E2E_TARGET_ACCOUNT": target["account"], "E2E_MODULE_ROLE": roles[0]}


_MODULE_ROLE = re.compile(r"-k ModuleDeploymentRoleName -v (\S+)")
