"""The accounts `make e2e` deploys to, in one emulator: credentials of a person's role in each, the environment
every command of the run sees in an account, and where the CodeBuild stand-in builds each module.

moto answers each request in the account of its credentials (unless MOTO_ACCOUNT_ID pins one, which the
emulator process never sets): a person's credentials in an account are those of a role assumed there, as
an administrator would take them (`e2e-admin`). Seed-Farmer itself reaches the target accounts from the
toolchain account through its own roles, as in AWS.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import boto3

from e2e.account import Account
from rehearsal.accounts import Accounts
from rehearsal.emulator import Emulator

ROOT = Path(__file__).resolve().parents[1]
PERSON = "e2e-admin"


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
        credentials, the environment's tools on PATH, a HOME under the scratch folder, none of the caller's AWS
        settings, and the account variables the manifests read."""
        clean = Emulator.clean(dict(os.environ))
        inherited = {name: value for name, value in clean.items() if not name.startswith("AWS_")}
        path = [str(Path(sys.executable).parent), str(ROOT / "node_modules" / ".bin")]
        region = self.accounts.toolchain_region
        return {
            **inherited,
            "PATH": os.pathsep.join([*path, inherited.get("PATH", "")]),
            "HOME": str(self.scratch / "home"),
            "E2E_SCRATCH": str(self.scratch),
            "PYTHONPATH": str(ROOT),
            **self.emulator(account, region).environment(region),
            "PRIMARY_ACCOUNT": os.environ.get("PRIMARY_ACCOUNT", self.accounts.toolchain),
            "PRIMARY_REGION": region,
            "CDK_DISABLE_CLI_TELEMETRY": "true",
            "CDK_DISABLE_VERSION_CHECK": "true",
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        }


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
