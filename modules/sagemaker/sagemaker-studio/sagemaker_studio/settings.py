"""Every input of the Studio module, declared once with the reference module's names and checked before
anything is built. How parameters arrive and how an error names them is in contract.py; the names AWS
accepts are in names.py; how values combine is in `StudioSettings.check`.
"""

from __future__ import annotations

import difflib
import re
import sys
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from mlops_platform.contract import (
    ModuleSettings,
    ParameterError,
    check_key_administrators,
    check_log_retention,
    decode_json,
    decode_list,
    parameter_name,
)
from sagemaker_studio import names
from sagemaker_studio.synthesizer_parameters import SynthesizerParameters

Names = Annotated[tuple[str, ...], NoDecode]
Tags = Annotated[dict[str, str], NoDecode]

BUCKET_NAME = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
# The governance parameters every module of a deployment takes alike, under one name: kebab-case, as every
# module writes them; the reference's own parameters stay snake_case.
KEBAB_CASE = frozenset({"key_administrator_arns", "log_retention_days"})


class StudioSettings(ModuleSettings, SynthesizerParameters):
    """The Studio module's parameters, as the reference module and its manifests write them."""

    vpc_id: str = Field(
        pattern=r"^vpc-[0-9a-f]{8,17}$",
        description="a VPC id (vpc- and 8 or 17 hexadecimal digits)",
        examples=["vpc-0123456789abcdef0"],
    )
    subnet_ids: Names = Field(
        min_length=1,
        max_length=16,
        description="Private subnets of the VPC, 1 to 16",
        examples=[["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]],
    )
    studio_domain_name: str | None = Field(None, description="Name of the Studio domain", examples=["ml-studio"])
    studio_bucket_name: str | None = Field(
        None,
        description="An existing bucket, or a name prefix ending in `*`, the Studio roles may read and write",
        examples=["mlops-*"],
    )
    auth_mode: Literal["IAM", "SSO"] = Field("IAM", description="How users sign in")
    role_path: str | None = Field(
        None,
        pattern=r"^/([\x21-\x7e]+/)?$",
        max_length=512,
        description="an IAM path such as /studio/",
        examples=["/studio/"],
    )
    permissions_boundary_name: str | None = Field(
        None, pattern=r"^[\w+=,.@-]{1,128}$", description="the name of a managed policy", examples=["mlops-boundary"]
    )
    key_administrator_arns: Names = Field(
        (),
        description="IAM roles or users that may administer, never use, the module key",
        examples=[["arn:aws:iam::123456789012:role/KeyAdministrators"]],
    )
    log_retention_days: int = Field(
        365, description="How long the module's log groups and access logs are kept", examples=[731]
    )
    data_science_users: Names = Field((), description="User profiles with the data scientist role")
    lead_data_science_users: Names = Field((), description="User profiles with the lead data scientist role")
    retain_efs: bool = Field(True, description="Keep the domain's home file system when the stack is deleted")
    enable_custom_sagemaker_projects: bool = Field(False, description="SageMaker Projects for the roles")
    enable_domain_resource_isolation: bool = Field(True, description="Roles reach only their domain's resources")
    enable_jupyterlab_app: bool = Field(False, description="A JupyterLab space per user")
    enable_jupyterlab_app_sharing: bool = Field(False, description="Shared, not private, JupyterLab spaces")
    enable_docker_access: bool = Field(False, description="Docker in Studio apps")
    vpc_only_trusted_accounts: Names = Field(
        (), max_length=20, description="Accounts whose ECR images Docker may pull", examples=[["123456789012"]]
    )
    jupyterlab_app_instance_type: str | None = Field(
        None, description="Instance type of the JupyterLab spaces", examples=["ml.t3.medium"]
    )
    idle_timeout_in_minutes: int = Field(60, ge=60, le=525600, description="Idle minutes before an app stops")
    max_idle_timeout_in_minutes: int | None = Field(
        None, ge=60, le=525600, description="Longest idle time users set", examples=[240]
    )
    min_idle_timeout_in_minutes: int | None = Field(
        None, ge=60, le=525600, description="Shortest idle time users set", examples=[60]
    )
    app_image_config_name: str | None = Field(
        None, description="App image config of a custom image", examples=["team-image-config"]
    )
    image_name: str | None = Field(None, description="SageMaker image of a custom image", examples=["team-image"])
    mlflow_enabled: bool = Field(False, description="An MLflow tracking server")
    mlflow_server_name: str = Field("mlflow", description="Name of the tracking server")
    mlflow_server_version: str | None = Field(
        None, pattern=r"^\d+(\.\d+)+$", max_length=16, description="an MLflow version", examples=["2.16"]
    )
    mlflow_server_size: Literal["Small", "Medium", "Large"] | None = Field(
        None, description="Tracking server size", examples=["Small"]
    )
    mlflow_artifact_store_bucket_name: str | None = Field(
        None, pattern=f"^{BUCKET_NAME}$", description="an S3 bucket name", examples=["mlops-artifacts"]
    )
    mlflow_artifact_store_bucket_prefix: str = Field(
        "/",
        pattern=r"^[\w!'()*./-]*$",
        max_length=512,
        description="a key prefix of letters, digits and _ ! ' ( ) * . / -",
        examples=["mlflow/"],
    )
    server_lifecycle_name: str | None = Field(
        None,
        pattern=r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
        description="a Studio lifecycle configuration name (accepted for the reference's manifests, unused)",
        examples=["studio-auto-shutdown"],
    )
    tags: Tags = Field(default_factory=dict, description="Tags for every resource", examples=[{"team": "ml"}])
    custom_tags: Tags = Field(
        default_factory=dict, description="More tags for every resource", examples=[{"cost-center": "42"}]
    )

    @classmethod
    def manifest_name(cls, field: str) -> str:
        """The parameter's name as the reference module's README and manifests write it: snake_case, but for the
        governance parameters of every module (Seed-Farmer gives `data_science_users` and `data-science-users`
        the same variable)."""
        field = field.lower().replace("-", "_")
        return parameter_name(field) if field in KEBAB_CASE else field

    @field_validator(
        "subnet_ids",
        "data_science_users",
        "lead_data_science_users",
        "vpc_only_trusted_accounts",
        "key_administrator_arns",
        mode="before",
    )
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return decode_list(value)

    @field_validator("key_administrator_arns")
    @classmethod
    def _administrators(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return check_key_administrators(value)

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return check_log_retention(value)

    @field_validator("tags", "custom_tags", mode="before")
    @classmethod
    def _tag_maps(cls, value: Any) -> Any:
        return decode_json(value, "a JSON object of tag keys to values")

    @field_validator("subnet_ids")
    @classmethod
    def _subnets(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for subnet in value:
            if not re.fullmatch(r"subnet-[0-9a-f]{8,17}", subnet):
                raise ValueError(f"'{subnet}' is not a subnet id (subnet- and 8 or 17 hexadecimal digits)")
        if len(set(value)) != len(value):
            raise ValueError("names a subnet more than once")
        return value

    @field_validator("data_science_users", "lead_data_science_users")
    @classmethod
    def _users(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for user in value:
            if not names.is_sagemaker_name(user):
                raise ValueError(f"'{user}' is not a user profile name SageMaker accepts ({names.NAME_RULE})")
        repeated = sorted({user for user in value if value.count(user) > 1})
        if repeated:
            raise ValueError(f"lists {', '.join(repeated)} more than once")
        return value

    @field_validator("vpc_only_trusted_accounts")
    @classmethod
    def _accounts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for account in value:
            if not re.fullmatch(r"\d{12}", account):
                raise ValueError(f"'{account}' is not a 12-digit AWS account id")
        return value

    @field_validator("studio_domain_name", "app_image_config_name")
    @classmethod
    def _sagemaker_name(cls, value: str | None) -> str | None:
        if value is not None and not names.is_sagemaker_name(value):
            raise ValueError(f"'{value}' is not a name SageMaker accepts ({names.NAME_RULE})")
        return value

    @field_validator("image_name")
    @classmethod
    def _image_name(cls, value: str | None) -> str | None:
        if value is not None and not names.IMAGE_NAME.fullmatch(value):
            raise ValueError(f"'{value}' is not a SageMaker image name (letters, digits, hyphens and dots, 1 to 63)")
        return value

    @field_validator("mlflow_server_name")
    @classmethod
    def _tracking_server_name(cls, value: str) -> str:
        if not names.TRACKING_SERVER_NAME.fullmatch(value):
            raise ValueError(f"'{value}' is not a tracking server name (letters, digits and hyphens, 1 to 256)")
        return value

    @field_validator("studio_bucket_name")
    @classmethod
    def _bucket_or_prefix(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.endswith("*"):
            if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{0,61}", value[:-1]):
                raise ValueError(f"'{value}' is not a bucket name prefix followed by * (lower case, digits, . and -)")
        elif not re.fullmatch(BUCKET_NAME, value):
            raise ValueError(f"'{value}' is not an S3 bucket name, nor a name prefix ending in *")
        return value

    @field_validator("jupyterlab_app_instance_type")
    @classmethod
    def _instance_type(cls, value: str | None) -> str | None:
        known = names.studio_instance_types()
        if value is not None and value not in known:
            nearest = difflib.get_close_matches(value, sorted(known), n=1)
            hint = f"did you mean '{nearest[0]}'?" if nearest else "for example ml.t3.medium"
            raise ValueError(f"'{value}' is not an instance type Studio apps run on; {hint}")
        return value

    @field_validator("mlflow_artifact_store_bucket_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        """`/`, `mlflow`, `/mlflow/` -> ``, `mlflow/`, `mlflow/`: a key prefix of the bucket."""
        value = value.strip("/")
        return f"{value}/" if value else ""

    def check(self) -> None:
        self._check_users()
        self._check_idle_timeouts()
        if (self.app_image_config_name is None) != (self.image_name is None):
            given, missing = (
                ("app_image_config_name", "image_name")
                if self.app_image_config_name
                else ("image_name", "app_image_config_name")
            )
            raise ParameterError(f"parameter '{missing}': required with '{given}' (a custom image needs both)")
        if self.mlflow_enabled and not self.mlflow_artifact_store_bucket_name:
            raise ParameterError(
                "parameter 'mlflow_artifact_store_bucket_name': required with 'mlflow_enabled: True' "
                "(the tracking server stores its artifacts there); for example mlops-artifacts"
            )
        if self.enable_jupyterlab_app_sharing and not self.enable_jupyterlab_app:
            raise ParameterError(
                "parameter 'enable_jupyterlab_app_sharing': shares the spaces of 'enable_jupyterlab_app', "
                "which is False; set both or neither"
            )
        if self.server_lifecycle_name:
            print(
                "note: parameter 'server_lifecycle_name' is accepted for the reference's manifests and not used: "
                "idle apps stop by SageMaker's own idle shutdown (idle_timeout_in_minutes)",
                file=sys.stderr,
            )

    def _check_users(self) -> None:
        both = sorted(set(self.data_science_users) & set(self.lead_data_science_users))
        if both:
            raise ParameterError(
                f"parameter 'lead_data_science_users': {', '.join(both)} also in 'data_science_users'; "
                "a user profile has one role, list each user once"
            )
        if self.enable_jupyterlab_app:
            shared = self.enable_jupyterlab_app_sharing
            longest = names.longest_user_with_space(shared=shared)
            for parameter in ("data_science_users", "lead_data_science_users"):
                too_long = [user for user in getattr(self, parameter) if len(user) > longest]
                if too_long:
                    raise ParameterError(
                        f"parameter '{parameter}': '{too_long[0]}' leaves no room for its JupyterLab space "
                        f"'{names.space_name(too_long[0], shared=shared)}' (SageMaker allows 63 characters); with "
                        f"'enable_jupyterlab_app' user names may have at most {longest} characters"
                    )

    def _check_idle_timeouts(self) -> None:
        idle, low, high = (
            self.idle_timeout_in_minutes,
            self.min_idle_timeout_in_minutes,
            self.max_idle_timeout_in_minutes,
        )
        if low is not None and low > idle:
            raise ParameterError(
                f"parameter 'min_idle_timeout_in_minutes': {low} is more than 'idle_timeout_in_minutes' ({idle}); "
                "the default idle timeout must lie between the minimum and the maximum"
            )
        if high is not None and high < idle:
            raise ParameterError(
                f"parameter 'max_idle_timeout_in_minutes': {high} is less than 'idle_timeout_in_minutes' ({idle}); "
                "the default idle timeout must lie between the minimum and the maximum"
            )

    @property
    def users(self) -> dict[str, Literal["data-scientist", "lead-data-scientist"]]:
        """Every user profile and its persona, in manifest order: data scientists, then leads."""
        personas: dict[str, Literal["data-scientist", "lead-data-scientist"]] = dict.fromkeys(
            self.data_science_users, "data-scientist"
        )
        personas.update(dict.fromkeys(self.lead_data_science_users, "lead-data-scientist"))
        return personas

    @property
    def all_tags(self) -> dict[str, str]:
        return {**self.tags, **self.custom_tags}
