"""What a manifest expects to exist already, created in the emulated account from a small YAML file."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from rehearsal import quotas
from rehearsal.emulator import Emulator


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


class Step(_Strict):
    """A change to the account between two rehearsals, as a pipeline would make it (`--step NAME`)."""

    name: str
    description: str = ""
    approve: dict[str, list[int]] = {}  # model package group -> versions (1-based) approved by this step
    add_packages: dict[str, list[Package]] = {}  # model package group -> packages registered by this step


class Seed(_Strict):
    buckets: list[Bucket] = []
    model_package_groups: list[PackageGroup] = []
    ssm_parameters: list[NamedValue] = []
    secrets: list[NamedValue] = []
    managed_policies: list[ManagedPolicy] = []
    service_quotas: list[ServiceQuota] = []  # SageMaker's, as the endpoint module reads them before deploying
    steps: list[Step] = []

    def after(self, step_name: str) -> Seed:
        """This seed with the step applied: the account as it is after the step, for the next rehearsal."""
        step = next((step for step in self.steps if step.name == step_name), None)
        if step is None:
            known = ", ".join(step.name for step in self.steps) or "none"
            raise SeedError(f"no step '{step_name}' in the seed file (its steps: {known})")
        unknown = sorted(
            (set(step.approve) | set(step.add_packages)) - {group.name for group in self.model_package_groups}
        )
        if unknown:
            raise SeedError(
                f"step '{step_name}' names model package group(s) the seed does not create: {', '.join(unknown)}"
            )
        groups = []
        for group in self.model_package_groups:
            packages = [*group.packages, *step.add_packages.get(group.name, [])]
            for version in step.approve.get(group.name, []):
                if not 1 <= version <= len(packages):
                    raise SeedError(f"step '{step_name}': {group.name} has no version {version}")
                packages[version - 1] = packages[version - 1].model_copy(update={"approval": "Approved"})
            groups.append(group.model_copy(update={"packages": packages}))
        return self.model_copy(update={"model_package_groups": groups})


@dataclass
class Seeded:
    """What the seed created, for the plan."""

    lines: list[str] = field(default_factory=list)


_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def load_seed(path: Path, account: str, region: str) -> Seed:
    """The seed file for one region of the emulated account, with `${VAR}` replaced.

    `${PRIMARY_ACCOUNT}` and `${PRIMARY_REGION}` are the account and the region being seeded (so a
    manifest with a literal account, or several regions, needs nothing exported); any other variable
    comes from the environment, and one that is not set is named.
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
            return {key: replace(value) for key, value in node.items()}
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
        return Seed(**replace(document))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, item['loc']))}: {item['msg']}" for item in error.errors(include_url=False)
        )
        raise SeedError(f"{path}: {problems}") from None


def _where(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or ""
    return f" at line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else ""


def seed_account(emulator: Emulator, seed: Seed, region: str) -> Seeded:
    """Create the seed's resources; packages in order, so creation times order them as listed."""
    seeded = Seeded()
    s3 = emulator.client("s3", region)
    existing = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
    for bucket in seed.buckets:
        if bucket.name in existing:
            continue  # bucket names are global: one seeded for another region is already there
        if region == "us-east-1":
            s3.create_bucket(Bucket=bucket.name)
        else:
            s3.create_bucket(Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": region})
        if bucket.versioning:
            s3.put_bucket_versioning(Bucket=bucket.name, VersioningConfiguration={"Status": "Enabled"})
        if bucket.eventbridge:
            s3.put_bucket_notification_configuration(
                Bucket=bucket.name, NotificationConfiguration={"EventBridgeConfiguration": {}}
            )
        for key in bucket.objects:
            s3.put_object(Bucket=bucket.name, Key=key, Body=b"rehearsal placeholder")
        features = [name for name, on in (("versioned", bucket.versioning), ("EventBridge", bucket.eventbridge)) if on]
        seeded.lines.append(
            f"bucket {bucket.name} ({len(bucket.objects)} objects{''.join(', ' + f for f in features)})"
        )
    sagemaker = emulator.client("sagemaker", region)
    for group in seed.model_package_groups:
        sagemaker.create_model_package_group(
            ModelPackageGroupName=group.name, ModelPackageGroupDescription=group.description or group.name
        )
        for package in group.packages:
            container: dict[str, Any] = {"Image": package.image}
            if package.model_data_url:
                container["ModelDataUrl"] = package.model_data_url
            baselines = {"DriftCheckBaselines": package.drift_check_baselines} if package.drift_check_baselines else {}
            sagemaker.create_model_package(
                ModelPackageGroupName=group.name,
                ModelApprovalStatus=package.approval,
                InferenceSpecification={
                    "Containers": [container],
                    "SupportedContentTypes": ["application/json"],
                    "SupportedResponseMIMETypes": ["application/json"],
                },
                **baselines,
            )
        statuses = ", ".join(f"v{index} {package.approval}" for index, package in enumerate(group.packages, 1))
        seeded.lines.append(f"model package group {group.name} ({statuses})")
    ssm = emulator.client("ssm", region)
    for parameter in seed.ssm_parameters:
        ssm.put_parameter(Name=parameter.name, Value=parameter.value, Type="SecureString", Overwrite=True)
        seeded.lines.append(f"SSM parameter {parameter.name}")
    secrets = emulator.client("secretsmanager", region)
    for secret in seed.secrets:
        secrets.create_secret(Name=secret.name, SecretString=secret.value)
        seeded.lines.append(f"secret {secret.name}")
    _seed_managed_policies(emulator, seed.managed_policies, seeded)
    if seed.service_quotas:
        quotas.seed(emulator.account, region, {quota.name: quota.value for quota in seed.service_quotas})
        for quota in seed.service_quotas:
            seeded.lines.append(f"SageMaker quota '{quota.name}': {quota.value:g}")
    return seeded


def _seed_managed_policies(emulator: Emulator, policies: list[ManagedPolicy], seeded: Seeded) -> None:
    """IAM is global: a policy seeded for another region of the account is already there."""
    iam = emulator.client("iam")
    existing = {policy["PolicyName"] for policy in iam.list_policies(Scope="Local")["Policies"]}
    for policy in policies:
        if policy.name not in existing:
            iam.create_policy(
                PolicyName=policy.name,
                PolicyDocument=json.dumps(policy.document),
                Description=policy.description or policy.name,
            )
        seeded.lines.append(f"managed policy {policy.name}")
