"""The parts resources of the module share: encrypted log groups, HTTPS-only groups, the key services write with."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from mlops_platform.key import LOGS_KEY_ACTIONS

LOG_RETENTION = logs.RetentionDays.ONE_YEAR


def log_group_arn(stack: cdk.Stack, name: str) -> str:
    return stack.format_arn(
        service="logs", resource="log-group", resource_name=name, arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME
    )


def encrypted_log_group(scope: Construct, id: str, *, name: str, key: kms.IKey, sid: str) -> logs.LogGroup:
    """A log group encrypted with `key`, which CloudWatch Logs may use for this group only (statement `sid`).

    Creating the group before its writer gives it a retention and encryption.
    """
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
        # Kept on delete, but not when the first create rolls back: its fixed name would block the retry.
        removal_policy=cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    )


def https_egress_security_group(
    scope: Construct, id: str, *, vpc_id: str, purpose: str, destination: str
) -> ec2.CfnSecurityGroup:
    """A security group with no ingress and HTTPS egress only."""
    return ec2.CfnSecurityGroup(
        scope,
        id,
        vpc_id=vpc_id,
        group_description=f"{purpose}: no ingress, HTTPS egress only",
        security_group_egress=[
            ec2.CfnSecurityGroup.EgressProperty(
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                cidr_ip="0.0.0.0/0",
                description=f"HTTPS to {destination}",
            )
        ],
    )


def allow_service(key: kms.IKey, service: str, sid: str) -> None:
    """Let an AWS service write to queues and topics encrypted with `key`, in this account only."""
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid=sid,
            principals=[iam.ServicePrincipal(service)],
            actions=["kms:Decrypt", "kms:GenerateDataKey"],
            resources=["*"],
            conditions={"StringEquals": {"aws:SourceAccount": cdk.Stack.of(key).account}},
        )
    )


def first_unit_on_alarm(
    scope: Construct,
    id: str,
    *,
    policy_name: str,
    target: autoscaling.CfnScalableTarget,
    aggregation: str,
    cooldown: int,
) -> autoscaling.CfnScalingPolicy:
    """A step-scaling policy that adds one unit when its alarm fires: target tracking alone never leaves
    zero (no traffic reaches an endpoint without capacity, so its metric never rises)."""
    policy = autoscaling.CfnScalingPolicy
    return policy(
        scope,
        id,
        policy_name=policy_name,
        policy_type="StepScaling",
        scaling_target_id=target.ref,
        step_scaling_policy_configuration=policy.StepScalingPolicyConfigurationProperty(
            adjustment_type="ChangeInCapacity",
            metric_aggregation_type=aggregation,
            cooldown=cooldown,
            step_adjustments=[policy.StepAdjustmentProperty(metric_interval_lower_bound=0, scaling_adjustment=1)],
        ),
    )
