"""The monitored endpoint as deployed: its data capture and the model package it serves, read at synth time.

Three reads with Seed-Farmer's deployment role (modulestack.yaml grants them): DescribeEndpoint for its
configuration, DescribeEndpointConfig for its data capture and production variants, DescribeModel for the
package the first variant's model serves (the package whose baselines the jobs compare against).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from mlops_platform.aws_reads import AwsReadError, read_error
from sagemaker_model_monitoring.aws_reads import is_missing
from sagemaker_model_monitoring.capture import Capture

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient


@dataclass(frozen=True)
class ServedEndpoint:
    """What the module needs to know of the endpoint: where it is read from, its capture, what it serves."""

    name: str
    config_name: str
    capture: Capture | None
    model_name: str | None
    package_arn: str | None


def served_endpoint(sagemaker: SageMakerClient, name: str, *, account: str, region: str) -> ServedEndpoint:
    """The endpoint `name` as deployed; AwsReadError when it does not exist or cannot be read."""
    where = f"parameter 'endpoint-name': endpoint {name}"
    endpoint = _describe(sagemaker.describe_endpoint, "sagemaker:DescribeEndpoint", name, EndpointName=name)
    if endpoint is None:
        raise AwsReadError(
            f"{where} does not exist in account {account}, region {region}; deploy the endpoint first (its "
            "group before this module's) or correct the name"
        )
    config_name = str(endpoint["EndpointConfigName"])
    config = _describe(
        sagemaker.describe_endpoint_config,
        "sagemaker:DescribeEndpointConfig",
        f"endpoint configuration {config_name}",
        EndpointConfigName=config_name,
    )
    if config is None:
        raise AwsReadError(f"{where}: its configuration {config_name} does not exist (the endpoint is being replaced?)")
    model_name = next((v.get("ModelName") for v in config.get("ProductionVariants", []) if v.get("ModelName")), None)
    package = None
    if model_name:
        model = _describe(
            sagemaker.describe_model, "sagemaker:DescribeModel", f"model {model_name}", ModelName=model_name
        )
        package = _served_package(model or {})
    return ServedEndpoint(name, config_name, capture_of(config.get("DataCaptureConfig")), model_name, package)


def capture_of(config: dict[str, Any] | None) -> Capture | None:
    """DataCaptureConfig as a Capture (None when the configuration has none at all)."""
    if not config:
        return None
    header = config.get("CaptureContentTypeHeader") or {}
    return Capture(
        enabled=bool(config.get("EnableCapture", True)),
        sampling_percentage=int(config.get("InitialSamplingPercentage", 0)),
        destination=config.get("DestinationS3Uri"),
        kms_key=config.get("KmsKeyId"),
        csv_content_types=tuple(header.get("CsvContentTypes") or ()),
        json_content_types=tuple(header.get("JsonContentTypes") or ()),
    )


def _served_package(model: dict[str, Any]) -> str | None:
    containers = [model.get("PrimaryContainer") or {}, *(model.get("Containers") or [])]
    return next((str(c["ModelPackageName"]) for c in containers if c.get("ModelPackageName")), None)


# Why the module reads the endpoint, its configuration and its model (the library's read errors say it).
PURPOSE = "to find the monitored endpoint's data capture and the model package it serves (parameter 'endpoint-name')"


def _describe(call: Any, action: str, resource: str, **request: str) -> dict[str, Any] | None:
    """One Describe call; None when what it names does not exist, AwsReadError for any other failure."""
    try:
        answer: dict[str, Any] = call(**request)
    except ClientError as error:
        if is_missing(error):
            return None
        raise read_error(error, action, resource, PURPOSE) from None
    except BotoCoreError as error:
        raise read_error(error, action, resource, PURPOSE) from None
    return answer
