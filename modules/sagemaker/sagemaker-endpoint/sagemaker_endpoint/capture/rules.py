"""The rules of data capture: it writes to the artifacts bucket, and records each content type as one kind of text."""

from __future__ import annotations

from mlops_platform.contract import ParameterError
from sagemaker_endpoint.parameters.declared import DeclaredParameters


def check(settings: DeclaredParameters) -> None:
    if settings.data_capture_enabled and not settings.model_artifacts_bucket_arn:
        raise ParameterError(
            "parameter 'data-capture-sampling-percentage': data capture writes to the artifacts bucket; "
            "set 'model-artifacts-bucket-arn' too, or set the percentage to 0 to turn capture off"
        )
    csv, json = settings.data_capture_csv_content_types, settings.data_capture_json_content_types
    for name, given in (("data-capture-csv-content-types", csv), ("data-capture-json-content-types", json)):
        if given is not None and not settings.data_capture_enabled:
            raise ParameterError(
                f"parameter '{name}': says how captured data is recorded, and data capture is off; set "
                "'data-capture-sampling-percentage' to 1 to 100 to capture, or leave the content types out"
            )
    both = sorted(set(csv or ()) & set(json or ("application/json",)))
    if both:
        raise ParameterError(
            f"parameter 'data-capture-csv-content-types': {', '.join(both)} is recorded as JSON too "
            "('data-capture-json-content-types', by default application/json); name each content type in one "
            "list only"
        )
