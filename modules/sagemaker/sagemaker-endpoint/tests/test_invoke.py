"""The invoke function: a JSON request in, the model's answer or a clear 4xx/5xx answer out."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "functions" / "invoke"))

from invoke import invoke


class FakeRuntime:
    """sagemaker-runtime's InvokeEndpoint: records the call, answers or fails as told."""

    def __init__(
        self,
        answer: bytes = b'{"fraud": 0.02}',
        content_type: str = "application/json",
        error: ClientError | None = None,
    ) -> None:
        self.answer, self.content_type, self.error = answer, content_type, error
        self.calls: list[dict[str, Any]] = []

    def invoke_endpoint(self, **request: Any) -> dict[str, Any]:
        self.calls.append(request)
        if self.error is not None:
            raise self.error
        return {"Body": io.BytesIO(self.answer), "ContentType": self.content_type}


def _error(code: str, message: str, **extra: Any) -> ClientError:
    response: Any = {"Error": {"Code": code, "Message": message}, **extra}
    return ClientError(response, "InvokeEndpoint")


def test_a_json_body_is_forwarded_and_the_models_answer_returned() -> None:
    runtime = FakeRuntime()
    result = invoke({"body": {"amount": 120.5}}, "fraud-endpoint", runtime)
    assert result == {"statusCode": 200, "contentType": "application/json", "body": {"fraud": 0.02}}
    assert runtime.calls == [
        {
            "EndpointName": "fraud-endpoint",
            "Body": b'{"amount": 120.5}',
            "ContentType": "application/json",
            "Accept": "application/json",
        }
    ]


def test_content_and_accept_types_are_passed_through() -> None:
    runtime = FakeRuntime(answer=b"0.02", content_type="text/csv")
    result = invoke({"body": "120.5,3", "content_type": "text/csv", "accept": "text/csv"}, "e", runtime)
    assert result == {"statusCode": 200, "contentType": "text/csv", "body": "0.02"}
    assert runtime.calls[0]["ContentType"] == runtime.calls[0]["Accept"] == "text/csv"


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ("not an object", 'the request must be a JSON object with a "body"'),
        ({"payload": {}}, 'the request must be a JSON object with a "body"'),
        ({"body": "{not json"}, "the body is not valid JSON, but content_type is application/json"),
        ({"body": "", "content_type": "text/csv"}, "the body is empty"),
    ],
)
def test_a_bad_request_is_a_400_and_never_reaches_the_endpoint(request_: Any, message: str) -> None:
    runtime = FakeRuntime()
    assert invoke(request_, "e", runtime) == {
        "statusCode": 400,
        "contentType": "application/json",
        "body": {"error": message},
    }
    assert runtime.calls == []


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (
            _error("ModelError", "Received server error (500) from model", OriginalMessage="division by zero"),
            424,
            {"error": "the model failed on this request", "model_message": "division by zero"},
        ),
        (
            _error("ValidationError", "Endpoint e of account 1 not found."),
            400,
            {"error": "Endpoint e of account 1 not found."},
        ),
        (_error("ThrottlingException", "Rate exceeded"), 429, {"error": "Rate exceeded"}),
        (_error("ModelNotReadyException", "Model not ready"), 503, {"error": "Model not ready"}),
        (_error("InternalFailure", "boom"), 502, {"error": "SageMaker did not answer: InternalFailure: boom"}),
    ],
)
def test_endpoint_and_model_errors_become_clear_answers(error: ClientError, status: int, body: dict[str, Any]) -> None:
    result = invoke({"body": {"x": 1}}, "e", FakeRuntime(error=error))
    assert result == {"statusCode": status, "contentType": "application/json", "body": body}


def test_the_handler_reads_the_endpoint_name_from_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.setenv("SAGEMAKER_ENDPOINT_NAME", "fraud-endpoint")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    path = Path(__file__).resolve().parents[1] / "functions" / "invoke" / "invoke_handler.py"
    spec = importlib.util.spec_from_file_location("invoke_handler_under_test", path)
    assert spec is not None
    assert spec.loader is not None
    handler = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(handler)
    runtime = FakeRuntime()
    monkeypatch.setattr(handler, "runtime", runtime)

    class Context:
        function_name, memory_limit_in_mb, aws_request_id = "invoke", 256, "r"
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:invoke"

    result = handler.lambda_handler({"body": {"amount": 1}}, Context())
    assert result["statusCode"] == 200
    assert runtime.calls[0]["EndpointName"] == "fraud-endpoint"
    assert json.loads(runtime.calls[0]["Body"]) == {"amount": 1}


def test_on_an_endpoint_of_inference_components_every_request_names_the_component() -> None:
    runtime = FakeRuntime()
    invoke({"body": {"amount": 1}}, "fraud-endpoint", runtime, "fraud-endpoint-component")
    assert runtime.calls[0]["InferenceComponentName"] == "fraud-endpoint-component"


def test_the_component_name_is_a_parameter_sagemaker_runtime_accepts() -> None:
    # botocore's Stubber checks each request against the published API model of sagemaker-runtime.
    client = boto3.client(
        "sagemaker-runtime", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        stubber.add_response(
            "invoke_endpoint",
            {"Body": io.BytesIO(b"{}"), "ContentType": "application/json"},
            {
                "EndpointName": "fraud-endpoint",
                "Body": b"{}",
                "ContentType": "application/json",
                "Accept": "application/json",
                "InferenceComponentName": "fraud-endpoint-component",
            },
        )
        result = invoke({"body": {}}, "fraud-endpoint", client, "fraud-endpoint-component")
    assert result["statusCode"] == 200
