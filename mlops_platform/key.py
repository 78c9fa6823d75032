"""The module key: what may be done with a customer-managed KMS key, named action by action (no wildcards)."""

from __future__ import annotations

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
