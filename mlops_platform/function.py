"""A least-privilege Python Lambda function: its own role, policy, encrypted log group and (in a VPC) security group.

`LeastPrivilegeFunction(scope, "ModelRefresh", code=..., handler=..., statements=[...], key=key, ...)` is a
`lambda_.Function` whose role may do only `statements` plus what running needs (its own log streams, its
environment's key, tracing, its network interfaces in the VPC), written as one customer-managed policy the
function waits for; the CDK adds nothing to it. The function's environment is encrypted with the module key.
Its parts sit beside it in `scope` under ids derived from the function's (`<id>Role`, `<id>Policy`,
`<id>LogGroup`, `<id>SecurityGroup`), so they stay as stable as its own id.

What the rule packs ask of every function and this one does not have needs a reason the caller gives: a
function outside a VPC (`why_outside_vpc`), without a dead-letter queue (`why_no_dead_letter_queue`), without
reserved concurrency (`why_no_reserved_concurrency`). A reason missing where one is needed is an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from mlops_platform import compliance
from mlops_platform.key import SEND_ACTIONS, ModuleKey
from mlops_platform.log_group import EncryptedLogGroup
from mlops_platform.network import https_egress_security_group

RUNTIME = lambda_.Runtime.PYTHON_3_14
# Powertools for AWS Lambda (Python) v3, from its public layer (one version, published in every
# commercial region): the functions ship no dependencies of their own.
POWERTOOLS_LAYER = "arn:{partition}:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python314-x86_64:38"


class FunctionNetwork(Protocol):
    """Where a function runs in a VPC: any object with these two attributes (a module's network spec)."""

    @property
    def vpc_id(self) -> str: ...

    @property
    def subnet_ids(self) -> Sequence[str]: ...


class LeastPrivilegeFunction(lambda_.Function):
    """A Python function whose role can do only `statements` plus logging (and tracing, and its ENIs).

    With a `network` the function runs in those subnets behind an HTTPS-only security group; without one it
    runs outside any VPC. `wildcard_reasons` says, by statement sid, why a statement of `statements` names a
    wildcard resource.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        code: Path,
        handler: str,
        description: str,
        statements: Sequence[iam.PolicyStatement],
        key: ModuleKey,
        timeout: cdk.Duration,
        environment: Mapping[str, str] | None = None,
        network: FunctionNetwork | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
        tracing: bool = False,
        memory_size: int = 256,
        wildcard_reasons: Mapping[str, str] | None = None,
        why_outside_vpc: str | None = None,
        why_no_dead_letter_queue: str | None = None,
        why_no_reserved_concurrency: str | None = None,
    ) -> None:
        _require_reasons(network, why_outside_vpc, dead_letter_queue, why_no_dead_letter_queue)
        stack = cdk.Stack.of(scope)
        log_group = EncryptedLogGroup(
            scope,
            f"{id}LogGroup",
            name=f"/seedfarmer/{stack.stack_name}/{id}",
            key=key,
            sid=f"CloudWatchLogsUseFor{id}LogGroupOnly",
        )
        security_group = None
        if network is not None:
            security_group = https_egress_security_group(
                scope, f"{id}SecurityGroup", vpc_id=network.vpc_id, purpose=description, destination="AWS APIs"
            )
        role = iam.Role(
            scope, f"{id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description
        )
        all_statements = [
            *statements,
            *_running_statements(stack, log_group, key, network, tracing),
            *_dead_letter_statements(dead_letter_queue),
        ]
        policy = iam.ManagedPolicy(
            scope, f"{id}Policy", description=description, statements=all_statements, roles=[role]
        )
        compliance.acknowledge_wildcards(
            policy, all_statements, {**compliance.WILDCARD_REASONS, **(wildcard_reasons or {})}
        )
        super().__init__(
            scope,
            id,
            description=description,
            runtime=RUNTIME,
            handler=handler,
            code=lambda_.Code.from_asset(str(code), exclude=["__pycache__", "*.pyc"]),
            # The role is complete as written: the CDK adds no policy of its own (no AWS managed policies).
            role=role.without_policy_updates(),
            layers=[
                lambda_.LayerVersion.from_layer_version_arn(
                    scope, f"{id}Powertools", POWERTOOLS_LAYER.format(partition=stack.partition, region=stack.region)
                )
            ],
            environment={**(environment or {}), "POWERTOOLS_LOG_LEVEL": "INFO"},
            environment_encryption=key,
            log_group=log_group,
            timeout=timeout,
            memory_size=memory_size,
            tracing=lambda_.Tracing.ACTIVE if tracing else lambda_.Tracing.DISABLED,
            dead_letter_queue=dead_letter_queue,
            vpc=None,
        )
        self.execution_role = role
        self.policy = policy
        self.security_group = security_group
        self._place(stack, network, why_outside_vpc, why_no_dead_letter_queue, why_no_reserved_concurrency)

    def _place(
        self,
        stack: cdk.Stack,
        network: FunctionNetwork | None,
        why_outside_vpc: str | None,
        why_no_dead_letter_queue: str | None,
        why_no_reserved_concurrency: str | None,
    ) -> None:
        """The VPC (set on the resource: the CDK's `vpc` prop would add its own policy to the role), the
        acknowledgements the caller gave reasons for, and the wait for the policy."""
        cfn_function = self.node.default_child
        assert isinstance(cfn_function, lambda_.CfnFunction)
        if network is not None and self.security_group is not None:
            cfn_function.vpc_config = lambda_.CfnFunction.VpcConfigProperty(
                subnet_ids=list(network.subnet_ids), security_group_ids=[self.security_group.attr_group_id]
            )
        elif why_outside_vpc:
            compliance.acknowledge(cfn_function, "LambdaInsideVPC", why_outside_vpc)
            compliance.acknowledge_guard(cfn_function, "lambda_inside_vpc_check", why_outside_vpc)
        if why_no_reserved_concurrency:
            compliance.acknowledge(cfn_function, "LambdaConcurrency", why_no_reserved_concurrency)
        if why_no_dead_letter_queue:
            compliance.acknowledge(cfn_function, "LambdaDLQ", why_no_dead_letter_queue)
        # The function may run only once its policy is attached; its role is already referenced (GetAtt).
        policy_resource = self.policy.node.default_child
        assert isinstance(policy_resource, cdk.CfnResource)
        cfn_function.add_override("DependsOn", [stack.get_logical_id(policy_resource)])


def _require_reasons(
    network: FunctionNetwork | None,
    why_outside_vpc: str | None,
    dead_letter_queue: sqs.IQueue | None,
    why_no_dead_letter_queue: str | None,
) -> None:
    if network is None and not why_outside_vpc:
        raise ValueError("a function outside a VPC needs why_outside_vpc (the rule packs ask for one)")
    if dead_letter_queue is None and not why_no_dead_letter_queue:
        raise ValueError("a function without a dead-letter queue needs why_no_dead_letter_queue")


def _running_statements(
    stack: cdk.Stack, log_group: EncryptedLogGroup, key: ModuleKey, network: FunctionNetwork | None, tracing: bool
) -> list[iam.PolicyStatement]:
    """What running needs: its own log streams, its environment's key, tracing, its network interfaces."""
    return [
        iam.PolicyStatement(
            sid="WriteOwnLogs",
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            # Both actions act on log streams only (Service Authorization Reference).
            resources=[f"{log_group.arn_without_suffix}:log-stream:*"],
        ),
        *(_tracing() if tracing else []),
        # Its environment is encrypted with the module's key, which Lambda decrypts with this role.
        iam.PolicyStatement(sid="DecryptOwnEnvironment", actions=["kms:Decrypt"], resources=[key.key_arn]),
        *(_network_interfaces(network.vpc_id, stack) if network else []),
    ]


def _tracing() -> list[iam.PolicyStatement]:
    """Send X-Ray traces (no resource-level permissions exist for these actions)."""
    return [
        iam.PolicyStatement(
            sid="SendTraces", actions=["xray:PutTelemetryRecords", "xray:PutTraceSegments"], resources=["*"]
        )
    ]


def _network_interfaces(vpc_id: str, stack: cdk.Stack) -> list[iam.PolicyStatement]:
    """What Lambda needs to attach a function to the VPC: its interfaces, in this VPC only."""
    ec2 = f"arn:{stack.partition}:ec2:{stack.region}:{stack.account}"
    return [
        iam.PolicyStatement(
            sid="FunctionInterfacesInVpc",
            actions=[
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ],
            resources=["*"],
            conditions={"ArnEqualsIfExists": {"ec2:Vpc": f"{ec2}:vpc/{vpc_id}"}},
        ),
        iam.PolicyStatement(
            sid="DescribeNetwork",
            actions=[
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeVpcs",
            ],
            resources=["*"],
        ),
    ]


def _dead_letter_statements(queue: sqs.IQueue | None) -> list[iam.PolicyStatement]:
    """Lambda sends what an asynchronous invocation could not handle to the queue, with the function's role."""
    if queue is None:
        return []
    statements = [
        iam.PolicyStatement(sid="SendToDeadLetterQueue", actions=["sqs:SendMessage"], resources=[queue.queue_arn])
    ]
    if queue.encryption_master_key is not None:
        statements.append(
            iam.PolicyStatement(
                sid="EncryptDeadLetters", actions=SEND_ACTIONS, resources=[queue.encryption_master_key.key_arn]
            )
        )
    return statements
