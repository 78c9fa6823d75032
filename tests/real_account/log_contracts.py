"""CloudWatch Logs using the key each encrypted log group names (part of the one table that tests/
real_account/contracts.py assembles).

CloudWatch Logs calls KMS for a log group with the encryption context `aws:logs:arn` naming the group
(CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS Key Management Service"): the
key policy must let it, for that group and no other.
"""

from __future__ import annotations

from collections.abc import Iterator

from tests.real_account.cfn import Template
from tests.real_account.contract_parts import Contract, Request, changed

ENCRYPTION_CONTEXT = "kms:EncryptionContext:aws:logs:arn"


def encrypted_log_groups(template: Template) -> Iterator[Contract]:
    """CloudWatch Logs writing and reading each encrypted log group of the template with its key."""
    region, account = template.region, template.account
    for logical, group in template.of_type("AWS::Logs::LogGroup"):
        key = group["Properties"].get("KmsKeyId")
        if not key:
            continue
        name = template.physical_name(logical)
        arn = f"arn:aws:logs:{region}:{account}:log-group:{name}"
        elsewhere = f"arn:aws:logs:{region}:{account}:log-group:/another/log-group"
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            call = Request(f"logs.{region}.amazonaws.com", action, str(key), {ENCRYPTION_CONTEXT: arn})
            yield Contract(
                "CloudWatch Logs",
                f"{action} for the log group {name}",
                call,
                changed(call, context={ENCRYPTION_CONTEXT: elsewhere}),
            )
