"""The one place resource names are made: deterministic, within SageMaker's limits, changed by content.

SageMaker models and endpoint configurations cannot be changed in place. Naming them after a short
hash of everything that defines them means a new package (or any other change) gives new names, so
CloudFormation creates the new ones, points the endpoint at them in place, then removes the old ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from typing import Any

SAGEMAKER_NAME_LIMIT = 63


def digest(definition: Any, length: int = 8) -> str:
    """A short, stable hash of a JSON-serializable definition."""
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def canonical(value: Any) -> Any:
    """A spec as the JSON its digest hashes: every field by name, recursively.

    A field declared without a default always enters; a field declared with one (every field added to a
    spec later) enters only when it differs from that default, so existing names keep their hash and a
    new property changes the name as soon as it is used.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        entries = {}
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if field.default is not dataclasses.MISSING and item == field.default:
                continue
            if field.default_factory is not dataclasses.MISSING and item == field.default_factory():
                continue
            entries[field.name] = canonical(item)
        return entries
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    return value


def spec_digest(spec: Any) -> str:
    """The short hash of everything a spec holds (see `canonical`): what names the resource it defines."""
    return digest(canonical(spec))


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
