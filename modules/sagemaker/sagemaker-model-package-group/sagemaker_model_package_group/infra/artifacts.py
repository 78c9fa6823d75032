"""The model artifacts bucket the module creates when no `model_artifacts_bucket_arn` is given: encrypted with
the module's key, readable by the target accounts under the artifacts prefix and nowhere else."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from mlops_platform.compliance import acknowledge, acknowledge_guard
from mlops_platform.key import ModuleKey
from sagemaker_model_package_group import grants
from sagemaker_model_package_group.infra import compliance
from sagemaker_model_package_group.plan import RegistryPlan

# Overwritten or deleted artifacts stay recoverable this long; current objects never expire (packages point at them).
# The access logs are kept `log-retention-days` (the plan's), as every module keeps its logs.
NONCURRENT_DAYS = 365


def removal_policy(plan: RegistryPlan) -> cdk.RemovalPolicy:
    # Kept on delete, but not when the first create rolls back (RetainExceptOnCreate).
    return cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE if plan.retain else cdk.RemovalPolicy.DESTROY


class ModelArtifacts(Construct):
    """A versioned bucket, its access-log bucket and the key that encrypts the artifacts."""

    def __init__(self, scope: Construct, id: str, *, plan: RegistryPlan, stack_name: str) -> None:
        super().__init__(scope, id)
        self.plan = plan
        self.stack_name = stack_name
        self.key = self._key()
        self.access_logs = self._access_log_bucket()
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            versioned=True,
            lifecycle_rules=[s3.LifecycleRule(noncurrent_version_expiration=cdk.Duration.days(NONCURRENT_DAYS))],
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="model-artifacts/",
            removal_policy=removal_policy(plan),
        )
        # Uploads and deletions on EventBridge, for whoever follows them (an endpoint's refresh does). Set on the
        # bucket itself: the L2 `event_bridge_enabled` adds a custom resource with a Lambda function for it.
        resource = self.bucket.node.default_child
        assert isinstance(resource, s3.CfnBucket)
        resource.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(event_bridge_enabled=True)
        )
        acknowledge(self.bucket, "S3BucketReplicationEnabled", compliance.ARTIFACTS_REPLICATION)
        acknowledge_guard(self.bucket, "s3_bucket_object_lock_enabled_check", compliance.ARTIFACTS_OBJECT_LOCK)
        if plan.targets:
            self.grant_read_to_target_accounts()

    @property
    def bucket_arn(self) -> str:
        return self.bucket.bucket_arn

    def grant_read_to_target_accounts(self) -> None:
        """The bucket and key policy statements of grants.py, naming the target accounts."""
        for statement in grants.bucket_statements(self.plan, self.bucket.bucket_arn):
            self.bucket.add_to_resource_policy(iam.PolicyStatement.from_json(statement))
        self.key.add_to_resource_policy(iam.PolicyStatement.from_json(grants.key_statement(self.plan, None)))

    def _key(self) -> ModuleKey:
        key = ModuleKey(
            self,
            "Key",
            description=f"Encrypts the model artifacts of model package group {self.plan.group.name}",
            alias=f"alias/{self.stack_name}/model-artifacts",
            administrators=self.plan.key_administrators,
        )
        if not self.plan.retain:
            key.apply_removal_policy(cdk.RemovalPolicy.DESTROY)
        return key

    def _access_log_bucket(self) -> s3.Bucket:
        """Where S3 records every request on the artifacts bucket. S3's log delivery writes only to a bucket
        encrypted with S3-managed keys, and a log bucket logs to nowhere else."""
        bucket = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            versioned=True,
            lifecycle_rules=[
                s3.LifecycleRule(
                    expiration=cdk.Duration.days(self.plan.log_retention_days),
                    noncurrent_version_expiration=cdk.Duration.days(1),
                )
            ],
            removal_policy=removal_policy(self.plan),
        )
        compliance.acknowledge_access_log_bucket(bucket, days=self.plan.log_retention_days)
        return bucket
