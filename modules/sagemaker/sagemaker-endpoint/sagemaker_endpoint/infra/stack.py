"""The endpoint stack: SageMaker models, an endpoint configuration and an endpoint, with what keeps them safe.

The stack reads as a table of contents: each line builds one concern from its part of the plan.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct, IConstruct

from mlops_platform.contract import DeploymentContext
from mlops_platform.key import KEY_USE_ACTIONS, ModuleKey
from mlops_platform.log_group import EncryptedLogGroup
from mlops_platform.network import https_egress_security_group
from mlops_platform.topic import NotificationTopic
from sagemaker_endpoint.infra import (
    alarms,
    async_inference,
    inference_components,
    notifications,
    permissions,
    refresh,
    registry_events,
    rollout,
    scaling,
    wildcards,
)
from sagemaker_endpoint.infra.endpoint_config import container, endpoint_config
from sagemaker_endpoint.infra.invoke import invoke_function
from sagemaker_endpoint.specs import EndpointPlan, VariantPlan


class EndpointStack(cdk.Stack):
    """A SageMaker endpoint serving one or more variants; `metadata` holds what it publishes."""

    def __init__(self, scope: Construct, *, plan: EndpointPlan, context: DeploymentContext) -> None:
        super().__init__(
            scope,
            context.stack_name,
            env=cdk.Environment(account=context.account, region=context.region),
            description=f"Seed-Farmer module {context.module}: SageMaker endpoint",
            analytics_reporting=False,
        )
        self.plan = plan
        self.endpoint_name = plan.endpoint_name
        self.key = self._encryption_key()
        EncryptedLogGroup(
            self,
            "EndpointLogGroup",
            name=plan.log_group_name,
            key=self.key,
            sid="CloudWatchLogsUseForEndpointLogGroupOnly",
        )
        self.security_group = self._security_group()
        self.role, execution_policy = self._execution_role()
        self._grant_key_use()
        self.models = [self._model(variant, execution_policy) for variant in plan.variants]
        self.shadow_models = [self._model(variant, execution_policy) for variant in plan.shadow_variants]
        self.endpoint_config = endpoint_config(
            self,
            "EndpointConfig",
            name=plan.config_name,
            plan=plan,
            models=self.models,
            shadow_models=self.shadow_models,
            key=self.key,
            role_arn=self.role.role_arn,
            security_group_id=self.security_group.attr_group_id if self.security_group else None,
        )
        if plan.components and execution_policy is not None:
            # Here the configuration carries the role the instances start with: its policy must be attached first.
            self.endpoint_config.node.add_dependency(execution_policy)
        self.topic = notifications.notification_topic(self, plan.notifications, self.key)
        self.publish_grant: IConstruct | None = None
        if plan.asynchronous is not None:
            self._asynchronous(execution_policy)
        self.alarms = alarms.add_alarms(
            self, plan.alarms, plan.endpoint_name, (*plan.variants, *plan.shadow_variants), self.topic
        )
        self.endpoint = self._endpoint()
        if plan.scaling is not None:
            scaling.add_autoscaling(self, plan.scaling, self.endpoint.attr_endpoint_name, plan.variants)
        self.components = self._inference_components()
        alarms.acknowledge_rollback_triggers(self.alarms, self._rollback_alarm_names())
        if plan.notifications is not None and self.topic is not None:
            notifications.notifications(self, plan.notifications, self.topic, plan.endpoint_name)
        if plan.registry_events is not None:
            registry_events.registry_events(self, plan.registry_events)
        if plan.refresh is not None:
            refresh.model_refresh(
                self,
                plan,
                self.endpoint_config,
                self.key,
                endpoint_arn=self.endpoint_arn,
                alarm_actions=alarms.alarm_actions(plan.alarms.actions, self.topic),
            )
        self.invoker = (
            invoke_function(
                self,
                plan.network,
                self.key,
                endpoint_name=plan.endpoint_name,
                endpoint_arn=self.endpoint_arn,
                component=(plan.components[0].name, self.component_arn(plan.components[0].name))
                if plan.components
                else None,
            )
            if plan.invoke_function
            else None
        )
        if isinstance(self.topic, NotificationTopic):
            # The module's topic takes the alarms that notify it, by name, now that they all exist.
            self.topic.allow_alarms_in(self)
        self.metadata = self._metadata()

    @property
    def endpoint_arn(self) -> str:
        # SageMaker ARNs carry the name in lower case.
        return self.format_arn(service="sagemaker", resource="endpoint", resource_name=self.endpoint_name.lower())

    def component_arn(self, name: str) -> str:
        return self.format_arn(service="sagemaker", resource="inference-component", resource_name=name.lower())

    def _inference_components(self) -> list[sagemaker.CfnInferenceComponent]:
        """With managed instance scaling, each model runs as an inference component, its copies scaled."""
        components = []
        for spec, model in zip(self.plan.components, self.models, strict=False):
            component = inference_components.inference_component(
                self,
                spec,
                self.plan.rollout,
                endpoint_name=self.endpoint.attr_endpoint_name,
                model_name=model.attr_model_name,
            )
            if spec.defaulted:  # for the rehearsal's plan and a reviewer: where the compute came from
                component.add_metadata("mlops:compute", spec.defaulted)
            # The rolling update watches these alarms; they must exist before SageMaker starts one.
            for alarm in self.alarms:
                component.node.add_dependency(alarm)
            # SageMaker sends the copies' container logs here from the start (with the execution role).
            component.node.add_dependency(
                EncryptedLogGroup(
                    self,
                    f"{spec.construct_prefix}ComponentLogGroup",
                    name=spec.log_group_name,
                    key=self.key,
                    sid=f"CloudWatchLogsUseFor{spec.construct_prefix}ComponentLogGroupOnly",
                )
            )
            if self.plan.component_scaling is not None:
                inference_components.add_copy_scaling(self, self.plan.component_scaling, spec, component)
            components.append(component)
        return components

    def _rollback_alarm_names(self) -> dict[str, tuple[str, ...]]:
        """The alarms each rollback configuration names, read from the endpoint and components as built."""
        named = {}
        resources: list[sagemaker.CfnEndpoint | sagemaker.CfnInferenceComponent] = [self.endpoint, *self.components]
        for resource in resources:
            rollback = getattr(resource.deployment_config, "auto_rollback_configuration", None)
            if rollback is not None:
                named[f"{resource.cfn_resource_type} {resource.node.id}"] = tuple(
                    alarm.alarm_name for alarm in rollback.alarms or ()
                )
        return named

    def _asynchronous(self, execution_policy: iam.ManagedPolicy | None) -> None:
        """Asynchronous inference on the configuration (it may name the module's topic, made after it)."""
        spec = self.plan.asynchronous
        assert spec is not None
        self.endpoint_config.async_inference_config = async_inference.async_inference_config(
            spec.config, self.key, self.topic
        )
        self.publish_grant = async_inference.publish_to_module_topic(spec, execution_policy, self.topic, self.role)

    def _encryption_key(self) -> ModuleKey:
        return ModuleKey(
            self,
            "EncryptionKey",
            description=f"Encrypts the storage, logs and captured data of endpoint {self.endpoint_name}",
            alias=f"alias/{self.plan.stack_name}",
            administrators=self.plan.key_administrators,
        )

    def _security_group(self) -> ec2.CfnSecurityGroup | None:
        if self.plan.network is None:
            return None
        return https_egress_security_group(
            self,
            "EndpointSecurityGroup",
            vpc_id=self.plan.network.vpc_id,
            purpose=f"SageMaker endpoint {self.endpoint_name}",
            destination="AWS services (VPC and S3 endpoints)",
        )

    def _execution_role(self) -> tuple[iam.IRole, iam.ManagedPolicy | None]:
        """The role the models run as, and the policy the module attaches to it (none for a role given by ARN)."""
        plan = self.plan
        if plan.execution_role_arn:
            return iam.Role.from_role_arn(self, "ExecutionRole", plan.execution_role_arn, mutable=False), None
        role = iam.Role(
            self,
            "ExecutionRole",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            description=f"Hosts the models of SageMaker endpoint {self.endpoint_name}",
        )
        statements = permissions.execution_statements(
            plan.artifacts,
            plan.network,
            plan.capture,
            permissions.Scope(
                account=self.account,
                region=self.region,
                partition=self.partition,
                log_group_name=plan.log_group_name,
                security_group_id=self.security_group.attr_group_id if self.security_group else "",
                component_log_group_names=tuple(component.log_group_name for component in plan.components),
            ),
            plan.asynchronous,
        )
        policy = iam.ManagedPolicy(
            self,
            "ExecutionPolicy",
            description=f"What hosting the models of endpoint {self.endpoint_name} needs",
            statements=statements,
            roles=[role],
        )
        for acknowledgement in wildcards.wildcard_acknowledgements(statements, self):
            cdk.Validations.of(policy.node.default_child).acknowledge(acknowledgement)  # type: ignore[arg-type]
        return role, policy

    def _grant_key_use(self) -> None:
        # In the key policy rather than the role, so a role given by ARN gets the same access.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ExecutionRoleUsesKey",
                principals=[self.role],
                actions=KEY_USE_ACTIONS,
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

    def _model(self, variant: VariantPlan, execution_policy: iam.ManagedPolicy | None) -> sagemaker.CfnModel:
        spec = variant.model
        containers = [container(entry) for entry in spec.containers]
        model = sagemaker.CfnModel(
            self,
            variant.model_id,
            model_name=variant.model_name,
            execution_role_arn=self.role.role_arn,
            primary_container=None if spec.is_pipeline else containers[0],
            containers=containers if spec.is_pipeline else None,
            inference_execution_config=(
                sagemaker.CfnModel.InferenceExecutionConfigProperty(mode="Serial") if spec.is_pipeline else None
            ),
            vpc_config=(
                sagemaker.CfnModel.VpcConfigProperty(
                    subnets=list(self.plan.network.subnet_ids), security_group_ids=[self.security_group.attr_group_id]
                )
                if self.plan.network is not None and self.security_group is not None
                else None
            ),
            enable_network_isolation=spec.isolation,
        )
        # SageMaker uses the role as soon as the model exists: its policy must be attached first.
        if execution_policy is not None:
            model.node.add_dependency(execution_policy)
        return model

    def _endpoint(self) -> sagemaker.CfnEndpoint:
        endpoint = sagemaker.CfnEndpoint(
            self,
            "Endpoint",
            endpoint_name=self.endpoint_name,
            endpoint_config_name=self.endpoint_config.attr_endpoint_config_name,
            # Inference components roll out through their own rolling update, not the endpoint's blue/green.
            deployment_config=None if self.plan.components else rollout.deployment_config(self.plan.rollout),
            **rollout.retained_variant_properties(self.plan.keeps_autoscaled_instance_counts),
        )
        # The alarms a rollout watches must exist before SageMaker starts one.
        for alarm in self.alarms:
            endpoint.node.add_dependency(alarm)
        if self.publish_grant is not None:
            endpoint.node.add_dependency(self.publish_grant)
        return endpoint

    def _metadata(self) -> dict[str, Any]:
        name = self.endpoint.attr_endpoint_name
        first_package = next((variant.package.arn for variant in self.plan.variants if variant.package), "")
        metadata = {
            "ModelExecutionRoleArn": self.role.role_arn,
            "ModelName": self.models[0].attr_model_name,
            "ModelPackageArn": first_package,
            "EndpointName": name,
            "EndpointUrl": f"https://runtime.sagemaker.{self.region}.{self.url_suffix}/endpoints/{name}/invocations",
            "KmsKeyId": self.key.key_id,
            "SecurityGroupId": self.security_group.attr_group_id if self.security_group else "",
            "VariantNames": [variant.name for variant in self.plan.variants],
            "AlarmNames": list(self.plan.alarm_names),
            "NotificationTopicArn": self.topic.topic_arn if self.topic else "",
            "InvokeFunctionArn": self.invoker.function_arn if self.invoker else "",
            "InvokeFunctionName": self.invoker.function_name if self.invoker else "",
        }
        # Keys of a serving mode appear only with it, so the outputs of existing endpoints stay as they were.
        if self.plan.components:
            metadata["InferenceComponentNames"] = [component.name for component in self.plan.components]
        if self.plan.shadow_variants:
            metadata["ShadowVariantNames"] = [variant.name for variant in self.plan.shadow_variants]
        if self.plan.asynchronous is not None:
            metadata["AsyncOutputS3Uri"] = self.plan.asynchronous.config.output_uri
        return metadata
