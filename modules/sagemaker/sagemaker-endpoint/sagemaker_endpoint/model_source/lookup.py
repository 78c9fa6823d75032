"""The model package to serve, looked up at synth time: the AWS calls of the model source live here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


class ModelPackageError(Exception):
    """The package to serve cannot be found; the message names the group, account and region."""


@dataclass(frozen=True)
class ModelArtifacts:
    """Where a model package's containers and model data live, to scope the execution role to them."""

    images: tuple[str, ...] = ()
    model_data_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResolvedPackage:
    arn: str
    artifacts: ModelArtifacts | None = None
    group_name: str | None = None  # the group it was found in, as SageMaker names it (its events carry this name)


def newest_approved_package(
    sagemaker: SageMakerClient, group: str, *, account: str, region: str, caller: str | None = None
) -> ResolvedPackage:
    """The newest (by creation time) approved package of `group` (its name, or the ARN of a group of another
    account, as SageMaker takes it), with its containers' artifacts and the group's name.

    Reads every page of the group's packages; pending and rejected packages are never chosen. `account` is the
    group's; `caller`, the deploying account when it is another one (the registry's group policy must let
    it in). Raises ModelPackageError when the group does not exist or holds no approved package.
    """
    # Every error names the parameter and says where it looked.
    where = f"in account {account}, region {region}"
    parameter = f"parameter 'model-package-group-name': model package group '{group}'"
    try:
        described = sagemaker.describe_model_package_group(ModelPackageGroupName=group)
    except ClientError as error:
        if _is_missing(error):
            raise ModelPackageError(f"{parameter} does not exist {where}") from None
        raise ModelPackageError(f"{parameter} cannot be read {where}: {_reason(error, account, caller)}") from None
    except BotoCoreError as error:
        raise ModelPackageError(f"{parameter} cannot be read {where}: SageMaker did not answer: {error}") from None
    try:
        found = _newest_approved(sagemaker, group, parameter, where)
    except ClientError as error:
        raise ModelPackageError(f"{parameter} cannot be read {where}: {_reason(error, account, caller)}") from None
    except BotoCoreError as error:
        raise ModelPackageError(f"{parameter} cannot be read {where}: SageMaker did not answer: {error}") from None
    return ResolvedPackage(found.arn, found.artifacts, str(described.get("ModelPackageGroupName") or group))


def _newest_approved(sagemaker: SageMakerClient, group: str, parameter: str, where: str) -> ResolvedPackage:
    newest: dict[str, Any] | None = None
    pages = sagemaker.get_paginator("list_model_packages").paginate(
        ModelPackageGroupName=group, ModelApprovalStatus="Approved", ModelPackageType="Versioned"
    )
    for page in pages:
        for package in page["ModelPackageSummaryList"]:
            if package.get("ModelApprovalStatus") != "Approved":
                continue
            # Versions only grow within a group, so they order packages created in the same instant.
            if newest is None or _age(package) > _age(newest):
                newest = dict(package)
    if newest is None:
        raise ModelPackageError(
            f"{parameter} has no approved model package {where}; approve a package in the model registry, "
            "or give 'model-package-arn' to serve a fixed version"
        )
    arn = str(newest["ModelPackageArn"])
    return ResolvedPackage(arn=arn, artifacts=package_artifacts(sagemaker, arn))


def described_package(
    sagemaker: SageMakerClient, arn: str, *, parameter: str, caller: str | None = None
) -> ResolvedPackage:
    """The package `arn` (given by `parameter`, as a manifest writes it) with its containers' artifacts, so
    the execution role is granted exactly those. Raises ModelPackageError when it does not exist or cannot
    be read, naming the parameter and the package; `caller` as for newest_approved_package."""
    where = f"parameter '{parameter}': model package {arn}"
    try:
        return ResolvedPackage(arn=arn, artifacts=package_artifacts(sagemaker, arn))
    except ClientError as error:
        if _is_missing(error):
            raise ModelPackageError(f"{where} does not exist (or is not shared with this account)") from None
        account = arn.split(":")[4]
        raise ModelPackageError(f"{where} cannot be described: {_reason(error, account, caller)}") from None
    except BotoCoreError as error:
        raise ModelPackageError(f"{where} cannot be described: SageMaker did not answer: {error}") from None


def package_artifacts(sagemaker: SageMakerClient, package_arn: str) -> ModelArtifacts:
    """The images and model data of a package's inference containers."""
    description = sagemaker.describe_model_package(ModelPackageName=package_arn)
    containers = description.get("InferenceSpecification", {}).get("Containers", [])
    data_urls = []
    for container in containers:
        if container.get("ModelDataUrl"):
            data_urls.append(container["ModelDataUrl"])
        source = container.get("ModelDataSource", {}).get("S3DataSource", {})
        if source.get("S3Uri"):
            data_urls.append(source["S3Uri"])
    return ModelArtifacts(
        images=tuple(container["Image"] for container in containers if container.get("Image")),
        model_data_urls=tuple(data_urls),
    )


def _age(package: Any) -> tuple[Any, int]:
    return package["CreationTime"], int(package.get("ModelPackageVersion") or 0)


def _is_missing(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    message = error.response.get("Error", {}).get("Message", "")
    return code in {"ResourceNotFound", "ResourceNotFoundException"} or (
        code in {"ValidationException", "ValidationError"} and ("does not exist" in message or "not found" in message)
    )


def _reason(error: ClientError, owner: str = "", caller: str | None = None) -> str:
    details = error.response.get("Error", {})
    code, message = details.get("Code", "Error"), details.get("Message", str(error))
    if code in {"AccessDenied", "AccessDeniedException"}:
        # AWS names the caller in its message: "User: <arn> is not authorized to perform: <action> ...".
        match = re.search(r"User: (\S+) is not authorized", message)
        role = match[1] if match else "the deployment role"
        action = f"sagemaker:{error.operation_name}"
        across = (
            f"; the group's resource policy in account {owner} must allow account {caller} too (the "
            "sagemaker-model-package-group module's target_account_ids)"
            if caller and owner and caller != owner
            else ""
        )
        return (
            f"{role} may not call {action}; grant it {action} (the module's modulestack.yaml does, "
            f"once Seed-Farmer has deployed it with this parameter){across}"
        )
    return f"{code}: {message}"
