"""The one place resource names are made: deterministic, within SageMaker's limits, changed by content.

Monitoring job definitions cannot change in place: CloudFormation replaces one for any change, and a
replacement under the same custom name fails. Each definition is named after a short hash of an explicit
naming key (every value that defines the job), so a change creates the new definition, points the
schedule at it in place, and removes the old one. Schedules keep one name per job type.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

SAGEMAKER_NAME_LIMIT = 63


def digest(key: Any, length: int = 8) -> str:
    """A short, stable hash of a JSON-serializable naming key."""
    text = json.dumps(key, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def sagemaker_name(stack_name: str, suffix: str, limit: int = SAGEMAKER_NAME_LIMIT) -> str:
    """`<stack name>-<suffix>` in lower case (SageMaker writes names so in ARNs and events), shortened with a
    hash of the stack name when longer than `limit` (SageMaker's 63 characters)."""
    base = stack_name.lower()
    name = f"{base}-{suffix}"
    if len(name) <= limit:
        return name
    keep = limit - len(suffix) - len("-") - len("-123456")
    return f"{base[:keep].rstrip('-')}-{digest(base, 6)}-{suffix}"


def definition_name(stack_name: str, kind: str, naming_key: Any) -> str:
    return sagemaker_name(stack_name, f"{kind}-{digest(naming_key)}")


def schedule_name(stack_name: str, kind: str) -> str:
    return sagemaker_name(stack_name, kind)


# Processing job names the baselining function gives: `<prefix>-<kind>-<inputs hash>-<request>`, 63 at most.
BASELINING_SUFFIX = len("-model-quality-12345678-12345678")


def baselining_prefix(stack_name: str) -> str:
    return sagemaker_name(stack_name, "baseline", SAGEMAKER_NAME_LIMIT - BASELINING_SUFFIX)
