"""The networking stack: a VPC with its subnet tiers, flow logs and the endpoints private workloads need."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from mlops_platform.contract import DeploymentContext
from mlops_platform.key import ModuleKey
from mlops_platform.log_group import EncryptedLogGroup
from networking.settings import NetworkingSettings

FLOW_LOG_RETENTION = logs.RetentionDays.ONE_YEAR


class NetworkingStack(cdk.Stack):
    """A VPC over `max-azs` zones; `metadata` holds what other modules consume."""

    def __init__(self, scope: Construct, *, settings: NetworkingSettings, context: DeploymentContext) -> None:
        self._zone_count = settings.max_azs
        super().__init__(
            scope,
            context.stack_name,
            env=cdk.Environment(account=context.account, region=context.region),
            description=f"Seed-Farmer module {context.module}: VPC, subnets, flow logs and VPC endpoints",
            analytics_reporting=False,
        )
        self.vpc = self._vpc(settings)
        if settings.flow_logs:
            self._flow_logs(context, settings.key_administrator_arns)
        else:
            vpc = self.vpc.node.default_child
            for finding in (
                "AwsSolutions::AwsSolutions-VPC7",
                "NIST.800.53.R5::NIST.800.53.R5-VPCFlowLogsEnabled",
                "HIPAA.Security::HIPAA.Security-VPCFlowLogsEnabled",
            ):
                cdk.Validations.of(vpc).acknowledge(  # type: ignore[arg-type]
                    cdk.Acknowledgment(
                        id=finding, reason="The deployment turned flow logs off with the flow-logs parameter."
                    )
                )
        self.endpoint_security_group = self._endpoint_security_group(settings)
        self._gateway_endpoints()
        self._interface_endpoints(settings)
        self.metadata = self._metadata(settings)
        self._drop_redundant_dependency()
        self._acknowledge_public_routes()

    @property
    def availability_zones(self) -> list[str]:
        # CloudFormation resolves the zones at deploy time, so synthesis needs no lookup and the same
        # inputs give the same template in every account.
        return [cdk.Fn.select(index, cdk.Fn.get_azs(self.region)) for index in range(self._zone_count)]

    def _vpc(self, settings: NetworkingSettings) -> ec2.Vpc:
        tiers = []
        if settings.internet_accessible:
            tiers.append(
                ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC, map_public_ip_on_launch=False)
            )
        if settings.nat_gateways:
            tiers.append(ec2.SubnetConfiguration(name="Private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS))
        tiers.append(ec2.SubnetConfiguration(name="Isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED))
        return ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(settings.vpc_cidr),
            max_azs=settings.max_azs,
            nat_gateways=settings.nat_gateways,
            create_internet_gateway=settings.internet_accessible,
            subnet_configuration=tiers,
            restrict_default_security_group=True,
        )

    def _flow_logs(self, context: DeploymentContext, key_administrators: tuple[str, ...]) -> None:
        key = ModuleKey(
            self,
            "FlowLogKey",
            description=f"Encrypts the VPC flow logs of {context.stack_name}",
            alias=f"alias/{context.stack_name}-vpc-flow-logs",
            administrators=key_administrators,
        )
        log_group = EncryptedLogGroup(
            self,
            "FlowLogGroup",
            name=f"/seedfarmer/{context.stack_name}/vpc-flow-logs",
            key=key,
            sid="CloudWatchLogsUseForThisLogGroupOnly",
            retention=FLOW_LOG_RETENTION,
        )
        # The delivery role gets a customer managed policy (no inline policy) scoped to this log group.
        role = iam.Role(
            self,
            "FlowLogRole",
            assumed_by=iam.ServicePrincipal("vpc-flow-logs.amazonaws.com"),
            description=f"Delivers the VPC flow logs of {context.stack_name} to their log group",
        )
        policy = iam.ManagedPolicy(
            self,
            "FlowLogPolicy",
            description="Write VPC flow logs to their own log group only",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    sid="WriteFlowLogs",
                    actions=["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                    resources=[log_group.log_group_arn],
                )
            ],
        )
        flow_log = self.vpc.add_flow_log(
            "FlowLog",
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(log_group, role.without_policy_updates()),
            traffic_type=ec2.FlowLogTrafficType.ALL,
        )
        flow_log.node.add_dependency(policy)

    def _endpoint_security_group(self, settings: NetworkingSettings) -> ec2.SecurityGroup:
        group = ec2.SecurityGroup(
            self,
            "EndpointSecurityGroup",
            vpc=self.vpc,
            description="Interface VPC endpoints: HTTPS from inside the VPC only",
            allow_all_outbound=False,
        )
        group.add_ingress_rule(ec2.Peer.ipv4(settings.vpc_cidr), ec2.Port.tcp(443), "HTTPS from the VPC")
        return group

    def _gateway_endpoints(self) -> None:
        self.vpc.add_gateway_endpoint("S3Endpoint", service=ec2.GatewayVpcEndpointAwsService.S3)
        # The endpoint module's refresh function records handled uploads in DynamoDB: in a VPC without
        # internet access it reaches DynamoDB only through this (free) gateway endpoint.
        self.vpc.add_gateway_endpoint("DynamoDbEndpoint", service=ec2.GatewayVpcEndpointAwsService.DYNAMODB)

    def _interface_endpoints(self, settings: NetworkingSettings) -> None:
        for service in settings.vpc_endpoints:
            self.vpc.add_interface_endpoint(
                _construct_id(service) + "Endpoint",
                service=ec2.InterfaceVpcEndpointAwsService(service),
                subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
                security_groups=[self.endpoint_security_group],
                private_dns_enabled=True,
                open=False,
            )

    def _acknowledge_public_routes(self) -> None:
        for subnet in self.vpc.public_subnets:
            route = subnet.node.try_find_child("DefaultRoute")
            if route is None:
                continue
            for pack in ("NIST.800.53.R5", "HIPAA.Security"):
                cdk.Validations.of(route).acknowledge(
                    cdk.Acknowledgment(
                        id=f"{pack}::{pack}-VPCNoUnrestrictedRouteToIGW",
                        reason=(
                            "Public subnets exist only to hold the NAT gateways: their route to the internet "
                            "gateway is the one way out for the private subnets. No instance gets a public IP "
                            "(MapPublicIpOnLaunch is false); internet-accessible: false removes the route."
                        ),
                    )
                )

    def _drop_redundant_dependency(self) -> None:
        # The CDK's provider of the default-security-group custom resource makes its handler depend
        # on its role twice (DependsOn and GetAtt); cfn-lint flags the DependsOn (W3005).
        provider = self.node.try_find_child("Custom::VpcRestrictDefaultSGCustomResourceProvider")
        if provider is None:
            return
        handler, role = provider.node.find_child("Handler"), provider.node.find_child("Role")
        if isinstance(handler, cdk.CfnResource) and isinstance(role, cdk.CfnResource):
            handler.remove_resource_dependency(role)
        # Control Tower CT.LAMBDA.PR.3 (function in a VPC) on the CDK's own handler only.
        cdk.Validations.of(handler).acknowledge(
            cdk.Acknowledgment(
                id="cdk-validator-cfnguard::lambda_inside_vpc_check",
                reason=(
                    "The CDK's handler that removes every rule of the VPC's default security group runs once per "
                    "deployment, calls only the EC2 API, and must exist before the VPC's subnets can host it."
                ),
            )
        )

    def _metadata(self, settings: NetworkingSettings) -> dict[str, Any]:
        return {
            "VpcId": self.vpc.vpc_id,
            "VpcCidr": settings.vpc_cidr,
            "AvailabilityZones": self.vpc.availability_zones,
            "PublicSubnetIds": [subnet.subnet_id for subnet in self.vpc.public_subnets],
            "PrivateSubnetIds": [subnet.subnet_id for subnet in self.vpc.private_subnets],
            "IsolatedSubnetIds": [subnet.subnet_id for subnet in self.vpc.isolated_subnets],
            "SecurityGroupId": self.endpoint_security_group.security_group_id,
        }


def _construct_id(service: str) -> str:
    """`sagemaker.runtime` -> `SagemakerRuntime`: stable, readable construct IDs."""
    return "".join(part.capitalize() for part in service.replace("-", ".").split("."))
