"""The module's Lambda function, built the least-privilege way: own role and encrypted log group, its
environment encrypted with the module key, in the endpoint's subnets when the jobs run there."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from sagemaker_model_monitoring.infra import compliance
from sagemaker_model_monitoring.infra.parts import encrypted_log_group, log_group_arn
from sagemaker_model_monitoring.specs import NetworkSpec

# The Lambda sources live beside the package, in the module folder (functions/<name>/).
CODE = Path(__file__).resolve().parents[2] / "functions"
RUNTIME = lambda_.Runtime.PYTHON_3_14


@dataclass
class Function:
    function: lambda_.Function
    role: iam.Role
    policy: iam.ManagedPolicy


def python_function(
    scope: Construct,
    id: str,
    *,
    network: NetworkSpec | None,
    code: str,
    handler: str,
    description: str,
    statements: list[iam.PolicyStatement],
    key: kms.IKey,
    timeout: cdk.Duration,
) -> Function:
    """A Python function whose role can do only `statements`, write its own logs and manage its ENIs."""
    stack = cdk.Stack.of(scope)
    log_group_name = f"/seedfarmer/{stack.stack_name}/{id}"
    log_group = encrypted_log_group(
        scope, f"{id}LogGroup", name=log_group_name, key=key, sid=f"CloudWatchLogsUseFor{id}LogGroupOnly"
    )
    role = iam.Role(
        scope, f"{id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description
    )
    all_statements = [
        *statements,
        iam.PolicyStatement(
            sid="WriteOwnLogs",
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[f"{log_group_arn(stack, log_group_name)}:log-stream:*"],
        ),
        iam.PolicyStatement(sid="DecryptOwnEnvironment", actions=["kms:Decrypt"], resources=[key.key_arn]),
        *(_interfaces(network, stack) if network else []),
    ]
    policy = iam.ManagedPolicy(scope, f"{id}Policy", description=description, statements=all_statements, roles=[role])
    compliance.acknowledge_wildcards(policy, all_statements)
    function = lambda_.Function(
        scope,
        id,
        description=description,
        runtime=RUNTIME,
        handler=handler,
        code=lambda_.Code.from_asset(str(CODE / code), exclude=["__pycache__", "*.pyc"]),
        # The role is complete as written: the CDK adds no policy of its own (no AWS managed policies).
        role=role.without_policy_updates(),
        environment_encryption=key,
        log_group=log_group,
        timeout=timeout,
        memory_size=256,
    )
    cfn_function = function.node.default_child
    assert isinstance(cfn_function, lambda_.CfnFunction)
    if network is not None:
        cfn_function.vpc_config = lambda_.CfnFunction.VpcConfigProperty(
            subnet_ids=list(network.subnet_ids), security_group_ids=[network.security_group_id]
        )
    else:
        compliance.acknowledge(cfn_function, "LambdaInsideVPC", compliance.FUNCTION_OUTSIDE_VPC)
        compliance.acknowledge_guard(cfn_function, "lambda_inside_vpc_check", compliance.FUNCTION_OUTSIDE_VPC)
    compliance.acknowledge(cfn_function, "LambdaConcurrency", compliance.FUNCTION_CONCURRENCY)
    compliance.acknowledge(cfn_function, "LambdaDLQ", compliance.FUNCTION_DEAD_LETTERS)
    # The function may run only once its policy is attached; its role is already referenced (GetAtt).
    policy_resource = policy.node.default_child
    assert isinstance(policy_resource, cdk.CfnResource)
    cfn_function.add_override("DependsOn", [stack.get_logical_id(policy_resource)])
    return Function(function, role, policy)


def _interfaces(network: NetworkSpec, stack: cdk.Stack) -> list[iam.PolicyStatement]:
    """What Lambda needs to attach the function to the endpoint's subnets: its interfaces, there only."""
    ec2 = f"arn:{stack.partition}:ec2:{stack.region}:{stack.account}"
    return [
        iam.PolicyStatement(
            sid="FunctionInterfacesInVpc",
            actions=[
                "ec2:AssignPrivateIpAddresses",
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:UnassignPrivateIpAddresses",
            ],
            resources=["*"],
            conditions={
                "ArnEqualsIfExists": {"ec2:Subnet": [f"{ec2}:subnet/{subnet}" for subnet in network.subnet_ids]}
            },
        ),
        iam.PolicyStatement(
            sid="DescribeNetwork",
            actions=[
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcs",
            ],
            resources=["*"],
        ),
    ]
