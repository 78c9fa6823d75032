"""What each kind of value must look like, and how to take it apart: S3 locations, ARNs, names.

Each check returns the value (normalized where AWS would otherwise fail on a harmless spelling), or raises
ValueError saying what was wrong and what is accepted. The helpers that take a checked value apart
(S3Location.parse, bucket_of, key_arn) are the only place this module parses one.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

BUCKET_NAME = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
S3_URI = rf"^s3://({BUCKET_NAME})(/.*)?$"
SAGEMAKER_NAME = r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"
# The API shape SageMaker checks a monitoring job's (and a processing job's) instance type against.
PROCESSING_INSTANCE_TYPES = "ProcessingInstanceType"
SUBNET_ID = r"^subnet-([0-9a-f]{8}|[0-9a-f]{17})$"
SECURITY_GROUP_ID = r"^sg-([0-9a-f]{8}|[0-9a-f]{17})$"
IAM_POLICY_NAME = r"^[\w+=,.@-]{1,128}$"
BUCKET_ARN = rf"^arn:aws[a-z-]*:s3:::({BUCKET_NAME})$"
MODEL_PACKAGE_ARN = r"^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}/\d+$"
TOPIC_ARN = r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$"
KEY_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
KEY_ARN = r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
# A MIME type as SageMaker's CaptureContentTypeHeader accepts one.
CONTENT_TYPE = r"^[a-zA-Z0-9](-*[a-zA-Z0-9])*/[a-zA-Z0-9](-*[a-zA-Z0-9.])*$"


@dataclass(frozen=True)
class S3Location:
    """An S3 prefix or object: `s3://bucket/key`, the key without a leading or trailing slash."""

    bucket: str
    key: str

    @classmethod
    def parse(cls, uri: str) -> S3Location:
        match = re.fullmatch(S3_URI, uri)
        if match is None:
            raise ValueError(f"'{uri}' is not an S3 URI such as s3://my-bucket/monitoring/output")
        return cls(bucket=match[1], key=(match[2] or "").strip("/"))

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}" if self.key else f"s3://{self.bucket}"

    def child(self, name: str) -> S3Location:
        return S3Location(self.bucket, f"{self.key}/{name}" if self.key else name)

    def within(self, other: S3Location) -> bool:
        """Whether this location is `other` or lies under it (prefixes compared by whole path segments)."""
        return self.bucket == other.bucket and (
            not other.key or self.key == other.key or self.key.startswith(other.key + "/")
        )


def check_s3_prefix(value: str) -> str:
    """An S3 URI with a key prefix, written without the trailing slash AWS would double.

    `s3://bucket/baselines/` and `s3://bucket/baselines` name the same prefix; the reference module appended
    `/constraints.json` to the first, and S3 has no object at `baselines//constraints.json`.
    """
    location = S3Location.parse(value)
    if "//" in location.key:
        raise ValueError(f"'{value}' has an empty path segment (//), which S3 keeps as part of the key")
    if not location.key:
        raise ValueError(
            f"'{value}' names a whole bucket; give a prefix in it, such as s3://{location.bucket}/monitoring"
        )
    return location.uri


def outside_bucket(name: str, uri: str, bucket: str) -> str:
    return (
        f"parameter '{name}': {uri} is outside model-bucket-arn's bucket {bucket}, the only bucket the monitoring "
        "jobs' role may read and write; move it into that bucket or point model-bucket-arn at its bucket"
    )


def check_bucket_arn(value: str) -> str:
    if not re.fullmatch(BUCKET_ARN, value):
        raise ValueError("is not an S3 bucket ARN such as arn:aws:s3:::my-model-artifacts")
    return value


def bucket_of(bucket_arn: str) -> str:
    """`arn:aws:s3:::my-bucket` -> `my-bucket`."""
    return bucket_arn.split(":::", 1)[1]


def check_key(value: str) -> str:
    """A KMS key given as its id or its ARN (aliases name a key only until they are moved, so not those)."""
    if not (re.fullmatch(KEY_ID, value) or re.fullmatch(KEY_ARN, value)):
        raise ValueError(
            "is not a KMS key id or key ARN such as 0123abcd-0123-4567-89ab-0123456789ab or "
            "arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab"
        )
    return value


def key_arn(value: str, *, partition: str, region: str, account: str) -> str:
    """A key id or ARN as the ARN IAM policies name (a bare id is a key of this account and region)."""
    return value if value.startswith("arn:") else f"arn:{partition}:kms:{region}:{account}:key/{value}"


# What AWS accepts as a tag value: up to 256 Unicode letters, digits and spaces, and these symbols.
TAG_VALUE_SYMBOLS = "_.:/=+-@"


def check_tag_value(value: str) -> str:
    """`value` if AWS accepts it as a tag value; otherwise a ValueError saying why."""
    if len(value) > 256:
        raise ValueError("is longer than the 256 characters an AWS tag value may have")
    refused = sorted({ch for ch in value if unicodedata.category(ch)[0] not in "LNZ" and ch not in TAG_VALUE_SYMBOLS})
    if refused:
        raise ValueError(
            f"contains {''.join(refused)!r}, which AWS tag values do not allow "
            f"(letters, digits, spaces and {' '.join(TAG_VALUE_SYMBOLS)} only)"
        )
    return value


@functools.cache
def processing_instance_types() -> tuple[str, ...]:
    """The instance types SageMaker's API model lists for processing (monitoring runs are processing jobs),
    from the botocore this module pins (requirements.txt); read only when a value is checked."""
    from botocore.loaders import create_loader

    model = create_loader().load_service_model("sagemaker", "service-2")
    enum: list[str] = model["shapes"][PROCESSING_INSTANCE_TYPES]["enum"]
    return tuple(enum)


def check_instance_type(value: str) -> str:
    """`value` if SageMaker accepts it for a monitoring or processing job; otherwise a ValueError naming the
    nearest type (a typo would otherwise fail only when CloudFormation creates the job definition)."""
    known = processing_instance_types()
    if value in known:
        return value
    from importlib import metadata

    source = f"{PROCESSING_INSTANCE_TYPES} in botocore {metadata.version('botocore')}, the SDK this module pins"
    nearest = difflib.get_close_matches(value, known, n=1, cutoff=0.8)
    hint = f"; did you mean {nearest[0]}?" if nearest else "; a newer type needs a newer pin"
    raise ValueError(f"is not an instance type SageMaker monitoring jobs run on ({source}){hint}")
