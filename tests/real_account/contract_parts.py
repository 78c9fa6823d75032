"""What every service contract is made of (tests/real_account/contracts.py, serving_contracts.py): the
contract itself, the accounts a call just outside a scope comes from, the template lookups both use, and
the policies a call is evaluated against (the template's, and those AWS or the CDK bootstrap attach),
which `call_of` hands to the simulator (rehearsal/iam_simulator.py) with both sides' accounts."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from rehearsal.iam_simulator import Call, Caller, Policy, Target, is_service, policy
from tests.real_account.cfn import Template
from tests.real_account.policies import Document, documents
from tests.repository import ROOT

OTHER_ACCOUNT = "999999999999"
# An AWS-provided inference image (the PyTorch and other deep learning containers' account): what many
# model packages of the model registry and of AWS Marketplace serve.
AWS_IMAGE_ACCOUNT = "763104351884"
# What the Lambda event source mapping calls on the queue with the function's role (Lambda developer
# guide, "Execution role permissions" for Amazon SQS).
EVENT_SOURCE_MAPPING_SQS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")


@dataclass(frozen=True)
class Request:
    """One call of a template's contract: who makes it (a role's ARN, or a service principal), the action,
    the resource's ARN and the request's own context keys. The policies on both sides are the template's
    (`call_of`)."""

    principal: str
    action: str
    resource: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Contract:
    """`call` must be allowed; `outside`, the same call just outside its scope, must be denied."""

    who: str  # the role or service, in the reader's words
    what: str  # why the call is made
    call: Request
    outside: Request | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def changed(request: Request, **changes: Any) -> Request:
    """`request` with some of its principal, action, resource or context changed."""
    context = {**request.context, **changes.pop("context", {})}
    return Request(
        changes.get("principal", request.principal),
        changes.get("action", request.action),
        changes.get("resource", request.resource),
        context,
    )


def role_arn_of(template: Template, logical: str) -> str:
    return f"arn:aws:iam::{template.account}:role/{template.physical_name(logical)}"


def first_of(template: Template, kind: str, prefix: str = "") -> str | None:
    return next((logical for logical, _ in template.of_type(kind) if logical.startswith(prefix)), None)


def key_of(template: Template) -> str | None:
    return first_of(template, "AWS::KMS::Key")


# Application Auto Scaling's service-linked role for SageMaker, and the AWS managed policy attached to it
# (AWSApplicationAutoscalingSageMakerEndpointPolicy, its statements as the AWS Managed Policy Reference
# lists them): the role that scales the copies of an inference component.
SCALING_ROLE = "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"
SCALING_ROLE_STATEMENTS = (
    {
        "Effect": "Allow",
        "Action": [
            "sagemaker:DescribeEndpoint",
            "sagemaker:DescribeEndpointConfig",
            "sagemaker:DescribeInferenceComponent",
            "sagemaker:UpdateEndpointWeightsAndCapacities",
            "sagemaker:UpdateInferenceComponentRuntimeConfig",
            "cloudwatch:DescribeAlarms",
            "cloudwatch:GetMetricData",
        ],
        "Resource": "*",
    },
    {
        "Effect": "Allow",
        "Action": ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
        "Resource": "arn:aws:cloudwatch:*:*:alarm:TargetTracking*",
    },
)
# CloudFormation deploys with the CDK's execution role, whose policies docs/cdk-execution-policy holds.
CDK_EXECUTION_POLICIES = ROOT / "docs" / "cdk-execution-policy"


def cdk_execution_role(template: Template) -> str:
    return f"cdk-hnb659fds-cfn-exec-role-{template.account}-{template.region}"


def aws_managed_documents(template: Template) -> list[Document]:
    """Policies the template does not hold but its calls are evaluated against: the service-linked role's
    AWS managed policy, the CDK execution policies of the template's module (docs/cdk-execution-policy), and
    the key policy AWS gives a key by default (its account's root may use it, so IAM policies decide) for an
    existing key the model package group's deployment role reads (its modulestack's ModelArtifactsKmsKeyArn)."""
    found = [Document(template, SCALING_ROLE, "identity", SCALING_ROLE_STATEMENTS, (SCALING_ROLE,))]
    existing_key = template.raw.get("Parameters", {}).get("ModelArtifactsKmsKeyArn", {}).get("Default")
    if existing_key:
        root = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{template.account}:root"}, "Action": "kms:*"}
        found.append(
            Document(template, "DefaultKeyPolicy", "key", ({**root, "Resource": "*"},), targets=(existing_key,))
        )
    for path in sorted(CDK_EXECUTION_POLICIES.glob(f"{template.module}*.json")):
        statements = tuple(json.loads(path.read_text())["Statement"])
        found.append(Document(template, path.name, "identity", statements, (cdk_execution_role(template),)))
    return found


def policies_for(
    template: Template, request: Request, among: list[Document] | None = None
) -> tuple[list[Document], list[Document], list[Document]]:
    """The identity policies of the request's principal and the resource and key policies of its target,
    among the template's policies and those AWS attaches (or only `among`)."""
    all_documents = [*documents(template), *aws_managed_documents(template)] if among is None else among
    role_name = request.principal.rsplit("/", 1)[-1]
    identity = [document for document in all_documents if document.kind == "identity" and role_name in document.roles]
    resource = [d for d in all_documents if d.kind == "resource" and d.governs(request.resource)]
    key = [d for d in all_documents if d.kind == "key" and d.governs(request.resource)]
    return identity, resource, key


def caller_in(
    template: Template,
    principal: str,
    *,
    boundary: Policy | None = None,
    source_account: str | None = None,
    source_arn: str | None = None,
    among: list[Document] | None = None,
) -> Caller:
    """A role of `template`'s account with the identity policies the template (and AWS, for its service-linked
    role and the CDK's execution role) attach to it; or a service principal acting for a source."""
    if is_service(principal):
        return Caller(principal, source_account=source_account, source_arn=source_arn)
    identity, _, _ = policies_for(template, Request(principal, "", ""), among)
    return Caller(principal, tuple(policy(*document.statements) for document in identity), boundary)


def target_in(
    template: Template,
    arn: str,
    *,
    account: str | None = None,
    tags: Mapping[str, str] | None = None,
    among: list[Document] | None = None,
) -> Target:
    """A resource of `template`'s account (or `account`) with the resource or key policy the template holds
    for it: a bucket policy governs its objects, a model package group policy its packages."""
    _, resource, key = policies_for(template, Request("", "", arn), among)
    statements = [statement for document in [*resource, *key] for statement in document.statements]
    return Target(arn, account or template.account, policy(*statements) if statements else None, dict(tags or {}))


# The accounts that publish AWS's own inference images (SageMaker's "Docker Registry Paths and Example
# Code": the deep learning containers and the built-in algorithms' images), and what their repository
# policies hold: any account may pull, its identity policy deciding. A pull from any other account needs
# that account's repository policy, which a template of this account does not hold.
# Model Monitor's analyzer and SageMaker Clarify's processing image are published per region from AWS
# accounts too (the monitoring module's images.json: the SageMaker Python SDK's table).
MONITORING_IMAGES = ROOT / "modules/sagemaker/sagemaker-model-monitoring/sagemaker_model_monitoring/images.json"
AWS_IMAGE_ACCOUNTS = frozenset(
    {
        AWS_IMAGE_ACCOUNT,
        "683313688378",
        *(
            account
            for image in json.loads(MONITORING_IMAGES.read_text())["images"].values()
            for account in image["registries"].values()
        ),
    }
)
AWS_IMAGE_REPOSITORY_POLICY = policy(
    {
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
        "Resource": "*",
    }
)


def _owner(template: Template, request: Request) -> str:
    """The account that owns the resource: the one its ARN names, else (S3) the s3:ResourceAccount the
    request carries, else the template's."""
    named = re.match(r"arn:aws:[^:]+:[^:]*:(\d{12}):", request.resource)
    if named:
        return named[1]
    return str(request.context.get("s3:ResourceAccount", template.account))


def call_of(template: Template, request: Request, among: list[Document] | None = None) -> Call:
    """`request` with both sides' policies, both read from one template: the caller's identity policies and
    the resource or key policy of its target (AWS's for its published images); or only those `among`."""
    target = target_in(template, request.resource, account=_owner(template, request), among=among)
    if target.policy is None and request.action.startswith("ecr:") and target.account in AWS_IMAGE_ACCOUNTS:
        target = replace(target, policy=AWS_IMAGE_REPOSITORY_POLICY)
    return Call(caller_in(template, request.principal, among=among), request.action, target, request.context)
