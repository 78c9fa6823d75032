"""A model package group in the way of this deployment, or a description SageMaker cannot change.

With `retain_on_delete` (the default), `seedfarmer destroy` keeps the group and every model version in it.
Applying the module again would then stop half-way in CloudFormation ("already exists"). The group's
description is create-only (CloudFormation's resource schema): changing it would replace the group, which
its fixed name forbids, and a replacement would drop every version. Two reads at synth time refuse both
first, naming the group and what to do.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from mlops_platform.contract import DeploymentContext, ModuleError
from sagemaker_model_package_group import reads
from sagemaker_model_package_group.plan import RegistryPlan

GROUP_TYPE = "AWS::SageMaker::ModelPackageGroup"


class KeptGroupError(ModuleError):
    """The group exists outside the stack, or would have to be replaced; the message says what to do."""


def described_group(sagemaker: Any, name: str) -> dict[str, Any] | None:
    """The group as SageMaker describes it, or None when it does not exist."""
    try:
        described: dict[str, Any] = sagemaker.describe_model_package_group(ModelPackageGroupName=name)
        return described
    except ClientError as error:
        message = str(error.response.get("Error", {}).get("Message", ""))
        if reads.code_of(error) in {"ResourceNotFound", "ValidationException"} and "does not exist" in message:
            return None
        if reads.is_denied(error):
            raise KeptGroupError(
                reads.denied_reason(
                    error, "sagemaker:DescribeModelPackageGroup", "looks for the group before deploying"
                )
            ) from None
        raise KeptGroupError(f"cannot read model package group {name}: {reads.code_of(error)}: {message}") from None


def stack_holds_group(cloudformation: Any, stack_name: str) -> bool:
    try:
        pages = cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack_name)
        return any(
            resource["ResourceType"] == GROUP_TYPE and resource["ResourceStatus"] != "DELETE_COMPLETE"
            for page in pages
            for resource in page["StackResourceSummaries"]
        )
    except ClientError as error:
        if "does not exist" in str(error.response.get("Error", {}).get("Message", "")):
            return False
        if reads.is_denied(error):
            raise KeptGroupError(
                reads.denied_reason(error, "cloudformation:ListStackResources", "tells a kept group from its own")
            ) from None
        raise


def refuse_kept_group(sagemaker: Any, cloudformation: Any, planned: RegistryPlan, stack_name: str) -> None:
    """Raise KeptGroupError when the group exists outside the stack, or the stack's group would be replaced."""
    group = planned.group
    described = described_group(sagemaker, group.name)
    if described is None:
        return
    where = f"account {planned.account}, region {planned.region}"
    if not stack_holds_group(cloudformation, stack_name):
        raise KeptGroupError(
            f"parameter 'model_package_group_name': model package group {group.name} already exists in {where}, "
            f"outside stack {stack_name} (kept by an earlier deployment with retain_on_delete, or made by hand), "
            "and CloudFormation cannot create it again; to keep its model versions, import it into the stack "
            "(`cdk import` in this module's folder) before applying, or choose another model_package_group_name"
        )
    deployed = described.get("ModelPackageGroupDescription") or None
    if deployed != group.description:
        keep = f"give it as {deployed!r}" if deployed else "leave the parameter out"
        raise KeptGroupError(
            f"parameter 'model_package_group_description': the description of model package group {group.name} "
            "cannot change once the group exists (CloudFormation would replace the group, and every model version "
            f"in it with it); {keep}, as the group was created"
        )


def refuse_in_region(planned: RegistryPlan, context: DeploymentContext) -> None:
    """`refuse_kept_group` with the region's clients; without credentials or a route to AWS, a note."""
    sagemaker = reads.client("sagemaker", context.region)
    cloudformation = reads.client("cloudformation", context.region)
    try:
        refuse_kept_group(sagemaker, cloudformation, planned, context.stack_name)
    except BotoCoreError as error:
        reads.note(f"did not look for an existing model package group {planned.group.name} ({error})")
