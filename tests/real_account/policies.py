"""Every IAM policy document of a template: identity policies, resource policies and key policies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tests.real_account.cfn import Template


@dataclass(frozen=True)
class Document:
    """One policy document, where it lives and what it governs.

    kind: "identity" (attached to `roles`), "resource" (governs `targets` and what lies under them:
    queues, topics, buckets, repositories, event buses, model package groups) or "key" (a KMS key policy;
    `targets` holds the key's ARN).
    """

    template: Template
    logical: str
    kind: str
    statements: tuple[dict[str, Any], ...]
    roles: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()

    def governs(self, arn: str) -> bool:
        """Whether the policy applies to `arn`: a target's own ARN or one under it (a bucket's objects, a
        model package group's packages)."""
        return any(arn == target or arn.startswith(target + "/") for target in self.targets)


def _statements(document: dict[str, Any] | str) -> tuple[dict[str, Any], ...]:
    if isinstance(document, str):  # CloudFormation takes most resource policies as a JSON string too
        document = json.loads(document)
        assert isinstance(document, dict)
    statements = document.get("Statement", [])
    return tuple(statements if isinstance(statements, list) else [statements])


def _role_names(template: Template, roles: Any) -> tuple[str, ...]:
    return tuple(str(role) for role in roles or ())


def documents(template: Template) -> Iterator[Document]:
    """Each policy document of `template`, its intrinsics resolved."""
    for logical, resource in template.resources.items():
        kind, props = resource["Type"], resource["Properties"]
        if kind in {"AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"}:
            yield Document(
                template,
                logical,
                "identity",
                _statements(props["PolicyDocument"]),
                _role_names(template, props.get("Roles")),
            )
        elif kind == "AWS::IAM::Role":
            name = template.physical_name(logical)
            for inline in props.get("Policies", []):
                yield Document(template, logical, "identity", _statements(inline["PolicyDocument"]), (name,))
        elif kind == "AWS::SQS::QueuePolicy":
            urls = props["Queues"]
            arns = tuple(f"arn:aws:sqs:{template.region}:{template.account}:{url.rsplit('/', 1)[1]}" for url in urls)
            yield Document(template, logical, "resource", _statements(props["PolicyDocument"]), targets=arns)
        elif kind == "AWS::SNS::TopicPolicy":
            yield Document(
                template, logical, "resource", _statements(props["PolicyDocument"]), targets=tuple(props["Topics"])
            )
        elif kind == "AWS::S3::BucketPolicy":
            bucket = f"arn:aws:s3:::{props['Bucket']}"
            yield Document(template, logical, "resource", _statements(props["PolicyDocument"]), targets=(bucket,))
        elif kind == "AWS::KMS::Key":
            yield Document(template, logical, "key", _statements(props["KeyPolicy"]), targets=(template.arn(logical),))
        else:
            yield from _cross_account_documents(template, logical, kind, props)


def _cross_account_documents(template: Template, logical: str, kind: str, props: dict[str, Any]) -> Iterator[Document]:
    """The resource policies that grant other accounts: an ECR repository's, an event bus's, a model
    package group's (which governs the group and its packages)."""
    if kind == "AWS::ECR::Repository" and "RepositoryPolicyText" in props:
        statements = _statements(props["RepositoryPolicyText"])
        yield Document(template, logical, "resource", statements, targets=(template.arn(logical),))
    elif kind == "AWS::Events::EventBus" and "Policy" in props:
        yield Document(template, logical, "resource", _statements(props["Policy"]), targets=(template.arn(logical),))
    elif kind == "AWS::Events::EventBusPolicy":
        name = str(props.get("EventBusName", "default"))
        bus = (
            name if name.startswith("arn:") else f"arn:aws:events:{template.region}:{template.account}:event-bus/{name}"
        )
        # One statement, an object or a JSON string (the older Action/Principal form is not read).
        statement = props["Statement"]
        statement = json.loads(statement) if isinstance(statement, str) else statement
        yield Document(template, logical, "resource", (statement,), targets=(bus,))
    elif kind == "AWS::SageMaker::ModelPackageGroup" and "ModelPackageGroupPolicy" in props:
        group = template.arn(logical)
        packages = group.replace(":model-package-group/", ":model-package/")
        statements = _statements(props["ModelPackageGroupPolicy"])
        yield Document(template, logical, "resource", statements, targets=(group, packages))


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
