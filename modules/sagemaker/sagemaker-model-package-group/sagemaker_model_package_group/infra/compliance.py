"""The model package group module's answers to rule-pack findings, each acknowledged on the one resource it
concerns (mlops_platform.compliance); docs/security.md lists every acknowledgement.
"""

from __future__ import annotations

from constructs import IConstruct

from mlops_platform.compliance import acknowledge, acknowledge_guard

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
ACCESS_LOGS_NOTIFICATIONS = "Nothing acts on the delivery of an access log; events for it would go nowhere."


def acknowledge_access_log_bucket(bucket: IConstruct, *, days: int) -> None:
    """The access-log bucket's acknowledgements; its logs are kept `days` (the module's log-retention-days)."""
    acknowledge(bucket, "S3BucketLoggingEnabled", ACCESS_LOGS_LOGGING)
    acknowledge(bucket, "S1", ACCESS_LOGS_LOGGING, packs=("AwsSolutions",))
    acknowledge(bucket, "S3DefaultEncryptionKMS", ACCESS_LOGS_ENCRYPTION)
    replication = f"Access logs are kept {days} days in this region; they are not replicated."
    acknowledge(bucket, "S3BucketReplicationEnabled", replication)
    acknowledge_guard(bucket, "s3_bucket_default_encryption_kms_check", ACCESS_LOGS_ENCRYPTION)
    acknowledge_guard(bucket, "s3_bucket_logging_enabled_check", ACCESS_LOGS_LOGGING)
    acknowledge_guard(bucket, "s3_event_notifications_enabled_check", ACCESS_LOGS_NOTIFICATIONS)
    acknowledge_guard(
        bucket,
        "s3_bucket_object_lock_enabled_check",
        f"Access logs expire after {days} days by their lifecycle rule; a lock would keep them past it.",
    )
