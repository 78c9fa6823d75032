"""The endpoint itself: the role its models run as, and what governs every resource of the stack (permissions
boundary, key administrators, log retention, tags, the SageMaker project's tags)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, field_validator
from pydantic_settings import NoDecode

from mlops_platform.contract import check_key_administrators, check_log_retention, decode_json, decode_list
from sagemaker_endpoint.parameters.formats import tag_only
from sagemaker_endpoint.parameters.values import IAM_POLICY_NAME, RoleArn

# The SageMaker project parameters only become tags (synthesis.py): any AWS tag value is accepted.
ProjectId = Annotated[
    str,
    AfterValidator(
        tag_only("sagemaker-project-id", r"p-[a-z0-9]{12}", "a SageMaker project id such as p-abcdefghijkl")
    ),
]
ProjectName = Annotated[
    str,
    AfterValidator(tag_only("sagemaker-project-name", r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}", "a SageMaker project name")),
]


class EndpointParameters(BaseModel):
    model_execution_role_arn: RoleArn | None = Field(None, examples=["arn:aws:iam::123456789012:role/MySageMakerRole"])
    sagemaker_project_id: ProjectId | None = Field(None, examples=["p-abcdefghijkl"])
    sagemaker_project_name: ProjectName | None = Field(None, examples=["fraud-detection"])
    permissions_boundary_name: str | None = Field(
        None,
        pattern=IAM_POLICY_NAME,
        description="an IAM policy name (1 to 128 letters, digits and + = , . @ _ -)",
        examples=["ml-boundary"],
    )
    key_administrator_arns: Annotated[tuple[str, ...], NoDecode] = Field(
        (), examples=[["arn:aws:iam::123456789012:role/KeyAdministrators"]]
    )
    log_retention_days: int = Field(365, examples=[731])
    tags: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict, examples=[{"team": "ml"}])

    @field_validator("key_administrator_arns", mode="before")
    @classmethod
    def _administrator_list(cls, value: Any) -> Any:
        return decode_list(value)

    @field_validator("tags", mode="before")
    @classmethod
    def _tag_map(cls, value: Any) -> Any:
        return decode_json(value, "a JSON object of names to string values")

    @field_validator("key_administrator_arns")
    @classmethod
    def _administrators(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return check_key_administrators(value)

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return check_log_retention(value)
