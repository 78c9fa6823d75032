"""The one place resource names are made: deterministic, within SageMaker's limits, changed by content.

SageMaker models and endpoint configurations cannot be changed in place. Naming them after a short hash of
everything that defines them means a new package (or any other change) gives new names, so CloudFormation
creates the new ones, points the endpoint at them in place, then removes the old ones.

What is hashed is a naming key each feature writes out key by key (model_source/plan.py, endpoint/plan.py):
its keys and values are what deployed resources were named by, so renaming or reordering a field of a spec
never renames a deployed resource, and a key added later enters only when it is used.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

SAGEMAKER_NAME_LIMIT = 63


def digest(definition: Any, length: int = 8) -> str:
    """A short, stable hash of a JSON-serializable definition."""
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def key_digest(naming_key: Mapping[str, Any]) -> str:
    """The short hash of a naming key: what names the resource it defines."""
    return digest(dict(naming_key))


def sagemaker_name(base: str, *, suffix: str = "", limit: int = SAGEMAKER_NAME_LIMIT) -> str:
    """`base` (cleaned to letters, digits and hyphens) plus `-suffix`, shortened to fit `limit`.

    A base that had to be shortened gets a hash of the whole base, so two long names never collide.
    """
    clean = re.sub(r"-+", "-", re.sub(r"[^a-zA-Z0-9-]", "-", base)).strip("-")
    tail = f"-{suffix}" if suffix else ""
    if len(clean) + len(tail) <= limit:
        return clean + tail
    tail = f"-{digest(base, 6)}{tail}"
    return clean[: limit - len(tail)].rstrip("-") + tail


def pascal(name: str) -> str:
    """`blue-v2` -> `BlueV2`: construct IDs made from user-given names."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^a-zA-Z0-9]+", name) if part)
