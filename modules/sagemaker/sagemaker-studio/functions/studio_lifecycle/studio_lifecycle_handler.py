"""Lambda entry point of the Studio stack's custom resources: thin, it answers CloudFormation itself.

Custom::StudioApps clears apps (and spaces users created) before CloudFormation deletes spaces and
profiles; Custom::StudioDomainRemoval deletes the domain with its file system when the stack is deleted
(retain_efs: false); Custom::SageMakerProjects gives the roles SageMaker's project templates.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from studio_lifecycle import (
    Deadline,
    NotFinished,
    clear_domain,
    clear_removed,
    disable_projects,
    enable_projects,
    remove_domain,
)

logger = Logger(service="studio-lifecycle")
sagemaker, ec2 = boto3.client("sagemaker"), boto3.client("ec2")
servicecatalog, cloudformation = boto3.client("servicecatalog"), boto3.client("cloudformation")
MARGIN_SECONDS = 30  # to answer CloudFormation before the function's timeout


def stack_is_being_deleted(stack_id: str) -> bool:
    """A custom resource is also deleted when an update removes or replaces it: only a stack delete
    removes the domain."""
    [stack] = cloudformation.describe_stacks(StackName=stack_id)["Stacks"]
    return bool(stack["StackStatus"] == "DELETE_IN_PROGRESS")


def handle(event: dict[str, Any], deadline: Deadline) -> str:
    """Do what the event asks; the physical id of the resource."""
    kind, request = event["ResourceType"], event["RequestType"]
    properties, old = event["ResourceProperties"], event.get("OldResourceProperties") or {}
    domain_id = properties.get("DomainId", "")
    if kind == "Custom::StudioApps":
        if request == "Update":
            clear_removed(sagemaker, old.get("DomainId", domain_id), old, properties, deadline)
        elif request == "Delete":
            clear_domain(sagemaker, domain_id, properties.get("ManagedSpaces", []), deadline)
        return f"{domain_id}-apps"
    if kind == "Custom::StudioDomainRemoval":
        if request == "Delete" and stack_is_being_deleted(event["StackId"]):
            remove_domain(sagemaker, ec2, domain_id, properties["VpcId"], deadline)
        return f"{domain_id}-removal"
    if kind == "Custom::SageMakerProjects":
        if request == "Delete":
            disable_projects(servicecatalog, properties["RoleArns"])
        else:
            removed = set(old.get("RoleArns", [])) - set(properties["RoleArns"])
            disable_projects(servicecatalog, removed)
            enable_projects(sagemaker, servicecatalog, properties["RoleArns"], deadline)
        return f"{domain_id}-projects"
    raise ValueError(f"unknown resource type {kind}")


def respond(event: dict[str, Any], status: str, physical_id: str, reason: str = "") -> None:
    body = {
        "Status": status,
        "Reason": reason[:1000] or "see the function's log",
        "PhysicalResourceId": physical_id,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
    }
    data = json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - CloudFormation's presigned S3 URL
        event["ResponseURL"], data=data, method="PUT", headers={"Content-Type": "", "Content-Length": str(len(data))}
    )
    with urllib.request.urlopen(request, timeout=30):  # noqa: S310
        pass


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> None:
    deadline = Deadline(lambda: context.get_remaining_time_in_millis() / 1000 - MARGIN_SECONDS)
    physical_id = event.get("PhysicalResourceId") or event["LogicalResourceId"]
    try:
        physical_id = handle(event, deadline)
    except NotFinished as error:
        logger.warning("not finished", extra={"reason": str(error)})
        respond(event, "FAILED", physical_id, str(error))
        return
    except Exception as error:
        logger.exception("failed")
        respond(event, "FAILED", physical_id, f"{type(error).__name__}: {error}")
        return
    logger.info("done", extra={"request": event["RequestType"], "resource": event["ResourceType"]})
    respond(event, "SUCCESS", physical_id)
