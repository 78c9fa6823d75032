"""Existing resources the target accounts need (a bucket, its key, ECR repositories): printed and checked.

CloudFormation can only write the policy of a resource its stack creates. For a bucket, key or repository
given by ARN, the module reads the policy with the deployment role before anything deploys and refuses when
a statement it needs (grants.py) is missing, naming the parameter and printing the statement to add; when
it cannot read the account (no credentials), it prints the statements each policy must hold. A statement
holds when a statement of the policy allows the same actions on the same resources under the same conditions
to at least the same accounts (its Sid may differ).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from mlops_platform.contract import ModuleError
from sagemaker_model_package_group import grants, reads
from sagemaker_model_package_group.plan import RegistryPlan

Statement = dict[str, Any]


class ExistingPolicyError(ModuleError):
    """An existing resource's policy lacks a statement the target accounts need, or cannot be read."""


@dataclass(frozen=True)
class Required:
    """What the policy of an existing resource must hold, and how to read that policy."""

    parameter: str
    resource: str  # its ARN
    kind: str  # "bucket policy", "key policy", "repository policy"
    action: str  # the read, as IAM names it
    statements: tuple[Statement, ...]
    read: Callable[[Any], str | None]  # the policy document's text, or None when it has none


def required(plan: RegistryPlan) -> list[Required]:
    """Every existing resource's required statements (none when no account is granted)."""
    if not plan.targets:
        return []
    found = []
    bucket = plan.artifacts.bucket_arn
    if bucket is not None:
        bucket_name = bucket.split(":::", 1)[1]
        found.append(
            Required(
                "model_artifacts_bucket_arn",
                bucket,
                "bucket policy",
                "s3:GetBucketPolicy",
                tuple(grants.bucket_statements(plan, bucket)),
                lambda s3: _text(s3.get_bucket_policy(Bucket=bucket_name), "Policy"),
            )
        )
        key = plan.artifacts.key_arn
        if key is not None:
            found.append(
                Required(
                    "model_artifacts_kms_key_arn",
                    key,
                    "key policy",
                    "kms:GetKeyPolicy",
                    (grants.key_statement(plan, bucket),),
                    lambda kms: _text(kms.get_key_policy(KeyId=key, PolicyName="default"), "Policy"),
                )
            )
    for repository in plan.repositories:
        repository_name = repository.split(":repository/", 1)[1]
        found.append(
            Required(
                "ecr_repository_arns",
                repository,
                "repository policy",
                "ecr:GetRepositoryPolicy",
                (grants.pull_statement(plan),),
                _repository_policy(repository_name),
            )
        )
    return found


def _repository_policy(name: str) -> Callable[[Any], str | None]:
    return lambda ecr: _text(ecr.get_repository_policy(repositoryName=name), "policyText")


def _text(response: dict[str, Any], field: str) -> str | None:
    text = response.get(field)
    return str(text) if text else None


# Errors that mean "this resource has no policy yet".
NO_POLICY = {"NoSuchBucketPolicy", "RepositoryPolicyNotFoundException"}


def _listed(value: Any) -> list[str]:
    return sorted(str(item) for item in (value if isinstance(value, list) else [value]))


def _normal(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _normal(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return sorted(json.dumps(_normal(item), sort_keys=True) for item in value)
    return [str(value)]


def holds(document: dict[str, Any] | None, wanted: Statement) -> bool:
    """Whether a statement of `document` allows what `wanted` allows, to at least `wanted`'s accounts."""
    statements = (document or {}).get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        if statement.get("Effect") != wanted["Effect"]:
            continue
        if _listed(statement.get("Action")) != _listed(wanted["Action"]):
            continue
        if "Resource" in wanted and _listed(statement.get("Resource")) != _listed(wanted["Resource"]):
            continue
        if _normal(statement.get("Condition", {})) != _normal(wanted.get("Condition", {})):
            continue
        principal = statement.get("Principal", {})
        granted = set(_listed(principal.get("AWS", []) if isinstance(principal, dict) else principal))
        if "*" in granted or set(_listed(wanted["Principal"]["AWS"])) <= granted:
            return True
    return False


def missing_statements(item: Required, client: Any) -> list[Statement]:
    try:
        text = item.read(client)
    except ClientError as error:
        if reads.code_of(error) in NO_POLICY:
            text = None
        elif reads.is_denied(error):
            why = f"checks the {item.kind} of {item.resource} for the target accounts' statements"
            raise ExistingPolicyError(reads.denied_reason(error, item.action, why)) from None
        else:
            message = error.response.get("Error", {}).get("Message", "")
            raise ExistingPolicyError(
                f"parameter '{item.parameter}': cannot read the {item.kind} of {item.resource}: "
                f"{reads.code_of(error)}: {message}"
            ) from None
    document = json.loads(text) if text else None
    return [statement for statement in item.statements if not holds(document, statement)]


def describe(item: Required) -> str:
    statements = json.dumps(list(item.statements), separators=(",", ":"))
    return f"the {item.kind} of {item.resource} must hold, for the target accounts: {statements}"


def check(plan: RegistryPlan, clients: dict[str, Any]) -> None:
    """Raise ExistingPolicyError naming the first existing resource whose policy lacks a statement, and them."""
    for item in required(plan):
        service = item.action.split(":")[0]
        missing = missing_statements(item, clients[service])
        if missing:
            raise ExistingPolicyError(
                f"parameter '{item.parameter}': the {item.kind} of {item.resource} does not let the target accounts "
                f"in; add {json.dumps(missing, separators=(',', ':'))} to it, then apply again"
            )


def check_in_region(plan: RegistryPlan) -> None:
    """`check` with the region's clients; without credentials or a route to AWS, the statements, printed."""
    if not required(plan):
        return
    clients = {service: reads.client(service, plan.region) for service in ("s3", "kms", "ecr")}
    try:
        check(plan, clients)
    except BotoCoreError as error:
        reads.note(f"could not check the policies of the existing resources ({error}); check them yourself:")
        for item in required(plan):
            reads.note(describe(item))
