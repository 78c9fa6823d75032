"""Data capture records the content types it is told as text (SageMaker's CaptureContentTypeHeader), which the
model monitoring module needs to parse what was captured, and publishes its capture for that module."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mlops_platform.contract import DeploymentContext, ParameterError
from sagemaker_endpoint.model_source.lookup import ModelArtifacts, ResolvedPackage
from sagemaker_endpoint.plan import plan
from sagemaker_endpoint.settings import EndpointSettings

CONTEXT = DeploymentContext(
    project="mlops", deployment="test", module="sagemaker-endpoint", account="111111111111", region="us-east-1"
)
PACKAGE = "arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/3"
IMAGE = "111111111111.dkr.ecr.us-east-1.amazonaws.com/fraud-detector:1.4"
DESCRIBED = ResolvedPackage(
    arn=PACKAGE, artifacts=ModelArtifacts(images=(IMAGE,), model_data_urls=("s3://mlops-artifacts/3/model.tar.gz",))
)
BUCKET = "arn:aws:s3:::mlops-artifacts"
BASE = {"vpc-id": "vpc-0123456789abcdef0", "subnet-ids": ["subnet-0123456789abcdef0"], "model-package-arn": PACKAGE}
CAPTURE = {**BASE, "model-artifacts-bucket-arn": BUCKET, "data-capture-sampling-percentage": 20}
FIELDS = {"model_artifacts_bucket_arn": BUCKET, "data_capture_sampling_percentage": 20}


def test_content_types_are_taken_as_a_json_list_or_comma_separated_text(parameters: Any) -> None:
    parameters(**CAPTURE, **{"data-capture-csv-content-types": "text/csv, text/plain"})
    parameters(**{"data-capture-json-content-types": ["application/json", "application/jsonlines"]})
    settings = EndpointSettings.from_env()
    assert settings.data_capture_csv_content_types == ("text/csv", "text/plain")
    assert settings.data_capture_json_content_types == ("application/json", "application/jsonlines")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"data-capture-csv-content-types": ["text/csv; charset=utf-8"]},
            "parameter 'data-capture-csv-content-types': 'text/csv; charset=utf-8' is not a content type SageMaker "
            "records as text: a type/subtype such as text/csv or application/json",
        ),
        (
            {"data-capture-json-content-types": ["json"]},
            "parameter 'data-capture-json-content-types': 'json' is not a content type SageMaker records as text",
        ),
        (
            {"data-capture-csv-content-types": [f"text/csv{n}" for n in range(11)]},
            "parameter 'data-capture-csv-content-types': may list at most 10 item(s)",
        ),
        (
            {"data-capture-csv-content-types": ["text/csv", "text/csv"]},
            "parameter 'data-capture-csv-content-types': lists a content type more than once",
        ),
        (
            {"data-capture-csv-content-types": ["application/json"]},
            "parameter 'data-capture-csv-content-types': application/json is recorded as JSON too "
            "('data-capture-json-content-types', by default application/json); name each content type in one list",
        ),
        (
            {"data-capture-sampling-percentage": 0, "data-capture-csv-content-types": ["text/csv"]},
            "parameter 'data-capture-csv-content-types': says how captured data is recorded, and data capture is "
            "off; set 'data-capture-sampling-percentage' to 1 to 100",
        ),
    ],
)
def test_each_bad_content_type_list_is_one_error_naming_it(
    parameters: Any, values: dict[str, Any], expected: str
) -> None:
    parameters(**{**CAPTURE, **values})
    with pytest.raises(ParameterError) as raised:
        EndpointSettings.from_env()
    assert expected in str(raised.value)


def _plan(**fields: Any) -> Any:
    settings = EndpointSettings(
        vpc_id="vpc-0123456789abcdef0", subnet_ids=("subnet-0123456789abcdef0",), model_package_arn=PACKAGE, **fields
    )
    settings.check()
    return plan(settings, DESCRIBED, CONTEXT)


def test_the_default_content_types_keep_deployed_configuration_names_and_others_rename_it() -> None:
    # DataCaptureConfig is create-only: what changes it must name a new configuration, what does not must not.
    default = _plan(**FIELDS).config_name
    assert _plan(**FIELDS, data_capture_json_content_types=("application/json",)).config_name == default
    assert _plan(**FIELDS, data_capture_csv_content_types=()).config_name == default
    renamed = {
        _plan(**FIELDS, data_capture_csv_content_types=("text/csv",)).config_name,
        _plan(**FIELDS, data_capture_json_content_types=()).config_name,
        _plan(**FIELDS, data_capture_json_content_types=("application/jsonlines",)).config_name,
    }
    assert default not in renamed
    assert len(renamed) == 3


def test_capture_records_the_given_content_types_as_text(synthesize: Any) -> None:
    stack = synthesize(**FIELDS, data_capture_csv_content_types=("text/csv",))
    header = stack.one("AWS::SageMaker::EndpointConfig")["DataCaptureConfig"]["CaptureContentTypeHeader"]
    assert header == {"CsvContentTypes": ["text/csv"], "JsonContentTypes": ["application/json"]}
    only_csv = synthesize(**FIELDS, data_capture_csv_content_types=("text/csv",), data_capture_json_content_types=())
    header = only_csv.one("AWS::SageMaker::EndpointConfig")["DataCaptureConfig"]["CaptureContentTypeHeader"]
    assert header == {"CsvContentTypes": ["text/csv"]}, "SageMaker takes no empty list"


def test_capture_without_any_text_content_type_leaves_the_header_out(synthesize: Any) -> None:
    stack = synthesize(**FIELDS, data_capture_json_content_types=())
    assert "CaptureContentTypeHeader" not in stack.one("AWS::SageMaker::EndpointConfig")["DataCaptureConfig"]


def _published(stack: Any) -> dict[str, Any]:
    flat = stack.flat(stack.raw["Outputs"]["metadata"]["Value"])
    published: dict[str, Any] = json.loads(flat)
    return published


def test_the_endpoint_publishes_its_capture_for_the_monitoring_module(synthesize: Any) -> None:
    stack = synthesize(**FIELDS, data_capture_prefix="capture/fraud", data_capture_csv_content_types=("text/csv",))
    published = _published(stack)
    assert published["DataCaptureS3Uri"] == "s3://mlops-artifacts/capture/fraud"
    assert published["DataCaptureSamplingPercentage"] == 20
    assert published["DataCaptureKmsKeyArn"].startswith("${EncryptionKey")
    assert published["DataCaptureKmsKeyArn"].endswith(".Arn}")
    assert published["DataCaptureCsvContentTypes"] == ["text/csv"]
    assert published["DataCaptureJsonContentTypes"] == ["application/json"]
    assert published["SubnetIds"] == stack.one("AWS::SageMaker::Model")["VpcConfig"]["Subnets"]
    capture = stack.one("AWS::SageMaker::EndpointConfig")["DataCaptureConfig"]
    assert capture["DestinationS3Uri"] == published["DataCaptureS3Uri"]


def test_an_endpoint_without_capture_publishes_that_it_captures_nothing(synthesize: Any) -> None:
    published = _published(synthesize())
    assert published["DataCaptureSamplingPercentage"] == 0, "the monitoring module refuses 0 in its own words"
    assert published["DataCaptureS3Uri"] == published["DataCaptureKmsKeyArn"] == ""
    assert published["DataCaptureCsvContentTypes"] == published["DataCaptureJsonContentTypes"] == []
