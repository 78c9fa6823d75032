"""The studio bucket: the domain's working data, encrypted with the module key, versioned, TLS only,
kept on delete (its name is CloudFormation's, so a new deployment never collides with a kept bucket),
with its server access logs in a bucket of their own."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from mlops_platform import compliance
from sagemaker_studio.infra import reasons


def _bucket(scope: Construct, id: str, **options: object) -> s3.Bucket:
    bucket = s3.Bucket(
        scope,
        id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        versioned=True,
        # Kept on delete, but not when the first create rolls back.
        removal_policy=cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
        **options,  # type: ignore[arg-type]
    )
    # Its events reach EventBridge, where a deployment may act on them (free without rules); set on the
    # bucket itself, as the CDK's event_bridge_enabled would add a custom resource function to do it.
    resource = bucket.node.default_child
    assert isinstance(resource, s3.CfnBucket)
    resource.add_property_override("NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True)
    return bucket


# Replaced and deleted versions of the working data are kept 90 days (a mistaken overwrite can be undone);
# access logs as long as the module's log groups (`log-retention-days`).
REPLACED_VERSIONS_DAYS = 90


def _lifecycle(*, expire_after: int | None) -> list[s3.LifecycleRule]:
    return [
        s3.LifecycleRule(
            id="ExpireReplacedVersions",
            noncurrent_version_expiration=cdk.Duration.days(REPLACED_VERSIONS_DAYS),
            abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
            expiration=cdk.Duration.days(expire_after) if expire_after else None,
        )
    ]


def studio_bucket(scope: Construct, key: kms.IKey, *, access_log_days: int) -> s3.Bucket:
    access_logs = _bucket(
        scope,
        "StudioAccessLogs",
        encryption=s3.BucketEncryption.S3_MANAGED,
        lifecycle_rules=_lifecycle(expire_after=access_log_days),
    )
    compliance.acknowledge(access_logs, "S3DefaultEncryptionKMS", reasons.ACCESS_LOGS_ENCRYPTION)
    compliance.acknowledge_guard(access_logs, "s3_bucket_default_encryption_kms_check", reasons.ACCESS_LOGS_ENCRYPTION)
    compliance.acknowledge(access_logs, "S3BucketLoggingEnabled", reasons.ACCESS_LOGS_OF_ACCESS_LOGS)
    compliance.acknowledge(access_logs, "S1", reasons.ACCESS_LOGS_OF_ACCESS_LOGS, packs=("AwsSolutions",))
    compliance.acknowledge_guard(access_logs, "s3_bucket_logging_enabled_check", reasons.ACCESS_LOGS_OF_ACCESS_LOGS)
    bucket = _bucket(
        scope,
        "StudioBucket",
        encryption=s3.BucketEncryption.KMS,
        encryption_key=key,
        bucket_key_enabled=True,
        server_access_logs_bucket=access_logs,
        server_access_logs_prefix="studio-bucket/",
        lifecycle_rules=_lifecycle(expire_after=None),
    )
    for each in (bucket, access_logs):
        compliance.acknowledge(each, "S3BucketReplicationEnabled", reasons.NO_REPLICATION)
        compliance.acknowledge_guard(each, "s3_bucket_object_lock_enabled_check", reasons.NO_OBJECT_LOCK)
    return bucket
