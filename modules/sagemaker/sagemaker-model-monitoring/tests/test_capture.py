"""The endpoint read as deployed (moto), and every capture that would make each run fail refused before deploy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mlops_platform.aws_reads import AwsReadError
from mlops_platform.contract import ParameterError
from sagemaker_model_monitoring.capture import captured_data
from sagemaker_model_monitoring.endpoint import served_endpoint

BUCKET = "mlops-artifacts"
ENDPOINT = "mlops-test-endpoint"
PACKAGE = "arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/2"
GOOD_CAPTURE: dict[str, Any] = {
    "EnableCapture": True,
    "InitialSamplingPercentage": 20,
    "DestinationS3Uri": f"s3://{BUCKET}/data-capture/{ENDPOINT}",
    "KmsKeyId": "arn:aws:kms:us-east-1:111111111111:key/0123abcd-0123-4567-89ab-0123456789ab",
    "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
    "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"], "JsonContentTypes": ["application/json"]},
}


def deploy(sagemaker: Any, capture: dict[str, Any] | None) -> None:
    """An endpoint serving a model package, with `capture` as its DataCaptureConfig (None: no capture)."""
    sagemaker.create_model(
        ModelName="model-1",
        ExecutionRoleArn="arn:aws:iam::111111111111:role/execution",
        PrimaryContainer={"ModelPackageName": PACKAGE},
    )
    config: dict[str, Any] = {
        "EndpointConfigName": "config-1",
        "ProductionVariants": [
            {
                "VariantName": "AllTraffic",
                "ModelName": "model-1",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
            }
        ],
    }
    if capture is not None:
        config["DataCaptureConfig"] = capture
    sagemaker.create_endpoint_config(**config)
    sagemaker.create_endpoint(EndpointName=ENDPOINT, EndpointConfigName="config-1")


def read(account: dict[str, Any]) -> Any:
    return served_endpoint(account["sagemaker"], ENDPOINT, account="111111111111", region="us-east-1")


def test_the_endpoint_is_read_as_deployed(account: dict[str, Any], accepted: Callable[..., Any]) -> None:
    deploy(account["sagemaker"], GOOD_CAPTURE)
    served = read(account)
    assert (served.config_name, served.model_name, served.package_arn) == ("config-1", "model-1", PACKAGE)
    captured = captured_data(accepted(), served)
    assert captured.location is not None
    assert captured.location.uri == f"s3://{BUCKET}/data-capture/{ENDPOINT}"
    assert captured.kms_key == GOOD_CAPTURE["KmsKeyId"]
    assert captured.checked_against == "the endpoint"


def test_an_endpoint_that_does_not_exist_is_a_clear_error(account: dict[str, Any]) -> None:
    with pytest.raises(AwsReadError, match=f"parameter 'endpoint-name': endpoint {ENDPOINT} does not exist in account"):
        read(account)


@pytest.mark.parametrize(
    ("capture", "message"),
    [
        (None, 'captures no data, so every monitoring run would fail with "Job inputs had no data"'),
        (
            {**GOOD_CAPTURE, "EnableCapture": False},
            "data capture of endpoint mlops-test-endpoint (its configuration config-1) is off",
        ),
        ({**GOOD_CAPTURE, "InitialSamplingPercentage": 0}, "samples 0 % of requests"),
        (
            {**GOOD_CAPTURE, "CaptureContentTypeHeader": {}},
            "records no content type as text (CaptureContentTypeHeader), so SageMaker base64-encodes",
        ),
        ({**GOOD_CAPTURE, "DestinationS3Uri": f"s3://{BUCKET}/data-capture/"}, "puts '//' in every capture path"),
        (
            {**GOOD_CAPTURE, "DestinationS3Uri": "s3://elsewhere/capture"},
            "the capture destination s3://elsewhere/capture",
        ),
    ],
)
def test_a_capture_no_run_could_read_is_refused(
    account: dict[str, Any], accepted: Callable[..., Any], capture: dict[str, Any] | None, message: str
) -> None:
    deploy(account["sagemaker"], capture)
    with pytest.raises(ParameterError) as raised:
        captured_data(accepted(), read(account))
    assert str(raised.value).startswith("parameter 'endpoint-name': ")
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"data_capture_sampling_percentage": 0}, "samples 0 % of requests"),
        (
            {"data_capture_csv_content_types": [], "data_capture_json_content_types": []},
            "records no content type as text",
        ),
    ],
)
def test_the_endpoint_modules_published_capture_is_refused_with_the_parameters(
    refusal: Callable[..., str], fields: dict[str, Any], message: str
) -> None:
    # Checked with the other parameters, before AWS is read: the rehearsal's preflight reaches it.
    assert message in refusal(data_capture_s3_uri=f"s3://{BUCKET}/data-capture/{ENDPOINT}", **fields)


def test_content_types_not_passed_on_are_not_guessed(accepted: Callable[..., Any]) -> None:
    settings = accepted(
        data_capture_s3_uri=f"s3://{BUCKET}/data-capture/{ENDPOINT}", data_capture_sampling_percentage=5
    )
    captured = captured_data(settings, None)
    assert captured.checked_against == "the endpoint module's metadata"


def test_without_aws_or_published_capture_nothing_is_claimed(accepted: Callable[..., Any]) -> None:
    captured = captured_data(accepted(), None)
    assert (captured.location, captured.checked_against) == (None, "nothing")
