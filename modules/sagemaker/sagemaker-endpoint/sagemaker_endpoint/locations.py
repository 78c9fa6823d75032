"""Where things live, as values the plan hands to the constructs: S3 locations, image repositories, partitions.

The plan turns each URL or URI a parameter or a model package gives into one of these once; the constructs
only format ARNs from them (with the stack's partition), so nothing after the plan parses a value again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class S3Location:
    """An S3 object, or an S3 prefix when its key ends in `/` (an uncompressed model, say)."""

    bucket: str
    key: str

    @classmethod
    def parse(cls, url: str) -> S3Location:
        """`s3://bucket/key` -> S3Location("bucket", "key")."""
        bucket, _, key = url.removeprefix("s3://").partition("/")
        return cls(bucket, key)

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    @property
    def is_prefix(self) -> bool:
        return self.key.endswith("/") or not self.key

    def bucket_arn(self, partition: str) -> str:
        return f"arn:{partition}:s3:::{self.bucket}"

    def object_arn(self, partition: str) -> str:
        """The object's ARN; for a prefix, the objects under it (`<prefix>*`)."""
        return f"arn:{partition}:s3:::{self.bucket}/{self.key}" + ("*" if self.is_prefix else "")

    def under(self, partition: str) -> tuple[str, str]:
        """The objects under this location taken as a folder (`<key>/*`, or `*` at the bucket's root), and the
        listing prefix that names them: what a role may read or write below an S3 URI."""
        prefix = self.key.strip("/")
        objects = (
            f"arn:{partition}:s3:::{self.bucket}/{prefix}/*" if prefix else f"arn:{partition}:s3:::{self.bucket}/*"
        )
        return objects, f"{prefix}/*" if prefix else "*"


def bucket_name(bucket_arn: str) -> str:
    """`arn:aws:s3:::my-bucket` -> `my-bucket`."""
    return bucket_arn.split(":::", 1)[1]


@dataclass(frozen=True)
class Repository:
    """The Amazon ECR repository an image is pulled from."""

    account: str
    region: str
    name: str

    @classmethod
    def of_image(cls, image: str) -> Repository | None:
        """`<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]` -> its repository; None for another
        registry's image."""
        match = re.fullmatch(
            r"(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/([^:@]+)(?:[:@].*)?", image
        )
        if match is None:
            return None
        account, region, name = match.groups()
        return cls(account, region, name)

    def arn(self, partition: str = "aws") -> str:
        return f"arn:{partition}:ecr:{self.region}:{self.account}:repository/{self.name}"


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"
