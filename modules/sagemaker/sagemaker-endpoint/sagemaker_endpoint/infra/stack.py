"""The endpoint stack: SageMaker models, an endpoint configuration and an endpoint, with what keeps them safe."""

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

from sagemaker_endpoint.contract import DeploymentContext, ParameterError
from sagemaker_endpoint.infra import alarms, compliance, events, permissions, rollout, scaling
from sagemaker_endpoint.infra.invoke import invoke_function
from sagemaker_endpoint.names import digest, pascal, sagemaker_name
from sagemaker_endpoint.parameters.settings import EndpointSettings
from sagemaker_endpoint.variants import Container, Variant, artifacts_of

LOG_RETENTION = logs.RetentionDays.ONE_YEAR

# Instance families with local NVMe storage: SageMaker encrypts that storage itself and rejects a
# KmsKeyId for the storage volume of such variants.
_INSTANCE_STORAGE_FAMILY = re.compile(r"^ml\.([a-z]+\d+[a-z]*d[a-z]*|g5|g6|g6e|p5|p5e|p5en|trn1|trn1n|trn2)\.")


def has_instance_storage(instance_type: str) -> bool:
    return bool(_INSTANCE_STORAGE_FAMILY.match(instance_type))


class EndpointStack(cdk.Stack):
    """A SageMaker endpoint serving one or more variants; `metadata` holds what it publishes."""

    def __init__(
        self,
        scope: Construct,
        *,
        settings: EndpointSettings,
        context: DeploymentContext,
        variants: list[Variant],
    ) -> None:
        super().__init__(
            scope,
            context.stack_name,
            env=cdk.Environment(account=context.account, region=context.region),
            description=f"Seed-Farmer module {context.module}: SageMaker endpoint",
            analytics_reporting=False,
        )
        self.settings = settings
        self.variants = variants
        self.endpoint_name = sagemaker_name(context.stack_name)
        self.key = self._encryption_key(context)
        self._log_group()
        self.security_group = None if settings.serverless else self._security_group()
        self.role = self._execution_role()
        self._grant_key_use()
        self.models = [self._model(variant) for variant in variants]
        self.endpoint_config = self._endpoint_config()
        self.topic = events.notification_topic(self, settings, self.key)
        self.alarms = alarms.add_alarms(
            self, settings, self.endpoint_name, variants, self.topic.topic_arn if self.topic else None
        )
        self.endpoint = self._endpoint()
        if settings.autoscaling:
            scaling.add_autoscaling(self, settings, self.endpoint.attr_endpoint_name, variants)
        if self.topic is not None:
            events.notifications(self, settings, self.topic, self.endpoint_name)
        if settings.refresh_on_model_data_change:
            self._model_refresh()
        self.invoker = (
            invoke_function(self, settings, self.key, endpoint_name=self.endpoint_name, endpoint_arn=self.endpoint_arn)
            if settings.invoke_function
            else None
        )
        self.metadata = self._metadata()

    @property
    def endpoint_arn(self) -> str:
        # SageMaker ARNs carry the name in lower case.
        return self.format_arn(service="sagemaker", resource="endpoint", resource_name=self.endpoint_name.lower())

    def _model_refresh(self) -> None:
        artifacts, _ = artifacts_of(self.variants)
        if not artifacts.model_data_urls:
            raise ParameterError(
                "parameter 'refresh-on-model-data-change': the served package has no model data object to watch"
            )
        twin = sagemaker.CfnEndpointConfig(
            self,
            "EndpointConfigTwin",
            endpoint_config_name=sagemaker_name(self.endpoint_name, suffix=f"twin-{self.config_digest}"),
            production_variants=self.endpoint_config.production_variants,
            kms_key_id=self.endpoint_config.kms_key_id,
            data_capture_config=self.endpoint_config.data_capture_config,
        )
        if self.endpoint_config.kms_key_id is None:
            self._acknowledge_storage_key(
                twin, [variant.instance_type for variant in self.variants if variant.instance_type]
            )
        actions = [self.settings.alarm_topic_arn] if self.settings.alarm_topic_arn else []
        if not actions and self.topic is not None:
            actions = [self.topic.topic_arn]
        events.model_refresh(
            self,
            self.settings,
            self.key,
            endpoint_name=self.endpoint_name,
            endpoint_arn=self.endpoint_arn,
            config_names=(str(self.endpoint_config.endpoint_config_name), str(twin.endpoint_config_name)),
            model_data_urls=artifacts.model_data_urls,
            alarm_actions=actions,
        )

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
                actions=permissions.KEY_USE_ACTIONS,
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

    def _execution_role(self) -> iam.IRole:
        self.execution_policy: iam.ManagedPolicy | None = None
        if self.settings.model_execution_role_arn:
            return iam.Role.from_role_arn(self, "ExecutionRole", self.settings.model_execution_role_arn, mutable=False)
        role = iam.Role(
            self,
            "ExecutionRole",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            description=f"Hosts the models of SageMaker endpoint {self.endpoint_name}",
        )
        artifacts, undescribed = artifacts_of(self.variants)
        statements = permissions.execution_statements(
            self.settings,
            artifacts,
            undescribed,
            permissions.Scope(
                account=self.account,
                region=self.region,
                partition=self.partition,
                endpoint_name=self.endpoint_name,
                security_group_id=self.security_group.attr_group_id if self.security_group else "",
            ),
        )
        policy = iam.ManagedPolicy(
            self,
            "ExecutionPolicy",
            description=f"What hosting the models of endpoint {self.endpoint_name} needs",
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
                actions=permissions.KEY_USE_ACTIONS,
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

    def _model(self, variant: Variant) -> sagemaker.CfnModel:
        settings = self.settings
        definition = {
            "containers": [vars(container) for container in variant.containers],
            "role": settings.model_execution_role_arn or "module-role",
            "subnets": settings.subnet_ids,
            "vpc": settings.vpc_id,
            "isolation": settings.network_isolation,
        }
        short_form = len(self.variants) == 1 and not settings.variants
        containers = [_container(container) for container in variant.containers]
        model = sagemaker.CfnModel(
            self,
            "Model" if short_form else f"{pascal(variant.name)}Model",
            model_name=sagemaker_name(self.endpoint_name, suffix=f"model-{digest(definition)}"),
            execution_role_arn=self.role.role_arn,
            primary_container=None if variant.is_pipeline else containers[0],
            containers=containers if variant.is_pipeline else None,
            inference_execution_config=(
                sagemaker.CfnModel.InferenceExecutionConfigProperty(mode="Serial") if variant.is_pipeline else None
            ),
            vpc_config=(
                sagemaker.CfnModel.VpcConfigProperty(
                    subnets=list(settings.subnet_ids or ()), security_group_ids=[self.security_group.attr_group_id]
                )
                if self.security_group is not None
                else None
            ),
            enable_network_isolation=settings.network_isolation,
        )
        # SageMaker uses the role as soon as the model exists: its policy must be attached first.
        if self.execution_policy is not None:
            model.node.add_dependency(self.execution_policy)
        return model

    def _endpoint_config(self) -> sagemaker.CfnEndpointConfig:
        settings = self.settings
        instance_types = [variant.instance_type for variant in self.variants if variant.instance_type]
        encrypt_storage = bool(instance_types) and not any(has_instance_storage(kind) for kind in instance_types)
        production_variants = [
            self._production_variant(variant, model) for variant, model in zip(self.variants, self.models, strict=True)
        ]
        definition = {
            "models": [model.model_name for model in self.models],
            "variants": [
                [variant.name, variant.instance_type, variant.initial_instance_count, variant.initial_variant_weight]
                for variant in self.variants
            ],
            "serverless": [
                settings.serverless_memory_size_mb,
                settings.serverless_max_concurrency,
                settings.serverless_provisioned_concurrency,
            ],
            "encrypt_storage": encrypt_storage,
            "capture": [settings.data_capture_sampling_percentage, settings.data_capture_prefix],
        }
        self.config_digest = digest(definition)
        config = sagemaker.CfnEndpointConfig(
            self,
            "EndpointConfig",
            endpoint_config_name=sagemaker_name(self.endpoint_name, suffix=f"config-{self.config_digest}"),
            production_variants=production_variants,
            # Serverless variants and instances with local NVMe storage have no volume to encrypt with a key.
            kms_key_id=self.key.key_arn if encrypt_storage else None,
            data_capture_config=self._data_capture(),
        )
        if not encrypt_storage:
            self._acknowledge_storage_key(config, instance_types)
        return config

    def _acknowledge_storage_key(self, config: sagemaker.CfnEndpointConfig, instance_types: list[str]) -> None:
        if self.settings.serverless:
            reason = "Serverless variants have no ML storage volume to encrypt; SageMaker manages their compute."
        else:
            local = sorted({kind for kind in instance_types if has_instance_storage(kind)})
            reason = (
                f"{', '.join(local)} ha{'s' if len(local) == 1 else 've'} local NVMe instance storage, which "
                "SageMaker encrypts with a hardware key and for which it rejects a KmsKeyId. Captured data and "
                "logs are still encrypted with the module's key."
            )
        compliance.acknowledge(config, "SageMakerEndpointConfigurationKMSKeyConfigured", reason)

    def _production_variant(
        self, variant: Variant, model: sagemaker.CfnModel
    ) -> sagemaker.CfnEndpointConfig.ProductionVariantProperty:
        settings = self.settings
        if variant.instance_type is None:
            assert settings.serverless_memory_size_mb is not None
            assert settings.serverless_max_concurrency is not None
            return sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                variant_name=variant.name,
                model_name=model.attr_model_name,
                initial_variant_weight=variant.initial_variant_weight,
                serverless_config=sagemaker.CfnEndpointConfig.ServerlessConfigProperty(
                    memory_size_in_mb=settings.serverless_memory_size_mb,
                    max_concurrency=settings.serverless_max_concurrency,
                    provisioned_concurrency=settings.serverless_provisioned_concurrency,
                ),
            )
        return sagemaker.CfnEndpointConfig.ProductionVariantProperty(
            variant_name=variant.name,
            model_name=model.attr_model_name,
            instance_type=variant.instance_type,
            initial_instance_count=variant.initial_instance_count,
            initial_variant_weight=variant.initial_variant_weight,
        )

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
        endpoint = sagemaker.CfnEndpoint(
            self,
            "Endpoint",
            endpoint_name=self.endpoint_name,
            endpoint_config_name=self.endpoint_config.attr_endpoint_config_name,
            deployment_config=rollout.deployment_config(self.settings, self.alarm_names),
        )
        # The alarms a rollout watches must exist before SageMaker starts one.
        for alarm in self.alarms:
            endpoint.node.add_dependency(alarm)
        return endpoint

    @property
    def alarm_names(self) -> list[str]:
        return [
            name
            for variant in self.variants
            for name in alarms.alarm_names(self.endpoint_name, variant.name, self.settings)
        ]

    def _metadata(self) -> dict[str, Any]:
        name = self.endpoint.attr_endpoint_name
        first_package = next((variant.package.arn for variant in self.variants if variant.package), "")
        return {
            "ModelExecutionRoleArn": self.role.role_arn,
            "ModelName": self.models[0].attr_model_name,
            "ModelPackageArn": first_package,
            "EndpointName": name,
            "EndpointUrl": f"https://runtime.sagemaker.{self.region}.{self.url_suffix}/endpoints/{name}/invocations",
            "KmsKeyId": self.key.key_id,
            "SecurityGroupId": self.security_group.attr_group_id if self.security_group else "",
            "VariantNames": [variant.name for variant in self.variants],
            "AlarmNames": self.alarm_names,
            "NotificationTopicArn": self.topic.topic_arn if self.topic else "",
            "InvokeFunctionArn": self.invoker.function.function_arn if self.invoker else "",
            "InvokeFunctionName": self.invoker.function.function_name if self.invoker else "",
        }


def _container(container: Container) -> sagemaker.CfnModel.ContainerDefinitionProperty:
    if container.package_arn:
        return sagemaker.CfnModel.ContainerDefinitionProperty(model_package_name=container.package_arn)
    return sagemaker.CfnModel.ContainerDefinitionProperty(
        image=container.image,
        model_data_url=container.model_data_url,
        environment=dict(container.environment) or None,
    )
