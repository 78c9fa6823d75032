"""An encrypted log group with a fixed name, kept except after a failed create, found by the kept-log-group check."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from constructs import Construct

from mlops_platform.key import ModuleKey

LOG_RETENTION = logs.RetentionDays.ONE_YEAR


def log_group_arn(stack: cdk.Stack, name: str) -> str:
    """The ARN of the log group `name` in `stack`'s account and region (no `:*` suffix)."""
    return stack.format_arn(
        service="logs", resource="log-group", resource_name=name, arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME
    )


class EncryptedLogGroup(logs.LogGroup):
    """A log group named `name`, encrypted with `key`, which CloudWatch Logs may use for this group only
    (key policy statement `sid`).

    Audit data outlives its stack: the group is kept on delete and when an update stops creating it, but not
    when its first create rolls back (its fixed name would block the retry). The next deploy that would create
    it again is refused first, naming it (mlops_platform.retained finds it in the template). Create the group
    before its writer does, so it gets a retention and the key.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        key: ModuleKey,
        sid: str,
        retention: logs.RetentionDays = LOG_RETENTION,
    ) -> None:
        arn = log_group_arn(cdk.Stack.of(scope), name)
        key.allow_log_group(arn, sid=sid)
        super().__init__(
            scope,
            id,
            log_group_name=name,
            encryption_key=key,
            retention=retention,
            removal_policy=cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
        )
        # The ARN IAM statements name the group by (the CDK's log_group_arn ends in `:*`).
        self.arn_without_suffix = arn
