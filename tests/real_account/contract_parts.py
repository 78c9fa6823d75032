"""What every service contract is made of (tests/real_account/contracts.py, serving_contracts.py): the
contract itself, the accounts a call just outside a scope comes from, the template lookups both use, and
the policies a call is evaluated against (the template's, and those AWS or the CDK bootstrap attach)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tests.real_account.cfn import Template
from tests.real_account.evaluate import Request
from tests.real_account.policies import Document, documents
from tests.repository import ROOT

OTHER_ACCOUNT = "999999999999"
# What the Lambda event source mapping calls on the queue with the function's role (Lambda developer
# guide, "Execution role permissions" for Amazon SQS).
EVENT_SOURCE_MAPPING_SQS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")


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
    AWS managed policy and the CDK execution policies of the template's module (docs/cdk-execution-policy)."""
    found = [Document(template, SCALING_ROLE, "identity", SCALING_ROLE_STATEMENTS, (SCALING_ROLE,))]
    for path in sorted(CDK_EXECUTION_POLICIES.glob(f"{template.module}*.json")):
        statements = tuple(json.loads(path.read_text())["Statement"])
        found.append(Document(template, path.name, "identity", statements, (cdk_execution_role(template),)))
    return found


def policies_for(template: Template, request: Request) -> tuple[list[Document], list[Document], list[Document]]:
    """The identity policies of the request's principal and the resource and key policies of its target."""
    all_documents = [*documents(template), *aws_managed_documents(template)]
    role_name = request.principal.rsplit("/", 1)[-1]
    identity = [document for document in all_documents if document.kind == "identity" and role_name in document.roles]
    resource = [
        document for document in all_documents if document.kind == "resource" and request.resource in document.targets
    ]
    key = [document for document in all_documents if document.kind == "key" and request.resource in document.targets]
    return identity, resource, key
