"""The reviewer's answers to the rule-pack findings the module acknowledges (mlops_platform.compliance
attaches each to the one resource it concerns); docs/security.md lists every acknowledgement."""

from __future__ import annotations

FUNCTION_CONCURRENCY = (
    "Reserving concurrency fails in accounts at the default quota of 10 concurrent executions; CloudFormation "
    "invokes this function once per custom resource event of this stack."
)
DEAD_LETTERS_OF_A_FUNCTION = (
    "This queue is the function's dead-letter queue: an event the function could not handle is kept here 14 days; "
    "a dead-letter queue of its own would only move it again."
)
ACCESS_LOGS_ENCRYPTION = (
    "S3 server access logging delivers only to a bucket encrypted with S3-managed keys (SSE-S3), not SSE-KMS; "
    "the logs hold request metadata, not the studio bucket's data, which the module key encrypts."
)
ACCESS_LOGS_OF_ACCESS_LOGS = (
    "This bucket receives the studio bucket's server access logs; logging its own access would log the logging."
)
NO_REPLICATION = (
    "The studio bucket holds working data of one Studio domain, versioned and kept on delete; replication to a "
    "second region is a data-residency choice of the deployment, not of this module."
)
NO_OBJECT_LOCK = (
    "Object Lock keeps object versions from deletion for a retention period; Studio's working data and its access "
    "logs are deleted by their owners and by the lifecycle rules. Versioning keeps a replaced version 90 days."
)
