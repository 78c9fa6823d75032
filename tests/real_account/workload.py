"""The workload side of the registry's cross-account contracts: what a workload account reads of the registry
(its metadata, as the endpoint module receives it), and the least its endpoint module must hold to use it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rehearsal.iam_simulator import Caller, policy
from tests.real_account.cfn import Template
from tests.real_account.contract_parts import OTHER_ACCOUNT
from tests.real_account.policies import documents

PULL = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability")


@dataclass(frozen=True)
class Registry:
    """What the workload side reads of the registry (its metadata) and the registry's policies, resolved."""

    template: Template
    metadata: dict[str, Any]

    @classmethod
    def of(cls, template: Template) -> Registry:
        metadata = json.loads(str(template.resolve(template.raw["Outputs"]["metadata"]["Value"])))
        return cls(template, metadata)

    def resource_policy(self, kind: str) -> dict[str, Any] | None:
        """The policy of the template's one resource of `kind` (the group, the artifacts bucket, the key)."""
        for document in documents(self.template):
            if document.kind != "identity" and self.template.resources[document.logical]["Type"] == kind:
                if kind == "AWS::S3::BucketPolicy" and self.metadata["ModelArtifactsBucketArn"] not in document.targets:
                    continue  # the access-log bucket's
                return policy(*document.statements)
        return None

    def identity_policy(self, role_logical_prefix: str) -> dict[str, Any]:
        statements = [
            statement
            for document in documents(self.template)
            if document.kind == "identity" and any(role_logical_prefix in role for role in document.roles)
            for statement in document.statements
        ]
        return policy(*statements)


def workload_policies(registry: Registry, account: str) -> dict[str, Caller]:
    """The least a workload account's endpoint module must hold to use the registry, built from its metadata:
    the deployment role that looks the version up, CloudFormation's role that creates the model, and the
    execution role SageMaker hosts the model with."""
    metadata = registry.metadata
    group = metadata["SagemakerModelPackageGroupArn"]
    versions = group.replace(":model-package-group/", ":model-package/") + "/*"
    bucket, prefix = metadata["ModelArtifactsBucketArn"], metadata["ModelArtifactsPrefix"]
    region = group.split(":")[3]
    models = f"arn:aws:sagemaker:{region}:{account}:model"
    lookup = policy(
        {
            "Effect": "Allow",
            "Action": ["sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"],
            "Resource": [group, versions],
        },
        {"Effect": "Allow", "Action": "sagemaker:DescribeModelPackage", "Resource": versions},
    )
    # CloudFormation creates the model in its own account from a version of the registry: it reads the version,
    # and SageMaker's cross-account deployment page grants CreateModel on the version too (the Service
    # Authorization Reference lists only the `model` resource for CreateModel, so no simulator can evaluate
    # that part: tests/real_account/sar.py DOCUMENTED_RESOURCES).
    create = policy(
        {"Effect": "Allow", "Action": "sagemaker:CreateModel", "Resource": [f"{models}/*", versions]},
        {"Effect": "Allow", "Action": "sagemaker:DescribeModelPackage", "Resource": versions},
    )
    execution = [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{bucket}/{prefix}*"},
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": bucket,
            "Condition": {"StringLike": {"s3:prefix": f"{prefix}*"}},
        },
    ]
    if "ModelArtifactsKmsKeyArn" in metadata:
        execution.append(
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": metadata["ModelArtifactsKmsKeyArn"],
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            }
        )
    if metadata["EcrRepositoryArns"]:
        execution.append({"Effect": "Allow", "Action": list(PULL), "Resource": metadata["EcrRepositoryArns"]})
    role = f"arn:aws:iam::{account}:role"
    return {
        "lookup": Caller(f"{role}/mlops-workload-endpoint-deployment-role", (lookup,)),
        "cloudformation": Caller(f"{role}/cdk-hnb659fds-cfn-exec-role-{account}-{region}", (create,)),
        "execution": Caller(f"{role}/mlops-workload-endpoint-ExecutionRole", (policy(*execution),)),
    }


def elsewhere(caller: Caller) -> Caller:
    """The same role, with the same identity policies, in an account outside the mapping."""
    return Caller(caller.principal.replace(f"::{caller.account}:", f"::{OTHER_ACCOUNT}:"), caller.identity_policies)
