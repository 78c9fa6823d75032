"""The domain as deployed, read before an update that SageMaker cannot make in place is attempted.

A domain's name and its sign-in (AuthMode) are fixed when SageMaker creates it (create-only in the
AWS::SageMaker::Domain schema): changing either makes CloudFormation create another domain and delete this
one, with every user profile, space and home directory in it. Before each deploy the module reads its
stack's domain (cloudformation:ListStackResources, sagemaker:DescribeDomain, which the modulestack grants)
and refuses such a change, naming the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from mlops_platform.contract import ModuleError
from sagemaker_studio.plan import DomainSpec


class DomainChangeError(ModuleError):
    """An update would replace the deployed domain, or the domain cannot be read; the message says which."""


@dataclass(frozen=True)
class DeployedDomain:
    domain_id: str
    name: str
    auth_mode: str


def deployed_domain(cloudformation: Any, sagemaker: Any, stack_name: str) -> DeployedDomain | None:
    """The domain the deployed stack holds; None when the stack or its domain does not exist, or without
    AWS to ask (no credentials, no network: nothing can deploy then either)."""
    try:
        pages = cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack_name)
        ids = [
            str(resource["PhysicalResourceId"])
            for page in pages
            for resource in page["StackResourceSummaries"]
            if resource["ResourceType"] == "AWS::SageMaker::Domain"
            and resource["ResourceStatus"] != "DELETE_COMPLETE"
            and resource.get("PhysicalResourceId")
        ]
        if not ids:
            return None
        described = sagemaker.describe_domain(DomainId=ids[0])
    except ClientError as error:
        message = error.response.get("Error", {}).get("Message", "")
        if "does not exist" in message or "could not find" in message.lower():
            return None
        raise DomainChangeError(_reason(error, stack_name)) from None
    except BotoCoreError:
        return None
    return DeployedDomain(ids[0], str(described["DomainName"]), str(described["AuthMode"]))


def refuse_replacing_the_domain(planned: DomainSpec, deployed: DeployedDomain | None) -> None:
    """Raise DomainChangeError when the plan changes what SageMaker fixes at the domain's creation."""
    if deployed is None:
        return
    consequence = (
        "CloudFormation would create another domain and delete this one, with every user profile, space and "
        "home directory in it"
    )
    if planned.auth_mode != deployed.auth_mode:
        raise DomainChangeError(
            f"parameter 'auth_mode': the deployed domain {deployed.domain_id} ({deployed.name}) signs users in "
            f"with {deployed.auth_mode}, which SageMaker cannot change: {consequence}. Keep '{deployed.auth_mode}', "
            "or destroy the module first (retain_efs: True keeps the home file system)"
        )
    if planned.name != deployed.name:
        raise DomainChangeError(
            f"parameter 'studio_domain_name': the deployed domain {deployed.domain_id} is named {deployed.name}, "
            f"which SageMaker cannot change: {consequence}. Keep '{deployed.name}', or destroy the module first "
            "(retain_efs: True keeps the home file system)"
        )


def refuse_in_region(planned: DomainSpec, region: str, stack_name: str) -> None:
    """`refuse_replacing_the_domain` against the deployed stack of `region`, each read one short attempt."""
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=5, read_timeout=15, retries={"total_max_attempts": 1})
    cloudformation = boto3.client("cloudformation", region_name=region, config=config)
    sagemaker = boto3.client("sagemaker", region_name=region, config=config)
    refuse_replacing_the_domain(planned, deployed_domain(cloudformation, sagemaker, stack_name))


def _reason(error: ClientError, stack_name: str) -> str:
    details = error.response.get("Error", {})
    code, message = details.get("Code", "Error"), details.get("Message", str(error))
    if code in {"AccessDenied", "AccessDeniedException"}:
        return (
            f"the deployment role may not read the deployed domain of stack {stack_name} ({message}); grant it "
            "cloudformation:ListStackResources and sagemaker:DescribeDomain (the module's modulestack.yaml does)"
        )
    return f"cannot read the deployed domain of stack {stack_name}: {code}: {message}"
