"""Every input of the model package group module, declared once and checked before any construct is built.

The reference module (aiops-modules' sagemaker-model-package-group) names its parameters in snake_case, as
its README and sample manifests write them (`model_package_group_name`), except `permissions-boundary-name`;
errors name each parameter that way. Seed-Farmer turns either spelling into the same environment variable,
so `model-package-group-name` works too. How parameters are read from the environment is in
mlops_platform/contract.py.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, field_validator
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
from sagemaker_model_package_group import values

# Parameters a manifest writes in kebab-case: the governance parameters every module of a deployment takes
# alike (the reference's README writes the boundary so); the rest in snake_case, as the reference does.
KEBAB_CASE = frozenset({"permissions_boundary_name", "key_administrator_arns", "log_retention_days"})


def _text(value: Any) -> Any:
    """A number given where text is expected (the reference's sample writes `sagemaker_project_id: 123123`)."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _json_list(value: Any) -> Any:
    """A list given as a JSON list, as JSON text of one (the reference's `'["111122223333"]'`), or as one id."""
    if isinstance(value, str):
        text = value.strip()
        value = decode_json(text, 'a JSON list such as ["111122223333"]') if text.startswith("[") else [text]
    return value


TagValue = Annotated[str, BeforeValidator(_text), AfterValidator(values.tag_value)]
AccountIds = Annotated[tuple[Annotated[str, BeforeValidator(values.account_id)], ...], NoDecode]


class RegistrySettings(ModuleSettings):
    """The model package group module's parameters, with the defaults a manifest may leave out."""

    # The reference module's parameters.
    model_package_group_name: str = Field(
        pattern=values.SAGEMAKER_NAME,
        description="a SageMaker name (1 to 63 letters, digits and inner hyphens)",
        examples=["fraud-detector"],
    )
    retain_on_delete: bool = True
    target_event_bus_arn: Annotated[str, AfterValidator(values.event_bus_arn)] | None = Field(
        None, examples=["arn:aws:events:us-east-1:111122223333:event-bus/default"]
    )
    model_package_group_description: str | None = Field(
        None,
        max_length=1024,
        pattern=r"^[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]*$",
        description="text of letters, digits, spaces and punctuation",
        examples=["Fraud detection models, approved for production by the risk team"],
    )
    target_account_ids: AccountIds = Field((), max_length=50, examples=[["222222222222", "333333333333"]])
    sagemaker_project_id: TagValue | None = Field(None, examples=["p-abcdefghijkl"])
    sagemaker_project_name: TagValue | None = Field(None, examples=["fraud-detection"])
    permissions_boundary_name: str | None = Field(
        None,
        pattern=values.IAM_POLICY_NAME,
        description="an IAM policy name (not its ARN)",
        examples=["mlops-boundary"],
    )
    key_administrator_arns: Annotated[tuple[str, ...], NoDecode] = Field(
        (), examples=[["arn:aws:iam::123456789012:role/KeyAdministrators"]]
    )
    log_retention_days: int = Field(365, examples=[731])
    # This module's own: what a workload account needs besides the group.
    model_artifacts_bucket_arn: Annotated[str, AfterValidator(values.bucket_arn)] | None = Field(
        None, examples=["arn:aws:s3:::my-model-artifacts"]
    )
    model_artifacts_kms_key_arn: Annotated[str, AfterValidator(values.kms_key_arn)] | None = Field(
        None, examples=["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    )
    model_artifacts_prefix: Annotated[str, AfterValidator(values.s3_prefix)] | None = Field(
        None, examples=["models/fraud-detector/"]
    )
    ecr_repository_arns: Annotated[tuple[Annotated[str, AfterValidator(values.ecr_repository_arn)], ...], NoDecode] = (
        Field((), max_length=10, examples=[["arn:aws:ecr:us-east-1:111122223333:repository/fraud-detector"]])
    )
    forward_events_to_target_accounts: bool = True
    tags: Annotated[dict[str, TagValue], NoDecode] = Field(default_factory=dict, examples=[{"team": "ml"}])

    @classmethod
    def manifest_name(cls, field: str) -> str:
        """The parameter's name as the reference module's README writes it (snake_case, but for one)."""
        field = field.lower().replace("-", "_")
        return parameter_name(field) if field in KEBAB_CASE else field

    @field_validator("target_account_ids", "ecr_repository_arns", mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        return _json_list(value)

    @field_validator("key_administrator_arns", mode="before")
    @classmethod
    def _administrator_list(cls, value: Any) -> Any:
        return decode_list(value)

    @field_validator("key_administrator_arns")
    @classmethod
    def _administrators(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return check_key_administrators(value)

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return check_log_retention(value)

    @field_validator("tags", mode="before")
    @classmethod
    def _tag_map(cls, value: Any) -> Any:
        return decode_json(value, "a JSON object of tag keys to values")

    @field_validator("ecr_repository_arns")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("lists a repository more than once")
        return value

    def check(self) -> None:
        if self.model_artifacts_kms_key_arn and not self.model_artifacts_bucket_arn:
            raise ParameterError(
                "parameter 'model_artifacts_kms_key_arn': names the key of an existing bucket, so it goes with "
                "'model_artifacts_bucket_arn'; without a bucket the module creates one with its own key"
            )
        if self.model_artifacts_bucket_arn:
            self._note_governance_without_effect()

    def _note_governance_without_effect(self) -> None:
        """With an existing bucket the module creates no key and no logs. A platform team gives the governance
        parameters to every module of a deployment alike, so they are accepted here too, with a note that
        nothing takes them, rather than refused."""
        given = self.model_fields_set
        if "key_administrator_arns" in given and self.key_administrator_arns:
            print(
                "note: parameter 'key-administrator-arns': with 'model_artifacts_bucket_arn' the module creates no "
                "key, so it names no administrator (the existing bucket's key keeps its own policy)",
                file=sys.stderr,
            )
        if "log_retention_days" in given:
            print(
                "note: parameter 'log-retention-days': with 'model_artifacts_bucket_arn' the module creates no "
                "access-log bucket and no log group, so nothing keeps this retention",
                file=sys.stderr,
            )
