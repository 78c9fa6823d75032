"""What each emulated account holds before the first module, besides the seed: Seed-Farmer's and the CDK's
bootstrap, and where Seed-Farmer keeps a deployment's state.

`seedfarmer bootstrap toolchain` creates the toolchain role in the toolchain account (assumed by whoever runs
`seedfarmer apply`); `seedfarmer bootstrap target` creates, in each target account, the deployment role that
trusts the toolchain role (seedfarmer 8.0.9, resources/toolchain_role.template and deployment_role.template).
`cdk bootstrap` leaves in each account and region the assets bucket and the bootstrap version parameter a CDK
app's deploy relies on. Seed-Farmer writes the deployment manifest to the toolchain account's SSM parameters
and each module's metadata to its own target account's (rehearsal.accounts says where that is read from).
"""

from __future__ import annotations

import json
from typing import Any

from rehearsal.accounts import Accounts
from rehearsal.emulator import Emulator, EmulatorServer

BOOTSTRAP_QUALIFIER = "hnb659fds"
BOOTSTRAP_VERSION = "30"


def project_name() -> str:
    """The Seed-Farmer project (seedfarmer.yaml), lower case, as Seed-Farmer names its roles and parameters."""
    from seedfarmer import config

    return str(config.normalized_project_name())


def toolchain_role_arn(account: str, project: str) -> str:
    return f"arn:aws:iam::{account}:role/seedfarmer-{project}-toolchain-role"


def deployment_role_name(project: str) -> str:
    return f"seedfarmer-{project}-deployment-role"


def bootstrap_accounts(server: EmulatorServer, accounts: Accounts, project: str) -> list[str]:
    """Seed-Farmer's roles and the CDK's bootstrap in every account and region of the mapping; a line each."""
    toolchain = toolchain_role_arn(accounts.toolchain, project)
    _role(server.account(accounts.toolchain), toolchain.rsplit("/", 1)[1], f"arn:aws:iam::{accounts.toolchain}:root")
    lines = [f"{accounts.name(accounts.toolchain)}: Seed-Farmer's toolchain role {toolchain.rsplit('/', 1)[1]}"]
    for account in accounts.ids:
        _role(server.account(account), deployment_role_name(project), toolchain)
        regions = accounts.regions(account)
        for region in regions:
            cdk_bootstrap(server.account(account, region), region)
        lines.append(
            f"{accounts.name(account)}: Seed-Farmer's deployment role {deployment_role_name(project)} (trusts the "
            f"toolchain role), the CDK's bootstrap in {', '.join(regions)}"
        )
    return lines


def cdk_bootstrap(emulator: Emulator, region: str) -> None:
    """What `cdk bootstrap` leaves in an account that the deploy of a CDK app relies on."""
    s3 = emulator.client("s3", region)
    bucket = assets_bucket(emulator.account, region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    emulator.client("ssm", region).put_parameter(
        Name=f"/cdk-bootstrap/{BOOTSTRAP_QUALIFIER}/version", Value=BOOTSTRAP_VERSION, Type="String", Overwrite=True
    )


def assets_bucket(account: str, region: str) -> str:
    return f"cdk-{BOOTSTRAP_QUALIFIER}-assets-{account}-{region}"


def _role(emulator: Emulator, name: str, trusted: str) -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": trusted}, "Action": "sts:AssumeRole"}],
    }
    emulator.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))


def store_deployment_manifest(emulator: Emulator, region: str, deployment: Any) -> str:
    """The deployment manifest, where Seed-Farmer keeps it: an SSM parameter of the toolchain account."""
    from seedfarmer.mgmt import module_info

    name = str(module_info._deployment_manifest_key(str(deployment.name)))
    document = json.dumps(deployment.model_dump(by_alias=True, exclude_none=True), default=str)
    emulator.client("ssm", region).put_parameter(Name=name, Value=document, Type="String", Overwrite=True)
    return name


def store_metadata(emulator: Emulator, region: str, deployment: str, group: str, module: str, metadata: Any) -> str:
    """A module's metadata, where Seed-Farmer keeps it: an SSM parameter of the module's own account."""
    from seedfarmer.mgmt import module_info

    name = str(module_info._metadata_key(deployment, group, module))
    emulator.client("ssm", region).put_parameter(Name=name, Value=json.dumps(metadata), Type="String", Overwrite=True)
    return name
