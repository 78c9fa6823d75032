"""What a manifest expects to exist already, created in the emulated account from a small YAML file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

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


class PackageGroup(_Strict):
    name: str
    description: str = ""
    packages: list[Package] = []


class NamedValue(_Strict):
    name: str
    value: str


class Seed(_Strict):
    buckets: list[Bucket] = []
    model_package_groups: list[PackageGroup] = []
    ssm_parameters: list[NamedValue] = []
    secrets: list[NamedValue] = []


@dataclass
class Seeded:
    """What the seed created, for the plan."""

    lines: list[str] = field(default_factory=list)


def load_seed(path: Path) -> Seed:
    """The seed file, with `${VAR}` replaced from the environment as Seed-Farmer does in manifests."""
    from seedfarmer.errors import InvalidManifestError
    from seedfarmer.utils import batch_replace_env

    try:
        document: dict[str, Any] = yaml.safe_load(path.read_text()) or {}
        return Seed(**batch_replace_env(document))
    except (OSError, yaml.YAMLError, ValidationError, InvalidManifestError) as error:
        raise SeedError(f"{path}: {error}") from None


def seed_account(emulator: Emulator, seed: Seed, region: str) -> Seeded:
    """Create the seed's resources; packages in order, so creation times order them as listed."""
    seeded = Seeded()
    s3 = emulator.client("s3", region)
    for bucket in seed.buckets:
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
            sagemaker.create_model_package(
                ModelPackageGroupName=group.name,
                ModelApprovalStatus=package.approval,
                InferenceSpecification={
                    "Containers": [container],
                    "SupportedContentTypes": ["application/json"],
                    "SupportedResponseMIMETypes": ["application/json"],
                },
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
    return seeded
