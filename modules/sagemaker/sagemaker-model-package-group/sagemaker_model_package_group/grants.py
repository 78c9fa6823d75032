"""What the target accounts are granted, as the policy statements themselves: one place for each grant.

The stack puts these statements on what the module creates (the group's resource policy, the bucket and key
policies, the repository policies); for an existing bucket, key or repository, the module prints them and
checks that its policy holds them (existing.py). Each is granted to the target accounts (their root: each
account's own IAM policies then decide which of its roles may use the grant), never to anyone else.
"""

from __future__ import annotations

from typing import Any

from sagemaker_model_package_group.plan import GroupSpec, RegistryPlan

Statement = dict[str, Any]

# What the workload side's synth-time lookup and its CloudFormation make of the group (SageMaker's "Deploy a
# Model Version from a Different Account" and "Set up discoverability": the group's ARN for the group, and
# `model-package/<group>/*` for its versions; ListModelPackages of a group named by ARN is allowed on both).
GROUP_READ_ACTIONS = [
    "sagemaker:DescribeModelPackage",
    "sagemaker:DescribeModelPackageGroup",
    "sagemaker:ListModelPackages",
]
# A model created in a workload account from a package of this group (CloudFormation's AWS::SageMaker::Model
# with ModelPackageName): SageMaker authorizes CreateModel against the package as well (same page).
CREATE_MODEL_ACTIONS = ["sagemaker:CreateModel"]
# What SageMaker calls with the workload's execution role to pull an image: the Amazon ECR pull actions.
PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]


def principals(plan: RegistryPlan) -> dict[str, list[str]]:
    """The target accounts as a policy's Principal, each once (two mapped aliases of one account, or the
    registry's own account among them, would otherwise make AWS refuse the policy: "Duplicate principal")."""
    return {"AWS": [f"arn:{plan.partition}:iam::{account}:root" for account in plan.targets]}


def group_policy(plan: RegistryPlan) -> dict[str, Any] | None:
    """The group's resource policy (ModelPackageGroupPolicy), or None when no other account is granted."""
    if not plan.targets:
        return None
    return {
        "Version": "2012-10-17",
        "Statement": [
            group_read_statement(plan.group, principals(plan)),
            {
                "Sid": "TargetAccountsCreateModelsFromItsVersions",
                "Effect": "Allow",
                "Principal": principals(plan),
                "Action": CREATE_MODEL_ACTIONS,
                "Resource": plan.group.packages_arn,
            },
        ],
    }


def group_read_statement(group: GroupSpec, principal: dict[str, list[str]]) -> Statement:
    return {
        "Sid": "TargetAccountsReadTheGroupAndItsVersions",
        "Effect": "Allow",
        "Principal": principal,
        "Action": GROUP_READ_ACTIONS,
        "Resource": [group.arn, group.packages_arn],
    }


def bucket_statements(plan: RegistryPlan, bucket_arn: str) -> list[Statement]:
    """Read the objects under the artifacts prefix, and list that prefix (uncompressed models are a prefix)."""
    prefix = plan.artifacts.prefix
    return [
        {
            "Sid": "TargetAccountsReadModelArtifacts",
            "Effect": "Allow",
            "Principal": principals(plan),
            "Action": "s3:GetObject",
            "Resource": f"{bucket_arn}/{prefix}*",
        },
        {
            "Sid": "TargetAccountsListModelArtifacts",
            "Effect": "Allow",
            "Principal": principals(plan),
            "Action": "s3:ListBucket",
            "Resource": bucket_arn,
            "Condition": {"StringLike": {"s3:prefix": f"{prefix}*"}},
        },
    ]


def key_statement(plan: RegistryPlan, bucket_arn: str | None) -> Statement:
    """Decrypt with the artifacts' key only through S3 in this region. For an existing bucket, whose key may
    encrypt other buckets too, only for its artifacts: S3 names the object in the encryption context (the
    bucket, when the bucket uses an S3 Bucket Key). The module's own key (`bucket_arn` None) encrypts its
    bucket alone, and its key policy cannot name the bucket (the bucket names the key)."""
    condition: dict[str, Any] = {"StringEquals": {"kms:ViaService": f"s3.{plan.region}.amazonaws.com"}}
    if bucket_arn is not None:
        objects = [bucket_arn, f"{bucket_arn}/{plan.artifacts.prefix}*"]
        condition["StringLike"] = {"kms:EncryptionContext:aws:s3:arn": objects}
    return {
        "Sid": "TargetAccountsDecryptModelArtifactsThroughS3",
        "Effect": "Allow",
        "Principal": principals(plan),
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": condition,
    }


def pull_statement(plan: RegistryPlan) -> Statement:
    """A repository policy statement (it names no Resource: the repository is the resource)."""
    return {
        "Sid": "TargetAccountsPullImages",
        "Effect": "Allow",
        "Principal": principals(plan),
        "Action": PULL_ACTIONS,
    }


def bus_policy_statement(registry_account: str, bus_arn: str, forwarding_role_arn: str) -> Statement:
    """What a target account's event bus policy must hold so that this module's rule may deliver to it: the
    forwarding role alone may put events, and only SageMaker's model package state changes. `events:source`
    and `events:detail-type` are multivalued (one value per entry of a PutEvents request): every entry must
    be one (ForAllValues), and the keys must be there (Null false), or an empty request would match."""
    return {
        "Sid": f"ModelPackageStateChangesFrom{registry_account}",
        "Effect": "Allow",
        "Principal": {"AWS": forwarding_role_arn},
        "Action": "events:PutEvents",
        "Resource": bus_arn,
        "Condition": {
            "ForAllValues:StringEquals": {
                "events:source": ["aws.sagemaker"],
                "events:detail-type": ["SageMaker Model Package State Change"],
            },
            "Null": {"events:source": "false", "events:detail-type": "false"},
        },
    }
