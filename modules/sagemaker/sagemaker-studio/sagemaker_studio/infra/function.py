"""A least-privilege Python function: its own role, encrypted log group and dead-letter queue, in the VPC."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from sagemaker_studio.infra import compliance
from sagemaker_studio.infra.parts import encrypted_log_group, log_group_arn
from sagemaker_studio.infra.wildcards import acknowledge_wildcards

# The Lambda sources live beside the package, in the module folder (functions/<name>/).
CODE = Path(__file__).resolve().parents[2] / "functions"
RUNTIME = lambda_.Runtime.PYTHON_3_14
# Powertools for AWS Lambda (Python) v3, from its public layer: the functions ship no dependencies.
POWERTOOLS_LAYER = "arn:{partition}:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python314-x86_64:38"


@dataclass(frozen=True)
class Network:
    vpc_id: str
    subnet_ids: tuple[str, ...]


@dataclass
class Function:
    function: lambda_.Function
    role: iam.Role
    policy: iam.ManagedPolicy


def python_function(
    scope: Construct,
    id: str,
    *,
    network: Network,
    code: str,
    handler: str,
    description: str,
    statements: list[iam.PolicyStatement],
    key: kms.IKey,
    timeout: cdk.Duration,
) -> Function:
    """A function whose role may do `statements`, write its logs, use its VPC and report to its queue."""
    stack = cdk.Stack.of(scope)
    log_group_name = f"/seedfarmer/{stack.stack_name}/{id}"
    log_group = encrypted_log_group(
        scope, f"{id}LogGroup", name=log_group_name, key=key, sid=f"CloudWatchLogsUseFor{id}LogGroupOnly"
    )
    dead_letters = sqs.Queue(
        scope,
        f"{id}DeadLetters",
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=key,
        enforce_ssl=True,
        retention_period=cdk.Duration.days(14),
    )
    compliance.acknowledge(dead_letters, "SQS3", compliance.DEAD_LETTERS_OF_A_FUNCTION, packs=("AwsSolutions",))
    compliance.acknowledge_guard(dead_letters, "sqs_dlq_check", compliance.DEAD_LETTERS_OF_A_FUNCTION)
    security_group = cdk.aws_ec2.CfnSecurityGroup(
        scope,
        f"{id}SecurityGroup",
        vpc_id=network.vpc_id,
        group_description=f"{description}: no ingress, HTTPS egress only",
        security_group_egress=[
            cdk.aws_ec2.CfnSecurityGroup.EgressProperty(
                ip_protocol="tcp", from_port=443, to_port=443, cidr_ip="0.0.0.0/0", description="HTTPS to AWS APIs"
            )
        ],
    )
    role = iam.Role(
        scope, f"{id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description
    )
    ec2 = f"arn:{stack.partition}:ec2:{stack.region}:{stack.account}"
    all_statements = [
        *statements,
        iam.PolicyStatement(
            sid="WriteOwnLogs",
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[f"{log_group_arn(stack, log_group_name)}:log-stream:*"],
        ),
        iam.PolicyStatement(sid="ReportToDeadLetters", actions=["sqs:SendMessage"], resources=[dead_letters.queue_arn]),
        # Its environment, and its dead-letter queue, are encrypted with the module's key.
        iam.PolicyStatement(
            sid="UseModuleKeyForFunction", actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[key.key_arn]
        ),
        iam.PolicyStatement(
            sid="FunctionInterfacesInVpc",
            actions=[
                "ec2:AssignPrivateIpAddresses",
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:UnassignPrivateIpAddresses",
            ],
            resources=["*"],
            conditions={"ArnEqualsIfExists": {"ec2:Vpc": f"{ec2}:vpc/{network.vpc_id}"}},
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
    policy = iam.ManagedPolicy(scope, f"{id}Policy", description=description, statements=all_statements, roles=[role])
    acknowledge_wildcards(policy, all_statements)
    function = lambda_.Function(
        scope,
        id,
        description=description,
        runtime=RUNTIME,
        handler=handler,
        code=lambda_.Code.from_asset(str(CODE / code), exclude=["__pycache__", "*.pyc"]),
        role=role.without_policy_updates(),
        layers=[
            lambda_.LayerVersion.from_layer_version_arn(
                scope, f"{id}Powertools", POWERTOOLS_LAYER.format(partition=stack.partition, region=stack.region)
            )
        ],
        environment={"POWERTOOLS_LOG_LEVEL": "INFO"},
        environment_encryption=key,
        log_group=log_group,
        timeout=timeout,
        memory_size=256,
        dead_letter_queue=dead_letters,
        vpc=None,
    )
    cfn_function = function.node.default_child
    assert isinstance(cfn_function, lambda_.CfnFunction)
    cfn_function.vpc_config = lambda_.CfnFunction.VpcConfigProperty(
        subnet_ids=list(network.subnet_ids), security_group_ids=[security_group.attr_group_id]
    )
    compliance.acknowledge(cfn_function, "LambdaConcurrency", compliance.FUNCTION_CONCURRENCY)
    policy_resource = policy.node.default_child
    assert isinstance(policy_resource, cdk.CfnResource)
    cfn_function.add_override("DependsOn", [stack.get_logical_id(policy_resource)])
    return Function(function, role, policy)
