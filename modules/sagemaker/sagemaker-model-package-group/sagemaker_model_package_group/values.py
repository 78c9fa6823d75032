"""What each kind of value this module takes must look like: account ids, ARNs, names, S3 prefixes, tag values.

Each check returns the value (normalized where said), or raises ValueError saying what was wrong and what is
accepted, in the words the settings' error lines use.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, NamedTuple

ACCOUNT_ID = re.compile(r"\d{12}")
SAGEMAKER_NAME = r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"
IAM_POLICY_NAME = r"^[\w+=,.@-]{1,128}$"
# Amazon ECR repository names: lower-case path segments (the CreateRepository pattern), 2 to 256 characters.
ECR_REPOSITORY = r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*"
# S3 key characters AWS calls safe, without `*` and `?`, which a policy's Resource would read as wildcards.
S3_PREFIX = r"[A-Za-z0-9!_.'()/-]+"
# What AWS accepts as a tag value: up to 256 letters, digits, spaces and these symbols.
TAG_VALUE_SYMBOLS = "_.:/=+-@"


class Arn(NamedTuple):
    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(value: str, example: str) -> Arn:
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1].startswith("aws"):
        raise ValueError(f"not an ARN; expected one such as {example}")
    return Arn(*parts[1:])


def account_id(value: Any) -> str:
    """A 12-digit AWS account id. A number is taken only when it has 12 digits: YAML reads an unquoted id as
    a number, and one with leading zeros has lost them."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a 12-digit AWS account id")
    if isinstance(value, int):
        if len(str(value)) != 12:
            raise ValueError(
                f"{value} is not a 12-digit AWS account id (quote account ids in YAML: a number loses leading zeros)"
            )
        return str(value)
    if not isinstance(value, str) or not ACCOUNT_ID.fullmatch(value):
        raise ValueError(f"{value!r} is not a 12-digit AWS account id such as 111122223333")
    return value


def event_bus_arn(value: str) -> str:
    example = "arn:aws:events:us-east-1:111122223333:event-bus/default"
    arn = parse_arn(value, example)
    if arn.service != "events" or not arn.resource.startswith("event-bus/"):
        raise ValueError(f"is not an EventBridge event bus ARN; expected one such as {example}")
    if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", arn.region):
        raise ValueError(f"names no AWS region ('{arn.region}'); expected one such as {example}")
    if not ACCOUNT_ID.fullmatch(arn.account):
        raise ValueError(f"names no 12-digit account ('{arn.account}'); expected one such as {example}")
    if not re.fullmatch(r"[\w.\-/]{1,256}", arn.resource.removeprefix("event-bus/")):
        raise ValueError(f"names no valid event bus; expected one such as {example}")
    return value


def bucket_arn(value: str) -> str:
    example = "arn:aws:s3:::my-model-artifacts"
    arn = parse_arn(value, example)
    if arn.service != "s3" or arn.region or arn.account or "/" in arn.resource:
        raise ValueError(f"is not an S3 bucket ARN (a bucket, not an object or an access point); expected {example}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", arn.resource):
        raise ValueError(f"'{arn.resource}' is not a valid bucket name; expected one such as {example}")
    return value


def kms_key_arn(value: str) -> str:
    example = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    arn = parse_arn(value, example)
    if arn.service != "kms" or not arn.resource.startswith("key/"):
        raise ValueError(f"is not a KMS key ARN (a key, not an alias); expected one such as {example}")
    if not ACCOUNT_ID.fullmatch(arn.account):
        raise ValueError(f"names no 12-digit account; expected one such as {example}")
    return value


def ecr_repository_arn(value: str) -> str:
    example = "arn:aws:ecr:us-east-1:111122223333:repository/fraud-detector"
    arn = parse_arn(value, example)
    if arn.service != "ecr" or not arn.resource.startswith("repository/"):
        raise ValueError(f"is not an ECR repository ARN; expected one such as {example}")
    ecr_repository_name(arn.resource.removeprefix("repository/"))
    return value


def ecr_repository_name(value: str) -> str:
    if not 2 <= len(value) <= 256 or not re.fullmatch(ECR_REPOSITORY, value):
        raise ValueError(
            f"'{value}' is not an ECR repository name (2 to 256 lower-case letters, digits and . _ - "
            "between letters or digits, in path segments separated by /)"
        )
    return value


def s3_prefix(value: str) -> str:
    """A key prefix, given with or without its trailing `/`, returned with it."""
    text = value.strip("/")
    if not text or not re.fullmatch(S3_PREFIX, text) or "//" in text:
        raise ValueError(
            "is not an S3 key prefix such as models/fraud-detector/ (letters, digits and ! _ . ' ( ) - "
            "in segments separated by /; no * or ?, which a policy would read as wildcards)"
        )
    return text + "/"


def tag_value(value: str) -> str:
    if len(value) > 256:
        raise ValueError("is longer than the 256 characters an AWS tag value may have")
    refused = sorted({ch for ch in value if unicodedata.category(ch)[0] not in "LNZ" and ch not in TAG_VALUE_SYMBOLS})
    if refused:
        raise ValueError(
            f"contains {''.join(refused)!r}, which AWS tag values do not allow "
            f"(letters, digits, spaces and {' '.join(TAG_VALUE_SYMBOLS)} only)"
        )
    return value
