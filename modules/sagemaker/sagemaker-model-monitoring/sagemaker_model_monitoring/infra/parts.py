"""The parts the module's resources share: its key, encrypted log groups, the key uses services need."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

KEY_USE_ACTIONS = [
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
]
LOGS_KEY_ACTIONS = [action for action in KEY_USE_ACTIONS if action != "kms:DescribeKey"]


def module_key(scope: Construct, description: str, alias: str) -> kms.Key:
    """A customer-managed key with rotation, kept on delete (not when the first create rolls back), whose
    grants may be created only for AWS resources (AWS Control Tower CT.KMS.PR.3)."""
    key = kms.Key(
        scope,
        "EncryptionKey",
        description=description,
        enable_key_rotation=True,
        alias=alias,
        removal_policy=cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="GrantsOnlyForAwsResources",
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=["kms:CreateGrant"],
            resources=["*"],
            conditions={"BoolIfExists": {"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"}},
        )
    )
    return key


def grant_key_use(key: kms.Key, role: iam.IRole) -> None:
    """The jobs' role encrypts their volumes and reports with the key (in the key policy)."""
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


def log_group_arn(stack: cdk.Stack, name: str) -> str:
    return stack.format_arn(
        service="logs", resource="log-group", resource_name=name, arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME
    )


def encrypted_log_group(scope: Construct, id: str, *, name: str, key: kms.IKey, sid: str) -> logs.LogGroup:
    """A log group encrypted with `key` (CloudWatch Logs may use it for this group only), kept on delete."""
    stack = cdk.Stack.of(scope)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid=sid,
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=LOGS_KEY_ACTIONS,
            resources=["*"],
            conditions={"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group_arn(stack, name)}},
        )
    )
    return logs.LogGroup(
        scope,
        id,
        log_group_name=name,
        encryption_key=key,
        retention=logs.RetentionDays.ONE_YEAR,
        removal_policy=cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    )
