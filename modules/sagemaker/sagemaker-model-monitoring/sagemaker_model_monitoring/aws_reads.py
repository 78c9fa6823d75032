"""How the module reads AWS at synth time: with the library's short reads (mlops_platform.aws_reads: one
short retry, a denied read named with the grant it needs), and honestly about what it could not read.

Without credentials (a synthesis on a laptop) the reads are skipped, with one line on stderr saying what
was not checked. What a read finds missing is not a failure of the read: the caller says what is missing.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from mlops_platform import aws_reads

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sagemaker import SageMakerClient

MODULE = "sagemaker-model-monitoring"
MISSING = {"ResourceNotFound", "ResourceNotFoundException", "NoSuchKey", "404", "NotFound"}


def note(text: str) -> None:
    """One line on stderr: something the synthesis could not check or chose, said once."""
    print(f"{MODULE}: note: {text}", file=sys.stderr)


def clients(region: str) -> tuple[SageMakerClient, S3Client] | None:
    """SageMaker and S3 clients for the synth-time reads, or None (with a note) when there are no credentials."""
    if not aws_reads.credentials_found():
        note(
            "no AWS credentials: the endpoint's data capture, the served package's baselines and the baseline "
            "files were not read, so they are not checked (a Seed-Farmer deployment has credentials and checks them)"
        )
        return None
    return aws_reads.client("sagemaker", region), aws_reads.client("s3", region)


def is_missing(error: ClientError) -> bool:
    details = error.response.get("Error", {})
    code, message = details.get("Code", ""), details.get("Message", "")
    return code in MISSING or (
        # SageMaker answers a missing endpoint, configuration or model with "Could not find ...".
        code == "ValidationException"
        and any(text in message.lower() for text in ("not found", "could not find", "does not exist"))
    )
