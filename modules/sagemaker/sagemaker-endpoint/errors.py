"""How a bad input is reported: one place turns parameter names into the kebab-case users write."""

from __future__ import annotations

import json

from pydantic import ValidationError


class ParameterError(Exception):
    """A module input is wrong; the message names the parameter as written in a manifest."""


def parameter_name(field: str) -> str:
    """The manifest (kebab-case) name of a settings field or an env variable suffix."""
    return field.lower().replace("_", "-")


def describe(error: ValidationError) -> str:
    """pydantic's errors, one line each, with the parameter in kebab-case and the value given."""
    lines = []
    for item in error.errors():
        location = item["loc"]
        name = parameter_name(str(location[0])) if location else "parameters"
        path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in location[1:])
        message = item["msg"].removeprefix("Value error, ")
        given = f" (got {json.dumps(item['input'], default=str)})" if location else ""
        lines.append(f"parameter '{name}{path}': {message}{given}")
    return "\n".join(lines)
