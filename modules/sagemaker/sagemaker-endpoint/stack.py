"""The endpoint stack: a SageMaker model, endpoint configuration and endpoint inside the VPC."""

from __future__ import annotations

import re
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

import permissions
from model_package import ResolvedPackage
from names import digest, sagemaker_name
from settings import DeploymentContext, EndpointSettings

LOG_RETENTION = logs.RetentionDays.ONE_YEAR

# Instance families with local NVMe storage: SageMaker encrypts that storage itself and rejects a
# KmsKeyId for the storage volume of such variants.
_INSTANCE_STORAGE_FAMILY = re.compile(r"^ml\.([a-z]+\d+[a-z]*d[a-z]*|g5|g6|g6e|p5|p5e|p5en|trn1|trn1n|trn2)\.")


def has_instance_storage(instance_type: str) -> bool:
    return bool(_INSTANCE_STORAGE_FAMILY.match(instance_type))


class EndpointStack(cdk.Stack):
    """A real-time SageMaker endpoint serving one model package; `metadata` holds what it publishes."""

    def __init__(
        self,
        scope: Construct,
        *,
        settings: EndpointSettings,
        context: DeploymentContext,
        package: ResolvedPackage,
    ) -> None:
        super().__init__(
            scope,
            context.stack_name,
            env=cdk.Environment(account=context.account, region=context.region),
            description=f"Seed-Farmer module {context.module}: SageMaker real-time endpoint",
            analytics_reporting=False,
        )
        self.settings = settings
        self.endpoint_name = sagemaker_name(context.stack_name)
        self.key = self._encryption_key(context)
        self._log_group()
        self.security_group = self._security_group()
        self.role = self._execution_role(package)
        self._grant_key_use()
        self.model = self._model(package)
        self.endpoint_config = self._endpoint_config()
        self.endpoint = self._endpoint()
        self.metadata = self._metadata(package)

    def _encryption_key(self, context: DeploymentContext) -> kms.Key:
        key = kms.Key(
            self,
            "EncryptionKey",
            description=f"Encrypts the storage, logs and captured data of endpoint {self.endpoint_name}",
            enable_key_rotation=True,
            alias=f"alias/{context.stack_name}",
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchLogsUseForEndpointLogGroupOnly",
                principals=[iam.ServicePrincipal(f"logs.{self.region}.amazonaws.com")],
                actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                resources=["*"],
                conditions={"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": self._log_group_arn()}},
            )
        )
        return key

    def _log_group_arn(self) -> str:
        return self.format_arn(
            service="logs",
            resource="log-group",
            resource_name=f"/aws/sagemaker/Endpoints/{self.endpoint_name}",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )

    def _log_group(self) -> logs.LogGroup:
        # SageMaker writes to this group; creating it first gives it a retention and encryption.
        return logs.LogGroup(
            self,
            "EndpointLogGroup",
            log_group_name=f"/aws/sagemaker/Endpoints/{self.endpoint_name}",
            encryption_key=self.key,
            retention=LOG_RETENTION,
        )

    def _security_group(self) -> ec2.CfnSecurityGroup:
        return ec2.CfnSecurityGroup(
            self,
            "EndpointSecurityGroup",
            vpc_id=self.settings.vpc_id,
            group_description=f"SageMaker endpoint {self.endpoint_name}: no ingress, HTTPS egress only",
            security_group_egress=[
                ec2.CfnSecurityGroup.EgressProperty(
                    ip_protocol="tcp",
                    from_port=443,
                    to_port=443,
                    cidr_ip="0.0.0.0/0",
                    description="HTTPS to AWS services (VPC and S3 endpoints)",
                )
            ],
        )

    def _execution_role(self, package: ResolvedPackage) -> iam.IRole:
        self.execution_policy: iam.ManagedPolicy | None = None
        if self.settings.model_execution_role_arn:
            return iam.Role.from_role_arn(self, "ExecutionRole", self.settings.model_execution_role_arn, mutable=False)
        role = iam.Role(
            self,
            "ExecutionRole",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            description=f"Hosts the model of SageMaker endpoint {self.endpoint_name}",
        )
        statements = permissions.execution_statements(
            self.settings,
            package.artifacts,
            permissions.Scope(
                account=self.account,
                region=self.region,
                partition=self.partition,
                endpoint_name=self.endpoint_name,
                security_group_id=self.security_group.attr_group_id,
            ),
        )
        policy = iam.ManagedPolicy(
            self,
            "ExecutionPolicy",
            description=f"What hosting the model of endpoint {self.endpoint_name} needs",
            statements=statements,
            roles=[role],
        )
        for acknowledgement in permissions.wildcard_acknowledgements(statements, self):
            cdk.Validations.of(policy.node.default_child).acknowledge(acknowledgement)  # type: ignore[arg-type]
        self.execution_policy = policy
        return role

    def _grant_key_use(self) -> None:
        # In the key policy rather than the role, so a role given by ARN gets the same access.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ExecutionRoleUsesKey",
                principals=[self.role],
                actions=["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
                resources=["*"],
            )
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ExecutionRoleAttachesKeyToInstanceVolumes",
                principals=[self.role],
                actions=["kms:CreateGrant"],
                resources=["*"],
                conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
            )
        )

    def _model(self, package: ResolvedPackage) -> sagemaker.CfnModel:
        definition = {
            "package": package.arn,
            "role": self.settings.model_execution_role_arn or "module-role",
            "subnets": self.settings.subnet_ids,
            "vpc": self.settings.vpc_id,
            "isolation": self.settings.enable_network_isolation,
        }
        model = sagemaker.CfnModel(
            self,
            "Model",
            model_name=sagemaker_name(self.endpoint_name, suffix=f"model-{digest(definition)}"),
            execution_role_arn=self.role.role_arn,
            primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(model_package_name=package.arn),
            vpc_config=sagemaker.CfnModel.VpcConfigProperty(
                subnets=list(self.settings.subnet_ids),
                security_group_ids=[self.security_group.attr_group_id],
            ),
            enable_network_isolation=self.settings.enable_network_isolation,
        )
        # SageMaker uses the role as soon as the model exists: its policy must be attached first.
        if self.execution_policy is not None:
            model.node.add_dependency(self.execution_policy)
        return model

    def _endpoint_config(self) -> sagemaker.CfnEndpointConfig:
        settings = self.settings
        encrypt_storage = not has_instance_storage(settings.instance_type)
        variant = sagemaker.CfnEndpointConfig.ProductionVariantProperty(
            variant_name=settings.variant_name,
            model_name=self.model.attr_model_name,
            instance_type=settings.instance_type,
            initial_instance_count=settings.initial_instance_count,
            initial_variant_weight=settings.initial_variant_weight,
        )
        capture = self._data_capture()
        definition = {
            "model": self.model.model_name,
            "variant": [settings.variant_name, settings.instance_type, settings.initial_instance_count],
            "weight": settings.initial_variant_weight,
            "encrypt_storage": encrypt_storage,
            "capture": [settings.data_capture_sampling_percentage, settings.data_capture_prefix],
        }
        config = sagemaker.CfnEndpointConfig(
            self,
            "EndpointConfig",
            endpoint_config_name=sagemaker_name(self.endpoint_name, suffix=f"config-{digest(definition)}"),
            production_variants=[variant],
            kms_key_id=self.key.key_arn if encrypt_storage else None,
            data_capture_config=capture,
        )
        return config

    def _data_capture(self) -> sagemaker.CfnEndpointConfig.DataCaptureConfigProperty | None:
        settings = self.settings
        if not settings.data_capture_enabled or not settings.model_artifacts_bucket_arn:
            return None
        bucket = settings.model_artifacts_bucket_arn.split(":::", 1)[1]
        prefix = permissions.data_capture_prefix(settings, self.endpoint_name)
        return sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(
            enable_capture=True,
            initial_sampling_percentage=settings.data_capture_sampling_percentage,
            destination_s3_uri=f"s3://{bucket}/{prefix}",
            kms_key_id=self.key.key_arn,
            capture_options=[
                sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode="Input"),
                sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode="Output"),
            ],
            capture_content_type_header=sagemaker.CfnEndpointConfig.CaptureContentTypeHeaderProperty(
                json_content_types=["application/json"]
            ),
        )

    def _endpoint(self) -> sagemaker.CfnEndpoint:
        return sagemaker.CfnEndpoint(
            self,
            "Endpoint",
            endpoint_name=self.endpoint_name,
            endpoint_config_name=self.endpoint_config.attr_endpoint_config_name,
        )

    def _metadata(self, package: ResolvedPackage) -> dict[str, Any]:
        name = self.endpoint.attr_endpoint_name
        return {
            "ModelExecutionRoleArn": self.role.role_arn,
            "ModelName": self.model.attr_model_name,
            "ModelPackageArn": package.arn,
            "EndpointName": name,
            "EndpointUrl": f"https://runtime.sagemaker.{self.region}.{self.url_suffix}/endpoints/{name}/invocations",
            "KmsKeyId": self.key.key_id,
            "SecurityGroupId": self.security_group.attr_group_id,
        }
