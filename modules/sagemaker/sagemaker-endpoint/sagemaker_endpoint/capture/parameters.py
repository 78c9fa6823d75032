"""Data capture: the share of requests and responses the endpoint records, where under the artifacts bucket, and
which content types it records as text (SageMaker's CaptureContentTypeHeader) rather than base64."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import NoDecode

from mlops_platform.contract import decode_list

# SageMaker's CsvContentType and JsonContentType (the pinned botocore's pattern, 1 to 256 characters): a type and a
# subtype of letters, digits and inner hyphens (the subtype dots too), nothing after them (no `; charset=`).
CONTENT_TYPE = r"[a-zA-Z0-9](-*[a-zA-Z0-9])*/[a-zA-Z0-9](-*[a-zA-Z0-9.])*"
CONTENT_TYPES_PER_KIND = 10  # CaptureContentTypeHeader's CsvContentTypes and JsonContentTypes hold 1 to 10
ContentTypes = Annotated[tuple[str, ...] | None, NoDecode]


class CaptureParameters(BaseModel):
    data_capture_sampling_percentage: int = Field(0, ge=0, le=100)
    data_capture_prefix: str | None = Field(
        None,
        pattern=r"^[a-zA-Z0-9!_.*'()/-]{1,512}$",
        description="an S3 key prefix of 1 to 512 letters, digits and ! _ . * ' ( ) / -",
        examples=["capture/fraud-detector"],
    )
    # Not given: none recorded as CSV, application/json as JSON (what the module has always captured). An empty
    # list records none of that kind; both empty, SageMaker base64-encodes every payload.
    data_capture_csv_content_types: ContentTypes = Field(
        None, max_length=CONTENT_TYPES_PER_KIND, examples=[["text/csv"]]
    )
    data_capture_json_content_types: ContentTypes = Field(
        None, max_length=CONTENT_TYPES_PER_KIND, examples=[["application/json", "application/jsonlines"]]
    )

    @field_validator("data_capture_csv_content_types", "data_capture_json_content_types", mode="before")
    @classmethod
    def _content_type_list(cls, value: Any) -> Any:
        return decode_list(value)

    @field_validator("data_capture_csv_content_types", "data_capture_json_content_types")
    @classmethod
    def _content_types(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for content_type in value or ():
            if len(content_type) > 256 or not re.fullmatch(CONTENT_TYPE, content_type):
                raise ValueError(
                    f"'{content_type}' is not a content type SageMaker records as text: a type/subtype such as "
                    "text/csv or application/json, up to 256 letters, digits, inner hyphens and dots, no parameters"
                )
        if value and len(set(value)) != len(value):
            raise ValueError("lists a content type more than once")
        return value

    @property
    def data_capture_enabled(self) -> bool:
        return self.data_capture_sampling_percentage > 0
