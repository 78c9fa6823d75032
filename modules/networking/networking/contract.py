"""What every module of this repository shares with Seed-Farmer: how parameters arrive and how errors leave.

This file is copied byte-for-byte into each module (a repository test keeps the copies identical), so
each module still stands alone as Seed-Farmer ships it. Seed-Farmer hands a module its manifest
parameters as ``SEEDFARMER_PARAMETER_<UPPER_SNAKE_NAME>`` environment variables (non-strings
JSON-encoded) and names the deployment in a few more; a bad input ends `python app.py` with one line on
stderr that names the parameter as a user writes it in a manifest (kebab-case).
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

PARAMETER_PREFIX = "SEEDFARMER_PARAMETER_"


class ParameterError(Exception):
    """A module input is wrong; the message names the parameter as written in a manifest."""


def parameter_name(field: str) -> str:
    """The manifest (kebab-case) name of a settings field or an env variable suffix."""
    return field.lower().replace("_", "-")


def given_parameters(environ: Mapping[str, str], alternatives: Mapping[str, str]) -> dict[str, str]:
    """Every SEEDFARMER_PARAMETER_* variable, by kebab-case name, other spellings (`alternatives`) renamed."""
    given = {
        parameter_name(variable[len(PARAMETER_PREFIX) :]): value
        for variable, value in environ.items()
        if variable.upper().startswith(PARAMETER_PREFIX)
    }
    for old, new in alternatives.items():
        if old in given:
            if new in given:
                raise ParameterError(f"parameter '{old}' is another spelling of '{new}'; give only one of them")
            given[new] = given.pop(old)
    return given


def unknown_parameter(name: str, known: set[str], alternatives: Mapping[str, str]) -> str:
    """The error line for a parameter no field declares, with the nearest known name when there is one."""
    nearest = difflib.get_close_matches(name, sorted(known | set(alternatives)), n=1)
    hint = f"did you mean '{nearest[0]}'?" if nearest else f"known parameters: {', '.join(sorted(known))}"
    return f"unknown parameter '{name}'; {hint}"


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


def decode_json(value: Any, accepted: str) -> Any:
    """A parameter's JSON text decoded (values given in Python pass through); `accepted` says what is expected."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ValueError(f"not valid JSON; expected {accepted}") from None
    return value


def decode_list(value: Any) -> Any:
    """A list parameter given as a JSON list or as comma-separated text."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return decode_json(text, "a JSON list of strings")
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


class ModuleSettings(BaseSettings):
    """A module's parameters: subclasses declare one field per parameter, `from_env` reads and checks them."""

    model_config = SettingsConfigDict(env_prefix=PARAMETER_PREFIX, frozen=True, extra="forbid")

    # Names another module (or an old README) spelled differently, mapped to the name the module declares.
    alternative_names: ClassVar[dict[str, str]] = {}

    @classmethod
    def from_env(cls) -> Self:
        """Read and validate the parameters; raise ParameterError naming each bad or unknown one."""
        given = given_parameters(os.environ, cls.alternative_names)
        known = {parameter_name(name) for name in cls.model_fields}
        unknown = [unknown_parameter(name, known, cls.alternative_names) for name in sorted(given) if name not in known]
        if unknown:
            raise ParameterError("\n".join(unknown))
        try:
            settings = cls.model_validate({name.replace("-", "_"): value for name, value in given.items()})
        except ValidationError as error:
            raise ParameterError(describe(error)) from None
        settings.check()
        return settings

    @classmethod
    def settings_customise_sources(cls, settings_cls: Any, init_settings: Any, *_: Any, **__: Any) -> tuple[Any, ...]:
        # from_env() reads the environment itself (to accept other spellings and name unknown parameters);
        # the class then validates exactly what it was given.
        return (init_settings,)

    def check(self) -> None:
        """How the parameters combine (each value is checked by its field): raise ParameterError naming them."""

    def given(self, *fields: str) -> list[str]:
        """Which of `fields` the manifest set explicitly."""
        return [field for field in fields if field in self.model_fields_set]


class DeploymentContext(BaseModel):
    """Who is deploying: the Seed-Farmer names and the target account and region."""

    model_config = ConfigDict(frozen=True)

    project: str
    deployment: str
    module: str
    account: str
    region: str

    @classmethod
    def from_env(cls) -> DeploymentContext:
        names = {
            "project": "SEEDFARMER_PROJECT_NAME",
            "deployment": "SEEDFARMER_DEPLOYMENT_NAME",
            "module": "SEEDFARMER_MODULE_NAME",
            "account": "CDK_DEFAULT_ACCOUNT",
            "region": "CDK_DEFAULT_REGION",
        }
        missing = [variable for variable in names.values() if not os.environ.get(variable)]
        if missing:
            raise ParameterError(
                f"environment variable(s) {', '.join(missing)} not set: Seed-Farmer sets them when it "
                "deploys the module; set them by hand to synthesize it outside Seed-Farmer"
            )
        return cls(**{field: os.environ[variable] for field, variable in names.items()})

    @property
    def stack_name(self) -> str:
        return f"{self.project}-{self.deployment}-{self.module}"


def main(module: str, synthesize: Callable[[], None], errors: tuple[type[Exception], ...] = ()) -> None:
    """Run `synthesize`; a bad input (ParameterError or one of `errors`) ends the process with one line."""
    handled: tuple[type[Exception], ...] = (ParameterError, *errors)
    try:
        synthesize()
    except handled as error:
        sys.exit(f"{module}: {error}")
    except RuntimeError as error:
        if "ValidationFailed" not in str(error):
            raise
        sys.exit(f"{module}: rule-pack findings (listed above) must be fixed or acknowledged")
