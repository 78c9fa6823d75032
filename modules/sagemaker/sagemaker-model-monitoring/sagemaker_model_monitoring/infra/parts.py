"""What the jobs' role may do with the key their volumes and reports are encrypted with."""

from __future__ import annotations

from aws_cdk import aws_iam as iam

from mlops_platform.key import KEY_USE_ACTIONS, ModuleKey


def grant_key_use(key: ModuleKey, role: iam.IRole) -> None:
    """The jobs' role encrypts their volumes and reports with the module key (in the key policy)."""
    key.add_to_resource_policy(
        iam.PolicyStatement(sid="JobsRoleUsesKey", principals=[role], actions=KEY_USE_ACTIONS, resources=["*"])
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="JobsRoleAttachesKeyToVolumes",
            principals=[role],
            actions=["kms:CreateGrant"],
            resources=["*"],
            conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
        )
    )


def given_key_statements(key_arn: str) -> list[iam.PolicyStatement]:
    """For a key given as kms-key-id: the same uses, in the role's policy (that key's policy must let IAM grant)."""
    return [
        iam.PolicyStatement(sid="UseGivenKey", actions=KEY_USE_ACTIONS, resources=[key_arn]),
        iam.PolicyStatement(
            sid="AttachGivenKeyToVolumes",
            actions=["kms:CreateGrant"],
            resources=[key_arn],
            conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
        ),
    ]
