"""The Studio stack: a SageMaker Studio domain, its users and roles, read as a table of contents."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from mlops_platform.contract import DeploymentContext
from mlops_platform.key import ModuleKey
from sagemaker_studio.infra import domain as domains
from sagemaker_studio.infra import lifecycle, personas
from sagemaker_studio.infra.scope import Scope
from sagemaker_studio.infra.storage import studio_bucket
from sagemaker_studio.plan import StudioPlan


class StudioStack(cdk.Stack):
    """A Studio domain in the VPC's subnets; `metadata` holds what it publishes."""

    def __init__(
        self,
        scope: Construct,
        *,
        plan: StudioPlan,
        context: DeploymentContext,
        synthesizer: cdk.IStackSynthesizer | None = None,
    ) -> None:
        super().__init__(
            scope,
            context.stack_name,
            env=cdk.Environment(account=context.account, region=context.region),
            description=f"Seed-Farmer module {context.module}: SageMaker Studio domain {plan.domain.name}",
            analytics_reporting=False,
            synthesizer=synthesizer,
        )
        self.plan = plan
        self.key = ModuleKey(
            self,
            "EncryptionKey",
            description=f"Encrypts SageMaker Studio domain {plan.domain.name}",
            alias=f"alias/{plan.stack_name}",
            administrators=plan.key_administrators,
        )
        self.bucket = studio_bucket(self, self.key, access_log_days=plan.log_retention_days)
        self.security_group = domains.apps_security_group(self, plan.domain)
        roles = personas.persona_roles(self, plan)
        self.domain = domains.studio_domain(
            self, plan.domain, key=self.key, security_group=self.security_group, execution_role=roles["execution"]
        )
        self.mlflow = self._mlflow_tracking_server()
        self.personas = personas.attach_policies(self, roles, self._scope(), self.mlflow_server_arn)
        self.lifecycle = lifecycle.lifecycle_function(
            self, plan, domain=self.domain, key=self.key, role_arns=self.role_arns
        )
        self.removal = (
            lifecycle.domain_removal(self, plan, self.lifecycle, self.domain) if not plan.domain.retain_efs else None
        )
        self.profiles, self.spaces = self._users()
        lifecycle.studio_apps(self, plan, self.lifecycle, self.domain, [*self.profiles, *self.spaces])
        if plan.projects:
            lifecycle.sagemaker_projects(self, self.lifecycle, self.domain, self.role_arns)
        self.metadata = self._metadata()

    @property
    def role_arns(self) -> list[str]:
        return [role.role_arn for role in self.personas.roles.values()]

    @property
    def mlflow_server_arn(self) -> str | None:
        return self.mlflow.attr_tracking_server_arn if self.mlflow is not None else None

    def _scope(self) -> Scope:
        return Scope(
            partition=self.partition,
            region=self.region,
            account=self.account,
            domain_id=self.domain.attr_domain_id,
            domain_arn=self.domain.attr_domain_arn,
            key_arn=self.key.key_arn,
            bucket_arn=self.bucket.bucket_arn,
            security_group_id=self.security_group.attr_group_id,
            plan=self.plan,
        )

    def _users(self) -> tuple[list[sagemaker.CfnUserProfile], list[sagemaker.CfnSpace]]:
        """Each user's profile (running as their persona's role) and JupyterLab space; users start work
        only once the roles' policies are attached."""
        profiles, spaces = [], []
        for user in self.plan.users:
            role = self.personas.role_for(user.persona)
            profile = domains.user_profile(self, user, plan=self.plan, domain=self.domain, role=role)
            for policy in self.personas.policies:
                profile.node.add_dependency(policy)
            if self.removal is not None:
                profile.node.add_dependency(self.removal)
            profiles.append(profile)
            if user.space:
                space = domains.jupyterlab_space(self, user, plan=self.plan, domain=self.domain, profile=profile)
                if self.removal is not None:
                    space.node.add_dependency(self.removal)
                spaces.append(space)
        return profiles, spaces

    def _mlflow_tracking_server(self) -> sagemaker.CfnMlflowTrackingServer | None:
        spec = self.plan.mlflow
        if spec is None:
            return None
        role, policy = personas.tracking_server_role(self, self.plan, spec)
        server = sagemaker.CfnMlflowTrackingServer(
            self,
            "MlflowTrackingServer",
            tracking_server_name=spec.name,
            role_arn=role.role_arn,
            artifact_store_uri=spec.artifact_store_uri,
            mlflow_version=spec.version,
            tracking_server_size=spec.size,
            automatic_model_registration=False,
        )
        # The server starts writing artifacts at once: its role's policy must be attached first.
        server.node.add_dependency(policy)
        return server

    def _metadata(self) -> dict[str, Any]:
        roles = self.personas.roles
        metadata: dict[str, Any] = {
            "StudioDomainName": self.plan.domain.name,
            "StudioDomainId": self.domain.attr_domain_id,
            "StudioDomainArn": self.domain.attr_domain_arn,
            "StudioBucketName": self.bucket.bucket_name,
            "StudioDomainEFSId": self.domain.attr_home_efs_file_system_id,
            "DataScientistRoleArn": roles["data-scientist"].role_arn,
            "LeadDataScientistRoleArn": roles["lead-data-scientist"].role_arn,
            "SageMakerExecutionRoleArn": roles["execution"].role_arn,
            "StudioSecurityGroupId": self.security_group.attr_group_id,
            "StudioKmsKeyArn": self.key.key_arn,
            "StudioUserProfileNames": [user.name for user in self.plan.users],
        }
        if self.mlflow is not None:
            metadata["MlflowTrackingServerArn"] = self.mlflow.attr_tracking_server_arn
        return metadata
