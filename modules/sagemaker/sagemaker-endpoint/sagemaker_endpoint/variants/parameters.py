"""The production variants and how they scale: their names, sizes and weights (the short form, or `variants`,
each with its own model source), serverless sizes, and Application Auto Scaling's bounds and targets."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import NoDecode

from mlops_platform.contract import decode_json
from sagemaker_endpoint.parameters.values import (
    INSTANCE_TYPE,
    INSTANCE_TYPE_TEXT,
    SAGEMAKER_NAME,
    SAGEMAKER_NAME_TEXT,
    ImageUri,
    InstanceType,
    PackageArn,
    S3Url,
    kebab,
)


class VariantParameter(BaseModel):
    """One production variant, as written in `variants` (or `shadow-variants`); unset sizes take the top-level
    parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=kebab, populate_by_name=True)

    name: str = Field(pattern=SAGEMAKER_NAME, description=SAGEMAKER_NAME_TEXT, examples=["challenger"])
    model_package_arn: PackageArn | None = None
    model_image_uri: ImageUri | None = None
    model_data_url: S3Url | None = None
    instance_type: InstanceType | None = Field(
        None, pattern=INSTANCE_TYPE, description=INSTANCE_TYPE_TEXT, examples=["ml.m5.large"]
    )
    initial_instance_count: int | None = Field(None, ge=1, examples=[2])
    initial_variant_weight: float | None = Field(None, gt=0, examples=[0.5])

    @model_validator(mode="after")
    def _one_source(self) -> VariantParameter:
        if bool(self.model_package_arn) == bool(self.model_image_uri):
            raise ValueError(f"variant '{self.name}' needs exactly one of model-package-arn and model-image-uri")
        if self.model_data_url and not self.model_image_uri:
            raise ValueError(f"variant '{self.name}': model-data-url goes with model-image-uri")
        return self


class VariantParameters(BaseModel):
    variants: Annotated[tuple[VariantParameter, ...] | None, NoDecode] = Field(
        None,
        min_length=1,
        max_length=10,
        examples=[
            [
                {
                    "name": "current",
                    "model-package-arn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/my-group/3",
                }
            ]
        ],
    )
    # The production variant (the short form of a one-element `variants`).
    variant_name: str = Field("AllTraffic", pattern=SAGEMAKER_NAME, description=SAGEMAKER_NAME_TEXT)
    initial_instance_count: int = Field(1, ge=1)
    initial_variant_weight: float = Field(1.0, gt=0)
    instance_type: InstanceType = Field("ml.m4.xlarge", pattern=INSTANCE_TYPE, description=INSTANCE_TYPE_TEXT)
    # Serverless.
    serverless_memory_size_mb: int | None = Field(None, ge=1024, le=6144, multiple_of=1024, examples=[2048])
    serverless_max_concurrency: int | None = Field(None, ge=1, le=200, examples=[20])
    serverless_provisioned_concurrency: int | None = Field(None, ge=1, le=200, examples=[2])
    # Autoscaling (Application Auto Scaling); an inference component's and an asynchronous endpoint's targets
    # are their features' parameters.
    autoscaling_max_capacity: int | None = Field(None, ge=1, examples=[6])
    autoscaling_min_capacity: int | None = Field(None, ge=1, examples=[2])
    autoscaling_target_invocations_per_instance: int | None = Field(None, ge=1, examples=[200])
    autoscaling_target_utilization: float = Field(0.7, gt=0, le=1)
    autoscaling_scale_in_cooldown_seconds: int = Field(300, ge=0, le=86400)
    autoscaling_scale_out_cooldown_seconds: int = Field(60, ge=0, le=86400)

    @field_validator("variants", mode="before")
    @classmethod
    def _variant_list(cls, value: Any) -> Any:
        return decode_json(value, "a JSON list of objects")

    @property
    def serverless(self) -> bool:
        return self.serverless_memory_size_mb is not None or self.serverless_max_concurrency is not None

    @property
    def autoscaling(self) -> bool:
        return self.autoscaling_max_capacity is not None
