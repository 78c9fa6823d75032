"""Every input of the SageMaker endpoint module, read once from Seed-Farmer's environment and validated.

Seed-Farmer hands a module its manifest parameters as ``SEEDFARMER_PARAMETER_<UPPER_SNAKE_NAME>``
environment variables (non-strings JSON-encoded). All validation happens here, before any construct
is built, and every error names the parameter as a user writes it in a manifest (kebab-case).
"""

from __future__ import annotations

import difflib
import json
import os
import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PARAMETER_PREFIX = "SEEDFARMER_PARAMETER_"

# Names the reference module's README spelled differently; a manifest written for it works unchanged.
ALTERNATIVE_NAMES = {"data-capture-samping-percentage": "data-capture-sampling-percentage"}

SAGEMAKER_NAME = r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"
INSTANCE_TYPE = r"^ml\.[a-z0-9]+\.[a-z0-9]+$"
VPC_ID = r"^vpc-([0-9a-f]{8}|[0-9a-f]{17})$"
SUBNET_ID = r"^subnet-([0-9a-f]{8}|[0-9a-f]{17})$"
DOMAIN_ID = r"^d-[a-z0-9]{12}$"
IAM_POLICY_NAME = r"^[\w+=,.@-]{1,128}$"


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


class Arn(BaseModel):
    """The parts of an ARN that say which service and which kind of resource it names."""

    partition: str
    service: str
    region: str
    account: str
    resource_type: str
    resource: str

    @classmethod
    def parse(cls, value: str) -> Arn:
        parts = value.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn" or not parts[1].startswith("aws"):
            raise ValueError("not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)")
        resource_type, _, resource = parts[5].partition("/")
        return cls(
            partition=parts[1],
            service=parts[2],
            region=parts[3],
            account=parts[4],
            resource_type=resource_type,
            resource=resource,
        )


def check_arn(value: str, *, service: str, resource_type: str, example: str, resource_pattern: str) -> str:
    """`value` if it is an ARN of `service` naming a `resource_type`; otherwise a ValueError saying why."""
    accepted = f"expected {example}"
    try:
        arn = Arn.parse(value)
    except ValueError as error:
        raise ValueError(f"{error}; {accepted}") from None
    if arn.service != service:
        raise ValueError(f"is an ARN of service '{arn.service}', not '{service}'; {accepted}")
    kind = arn.resource_type if arn.resource else "(none)"
    if service == "s3":
        if arn.region or arn.account or arn.resource:
            raise ValueError(f"names an object or a qualified bucket, not a bucket; {accepted}")
    elif kind != resource_type:
        raise ValueError(f"names a '{kind}', not a '{resource_type}'; {accepted}")
    elif not re.fullmatch(r"\d{12}", arn.account):
        raise ValueError(f"has no 12-digit account id; {accepted}")
    name = arn.resource_type if service == "s3" else arn.resource
    if not re.fullmatch(resource_pattern, name):
        raise ValueError(f"'{name}' is not a valid {resource_type} name; {accepted}")
    return value


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


class EndpointSettings(BaseSettings):
    """The endpoint module's parameters, with the defaults a manifest may leave out."""

    model_config = SettingsConfigDict(env_prefix=PARAMETER_PREFIX, frozen=True, extra="forbid")

    # Where the endpoint runs.
    vpc_id: str = Field(pattern=VPC_ID, description="VPC of the endpoint's network interfaces.")
    subnet_ids: Annotated[tuple[str, ...], NoDecode] = Field(
        min_length=1, max_length=16, description="Subnets of the endpoint's network interfaces."
    )
    # What it serves: exactly one model source.
    model_package_arn: str | None = Field(None, description="A fixed model package version.")
    model_package_group_name: str | None = Field(
        None, pattern=SAGEMAKER_NAME, description="Serve the newest approved package of this group."
    )
    # SageMaker project and domain, for tags and resource isolation.
    sagemaker_project_id: str | None = Field(None, pattern=r"^p-[a-z0-9]{12}$")
    sagemaker_project_name: str | None = Field(None, pattern=r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$")
    sagemaker_domain_id: str | None = Field(None, pattern=DOMAIN_ID)
    sagemaker_domain_arn: str | None = None
    # Identity, isolation and access.
    model_execution_role_arn: str | None = None
    enable_network_isolation: bool = True
    model_artifacts_bucket_arn: str | None = None
    ecr_repo_arn: str | None = None
    # The production variant.
    variant_name: str = Field("AllTraffic", pattern=SAGEMAKER_NAME)
    initial_instance_count: int = Field(1, ge=1)
    initial_variant_weight: float = Field(1.0, gt=0)
    instance_type: str = Field("ml.m4.xlarge", pattern=INSTANCE_TYPE)
    managed_instance_scaling: bool = False
    scaling_min_instance_count: int = Field(1, ge=0)
    scaling_max_instance_count: int = Field(10, ge=1)
    # Data capture.
    data_capture_sampling_percentage: int = Field(0, ge=0, le=100)
    data_capture_prefix: str | None = Field(None, pattern=r"^[a-zA-Z0-9!_.*'()/-]{1,512}$")
    # Governance.
    permissions_boundary_name: str | None = Field(None, pattern=IAM_POLICY_NAME)
    tags: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)

    @classmethod
    def from_env(cls) -> EndpointSettings:
        """Read and validate the parameters; raise ParameterError naming each bad one."""
        given = {
            parameter_name(variable[len(PARAMETER_PREFIX) :]): value
            for variable, value in os.environ.items()
            if variable.upper().startswith(PARAMETER_PREFIX)
        }
        for old, new in ALTERNATIVE_NAMES.items():
            if old in given:
                if new in given:
                    raise ParameterError(f"parameter '{old}' is another spelling of '{new}'; give only one of them")
                given[new] = given.pop(old)
        known = {parameter_name(name) for name in cls.model_fields}
        unknown = [unknown_parameter(name, known) for name in sorted(given) if name not in known]
        if unknown:
            raise ParameterError("\n".join(unknown))
        try:
            return cls.model_validate({name.replace("-", "_"): value for name, value in given.items()})
        except ValidationError as error:
            raise ParameterError(describe(error)) from None

    @classmethod
    def settings_customise_sources(cls, settings_cls: Any, init_settings: Any, *_: Any, **__: Any) -> tuple[Any, ...]:
        # from_env() reads the environment itself (to accept alternative names and name unknown ones);
        # the class then validates exactly what it was given.
        return (init_settings,)

    @field_validator("subnet_ids", mode="before")
    @classmethod
    def _subnet_list(cls, value: Any) -> Any:
        return _json_or_csv(value)

    @field_validator("subnet_ids")
    @classmethod
    def _subnets(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for subnet in value:
            if not re.fullmatch(SUBNET_ID, subnet):
                raise ValueError(f"'{subnet}' is not a subnet id such as subnet-0123456789abcdef0")
        if len(set(value)) != len(value):
            raise ValueError("lists a subnet more than once")
        return value

    @field_validator("tags", mode="before")
    @classmethod
    def _tag_map(cls, value: Any) -> Any:
        return _json(value, "a JSON object of tag keys to values")

    @field_validator("model_package_arn")
    @classmethod
    def _package_arn(cls, value: str | None) -> str | None:
        return value and check_arn(
            value,
            service="sagemaker",
            resource_type="model-package",
            example="arn:aws:sagemaker:us-east-1:123456789012:model-package/my-group/3",
            resource_pattern=r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}(/\d+)?",
        )

    @field_validator("model_execution_role_arn")
    @classmethod
    def _role_arn(cls, value: str | None) -> str | None:
        return value and check_arn(
            value,
            service="iam",
            resource_type="role",
            example="arn:aws:iam::123456789012:role/MySageMakerRole",
            resource_pattern=r"[\w+=,.@/-]{1,512}",
        )

    @field_validator("model_artifacts_bucket_arn")
    @classmethod
    def _bucket_arn(cls, value: str | None) -> str | None:
        return value and check_arn(
            value,
            service="s3",
            resource_type="bucket",
            example="arn:aws:s3:::my-model-artifacts",
            resource_pattern=r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
        )

    @field_validator("ecr_repo_arn")
    @classmethod
    def _repository_arn(cls, value: str | None) -> str | None:
        return value and check_arn(
            value,
            service="ecr",
            resource_type="repository",
            example="arn:aws:ecr:us-east-1:123456789012:repository/my-model",
            resource_pattern=r"[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*",
        )

    @field_validator("sagemaker_domain_arn")
    @classmethod
    def _domain_arn(cls, value: str | None) -> str | None:
        return value and check_arn(
            value,
            service="sagemaker",
            resource_type="domain",
            example="arn:aws:sagemaker:us-east-1:123456789012:domain/d-abcdefghijkl",
            resource_pattern=DOMAIN_ID[1:-1],
        )

    @model_validator(mode="after")
    def _consistent(self) -> EndpointSettings:
        sources = [name for name in ("model_package_arn", "model_package_group_name") if getattr(self, name)]
        if len(sources) != 1:
            given = " and ".join(f"'{parameter_name(name)}'" for name in sources) or "neither"
            raise ParameterError(
                "parameters 'model-package-arn' / 'model-package-group-name': give exactly one model source "
                f"(a fixed package version, or a group whose newest approved package is served); got {given}"
            )
        if self.data_capture_sampling_percentage and not self.model_artifacts_bucket_arn:
            raise ParameterError(
                "parameter 'data-capture-sampling-percentage': data capture writes to the artifacts bucket; "
                "set 'model-artifacts-bucket-arn' too, or set the percentage to 0 to turn capture off"
            )
        if self.managed_instance_scaling:
            self._check_managed_scaling()
        domain_id, domain_arn = self.sagemaker_domain_id, self.sagemaker_domain_arn
        if domain_id and domain_arn and not domain_arn.endswith(f"domain/{domain_id}"):
            raise ParameterError(
                f"parameter 'sagemaker-domain-arn': names domain {domain_arn.rsplit('/', 1)[-1]}, "
                f"but 'sagemaker-domain-id' is {domain_id}"
            )
        return self

    def _check_managed_scaling(self) -> None:
        low, initial, high = (
            self.scaling_min_instance_count,
            self.initial_instance_count,
            self.scaling_max_instance_count,
        )
        if not low <= initial <= high:
            raise ParameterError(
                f"parameters 'scaling-min-instance-count' ({low}), 'initial-instance-count' ({initial}), "
                f"'scaling-max-instance-count' ({high}): need min <= initial <= max"
            )
        raise ParameterError(
            "parameter 'managed-instance-scaling': SageMaker accepts ManagedInstanceScaling only on endpoints "
            "that host inference components, and this module hosts a model on each production variant "
            "(CreateEndpointConfig would fail with 'ManagedInstanceScaling is only supported for inference "
            "component endpoints'); set it to false"
        )

    @property
    def data_capture_enabled(self) -> bool:
        return self.data_capture_sampling_percentage > 0


def unknown_parameter(name: str, known: set[str]) -> str:
    nearest = difflib.get_close_matches(name, sorted(known | set(ALTERNATIVE_NAMES)), n=1)
    hint = f"did you mean '{nearest[0]}'?" if nearest else f"known parameters: {', '.join(sorted(known))}"
    return f"unknown parameter '{name}'; {hint}"


def _json(value: Any, accepted: str) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ValueError(f"not valid JSON; expected {accepted}") from None
    return value


def _json_or_csv(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return _json(text, "a JSON list of strings")
        return [part.strip() for part in text.split(",") if part.strip()]
    return value
