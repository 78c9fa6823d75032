"""The monitoring stack: the jobs' role, a job definition and a schedule per monitor, notices and alarms.

The stack reads as a table of contents: each line builds one concern from its part of the plan.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from mlops_platform import compliance as acknowledgements
from mlops_platform.contract import DeploymentContext
from mlops_platform.key import ModuleKey
from sagemaker_model_monitoring.infra import access, compliance, jobs, notices
from sagemaker_model_monitoring.infra.baselining import computed_baselines
from sagemaker_model_monitoring.infra.parts import given_key_statements, grant_key_use
from sagemaker_model_monitoring.specs import MonitoringPlan


class MonitoringStack(cdk.Stack):
    """Model monitoring of one endpoint; `metadata` holds what the module publishes."""

    def __init__(self, scope: Construct, *, plan: MonitoringPlan, context: DeploymentContext) -> None:
        super().__init__(
            scope,
            context.stack_name,
            env=cdk.Environment(account=context.account, region=context.region),
            description=f"Seed-Farmer module {context.module}: model monitoring of endpoint {plan.endpoint_name}",
            analytics_reporting=False,
        )
        self.plan = plan
        self.key = ModuleKey(
            self,
            "EncryptionKey",
            description=f"Encrypts the monitoring reports, volumes, notices and logs of endpoint {plan.endpoint_name}",
            alias=f"alias/{plan.stack_name}",
            administrators=plan.key_administrators,
        )
        self.job_key_arn = plan.key_arn or self.key.key_arn
        self.role, self.role_policy = self._jobs_role()
        baselines = self._computed_baselines()
        self.definitions, self.schedules = self._jobs(baselines)
        self.topic = notices.topic(self, plan.topic_arn, self.key)
        self.rules = notices.execution_rules(self, plan.jobs, self.topic)
        self.alarms = notices.metric_alarms(self, plan.jobs, self.topic)
        notices.allow_publishers(self.topic, self.rules, self)
        self.metadata = self._metadata()

    def _jobs_role(self) -> tuple[iam.Role, iam.ManagedPolicy]:
        """The role every job runs as: exactly the data it reads and writes (access.py)."""
        plan = self.plan
        role = iam.Role(
            self,
            "MonitoringRole",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            description=f"Runs the monitoring jobs of endpoint {plan.endpoint_name}",
        )
        scope = access.Scope(self.account, self.region, self.partition, plan.model_name)
        statements = access.job_statements(plan, scope)
        if plan.key_arn:
            statements += given_key_statements(plan.key_arn)
        else:
            grant_key_use(self.key, role)
        policy = iam.ManagedPolicy(
            self,
            "MonitoringPolicy",
            description=f"What the monitoring jobs of endpoint {plan.endpoint_name} need",
            statements=statements,
            roles=[role],
        )
        acknowledgements.acknowledge_wildcards(policy, statements, compliance.WILDCARD_REASONS)
        return role, policy

    def _computed_baselines(self) -> cdk.CustomResource | None:
        if self.plan.baselining is None:
            return None
        baselines = computed_baselines(
            self,
            self.plan.baselining,
            role=self.role,
            job_key_arn=self.job_key_arn,
            module_key=self.key,
            network=self.plan.network,
        )
        # The baselining jobs run as the jobs' role: its policy must be attached first.
        baselines.node.add_dependency(self.role_policy)
        return baselines

    def _jobs(self, baselines: cdk.CustomResource | None) -> tuple[list[cdk.CfnResource], list[cdk.CfnResource]]:
        tags = [{"Key": key, "Value": value} for key, value in self.plan.tags]
        definitions, schedules = [], []
        for job in self.plan.jobs:
            definition = jobs.job_definition(
                self, job, role_arn=self.role.role_arn, key_arn=self.job_key_arn, network=self.plan.network, tags=tags
            )
            # SageMaker checks the role when it creates the definition: its policy must be attached first.
            definition.node.add_dependency(self.role_policy)
            schedule = jobs.monitoring_schedule(self, job, definition, tags)
            if baselines is not None and job.baseline.computed_on_deploy:
                schedule.node.add_dependency(baselines)
            definitions.append(definition)
            schedules.append(schedule)
        return definitions, schedules

    def schedule_arn(self, name: str) -> str:
        return self.format_arn(service="sagemaker", resource="monitoring-schedule", resource_name=name)

    def _metadata(self) -> dict[str, Any]:
        plan = self.plan
        return {
            "MonitoringScheduleNames": [job.schedule_name for job in plan.jobs],
            "MonitoringScheduleArns": [self.schedule_arn(job.schedule_name) for job in plan.jobs],
            "JobDefinitionNames": [job.definition_name for job in plan.jobs],
            "MonitoringTypes": [job.monitoring_type for job in plan.jobs],
            "AlarmNames": list(plan.alarm_names),
            "EventRuleNames": [rule.rule_name for rule in self.rules],
            "BaselineConstraintsS3Uris": {job.monitoring_type: job.baseline.constraints for job in plan.jobs},
            "MonitoringOutputS3Uris": {job.monitoring_type: job.output.uri for job in plan.jobs},
            "MonitoringRoleArn": self.role.role_arn,
            "KmsKeyArn": self.key.key_arn,
            "NotificationTopicArn": self.topic.topic_arn,
        }
