"""What the endpoint serves (exactly one source: a package, a group's newest approved package, an image, a
pipeline of containers, or `variants`), and where the served artifacts live."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import NoDecode

from mlops_platform.contract import decode_json
from sagemaker_endpoint.parameters.values import (
    MODEL_EXAMPLE,
    PRE_EXAMPLE,
    BucketArn,
    GroupNameOrArn,
    ImageUri,
    KeyArn,
    ModelPackageArn,
    RepositoryArn,
    S3Url,
    kebab,
)


class ContainerParameter(BaseModel):
    """One container of an inference pipeline, as written in `containers`."""

    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=kebab, populate_by_name=True)

    image_uri: ImageUri
    model_data_url: S3Url | None = None
    environment: dict[str, str] = Field(default_factory=dict, examples=[{"MODE": "fast"}])


class ModelSourceParameters(BaseModel):
    model_package_arn: ModelPackageArn | None = Field(
        None, examples=["arn:aws:sagemaker:us-east-1:123456789012:model-package/my-group/3"]
    )
    model_package_group_name: GroupNameOrArn | None = None
    model_image_uri: ImageUri | None = None
    model_data_url: S3Url | None = None
    model_environment: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict, examples=[{"MODE": "fast"}])
    containers: Annotated[tuple[ContainerParameter, ...] | None, NoDecode] = Field(
        None,
        min_length=2,
        max_length=15,
        examples=[[{"image-uri": PRE_EXAMPLE}, {"image-uri": MODEL_EXAMPLE}]],
    )
    model_artifacts_bucket_arn: BucketArn | None = Field(None, examples=["arn:aws:s3:::my-model-artifacts"])
    # The KMS key of the served model data (a registry's, for a package of another account): decrypted through S3.
    model_artifacts_kms_key_arn: KeyArn | None = Field(
        None, examples=["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    )
    ecr_repo_arn: RepositoryArn | None = Field(
        None, examples=["arn:aws:ecr:us-east-1:123456789012:repository/my-model"]
    )

    @field_validator("containers", mode="before")
    @classmethod
    def _container_list(cls, value: Any) -> Any:
        return decode_json(value, "a JSON list of objects")

    @field_validator("model_environment", mode="before")
    @classmethod
    def _environment(cls, value: Any) -> Any:
        return decode_json(value, "a JSON object of names to string values")
