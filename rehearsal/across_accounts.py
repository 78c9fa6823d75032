"""Before a module deploys in one account: what its parameters name in another account of the deployment exists
there, and that account's policies let this account use it, as AWS would evaluate them.

moto evaluates no policy, and answers a call naming another account's group from that account whatever the
group's policy says (rehearsal/moto_fixes/sagemaker.py): a registry that forgot a workload account would pass
unnoticed. So the rehearsal reads back the policies the emulated accounts hold (the group's resource policy,
the bucket policy and the key policy of the served version's model data, the repository policy of its image)
and asks the IAM simulator (rehearsal/iam_simulator.py) about each call the workload account will make, with
the workload's side allowing exactly that call: the verdict is the other account's. The workload's own
policies are its module's contracts, checked by `make test`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from rehearsal.accounts import Accounts
from rehearsal.emulator import Emulator, EmulatorServer
from rehearsal.iam_simulator import Call, Caller, SimulationError, Target, policy, simulate

PARAMETER = "SEEDFARMER_PARAMETER_"
_SAGEMAKER_ARN = re.compile(r"^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):(\d{12}):model-package(?:-group)?/(.+)$")
_IMAGE = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([^:@]+)")
PULL = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability")


@dataclass(frozen=True)
class Use:
    """One call the deploying account will make on a resource of another account, and what it is for."""

    what: str
    call: Call
    policy_kind: str  # the other account's policy that decides: "the group's resource policy", ...


class _Denied(Exception):
    """What a module names in another account cannot be used: the message says why."""


@dataclass
class Checked:
    """What the checks found: problems (the module may not deploy) and, for the plan, each call checked."""

    problems: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)


def before_deploy(server: EmulatorServer, accounts: Accounts, where: str, environment: dict[str, str]) -> Checked:
    """A group or version of another account that is missing there, or that the other account's policies do not
    let the deploying account use (its model data, key and image included): one problem each; and a line for
    each call allowed."""
    account, region = environment["CDK_DEFAULT_ACCOUNT"], environment["CDK_DEFAULT_REGION"]
    checked = Checked()
    try:
        uses = _uses(server, accounts, account, region, environment)
        verdicts = simulate([use.call for use in uses])
    except _Denied as denied:
        checked.problems.append(f"{where}: {denied}")
        return checked
    except SimulationError as error:
        checked.problems.append(f"{where}: the cross-account policies could not be evaluated: {error}")
        return checked
    for use, verdict in zip(uses, verdicts, strict=True):
        call, owner = use.call, accounts.name(use.call.target.account)
        if verdict.allowed:
            checked.allowed.append(
                f"{where}: {call.action} on {call.target.arn} from {accounts.name(account)}: allowed by "
                f"{use.policy_kind} in {owner} ({use.what})"
            )
        else:
            checked.problems.append(
                f"{where}: {use.what}: {call.action} on {call.target.arn} is denied ({verdict.result}): "
                f"{use.policy_kind} in account {owner} does not allow account {accounts.name(account)}"
            )
    return checked


def _uses(
    server: EmulatorServer, accounts: Accounts, account: str, region: str, environment: dict[str, str]
) -> list[Use]:
    package_arn = environment.get(f"{PARAMETER}MODEL_PACKAGE_ARN", "")
    group = environment.get(f"{PARAMETER}MODEL_PACKAGE_GROUP_NAME", "")
    uses: list[Use] = []
    if not package_arn and _other(group, account):
        owner = _emulated(server, accounts, group, "model-package-group-name")
        package_arn = _newest_approved(owner, group, accounts)
        uses += _lookup(owner, account, group, package_arn)
    elif _other(package_arn, account):
        owner = _emulated(server, accounts, package_arn, "model-package-arn")
        uses += _version(owner, account, package_arn)
    else:
        return []
    package = owner.client("sagemaker", _region(package_arn)).describe_model_package(ModelPackageName=package_arn)
    for container in package.get("InferenceSpecification", {}).get("Containers", []):
        uses += _model_data(server, accounts, account, str(container.get("ModelDataUrl") or ""), region)
        uses += _image(server, accounts, account, str(container.get("Image") or ""))
    return uses


def _other(arn: str, account: str) -> bool:
    match = _SAGEMAKER_ARN.match(arn)
    return bool(match) and match.group(2) != account  # type: ignore[union-attr]


def _region(arn: str) -> str:
    return arn.split(":")[3]


def _emulated(server: EmulatorServer, accounts: Accounts, arn: str, parameter: str) -> Emulator:
    owner = arn.split(":")[4]
    if owner not in accounts.ids:
        raise _Denied(
            f"parameter '{parameter}' names {arn} of account {owner}, which no alias of targetAccountMappings maps: "
            "the rehearsal emulates the mapped accounts only (map it: no module needs to deploy there)"
        )
    return server.account(owner, _region(arn))


def _newest_approved(owner: Emulator, group: str, accounts: Accounts) -> str:
    sagemaker = owner.client("sagemaker", _region(group))
    try:
        sagemaker.describe_model_package_group(ModelPackageGroupName=group)
    except sagemaker.exceptions.ClientError:
        raise _Denied(
            f"parameter 'model-package-group-name': group {group} does not exist in account "
            f"{accounts.name(owner.account)}"
        ) from None
    approved = sagemaker.list_model_packages(
        ModelPackageGroupName=group, ModelApprovalStatus="Approved", SortBy="CreationTime", SortOrder="Descending"
    )["ModelPackageSummaryList"]
    if not approved:
        raise _Denied(
            f"parameter 'model-package-group-name': group {group} of account {accounts.name(owner.account)} has no "
            "Approved version to serve; approve one there (the seed's steps, see rehearsal/account.yaml)"
        )
    return str(approved[0]["ModelPackageArn"])


def _group_policy(owner: Emulator, group_arn: str) -> dict[str, Any] | None:
    sagemaker = owner.client("sagemaker", _region(group_arn))
    try:
        return dict(
            json.loads(sagemaker.get_model_package_group_policy(ModelPackageGroupName=group_arn)["ResourcePolicy"])
        )
    except sagemaker.exceptions.ClientError:
        return None


def _caller(account: str, role: str, action: str | tuple[str, ...], resource: str) -> Caller:
    """A role of the deploying account whose own policies allow exactly this call: the verdict is the other side's."""
    actions = list(action) if isinstance(action, tuple) else action
    return Caller(
        f"arn:aws:iam::{account}:role/{role}", (policy({"Effect": "Allow", "Action": actions, "Resource": resource}),)
    )


def _lookup(owner: Emulator, account: str, group: str, package_arn: str) -> list[Use]:
    """The synth-time lookup of the newest approved version (Seed-Farmer's module role), and CloudFormation's
    read of that version, under the group's resource policy. ListModelPackages is authorized on the versions it
    lists (the Service Authorization Reference lists no other resource type for it): the one found."""
    target_policy = _group_policy(owner, group)
    lookup = "the newest approved version looked up at synthesis (Seed-Farmer's module role)"
    reads = [
        ("sagemaker:DescribeModelPackageGroup", group),
        ("sagemaker:ListModelPackages", package_arn),
        ("sagemaker:DescribeModelPackage", package_arn),
    ]
    uses = [
        Use(
            lookup,
            Call(
                _caller(account, "seedfarmer-module-role", action, resource),
                action,
                Target(resource, owner.account, target_policy),
            ),
            "the group's resource policy",
        )
        for action, resource in reads
    ]
    return uses + _version(owner, account, package_arn, target_policy)


def _version(owner: Emulator, account: str, package_arn: str, group_policy: dict[str, Any] | None = None) -> list[Use]:
    group_arn = package_arn.replace(":model-package/", ":model-package-group/").rsplit("/", 1)[0]
    target_policy = group_policy if group_policy is not None else _group_policy(owner, group_arn)
    action = "sagemaker:DescribeModelPackage"
    role = f"cdk-hnb659fds-cfn-exec-role-{account}-{_region(package_arn)}"
    call = Call(_caller(account, role, action, package_arn), action, Target(package_arn, owner.account, target_policy))
    return [
        Use(
            "the version served, read by CloudFormation (the CDK's execution role)", call, "the group's resource policy"
        )
    ]


def _model_data(server: EmulatorServer, accounts: Accounts, account: str, url: str, region: str) -> list[Use]:
    """The version's model data read by the endpoint's execution role, and decrypted through S3 with the
    bucket's key: the bucket policy and the key policy of the account that owns the bucket."""
    if not url.startswith("s3://"):
        return []
    bucket, _, key = url.removeprefix("s3://").partition("/")
    owner_account = _bucket_owner(bucket)
    if owner_account is None or owner_account == account or owner_account not in accounts.ids:
        return []
    owner = server.account(owner_account, region)
    s3 = owner.client("s3")
    try:
        bucket_policy: dict[str, Any] | None = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    except s3.exceptions.ClientError:
        bucket_policy = None
    obj = f"arn:aws:s3:::{bucket}/{key}"
    role = "endpoint-execution-role"
    what = "the version's model data, read by the endpoint's execution role"
    uses = [
        Use(
            what,
            Call(
                _caller(account, role, "s3:GetObject", obj), "s3:GetObject", Target(obj, owner_account, bucket_policy)
            ),
            "the bucket policy",
        )
    ]
    key_arn = _bucket_key(s3, bucket)
    if key_arn:
        key_policy = json.loads(owner.client("kms").get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])
        context = {"kms:ViaService": f"s3.{region}.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": obj}
        call = Call(
            _caller(account, role, "kms:Decrypt", key_arn),
            "kms:Decrypt",
            Target(key_arn, owner_account, key_policy),
            context,
        )
        uses.append(Use(f"{what}, decrypted through S3", call, "the key policy"))
    return uses


def _bucket_owner(bucket: str) -> str | None:
    """The emulated account that owns `bucket` (the emulator runs in this process; S3 names no owner)."""
    from moto.s3.models import s3_backends

    found = s3_backends.bucket_accounts.get(bucket)
    return str(found[1]) if found else None


def _bucket_key(s3: Any, bucket: str) -> str | None:
    try:
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    except s3.exceptions.ClientError:
        return None
    for rule in rules:
        default = rule.get("ApplyServerSideEncryptionByDefault") or {}
        if default.get("SSEAlgorithm") in ("aws:kms", "aws:kms:dsse") and default.get("KMSMasterKeyID"):
            return str(default["KMSMasterKeyID"])
    return None


def _image(server: EmulatorServer, accounts: Accounts, account: str, image: str) -> list[Use]:
    """The version's image pulled by the endpoint's execution role: the repository policy of its account."""
    match = _IMAGE.match(image)
    if not match or match.group(1) == account or match.group(1) not in accounts.ids:
        return []
    owner_account, region, repository = match.groups()
    ecr = server.account(owner_account, region).client("ecr")
    try:
        repository_policy: dict[str, Any] | None = json.loads(
            ecr.get_repository_policy(repositoryName=repository)["policyText"]
        )
    except ecr.exceptions.ClientError:
        repository_policy = None
    arn = f"arn:aws:ecr:{region}:{owner_account}:repository/{repository}"
    caller = _caller(account, "endpoint-execution-role", PULL, arn)
    what = "the version's image, pulled by the endpoint's execution role"
    return [
        Use(what, Call(caller, action, Target(arn, owner_account, repository_policy)), "the repository policy")
        for action in PULL
    ]
