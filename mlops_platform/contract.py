"""What every module shares with Seed-Farmer: how parameters arrive and how errors leave, and the checks of
the parameters every module takes alike (key administrators, log retention).

Seed-Farmer hands a module its manifest parameters as ``SEEDFARMER_PARAMETER_<UPPER_SNAKE_NAME>``
environment variables (non-strings JSON-encoded) and names the deployment in a few more; a bad input
ends `python app.py` with one line on stderr that names the parameter as a user writes it in a manifest
(kebab-case). Nothing here imports the CDK or boto3: a module validates its parameters before either.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self, get_args

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails, PydanticUndefined
from pydantic_settings import BaseSettings, SettingsConfigDict

PARAMETER_PREFIX = "SEEDFARMER_PARAMETER_"


class ModuleError(Exception):
    """A module cannot deploy as asked; the message says what is wrong and what to do. `main` ends
    `python app.py` with it in one line, no traceback."""


class ParameterError(ModuleError):
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


# pydantic's error types in our words; `{...}` names a value of the error's context. Each line then says
# what is accepted with the field's example, so no library phrase or raw pattern ever reaches a user.
MESSAGES = {
    "missing": "is required",
    "string_pattern_mismatch": "is not {description}",
    "string_type": "must be text",
    "string_too_short": "must have at least {min_length} character(s)",
    "string_too_long": "may have at most {max_length} characters",
    "literal_error": "must be one of {expected}",
    "enum": "must be one of {expected}",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "multiple_of": "must be a multiple of {multiple_of}",
    "too_short": "must list at least {min_length} item(s)",
    "too_long": "may list at most {max_length} item(s)",
    "dict_type": "must be a JSON object",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "list_type": "must be a JSON list",
    "tuple_type": "must be a JSON list",
    "extra_forbidden": "is not a key this object takes",
    "none_required": "must be left out",
}
# Our own validators' messages (ValueError) already say what is wrong in our words.
OWN_MESSAGES = {"value_error", "assertion_error"}
MENTIONS_AN_EXAMPLE = ("for example", "such as", "expected arn", "e.g.", "did you mean")


def _field(model: type[BaseModel] | None, location: tuple[int | str, ...]) -> FieldInfo | None:
    """The declaration of the (possibly nested) field an error points at, if the location names one."""
    info = None
    for part in location:
        if isinstance(part, int):
            continue
        if model is None:
            return None
        fields = model.model_fields
        info = fields.get(str(part)) or next((f for f in fields.values() if f.alias == part), None)
        if info is None:
            return None
        model = next(iter(_models(info.annotation)), None)
    return info


def _keys(model: type[BaseModel] | None, location: tuple[int | str, ...]) -> str:
    """The keys the nested object at `location` takes, as a suffix of an unknown key's error line."""
    info = _field(model, location)
    nested = next(iter(_models(info.annotation)), None) if info is not None else None
    if nested is None:
        return ""
    return "; its keys are " + ", ".join(field.alias or name for name, field in nested.model_fields.items())


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models inside a type annotation (`tuple[Model, ...] | None` -> [Model])."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for argument in get_args(annotation) for model in _models(argument)]


def example_of(info: FieldInfo | None) -> str | None:
    """The value a field shows users as an example: its first declared example, else its default."""
    if info is None:
        return None
    if info.examples:
        value = info.examples[0]
    elif info.default not in (None, PydanticUndefined, (), {}):
        value = info.default
    else:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def message(item: ErrorDetails, info: FieldInfo | None) -> str:
    """One pydantic error in our words."""
    if item["type"] in OWN_MESSAGES:
        text = item["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    else:
        context = {key: str(value) for key, value in (item.get("ctx") or {}).items()}
        description = info.description if info is not None and info.description else "in the accepted form"
        template = MESSAGES.get(item["type"], "is not accepted")
        description = description.rstrip(".")
        if description[1:2].islower():  # "VPC id" keeps its capitals, "Name of ..." reads "name of ..."
            description = description[0].lower() + description[1:]
        text = template.format_map({"description": description, **context})
    return text


def accepted(text: str, info: FieldInfo | None) -> str:
    """The "; for example ..." suffix showing the field's example, unless `text` already shows one."""
    example = example_of(info)
    if example is None or any(phrase in text.lower() for phrase in MENTIONS_AN_EXAMPLE):
        return ""
    return f"; for example {example}"


def describe(error: ValidationError, model: type[BaseModel] | None = None) -> str:
    """pydantic's errors, one line each in our words, naming the parameter in kebab-case and the value given.

    With `model` (the class validated), each line also says what is accepted, with the field's example.
    """
    lines = []
    items = error.errors()
    # A list whose entry is wrong also fails its length check (pydantic counts no valid entries): the
    # entry's error says what to fix, so an error on a location inside which another one lies is left out.
    enclosing = {item["loc"][:depth] for item in items for depth in range(1, len(item["loc"]))}
    for item in items:
        location = item["loc"]
        if location in enclosing:
            continue
        name = manifest_name(model, str(location[0])) if location else "parameters"
        path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in location[1:])
        info = _field(model, location)
        text = message(item, info)
        if item["type"] == "extra_forbidden":
            text += _keys(model, location[:-1])
        given = f" (got {json.dumps(item['input'], default=str)})" if location and item["type"] != "missing" else ""
        lines.append(f"parameter '{name}{path}': {text}{given}{accepted(text, info)}")
    return "\n".join(lines)


def manifest_name(model: type[BaseModel] | None, field: str) -> str:
    """A field's name as the module's manifests write it: the settings class's `manifest_name`, else kebab-case."""
    named = getattr(model, "manifest_name", None)
    return str(named(field)) if callable(named) else parameter_name(field)


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


# CloudWatch Logs' retention periods (AWS::Logs::LogGroup RetentionInDays) of a year or more: AWS Control
# Tower's proactive control CT.CLOUDWATCH.PR.2 refuses a shorter one, and audit logs (NIST 800-53 AU-11)
# are kept at least that long. `log-retention-days` of every module takes one of these.
LOG_RETENTION_DAYS = (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
IAM_PRINCIPAL_ARN = r"arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]{1,512}"


def check_log_retention(days: int) -> int:
    """`log-retention-days`: one of CloudWatch Logs' retention periods, of a year or more."""
    if days not in LOG_RETENTION_DAYS:
        raise ValueError(
            f"{days} is not one of CloudWatch Logs' retention periods of a year or more: "
            f"{', '.join(map(str, LOG_RETENTION_DAYS))} (AWS Control Tower's CT.CLOUDWATCH.PR.2 refuses shorter)"
        )
    return days


def check_key_administrators(arns: tuple[str, ...]) -> tuple[str, ...]:
    """`key-administrator-arns`: IAM roles or users by ARN, each once, no wildcard."""
    for arn in arns:
        if not re.fullmatch(IAM_PRINCIPAL_ARN, arn):
            raise ValueError(
                f"'{arn}' is not the ARN of an IAM role or user (no wildcards), such as "
                "arn:aws:iam::123456789012:role/KeyAdministrators"
            )
    if len(set(arns)) != len(arns):
        raise ValueError("lists an administrator more than once")
    return arns


class ModuleSettings(BaseSettings):
    """A module's parameters: subclasses declare one field per parameter, `from_env` reads and checks them."""

    model_config = SettingsConfigDict(env_prefix=PARAMETER_PREFIX, frozen=True, extra="forbid")

    # Names another module (or an old README) spelled differently, mapped to the name the module declares.
    alternative_names: ClassVar[dict[str, str]] = {}

    @classmethod
    def from_env(cls) -> Self:
        """Read and validate the parameters; raise ParameterError naming every bad or unknown one at once
        (an unknown name does not hide the errors of the others, nor of how they combine)."""
        given = given_parameters(os.environ, cls.alternative_names)
        known = {parameter_name(name) for name in cls.model_fields}
        named = {cls.manifest_name(name) for name in cls.model_fields}
        problems = [
            unknown_parameter(cls.manifest_name(name.replace("-", "_")), named, cls.alternative_names)
            for name in sorted(given)
            if name not in known
        ]
        try:
            settings = cls.model_validate(
                {name.replace("-", "_"): value for name, value in given.items() if name in known}
            )
        except ValidationError as error:
            raise ParameterError("\n".join([*problems, describe(error, cls)])) from None
        try:
            settings.check()
        except ParameterError as error:
            problems.append(str(error))
        if problems:
            raise ParameterError("\n".join(problems))
        return settings

    @classmethod
    def settings_customise_sources(cls, settings_cls: Any, init_settings: Any, *_: Any, **__: Any) -> tuple[Any, ...]:
        # from_env() reads the environment itself (to accept other spellings and name unknown parameters);
        # the class then validates exactly what it was given.
        return (init_settings,)

    @classmethod
    def manifest_name(cls, field: str) -> str:
        """How the module's manifests write the parameter of `field`, which every error line uses: kebab-case
        (`instance-type`). A module whose reference writes snake_case (`model_package_group_name`) overrides it;
        Seed-Farmer gives both spellings the same environment variable, so either is accepted."""
        return parameter_name(field)

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
    """Run `synthesize`; a bad input (a ModuleError, ParameterError among them, or one of `errors`) ends the
    process with one line."""
    handled: tuple[type[Exception], ...] = (ModuleError, *errors)
    try:
        synthesize()
    except handled as error:
        sys.exit(f"{module}: {error}")
    except RuntimeError as error:
        if "ValidationFailed" not in str(error):
            raise
        sys.exit(f"{module}: rule-pack findings (listed above) must be fixed or acknowledged")
