"""The module's Lambda functions, built one way: own role and log group, Powertools layer, in the VPC."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from sagemaker_endpoint.infra import compliance, permissions, wildcards
from sagemaker_endpoint.infra.parts import encrypted_log_group, https_egress_security_group, log_group_arn
from sagemaker_endpoint.specs import NetworkSpec

# The Lambda sources live beside the package, in the module folder (functions/<name>/).
CODE = Path(__file__).resolve().parents[2] / "functions"
RUNTIME = lambda_.Runtime.PYTHON_3_14
# Powertools for AWS Lambda (Python) v3, from its public layer (one version, published in every
# commercial region): the functions ship no dependencies of their own.
POWERTOOLS_LAYER = "arn:{partition}:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python314-x86_64:38"


@dataclass
class Function:
    function: lambda_.Function
    role: iam.Role
    policy: iam.ManagedPolicy
    security_group: ec2.CfnSecurityGroup | None


def python_function(
    scope: Construct,
    id: str,
    *,
    network: NetworkSpec | None,
    code: str,
    handler: str,
    description: str,
    environment: dict[str, str],
    statements: list[iam.PolicyStatement],
    key: kms.IKey,
    timeout: cdk.Duration,
    tracing: bool = False,
) -> Function:
    """A Python function whose role can do only `statements` plus logging (and tracing, and its ENIs).

    With a `network` the function runs in the endpoint's subnets; without one (a serverless endpoint has
    no VPC) it runs outside any VPC.
    """
    stack = cdk.Stack.of(scope)
    log_group_name = f"/seedfarmer/{stack.stack_name}/{id}"
    log_group = encrypted_log_group(
        scope, f"{id}LogGroup", name=log_group_name, key=key, sid=f"CloudWatchLogsUseFor{id}LogGroupOnly"
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
        iam.PolicyStatement(
            sid="WriteOwnLogs",
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            # Both actions act on log streams only (Service Authorization Reference).
            resources=[f"{log_group_arn(stack, log_group_name)}:log-stream:*"],
        ),
        *(permissions.tracing() if tracing else []),
        # Its environment is encrypted with the module's key, which Lambda decrypts with this role.
        iam.PolicyStatement(sid="DecryptOwnEnvironment", actions=["kms:Decrypt"], resources=[key.key_arn]),
        *(permissions.function_network_interfaces(network.vpc_id, stack) if network else []),
    ]
    policy = iam.ManagedPolicy(scope, f"{id}Policy", description=description, statements=all_statements, roles=[role])
    for acknowledgement in wildcards.wildcard_acknowledgements(all_statements, stack):
        cdk.Validations.of(policy.node.default_child).acknowledge(acknowledgement)  # type: ignore[arg-type]
    function = lambda_.Function(
        scope,
        id,
        description=description,
        runtime=RUNTIME,
        handler=handler,
        code=lambda_.Code.from_asset(str(CODE / code), exclude=["__pycache__", "*.pyc"]),
        # The role is complete as written: the CDK adds no policy of its own (no AWS managed policies).
        role=role.without_policy_updates(),
        layers=[
            lambda_.LayerVersion.from_layer_version_arn(
                scope,
                f"{id}Powertools",
                POWERTOOLS_LAYER.format(partition=stack.partition, region=stack.region),
            )
        ],
        environment={**environment, "POWERTOOLS_LOG_LEVEL": "INFO"},
        environment_encryption=key,
        log_group=log_group,
        timeout=timeout,
        memory_size=256,
        tracing=lambda_.Tracing.ACTIVE if tracing else lambda_.Tracing.DISABLED,
        vpc=None,
    )
    cfn_function = function.node.default_child
    assert isinstance(cfn_function, lambda_.CfnFunction)
    if network is not None and security_group is not None:
        cfn_function.vpc_config = lambda_.CfnFunction.VpcConfigProperty(
            subnet_ids=list(network.subnet_ids), security_group_ids=[security_group.attr_group_id]
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
    return Function(function, role, policy, security_group)
