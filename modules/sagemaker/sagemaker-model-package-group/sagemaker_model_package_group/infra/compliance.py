"""Acknowledgements of rule-pack findings: each on the one resource it concerns, with the reviewer's answer.

cdk-nag runs AwsSolutions, NIST 800-53 rev 5 and HIPAA Security on every synthesis; a finding that is
neither fixed nor acknowledged here stops it. docs/security.md lists every acknowledgement.
"""

from __future__ import annotations

import aws_cdk as cdk
from constructs import IConstruct

PACKS = ("NIST.800.53.R5", "HIPAA.Security")
# AWS Control Tower's proactive controls, as the cfn-guard validation plugin names them.
GUARD = "cdk-validator-cfnguard"


def acknowledge(scope: IConstruct, rule: str, reason: str, packs: tuple[str, ...] = PACKS) -> None:
    """Acknowledge `rule` (for example `S3BucketReplicationEnabled`) of each pack on `scope` only."""
    for pack in packs:
        cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=f"{pack}::{pack}-{rule}", reason=reason))


def acknowledge_guard(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge a Control Tower Guard rule (for example `s3_bucket_logging_enabled_check`) on `scope` only."""
    cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=f"{GUARD}::{rule}", reason=reason))


ARTIFACTS_REPLICATION = (
    "The artifacts are the output of training jobs that can be run again, and every version is kept 365 days "
    "after it is overwritten; a replica in a second region would double the storage for data that is not unique."
)
ARTIFACTS_OBJECT_LOCK = (
    "Model versions are registered, approved and rejected in the model registry, and the training pipeline "
    "must be able to replace a rejected artifact; every overwritten or deleted version stays recoverable for "
    "365 days (versioning and its lifecycle rule). Object Lock would make a bad artifact undeletable."
)
ACCESS_LOGS_LOGGING = (
    "This bucket receives the artifacts bucket's server access logs; logging its own requests would need a "
    "third bucket, and so on."
)
ACCESS_LOGS_ENCRYPTION = (
    "S3 server access log delivery writes only to a bucket encrypted with S3-managed keys (SSE-S3), not with a KMS key."
)
ACCESS_LOGS_REPLICATION = "Access logs are kept 365 days in this region; they are not replicated."
ACCESS_LOGS_NOTIFICATIONS = "Nothing acts on the delivery of an access log; events for it would go nowhere."
ACCESS_LOGS_OBJECT_LOCK = "Access logs expire after 365 days by their lifecycle rule; a lock would keep them past it."


def acknowledge_access_log_bucket(bucket: IConstruct) -> None:
    acknowledge(bucket, "S3BucketLoggingEnabled", ACCESS_LOGS_LOGGING)
    acknowledge(bucket, "S1", ACCESS_LOGS_LOGGING, packs=("AwsSolutions",))
    acknowledge(bucket, "S3DefaultEncryptionKMS", ACCESS_LOGS_ENCRYPTION)
    acknowledge(bucket, "S3BucketReplicationEnabled", ACCESS_LOGS_REPLICATION)
    acknowledge_guard(bucket, "s3_bucket_default_encryption_kms_check", ACCESS_LOGS_ENCRYPTION)
    acknowledge_guard(bucket, "s3_bucket_logging_enabled_check", ACCESS_LOGS_LOGGING)
    acknowledge_guard(bucket, "s3_event_notifications_enabled_check", ACCESS_LOGS_NOTIFICATIONS)
    acknowledge_guard(bucket, "s3_bucket_object_lock_enabled_check", ACCESS_LOGS_OBJECT_LOCK)
