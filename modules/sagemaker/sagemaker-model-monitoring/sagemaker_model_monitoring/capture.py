"""The captured data the jobs read, and what makes every run fail before it starts ("Job inputs had no data").

The endpoint as deployed (endpoint.py) is the truth when it could be read; otherwise the endpoint module's
published capture keys, given as parameters (data-capture-*). Refused: capture off or at 0 %, a capture
that records no content type as text (SageMaker then base64-encodes every payload, which neither Model
Monitor's analyzer nor Clarify parses), a destination with a trailing or doubled slash (the capture path
then holds `//`, where the jobs never find it), and a destination outside model-bucket-arn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlops_platform.contract import ParameterError
from sagemaker_model_monitoring.parameters.formats import S3Location, bucket_of, outside_bucket

if TYPE_CHECKING:
    from sagemaker_model_monitoring.endpoint import ServedEndpoint
    from sagemaker_model_monitoring.parameters.settings import MonitoringSettings


@dataclass(frozen=True)
class Capture:
    """An endpoint's data capture as SageMaker holds it (DataCaptureConfig)."""

    enabled: bool
    sampling_percentage: int | None  # None: not known (the manifest did not pass it on)
    destination: str | None
    kms_key: str | None
    csv_content_types: tuple[str, ...] | None  # None: not known
    json_content_types: tuple[str, ...] | None


TURN_ON = "turn capture on in the endpoint module (data-capture-sampling-percentage 1 to 100)"


@dataclass(frozen=True)
class CapturedData:
    """Where the jobs read captured requests and responses, and the key they are encrypted with, when known."""

    location: S3Location | None
    kms_key: str | None
    checked_against: str  # "the endpoint", "the endpoint module's metadata" or "nothing"


PUBLISHED_SOURCE = "the endpoint (as its module publishes it)"
# The parameter each finding names: the endpoint itself when it was read, else the published key given.
READ = {"sampling": "endpoint-name", "content": "endpoint-name", "destination": "endpoint-name"}
PUBLISHED = {
    "sampling": "data-capture-sampling-percentage",
    "content": "data-capture-json-content-types",
    "destination": "data-capture-s3-uri",
}


def captured_data(settings: MonitoringSettings, served: ServedEndpoint | None) -> CapturedData:
    """The capture the jobs read; ParameterError for a capture no job could read."""
    if served is None:
        capture = published(settings)
        if capture is None:
            return CapturedData(None, settings.data_capture_kms_key_id, "nothing")
        found = problems(capture, PUBLISHED_SOURCE, PUBLISHED, settings.model_bucket_arn)
        checked = "the endpoint module's metadata"
    else:
        source = f"endpoint {served.name} (its configuration {served.config_name})"
        if served.capture is None:
            raise ParameterError(
                f"parameter 'endpoint-name': {source} captures no data, so every monitoring run would fail with "
                f'"Job inputs had no data"; {TURN_ON}'
            )
        capture, checked = served.capture, "the endpoint"
        found = problems(capture, source, READ, settings.model_bucket_arn)
    if found:
        raise ParameterError("\n".join(found))
    location = S3Location.parse(capture.destination) if capture.destination else None
    return CapturedData(location, capture.kms_key or settings.data_capture_kms_key_id, checked)


def problems(capture: Capture, source: str, names: dict[str, str], bucket_arn: str) -> list[str]:
    """Each reason no run could read `capture`, one line naming its parameter (`names`)."""
    found = []
    if not capture.enabled or capture.sampling_percentage == 0:
        state = "is off" if not capture.enabled else "samples 0 % of requests"
        found.append(
            f"parameter '{names['sampling']}': data capture of {source} {state}, so every monitoring run would fail "
            f'with "Job inputs had no data"; {TURN_ON}'
        )
    known = capture.csv_content_types is not None and capture.json_content_types is not None
    if known and not capture.csv_content_types and not capture.json_content_types:
        found.append(
            f"parameter '{names['content']}': {source} records no content type as text (CaptureContentTypeHeader), "
            "so SageMaker base64-encodes every captured payload and the jobs cannot parse it; have the endpoint "
            "record its CSV or JSON content types as text"
        )
    if capture.destination:
        found += destination_problems(capture.destination, source, names["destination"], bucket_arn)
    return found


def destination_problems(destination: str, source: str, name: str, bucket_arn: str) -> list[str]:
    if destination.endswith("/") or "//" in destination.removeprefix("s3://"):
        return [
            f"parameter '{name}': {source} captures to {destination}, whose trailing or doubled slash puts '//' "
            "in every capture path, where monitoring jobs find no data; capture to a prefix without a trailing slash"
        ]
    if S3Location.parse(destination).bucket != bucket_of(bucket_arn):
        return [outside_bucket(name, f"the capture destination {destination}", bucket_of(bucket_arn))]
    return []


def published(settings: MonitoringSettings) -> Capture | None:
    """The capture as the endpoint module's metadata describes it, when the manifest passes it on."""
    given = settings.given(
        "data_capture_s3_uri",
        "data_capture_sampling_percentage",
        "data_capture_csv_content_types",
        "data_capture_json_content_types",
    )
    if not given:
        return None
    return Capture(
        enabled=True,
        sampling_percentage=settings.data_capture_sampling_percentage,
        destination=settings.data_capture_s3_uri,
        kms_key=settings.data_capture_kms_key_id,
        csv_content_types=settings.data_capture_csv_content_types,
        json_content_types=settings.data_capture_json_content_types,
    )
