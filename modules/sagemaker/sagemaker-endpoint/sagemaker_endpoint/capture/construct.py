"""Data capture as built: the endpoint configuration's DataCaptureConfig, encrypted with the module's key, the
grants on the captured data (`grant_write` for the role SageMaker captures with, `grant_read` for a role that
analyses it, such as a monitoring job's), and what the module publishes about it for the model monitoring
module (`published`)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker

from sagemaker_endpoint.capture.plan import CaptureSpec
from sagemaker_endpoint.grants import Grantee, grant

Config = sagemaker.CfnEndpointConfig
WILDCARD_REASONS = {
    "WriteDataCapture": "Captured data is written under this endpoint's data capture prefix only.",
    "ReadDataCapture": "Captured data is read under this endpoint's data capture prefix only.",
}


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

    def grant_read(self, grantee: Grantee) -> None:
        """Read what was captured: list and get under the capture prefix only, and decrypt it with the module key
        through S3 of this region only (a monitoring job's role, say). Nothing else of the bucket or the key."""
        region = cdk.Stack.of(self.key).region
        statements = [
            iam.PolicyStatement(sid="ReadDataCapture", actions=["s3:GetObject"], resources=[self.spec.objects_arn]),
            # StringLike, not IfExists: a listing without a prefix, or of another prefix, is denied.
            iam.PolicyStatement(
                sid="ListDataCapture",
                actions=["s3:ListBucket"],
                resources=[self.spec.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{self.spec.prefix}/*"]}},
            ),
            iam.PolicyStatement(
                sid="DecryptDataCapture",
                actions=["kms:Decrypt"],
                resources=[self.key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            ),
        ]
        grant(grantee, statements, WILDCARD_REASONS)


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
