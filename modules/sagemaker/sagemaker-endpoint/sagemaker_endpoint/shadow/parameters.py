"""Shadow tests: a variant that receives a copy of production requests, whose answers are discarded."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import NoDecode

from mlops_platform.contract import decode_json
from sagemaker_endpoint.variants.parameters import VariantParameter


class ShadowParameters(BaseModel):
    shadow_variants: Annotated[tuple[VariantParameter, ...] | None, NoDecode] = Field(
        None,
        examples=[
            [
                {
                    "name": "challenger",
                    "model-package-arn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/my-group/4",
                }
            ]
        ],
    )
    shadow_alarms_roll_back: bool = False

    @field_validator("shadow_variants", mode="before")
    @classmethod
    def _shadow_list(cls, value: Any) -> Any:
        return decode_json(value, "a JSON list of objects")
