"""Acknowledgements of rule-pack findings: each on the one resource it concerns, with the reviewer's answer.

cdk-nag runs AwsSolutions, NIST 800-53 rev 5 and HIPAA Security on every synthesis; a finding that is
neither fixed nor acknowledged here stops it. docs/security.md lists every acknowledgement.
"""

from __future__ import annotations

from mlops_platform.compliance import GUARD, PACKS, acknowledge, acknowledge_guard

__all__ = ["GUARD", "PACKS", "acknowledge", "acknowledge_guard"]  # the module's files acknowledge through here


def alarm_without_action(owners: list[str]) -> str:
    """Why an alarm without actions acts all the same: the rollback configurations (`owners`, the resources
    whose AutoRollbackConfiguration names it, as read from them) roll a deployment back when it fires."""
    return (
        f"SageMaker rolls a deployment back when this alarm fires: the AutoRollbackConfiguration of "
        f"{' and '.join(owners)} names it. It notifies too once alarm-topic-arn or notifications is set."
    )


FUNCTION_CONCURRENCY = (
    "Reserving concurrency fails in accounts at the default quota of 10 concurrent executions. The refresh "
    "function handles one message group (this endpoint) at a time by design, and the invoke function is bounded "
    "by the endpoint's own capacity."
)
FUNCTION_DEAD_LETTERS = (
    "The function is invoked synchronously (by its SQS event source, or by the caller), so a function "
    "dead-letter queue would never receive anything; the refresh queue has its own dead-letter queue and alarm."
)
FUNCTION_OUTSIDE_VPC = (
    "A serverless endpoint runs outside any VPC (SageMaker supports no VPC configuration for it), so the module "
    "has no subnets to place the function in; it reaches SageMaker and AWS APIs over TLS with IAM-signed requests."
)
IDEMPOTENCY_BACKUP = (
    "The table holds only idempotency records that expire after 24 hours; there is nothing to restore from a "
    "backup plan. Point-in-time recovery is on."
)
DEAD_LETTER_QUEUE_HAS_NO_DEAD_LETTERS = (
    "This queue is the refresh queue's dead-letter queue: what lands here is kept 14 days (and raises an "
    "alarm when the module notifies a topic); "
    "a dead-letter queue of its own would only move the messages again."
)
