"""The captured data the jobs read, and what makes every run fail before it starts ("Job inputs had no data").

The endpoint as deployed (endpoint.py) is the truth when it could be read; otherwise the endpoint module's
published capture keys, given as parameters (data-capture-*). Refused: capture off or at 0 %, a capture
that records no content type as text (SageMaker then base64-encodes every payload, which neither Model
Monitor's analyzer nor Clarify parses), a destination with a trailing or doubled slash (the capture path
then holds `//`, where the jobs never find it), and a destination outside model-bucket-arn.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlops_platform.contract import ParameterError
from sagemaker_model_monitoring.endpoint import Capture, ServedEndpoint
from sagemaker_model_monitoring.parameters.formats import S3Location, bucket_of
from sagemaker_model_monitoring.parameters.settings import MonitoringSettings
from sagemaker_model_monitoring.rules import outside_bucket

TURN_ON = "turn capture on in the endpoint module (data-capture-sampling-percentage 1 to 100)"


@dataclass(frozen=True)
class CapturedData:
    """Where the jobs read captured requests and responses, and the key they are encrypted with, when known."""

    location: S3Location | None
    kms_key: str | None
    checked_against: str  # "the endpoint", "the endpoint module's metadata" or "nothing"


def captured_data(settings: MonitoringSettings, served: ServedEndpoint | None) -> CapturedData:
    """The capture the jobs read; ParameterError for a capture no job could read."""
    capture = served.capture if served is not None else _published(settings)
    if served is not None:
        source = f"endpoint {served.name} (its configuration {served.config_name})"
        if capture is None:
            raise ParameterError(
                f"parameter 'endpoint-name': {source} captures no data, so every monitoring run would fail with "
                f'"Job inputs had no data"; {TURN_ON}'
            )
    else:
        source = "the endpoint module's capture parameters (data-capture-*)"
    if capture is None:
        return CapturedData(None, settings.data_capture_kms_key_id, "nothing")
    check(capture, source, settings)
    location = S3Location.parse(capture.destination) if capture.destination else None
    return CapturedData(
        location,
        capture.kms_key or settings.data_capture_kms_key_id,
        "the endpoint" if served is not None else "the endpoint module's metadata",
    )


def check(capture: Capture, source: str, settings: MonitoringSettings) -> None:
    problems = []
    if not capture.enabled or capture.sampling_percentage == 0:
        state = "is off" if not capture.enabled else "samples 0 % of requests"
        problems.append(
            f"parameter 'endpoint-name': data capture of {source} {state}, so every monitoring run would fail with "
            f'"Job inputs had no data"; {TURN_ON}'
        )
    known = capture.csv_content_types is not None and capture.json_content_types is not None
    if known and not capture.csv_content_types and not capture.json_content_types:
        problems.append(
            f"parameter 'endpoint-name': {source} records no content type as text (CaptureContentTypeHeader), so "
            "SageMaker base64-encodes every captured payload and the jobs cannot parse it; have the endpoint record "
            "its CSV or JSON content types as text"
        )
    if capture.destination:
        if capture.destination.endswith("/") or "//" in capture.destination.removeprefix("s3://"):
            problems.append(
                f"parameter 'endpoint-name': {source} captures to {capture.destination}, whose trailing or doubled "
                "slash puts '//' in every capture path, where monitoring jobs find no data; capture to a prefix "
                "without a trailing slash"
            )
        elif S3Location.parse(capture.destination).bucket != bucket_of(settings.model_bucket_arn):
            problems.append(
                outside_bucket(
                    "endpoint-name",
                    f"its capture destination {capture.destination}",
                    bucket_of(settings.model_bucket_arn),
                )
            )
    if problems:
        raise ParameterError("\n".join(problems))


def _published(settings: MonitoringSettings) -> Capture | None:
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
