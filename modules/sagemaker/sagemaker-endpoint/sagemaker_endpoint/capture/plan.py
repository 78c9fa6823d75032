"""The plan of data capture: where the endpoint records requests and responses, how much of them, and which content
types it records as text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from sagemaker_endpoint.locations import bucket_name
from sagemaker_endpoint.parameters.declared import DeclaredParameters

# What the module has always recorded as text: JSON sent as application/json; anything else base64-encoded.
DEFAULT_CSV: tuple[str, ...] = ()
DEFAULT_JSON: tuple[str, ...] = ("application/json",)


class TextContentTypes(NamedTuple):
    """The content types SageMaker records as CSV and as JSON text (CaptureContentTypeHeader)."""

    csv: tuple[str, ...]
    json: tuple[str, ...]


@dataclass(frozen=True)
class CaptureAsGiven:
    """Capture as the manifest gave it: part of the endpoint configuration's naming key, on or off."""

    sampling_percentage: int
    prefix: str | None  # as the manifest gave it; the resolved destination follows from it and the endpoint name
    content_types: TextContentTypes | None = None  # None: the defaults (or capture off)

    def naming_key(self) -> dict[str, Any]:
        """Capture's part of the configuration's naming key: `capture` named every deployed configuration; the
        content types enter only when they differ from what was always recorded, so those keep their names."""
        key: dict[str, Any] = {"capture": [self.sampling_percentage, self.prefix]}
        if self.content_types is not None:
            key["capture_content_types"] = {"csv": list(self.content_types.csv), "json": list(self.content_types.json)}
        return key


@dataclass(frozen=True)
class CaptureSpec:
    """Data capture to the artifacts bucket, under one prefix."""

    bucket_arn: str
    bucket: str
    prefix: str
    sampling_percentage: int
    content_types: TextContentTypes

    @property
    def destination(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    @property
    def objects_arn(self) -> str:
        """The objects captured data is written to: everything under the prefix, nothing else."""
        return f"{self.bucket_arn}/{self.prefix}/*"


def text_content_types(settings: DeclaredParameters) -> TextContentTypes:
    """The content types recorded as text: those given, else the defaults, kind by kind."""
    csv, json = settings.data_capture_csv_content_types, settings.data_capture_json_content_types
    return TextContentTypes(DEFAULT_CSV if csv is None else csv, DEFAULT_JSON if json is None else json)


def as_given(settings: DeclaredParameters) -> CaptureAsGiven:
    content_types = text_content_types(settings)
    changed = content_types != (DEFAULT_CSV, DEFAULT_JSON)
    return CaptureAsGiven(
        settings.data_capture_sampling_percentage, settings.data_capture_prefix, content_types if changed else None
    )


def capture(settings: DeclaredParameters, endpoint_name: str) -> CaptureSpec | None:
    """Capture under `data-capture-prefix` (by default `data-capture/<endpoint name>`), or None when off."""
    if not settings.data_capture_enabled or not settings.model_artifacts_bucket_arn:
        return None
    return CaptureSpec(
        bucket_arn=settings.model_artifacts_bucket_arn,
        bucket=bucket_name(settings.model_artifacts_bucket_arn),
        prefix=(settings.data_capture_prefix or f"data-capture/{endpoint_name}").strip("/"),
        sampling_percentage=settings.data_capture_sampling_percentage,
        content_types=text_content_types(settings),
    )
