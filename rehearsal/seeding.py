"""The seed created in an emulated account: what the manifests expect to exist before the first module, and
the packages a training pipeline registers into a group a module of the manifest creates."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from rehearsal import quotas
from rehearsal.emulator import Emulator
from rehearsal.seed import ManagedPolicy, Package, PackageGroup, Seed, SeedError


@dataclass
class Seeded:
    """What the seed created, for the plan."""

    lines: list[str] = field(default_factory=list)


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
    for group in seed.model_package_groups:
        if group.created_by is None:
            emulator.client("sagemaker", region).create_model_package_group(
                ModelPackageGroupName=group.name, ModelPackageGroupDescription=group.description or group.name
            )
            seeded.lines.append(_register(emulator, region, group, group.packages))
        else:
            seeded.lines.append(
                f"model package group {group.name}: created by module {group.created_by}; its packages are "
                "registered once it has deployed"
            )
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


def _register(emulator: Emulator, region: str, group: PackageGroup, packages: list[Package]) -> str:
    """Register `packages` in the group, in order (creation times order them as listed); a line for the plan."""
    sagemaker = emulator.client("sagemaker", region)
    for package in packages:
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
    statuses = ", ".join(f"v{index} {package.approval}" for index, package in enumerate(packages, 1))
    return f"model package group {group.name} ({statuses})"


_METADATA = re.compile(r"\$\{([A-Za-z0-9-]+)\.([A-Za-z0-9-]+)\.([A-Za-z0-9_.-]+)\}")


def register_packages(emulator: Emulator, region: str, seed: Seed, module: str, metadata: dict[str, Any]) -> list[str]:
    """After module `<group>/<module>` deployed: register the packages of each group the seed says it creates,
    with `${<group>.<module>.<key>}` replaced by its metadata, and upload each package's model data to where
    its URL points (an S3 URL, or an object ARN such as the artifacts bucket's ARN and a key); lines for the plan.
    """
    lines = []
    for group in seed.model_package_groups:
        if group.created_by != module:
            continue
        packages = [_resolved(package, module, metadata) for package in group.packages]
        for package in packages:
            if package.model_data_url:
                bucket, _, key = package.model_data_url.removeprefix("s3://").partition("/")
                emulator.client("s3", region).put_object(Bucket=bucket, Key=key, Body=b"rehearsal placeholder")
        lines.append(_register(emulator, region, group, packages) + f", after module {module} created it")
    return lines


def _resolved(package: Package, module: str, metadata: dict[str, Any]) -> Package:
    def value(match: re.Match[str]) -> str:
        producer, key = f"{match.group(1)}/{match.group(2)}", match.group(3)
        if producer != module or key not in metadata:
            raise SeedError(
                f"the seed's ${{{match.group(1)}.{match.group(2)}.{key}}}: module {module} published no such "
                f"metadata (it published: {', '.join(sorted(metadata))})"
            )
        return str(metadata[key])

    url = _METADATA.sub(value, package.model_data_url or "") or None
    if url and url.startswith("arn:aws:s3:::"):
        url = "s3://" + url.removeprefix("arn:aws:s3:::")
    return package.model_copy(update={"image": _METADATA.sub(value, package.image), "model_data_url": url})
