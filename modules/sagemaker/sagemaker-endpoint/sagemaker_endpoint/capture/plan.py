"""The plan of data capture: where the endpoint records requests and responses, and how much of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sagemaker_endpoint.locations import bucket_name
from sagemaker_endpoint.parameters.declared import DeclaredParameters


class CaptureAsGiven(NamedTuple):
    """Capture as the manifest gave it: part of the endpoint configuration's naming key, on or off."""

    sampling_percentage: int
    prefix: str | None  # as the manifest gave it; the resolved destination follows from it and the endpoint name


@dataclass(frozen=True)
class CaptureSpec:
    """Data capture to the artifacts bucket, under one prefix."""

    bucket_arn: str
    bucket: str
    prefix: str
    sampling_percentage: int

    @property
    def destination(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    @property
    def objects_arn(self) -> str:
        """The objects captured data is written to: everything under the prefix, nothing else."""
        return f"{self.bucket_arn}/{self.prefix}/*"


def as_given(settings: DeclaredParameters) -> CaptureAsGiven:
    return CaptureAsGiven(settings.data_capture_sampling_percentage, settings.data_capture_prefix)


def capture(settings: DeclaredParameters, endpoint_name: str) -> CaptureSpec | None:
    """Capture under `data-capture-prefix` (by default `data-capture/<endpoint name>`), or None when off."""
    if not settings.data_capture_enabled or not settings.model_artifacts_bucket_arn:
        return None
    return CaptureSpec(
        bucket_arn=settings.model_artifacts_bucket_arn,
        bucket=bucket_name(settings.model_artifacts_bucket_arn),
        prefix=(settings.data_capture_prefix or f"data-capture/{endpoint_name}").strip("/"),
        sampling_percentage=settings.data_capture_sampling_percentage,
    )
