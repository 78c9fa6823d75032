"""The rules of data capture: it writes to the artifacts bucket."""

from __future__ import annotations

from mlops_platform.contract import ParameterError
from sagemaker_endpoint.parameters.declared import DeclaredParameters


def check(settings: DeclaredParameters) -> None:
    if settings.data_capture_enabled and not settings.model_artifacts_bucket_arn:
        raise ParameterError(
            "parameter 'data-capture-sampling-percentage': data capture writes to the artifacts bucket; "
            "set 'model-artifacts-bucket-arn' too, or set the percentage to 0 to turn capture off"
        )
