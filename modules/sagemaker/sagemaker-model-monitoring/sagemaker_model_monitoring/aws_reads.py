"""How the module reads AWS at synth time: once, briefly, and honestly about what it could not read.

Without credentials (a synthesis on a laptop) the reads are skipped, with one line on stderr saying what
was not checked. With credentials, each read is one short attempt: an unreachable AWS is one clear error
within seconds instead of minutes of retries, and a denied read names the action and the role to grant.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

from mlops_platform.contract import ModuleError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sagemaker import SageMakerClient

MODULE = "sagemaker-model-monitoring"
# One attempt, a few seconds: a synthesis that cannot reach AWS says so at once.
ONE_SHORT_ATTEMPT = Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 1, "mode": "standard"})


class ReadError(ModuleError):
    """AWS could not be read, or answered that what a parameter names is wrong; the message says which."""


def note(text: str) -> None:
    """One line on stderr: something the synthesis could not check or chose, said once."""
    print(f"{MODULE}: note: {text}", file=sys.stderr)


def clients(region: str) -> tuple[SageMakerClient, S3Client] | None:
    """SageMaker and S3 clients for the synth-time reads, or None (with a note) when there are no credentials."""
    import boto3

    session = boto3.Session(region_name=region)
    if session.get_credentials() is None:
        note(
            "no AWS credentials: the endpoint's data capture, the served package's baselines and the baseline "
            "files were not read, so they are not checked (a Seed-Farmer deployment has credentials and checks them)"
        )
        return None
    return session.client("sagemaker", config=ONE_SHORT_ATTEMPT), session.client("s3", config=ONE_SHORT_ATTEMPT)


def is_missing(error: ClientError) -> bool:
    details = error.response.get("Error", {})
    code, message = details.get("Code", ""), details.get("Message", "")
    return code in {"ResourceNotFound", "ResourceNotFoundException", "NoSuchKey", "404", "NotFound"} or (
        # SageMaker answers a missing endpoint, configuration or model with "Could not find ...".
        code == "ValidationException"
        and any(text in message.lower() for text in ("not found", "could not find", "does not exist"))
    )


def failure(error: Exception, action: str, what: str) -> ReadError:
    """A read that failed for another reason than absence, in our words: denied (with the grant), unreachable."""
    if isinstance(error, NoCredentialsError):
        return ReadError(f"{what}: no AWS credentials to call {action}")
    if isinstance(error, EndpointConnectionError | BotoCoreError):
        return ReadError(f"{what}: AWS did not answer {action} ({error}); check the network and region, then retry")
    if isinstance(error, ClientError):
        details: dict[str, Any] = dict(error.response.get("Error", {}))
        code, message = str(details.get("Code", "Error")), str(details.get("Message", error))
        if code in {"AccessDenied", "AccessDeniedException", "403", "Forbidden"}:
            match = re.search(r"User: (\S+) is not authorized", message)
            role = match[1] if match else "the deployment role"
            return ReadError(
                f"{what}: {role} may not call {action}; grant it {action} (the module's modulestack.yaml does, "
                "once Seed-Farmer has deployed it with this module's parameters)"
            )
        return ReadError(f"{what}: {action} failed: {code}: {message}")
    return ReadError(f"{what}: {action} failed: {error}")
