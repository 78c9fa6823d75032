"""The module key: a customer-managed KMS key whose every service grant is scoped to its source.

`ModuleKey(scope, "EncryptionKey", description=..., alias=...)` is a `kms.Key` with rotation on, kept on
delete but not after a failed create (RetainExceptOnCreate), and a key policy that, beside the CDK's
statement for the account root, denies grants for anything but AWS resources (AWS Control Tower
CT.KMS.PR.3) and names key administrators when given. Services get the key through the methods below,
each in the form the service documents, never through an unconditioned service principal.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

# Using a key to encrypt and decrypt: what a role needs, named one by one.
KEY_USE_ACTIONS = [
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
]
# What CloudWatch Logs may do with a log group's key under a kms:EncryptionContext:aws:logs:arn condition:
# the key-use actions whose requests carry that key (the Service Authorization Reference: DescribeKey
# carries none, so the condition would deny it anyway).
LOGS_KEY_ACTIONS = [action for action in KEY_USE_ACTIONS if action != "kms:DescribeKey"]
# What a service needs to write to a queue or topic encrypted with the key.
SEND_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"]
# Administering the key without using it: the actions of AWS's default key policy for key administrators,
# named one by one (no wildcards), creating grants left out (that is using the key).
KEY_ADMINISTRATION_ACTIONS = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
]


class ModuleKey(kms.Key):
    """The customer-managed key a module encrypts its storage, logs, queues and topics with.

    `administrators`: IAM principal ARNs (roles of the platform team) that may administer the key beside
    the account root; a module passes its manifest parameter as it is.
    """

    def __init__(
        self, scope: Construct, id: str, *, description: str, alias: str, administrators: Sequence[str] = ()
    ) -> None:
        super().__init__(
            scope,
            id,
            description=description,
            enable_key_rotation=True,
            alias=alias,
            # Kept on delete, but not when the first create rolls back (a retry would find its alias in the way).
            removal_policy=cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
        )
        # AWS Control Tower CT.KMS.PR.3: grants of this key may be created only for AWS resources or by
        # AWS services, whatever an identity policy allows.
        self.add_to_resource_policy(
            iam.PolicyStatement(
                sid="GrantsOnlyForAwsResources",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["kms:CreateGrant"],
                resources=["*"],
                conditions={
                    "BoolIfExists": {"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"}
                },
            )
        )
        if administrators:
            self.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="KeyAdministrators",
                    principals=[iam.ArnPrincipal(arn) for arn in administrators],
                    actions=KEY_ADMINISTRATION_ACTIONS,
                    resources=["*"],
                )
            )

    def allow_log_group(self, arn: str, *, sid: str) -> None:
        """Let CloudWatch Logs use the key for the log group `arn` only (its encryption context)."""
        self.add_to_resource_policy(
            iam.PolicyStatement(
                sid=sid,
                principals=[iam.ServicePrincipal(f"logs.{cdk.Stack.of(self).region}.amazonaws.com")],
                actions=LOGS_KEY_ACTIONS,
                resources=["*"],
                conditions={"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": arn}},
            )
        )

    def allow_service_sends(self, service: str, *, sid: str, source_arns: Sequence[str] = ()) -> None:
        """Let an AWS service (`events.amazonaws.com`, `cloudwatch.amazonaws.com`, ...) write to queues and
        topics encrypted with the key: for this account's resources, and for `source_arns` only when given."""
        conditions: dict[str, dict[str, object]] = {"StringEquals": {"aws:SourceAccount": cdk.Stack.of(self).account}}
        if source_arns:
            conditions["ArnEquals"] = {"aws:SourceArn": list(source_arns)}
        self.add_to_resource_policy(
            iam.PolicyStatement(
                sid=sid,
                principals=[iam.ServicePrincipal(service)],
                actions=SEND_ACTIONS,
                resources=["*"],
                conditions=conditions,
            )
        )

    def allow_eventbridge_to_topics(self, *, sid: str = "EventBridgePublishesToEncryptedTopics") -> None:
        """Let EventBridge rules publish to this account's topics in this region encrypted with the key.

        The Amazon SNS Developer Guide (Key management, "Enable compatibility between event sources from AWS
        services and encrypted topics") says aws:SourceAccount, aws:SourceArn and aws:SourceOrgID in a KMS
        key policy are not supported for EventBridge-to-encrypted topics: the statement is scoped instead by
        the encryption context SNS binds the data key to (kms:EncryptionContext:aws:sns:topicArn). It names the
        account and region rather than the topic, whose ARN would make the key depend on the topic that
        depends on the key; the topic's own policy names the rules that may publish (topic.allow_rules).
        """
        self._allow_eventbridge(sid, "kms:EncryptionContext:aws:sns:topicArn", "sns")

    def allow_eventbridge_to_queues(self, *, sid: str = "EventBridgeSendsToEncryptedQueues") -> None:
        """Let EventBridge rules send to this account's queues in this region encrypted with the key, scoped by
        the encryption context SQS binds the data key to (kms:EncryptionContext:aws:sqs:arn), for the reasons
        `allow_eventbridge_to_topics` gives; the queue's own policy names the rules (queue.allow_rules)."""
        self._allow_eventbridge(sid, "kms:EncryptionContext:aws:sqs:arn", "sqs")

    def _allow_eventbridge(self, sid: str, context_key: str, service: str) -> None:
        stack = cdk.Stack.of(self)
        self.add_to_resource_policy(
            iam.PolicyStatement(
                sid=sid,
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=SEND_ACTIONS,
                resources=["*"],
                conditions={
                    "ArnLike": {context_key: f"arn:{stack.partition}:{service}:{stack.region}:{stack.account}:*"}
                },
            )
        )
