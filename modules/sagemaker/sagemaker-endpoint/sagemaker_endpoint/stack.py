"""The endpoint stack: SageMaker models, an endpoint configuration and an endpoint, with what keeps them safe.

The stack reads as a table of contents: each line builds one feature from its part of the plan, in the order
CloudFormation's template has always listed them (the order of construction is the order of the resources).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct, IConstruct

from mlops_platform.contract import DeploymentContext
from mlops_platform.key import ModuleKey
from mlops_platform.log_group import EncryptedLogGroup
from mlops_platform.topic import NotificationTopic
from sagemaker_endpoint.async_inference.construct import AsyncInference
from sagemaker_endpoint.capture.construct import DataCapture
from sagemaker_endpoint.endpoint import hosting
from sagemaker_endpoint.endpoint.configuration import EndpointConfig
from sagemaker_endpoint.endpoint.construct import Endpoint
from sagemaker_endpoint.endpoint.execution_role import ExecutionRole
from sagemaker_endpoint.endpoint.metadata import Published, metadata
from sagemaker_endpoint.inference_components.construct import InferenceComponent
from sagemaker_endpoint.invoke.construct import InvokeFunction
from sagemaker_endpoint.model_source.construct import Model, ServedArtifacts
from sagemaker_endpoint.network.construct import EndpointNetwork
from sagemaker_endpoint.notifications import alarms as alarm_parts
from sagemaker_endpoint.notifications.topic import notification_rules, notification_topic
from sagemaker_endpoint.plan import EndpointPlan
from sagemaker_endpoint.refresh.construct import ModelRefresh
from sagemaker_endpoint.registry_events.construct import registry_events
from sagemaker_endpoint.variants.plan import VariantPlan
from sagemaker_endpoint.variants.scaling import add_autoscaling


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
        self.key = self._encryption_key()
        EncryptedLogGroup(
            self,
            "EndpointLogGroup",
            name=plan.log_group_name,
            key=self.key,
            sid="CloudWatchLogsUseForEndpointLogGroupOnly",
        )
        self.network = self._network()
        self.capture = DataCapture(spec=plan.capture, key=self.key) if plan.capture else None
        self.asynchronous = AsyncInference(self, spec=plan.asynchronous, key=self.key) if plan.asynchronous else None
        self.role = self._execution_role()
        self.models = [self._model(variant) for variant in plan.variants]
        self.shadow_models = [self._model(variant) for variant in plan.shadow_variants]
        self.endpoint_config = self._endpoint_config()
        self.topic = notification_topic(self, plan.notifications, self.key)
        publish_grant = self._asynchronous()
        self.alarms = alarm_parts.add_alarms(
            self, plan.alarms, plan.endpoint_name, (*plan.variants, *plan.shadow_variants), self.topic
        )
        self.endpoint = self._endpoint(publish_grant)
        if plan.scaling is not None:
            add_autoscaling(self, plan.scaling, self.endpoint.attr_endpoint_name, plan.variants)
        self.components = self._inference_components()
        alarm_parts.acknowledge_rollback_triggers(self.alarms, self._rollback_alarm_names())
        if plan.notifications is not None and self.topic is not None:
            notification_rules(self, plan.notifications, self.topic, plan.endpoint_name)
        if plan.registry_events is not None:
            registry_events(self, plan.registry_events)
        self.refresh = self._refresh()
        self.invoker = self._invoke_function()
        if isinstance(self.topic, NotificationTopic):
            # The module's topic takes the alarms that notify it, by name, now that they all exist.
            self.topic.allow_alarms_in(self)
        self.metadata: dict[str, Any] = metadata(
            plan,
            Published(
                self.role, self.models[0], self.endpoint, self.key, self.network, self.topic, self.invoker, self.capture
            ),
        )

    def _encryption_key(self) -> ModuleKey:
        return ModuleKey(
            self,
            "EncryptionKey",
            description=f"Encrypts the storage, logs and captured data of endpoint {self.plan.endpoint_name}",
            alias=f"alias/{self.plan.stack_name}",
            administrators=self.plan.key_administrators,
        )

    def _network(self) -> EndpointNetwork | None:
        if self.plan.network is None:
            return None
        return EndpointNetwork(
            self, "EndpointSecurityGroup", spec=self.plan.network, endpoint_name=self.plan.endpoint_name
        )

    def _execution_role(self) -> ExecutionRole:
        """The role the models run as, with every grant hosting them needs, in the order of its policy."""
        plan = self.plan
        role = ExecutionRole(
            self, "ExecutionRole", role_arn=plan.execution_role_arn, endpoint_name=plan.endpoint_name, key=self.key
        )
        ServedArtifacts(self, spec=plan.artifacts).grant_read(role)
        if self.network is not None:
            self.network.grant_interfaces(role)
        components = tuple(component.log_group_name for component in plan.components)
        hosting.grant_logs_and_metrics(role, self, plan.log_group_name, components)
        if self.capture is not None:
            self.capture.grant_write(role)
        if self.asynchronous is not None:
            self.asynchronous.grant_requests_and_results(role)
        role.acknowledge_wildcards()
        return role

    def _model(self, variant: VariantPlan) -> Model:
        network = self.network
        model = Model(
            self,
            variant.model_id,
            name=variant.model_name,
            spec=variant.model,
            role_arn=self.role.role_arn,
            subnet_ids=network.subnet_ids if network else None,
            security_group_id=network.security_group_id if network else None,
        )
        # SageMaker uses the role as soon as the model exists: its policy must be attached first.
        if self.role.policy is not None:
            model.node.add_dependency(self.role.policy)
        return model

    def _endpoint_config(self) -> EndpointConfig:
        plan = self.plan
        config = EndpointConfig(
            self,
            "EndpointConfig",
            name=plan.config_name,
            spec=plan.config,
            variants=list(zip(plan.variants, self.models, strict=True)),
            shadows=list(zip(plan.shadow_variants, self.shadow_models, strict=True)),
            key=self.key,
            role_arn=self.role.role_arn,
            security_group_id=self.network.security_group_id if self.network else None,
            data_capture=self.capture.config if self.capture else None,
        )
        if plan.components and self.role.policy is not None:
            # Here the configuration carries the role the instances start with: its policy must be attached first.
            config.node.add_dependency(self.role.policy)
        return config

    def _asynchronous(self) -> IConstruct | None:
        """Asynchronous inference on the configuration (it may name the module's topic, made after it); returns
        what the endpoint must wait for (the topic's policy letting a given role publish)."""
        if self.asynchronous is None:
            return None
        self.endpoint_config.async_inference_config = self.asynchronous.config(self.topic)
        return self.asynchronous.allow_module_topic(self.role, self.topic)

    def _endpoint(self, publish_grant: IConstruct | None) -> Endpoint:
        plan = self.plan
        endpoint = Endpoint(
            self,
            "Endpoint",
            name=plan.endpoint_name,
            config_name=self.endpoint_config.attr_endpoint_config_name,
            # Inference components roll out through their own rolling update, not the endpoint's blue/green.
            rollout_spec=None if plan.components else plan.rollout,
            keeps_autoscaled_instance_counts=plan.keeps_autoscaled_instance_counts,
            components=[component.name for component in plan.components],
        )
        # The alarms a rollout watches must exist before SageMaker starts one.
        for alarm in self.alarms:
            endpoint.node.add_dependency(alarm)
        if publish_grant is not None:
            endpoint.node.add_dependency(publish_grant)
        return endpoint

    def _inference_components(self) -> list[InferenceComponent]:
        """With managed instance scaling, each model runs as an inference component, its copies scaled."""
        return [
            InferenceComponent(
                self,
                spec=spec,
                rollout=self.plan.rollout,
                endpoint_name=self.endpoint.attr_endpoint_name,
                model_name=model.attr_model_name,
                key=self.key,
                alarms=self.alarms,
                scaling=self.plan.component_scaling,
            )
            for spec, model in zip(self.plan.components, self.models, strict=False)
        ]

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

    def _refresh(self) -> ModelRefresh | None:
        plan = self.plan
        if plan.refresh is None:
            return None
        return ModelRefresh(
            self,
            spec=plan.refresh,
            config=self.endpoint_config,
            config_name=plan.config_name,
            variants=(*plan.variants, *plan.shadow_variants),
            key=self.key,
            network=plan.network,
            endpoint_name=plan.endpoint_name,
            endpoint_arn=self.endpoint.arn,
            alarm_actions=alarm_parts.alarm_actions(plan.alarms.actions, self.topic),
        )

    def _invoke_function(self) -> InvokeFunction | None:
        if self.plan.invoke is None:
            return None
        return InvokeFunction(
            self,
            "InvokeFunction",
            network=self.plan.network,
            key=self.key,
            endpoint_name=self.plan.endpoint_name,
            invoke=self.endpoint.invoke_statement(),
            component=self.plan.invoke.component,
        )
