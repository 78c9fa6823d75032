"""How the module reads the account at synth time (kept.py, existing.py): short clients, errors in our words.

Seed-Farmer synthesizes with the module's deployment role; modulestack.yaml grants it these reads. Without
credentials (a synthesis by hand, a test) nothing can deploy either: the reads are skipped with a note.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

MODULE = "sagemaker-model-package-group"
# One retry, short timeouts: a synthesis with no route to AWS says so in seconds, not after minutes of retries.
CONFIG = Config(connect_timeout=5, read_timeout=15, retries={"total_max_attempts": 2, "mode": "standard"})


def client(service: str, region: str) -> Any:
    import boto3

    return boto3.client(service, region_name=region, config=CONFIG)  # type: ignore[call-overload]


def code_of(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def is_denied(error: ClientError) -> bool:
    return code_of(error) in {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}


def denied_reason(error: ClientError, action: str, why: str) -> str:
    """The line for a read the deployment role may not make: who, which action, why, and what grants it."""
    message = str(error.response.get("Error", {}).get("Message", ""))
    # AWS names the caller in its message: "User: <arn> is not authorized to perform: <action> ...".
    match = re.search(r"User: (\S+) is not authorized", message)
    role = match[1] if match else "the deployment role"
    return (
        f"{role} may not call {action}, which {why}; grant it {action} (the module's modulestack.yaml does, once "
        "Seed-Farmer has deployed it with this module's parameters)"
    )


def note(text: str) -> None:
    print(f"{MODULE}: note: {text}", file=sys.stderr)
