"""Data capture: the share of requests and responses the endpoint records, and where under the artifacts bucket."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CaptureParameters(BaseModel):
    data_capture_sampling_percentage: int = Field(0, ge=0, le=100)
    data_capture_prefix: str | None = Field(
        None,
        pattern=r"^[a-zA-Z0-9!_.*'()/-]{1,512}$",
        description="an S3 key prefix of 1 to 512 letters, digits and ! _ . * ' ( ) / -",
        examples=["capture/fraud-detector"],
    )

    @property
    def data_capture_enabled(self) -> bool:
        return self.data_capture_sampling_percentage > 0
