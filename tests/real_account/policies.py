"""Every IAM policy document of a template: identity policies, resource policies and key policies."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tests.real_account.cfn import Template


@dataclass(frozen=True)
class Document:
    """One policy document, where it lives and what it governs.

    kind: "identity" (attached to `roles`), "resource" (governs `targets`: queues, topics, buckets, a model
    package group and its versions) or
    "key" (a KMS key policy; `targets` holds the key's ARN).
    """

    template: Template
    logical: str
    kind: str
    statements: tuple[dict[str, Any], ...]
    roles: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()


def _statements(document: dict[str, Any]) -> tuple[dict[str, Any], ...]:
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
        elif kind == "AWS::SageMaker::ModelPackageGroup" and "ModelPackageGroupPolicy" in props:
            group = template.arn(logical)
            versions = group.replace(":model-package-group/", ":model-package/") + "/*"
            yield Document(
                template, logical, "resource", _statements(props["ModelPackageGroupPolicy"]), targets=(group, versions)
            )
        elif kind == "AWS::KMS::Key":
            yield Document(template, logical, "key", _statements(props["KeyPolicy"]), targets=(template.arn(logical),))


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
