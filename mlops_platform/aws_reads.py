"""A module's reads of AWS at synth time: how their clients are made and how a failed read is told.

Seed-Farmer runs `python app.py` with the module's deployment role, which the module's modulestack.yaml
grants these reads. Each read is one short attempt (a five-second connect timeout, one retry), so a machine with
credentials and no route to AWS gets one clear error within seconds instead of half a minute of retries.
A denied read is one error naming the action, the caller and what to grant; a read that finds nothing
(the endpoint's first deploy) is not an error. Without credentials nothing can deploy, and synthesis
skips the reads it can do without, with a one-line note (the module's synthesis).
"""

from __future__ import annotations

import re
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from mlops_platform.contract import ModuleError

# One retry in botocore's standard mode (max_attempts counts the retries): throttling and a dropped
# connection are retried once, an unreachable endpoint fails in seconds.
SHORT_READS = Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 1, "mode": "standard"})
DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}


class AwsReadError(ModuleError):
    """A read the module makes before deploying was denied, failed, or could not reach AWS; the message
    says which read, why the module makes it, and what to do."""


def credentials_found() -> bool:
    """Whether boto3 finds credentials (environment, profile, container or instance role)."""
    import boto3

    return boto3.Session().get_credentials() is not None


def client(service: str, region: str) -> Any:
    """A boto3 client for `service` in `region` that gives up after one short retry."""
    import boto3

    return boto3.client(service, region_name=region, config=SHORT_READS)  # type: ignore[call-overload]


def is_denied(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code", "") in DENIED


def caller(error: ClientError) -> str:
    """Who was denied: AWS names the caller ("User: <arn> is not authorized to perform: ...")."""
    match = re.search(r"User: (\S+) is not authorized", error.response.get("Error", {}).get("Message", ""))
    return match[1] if match else "the deployment role"


def read_error(error: ClientError | BotoCoreError, action: str, resource: str, purpose: str) -> AwsReadError:
    """The one error for a failed read of `action` on `resource`, which the module makes `purpose`."""
    if isinstance(error, ClientError) and is_denied(error):
        return AwsReadError(
            f"{caller(error)} may not call {action} on {resource}; the module reads it {purpose}. Grant it "
            f"{action} on {resource} (the module's modulestack.yaml does, once Seed-Farmer has deployed it)"
        )
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return AwsReadError(
            f"{action} on {resource} failed ({purpose}): {details.get('Code', 'Error')}: {details.get('Message', '')}"
        )
    if isinstance(error, NoCredentialsError):
        return AwsReadError(f"{action} on {resource} needs AWS credentials ({purpose}), and none were found")
    return AwsReadError(
        f"cannot reach AWS to call {action} on {resource} ({purpose}): {error}; check the network route to "
        "AWS (or AWS_ENDPOINT_URL), then run again"
    )
