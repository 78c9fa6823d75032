"""The endpoint's network: its security group (no ingress, HTTPS egress only) in the planned VPC, and what
SageMaker needs to create the endpoint's network interfaces there."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from mlops_platform import compliance
from mlops_platform.network import https_egress_security_group
from sagemaker_endpoint.grants import Grantee, grant
from sagemaker_endpoint.network.plan import NetworkSpec

# SageMaker creates the endpoint's network interfaces in the VPC with the execution role.
NETWORK_INTERFACE_ACTIONS = [
    "ec2:CreateNetworkInterfacePermission",
    "ec2:DeleteNetworkInterface",
    "ec2:DeleteNetworkInterfacePermission",
]
# These EC2 read actions support no resource-level permissions (the Service Authorization Reference).
NETWORK_DESCRIBE_ACTIONS = [
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
]
WILDCARD_REASONS = {
    "CreateInterfacesInEndpointVpc": (
        "SageMaker names the endpoint's network interfaces at run time; creation is limited to this VPC (ec2:Vpc)."
    ),
    "ManageInterfacesInEndpointVpc": (
        "SageMaker names the endpoint's network interfaces at run time; limited to this VPC (ec2:Vpc)."
    ),
    # The same reason as the library's functions give (their statement of that name).
    "DescribeNetwork": compliance.WILDCARD_REASONS["DescribeNetwork"],
}


class EndpointNetwork:
    """The security group of the endpoint's network interfaces, in `spec`'s VPC and subnets."""

    def __init__(self, scope: Construct, id: str, *, spec: NetworkSpec, endpoint_name: str) -> None:
        self.spec = spec
        self.security_group: ec2.CfnSecurityGroup = https_egress_security_group(
            scope,
            id,
            vpc_id=spec.vpc_id,
            purpose=f"SageMaker endpoint {endpoint_name}",
            destination="AWS services (VPC and S3 endpoints)",
        )

    @property
    def security_group_id(self) -> str:
        return self.security_group.attr_group_id

    @property
    def subnet_ids(self) -> list[str]:
        return list(self.spec.subnet_ids)

    def grant_interfaces(self, grantee: Grantee) -> None:
        """Create the endpoint's network interfaces in its subnets, with its security group, in its VPC only."""
        grant(
            grantee,
            interface_statements(self.spec, self.security_group_id, cdk.Stack.of(self.security_group)),
            WILDCARD_REASONS,
        )


def interface_statements(spec: NetworkSpec, security_group_id: str, stack: cdk.Stack) -> list[iam.PolicyStatement]:
    ec2_arn = f"arn:{stack.partition}:ec2:{stack.region}:{stack.account}"
    in_this_vpc = {"ArnEquals": {"ec2:Vpc": f"{ec2_arn}:vpc/{spec.vpc_id}"}}
    return [
        iam.PolicyStatement(
            sid="CreateInterfacesInEndpointSubnets",
            actions=["ec2:CreateNetworkInterface"],
            resources=[
                *(f"{ec2_arn}:subnet/{subnet}" for subnet in spec.subnet_ids),
                f"{ec2_arn}:security-group/{security_group_id}",
            ],
        ),
        # The Service Authorization Reference lists ec2:Vpc for the network-interface resource type but not
        # in CreateNetworkInterface's own row: IfExists works either way, and the statement above still
        # confines the new interface to the endpoint's subnets (a create is authorized on both).
        iam.PolicyStatement(
            sid="CreateInterfacesInEndpointVpc",
            actions=["ec2:CreateNetworkInterface"],
            resources=[f"{ec2_arn}:network-interface/*"],
            conditions={"ArnEqualsIfExists": in_this_vpc["ArnEquals"]},
        ),
        iam.PolicyStatement(
            sid="ManageInterfacesInEndpointVpc",
            actions=NETWORK_INTERFACE_ACTIONS,
            resources=[f"{ec2_arn}:network-interface/*"],
            conditions=in_this_vpc,
        ),
        iam.PolicyStatement(sid="DescribeNetwork", actions=NETWORK_DESCRIBE_ACTIONS, resources=["*"]),
    ]
