"""The parts this module shares with the others: the module key and an encrypted log group kept on delete."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from mlops_platform.key import LOGS_KEY_ACTIONS

LOG_RETENTION = logs.RetentionDays.ONE_YEAR


def module_key(scope: Construct, *, stack_name: str, description: str) -> kms.Key:
    """The customer-managed key of the module: rotated, kept on delete (not when its first create rolls
    back), and its grants only for AWS resources (AWS Control Tower CT.KMS.PR.3)."""
    key = kms.Key(
        scope,
        "EncryptionKey",
        description=description,
        enable_key_rotation=True,
        alias=f"alias/{stack_name}",
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


def log_group_arn(stack: cdk.Stack, name: str) -> str:
    return stack.format_arn(
        service="logs", resource="log-group", resource_name=name, arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME
    )


def encrypted_log_group(scope: Construct, id: str, *, name: str, key: kms.IKey, sid: str) -> logs.LogGroup:
    """A log group encrypted with `key`, which CloudWatch Logs may use for this group only (statement `sid`)."""
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
        retention=LOG_RETENTION,
        removal_policy=cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    )
