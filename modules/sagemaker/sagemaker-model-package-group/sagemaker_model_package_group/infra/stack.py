"""The model package group stack: the group, what the target accounts may do with it, and where its events go.

The stack reads as a table of contents: each line builds one concern from its part of the plan.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from mlops_platform.contract import DeploymentContext
from sagemaker_model_package_group import grants
from sagemaker_model_package_group.infra.artifacts import ModelArtifacts, removal_policy
from sagemaker_model_package_group.infra.forwarding import EventForwarding
from sagemaker_model_package_group.plan import RegistryPlan


class RegistryStack(cdk.Stack):
    """A SageMaker model package group shared with the target accounts; `metadata` holds what it publishes."""

    def __init__(self, scope: Construct, *, plan: RegistryPlan, context: DeploymentContext) -> None:
        super().__init__(
            scope,
            context.stack_name,
            env=cdk.Environment(account=context.account, region=context.region),
            description=f"Seed-Farmer module {context.module}: SageMaker model package group {plan.group.name}",
            analytics_reporting=False,
        )
        self.plan = plan
        self.group = self._model_package_group()
        self.artifacts = (
            ModelArtifacts(self, "ModelArtifacts", plan=plan, stack_name=context.stack_name)
            if plan.artifacts.created
            else None
        )
        self.forwarding = (
            EventForwarding(
                self,
                "SageMakerModelPackageStateChange",
                spec=plan.forwarding,
                group_name=plan.group.name,
                account=plan.account,
            )
            if plan.forwarding
            else None
        )
        self.metadata = self._metadata()

    def _model_package_group(self) -> sagemaker.CfnModelPackageGroup:
        """The group, with its resource policy as a property of the group itself: CloudFormation puts, updates
        and deletes it with the group (PutModelPackageGroupPolicy, DeleteModelPackageGroupPolicy)."""
        group = sagemaker.CfnModelPackageGroup(
            self,
            "ModelPackageGroup",
            model_package_group_name=self.plan.group.name,
            model_package_group_description=self.plan.group.description,
            model_package_group_policy=grants.group_policy(self.plan),
        )
        group.apply_removal_policy(removal_policy(self.plan))
        return group

    def _metadata(self) -> dict[str, Any]:
        plan = self.plan
        metadata: dict[str, Any] = {
            "SagemakerModelPackageGroupArn": self.group.attr_model_package_group_arn,
            "SagemakerModelPackageGroupName": plan.group.name,
        }
        if self.forwarding is not None:
            metadata["SagemakerModelPackageGroupEventRuleArn"] = self.forwarding.rule.attr_arn
            metadata["EventForwardingRoleArn"] = self.forwarding.role.role_arn
        metadata["RegistryAccountId"] = plan.account
        metadata["TargetAccountIds"] = list(plan.targets)
        metadata["ModelArtifactsBucketArn"] = (
            self.artifacts.bucket_arn if self.artifacts is not None else plan.artifacts.bucket_arn
        )
        metadata["ModelArtifactsPrefix"] = plan.artifacts.prefix
        key = self.artifacts.key.key_arn if self.artifacts is not None else plan.artifacts.key_arn
        if key:
            metadata["ModelArtifactsKmsKeyArn"] = key
        metadata["EcrRepositoryArns"] = list(plan.repositories)
        return metadata
