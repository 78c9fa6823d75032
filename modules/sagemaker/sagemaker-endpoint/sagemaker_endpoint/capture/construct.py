"""Data capture as built: the endpoint configuration's DataCaptureConfig, encrypted with the module's key, the
grant on the captured data (`grant_write` for the role SageMaker captures with), and what the module publishes
about it for the model monitoring module (`published`)."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker

from sagemaker_endpoint.capture.plan import CaptureSpec
from sagemaker_endpoint.grants import Grantee, grant

Config = sagemaker.CfnEndpointConfig
WILDCARD_REASONS = {"WriteDataCapture": "Captured data is written under this endpoint's data capture prefix only."}


class DataCapture:
    """Requests and responses captured to `spec`'s destination, encrypted with `key`."""

    def __init__(self, *, spec: CaptureSpec, key: kms.IKey) -> None:
        self.spec = spec
        self.key = key

    @property
    def s3_uri(self) -> str:
        """Where SageMaker writes captured data (it adds `<endpoint>/<variant>/<yyyy>/<mm>/<dd>/<hh>/`)."""
        return self.spec.destination

    @property
    def config(self) -> Config.DataCaptureConfigProperty:
        """The endpoint configuration's DataCaptureConfig: inputs and outputs, with the key."""
        return Config.DataCaptureConfigProperty(
            enable_capture=True,
            initial_sampling_percentage=self.spec.sampling_percentage,
            destination_s3_uri=self.spec.destination,
            kms_key_id=self.key.key_arn,
            capture_options=[
                Config.CaptureOptionProperty(capture_mode="Input"),
                Config.CaptureOptionProperty(capture_mode="Output"),
            ],
            capture_content_type_header=self._content_type_header(),
        )

    def _content_type_header(self) -> Config.CaptureContentTypeHeaderProperty | None:
        """The content types recorded as text; SageMaker takes no empty list, and base64-encodes without any."""
        csv, json = self.spec.content_types
        if not csv and not json:
            return None
        return Config.CaptureContentTypeHeaderProperty(
            csv_content_types=list(csv) or None, json_content_types=list(json) or None
        )

    def published(self) -> dict[str, Any]:
        """The capture as the model monitoring module reads it (its data-capture-* parameters)."""
        return {
            "DataCaptureS3Uri": self.spec.destination,
            "DataCaptureSamplingPercentage": self.spec.sampling_percentage,
            "DataCaptureKmsKeyArn": self.key.key_arn,
            "DataCaptureCsvContentTypes": list(self.spec.content_types.csv),
            "DataCaptureJsonContentTypes": list(self.spec.content_types.json),
        }

    def grant_write(self, grantee: Grantee) -> None:
        """Write captured requests and responses under the capture prefix only."""
        statement = iam.PolicyStatement(
            sid="WriteDataCapture", actions=["s3:PutObject"], resources=[self.spec.objects_arn]
        )
        grant(grantee, [statement], WILDCARD_REASONS)


# An endpoint without capture publishes the same keys, saying so: the monitoring module refuses it in its words.
CAPTURE_OFF: dict[str, Any] = {
    "DataCaptureS3Uri": "",
    "DataCaptureSamplingPercentage": 0,
    "DataCaptureKmsKeyArn": "",
    "DataCaptureCsvContentTypes": [],
    "DataCaptureJsonContentTypes": [],
}


def published(capture: DataCapture | None) -> dict[str, Any]:
    """What the module publishes about its data capture (the `metadata` output)."""
    return capture.published() if capture is not None else dict(CAPTURE_OFF)
