"""Forward one request to the SageMaker endpoint and answer with a status code instead of a crash.

Request: {"body": <JSON value, or a string>, "content_type": "application/json", "accept": "application/json"}.
Answer: {"statusCode": 200, "contentType": ..., "body": <the model's answer>} on success;
400 for a bad request, 424 when the model itself failed (its message is passed on), 429 when the
endpoint throttles, 502 or 503 when SageMaker cannot serve it.
"""

from __future__ import annotations

import json
from typing import Any

DEFAULT_TYPE = "application/json"


def invoke(request: Any, endpoint_name: str, runtime: Any, component_name: str | None = None) -> dict[str, Any]:
    """The endpoint's answer to `request`, or a 4xx/5xx answer that says what went wrong.

    On an endpoint of inference components, `component_name` names the component that answers.
    """
    if not isinstance(request, dict) or "body" not in request:
        return answer(400, {"error": 'the request must be a JSON object with a "body"'})
    content_type = str(request.get("content_type") or DEFAULT_TYPE)
    accept = str(request.get("accept") or DEFAULT_TYPE)
    body = request["body"]
    if isinstance(body, str):
        payload = body.encode()
        if content_type == DEFAULT_TYPE and not _is_json(body):
            return answer(400, {"error": "the body is not valid JSON, but content_type is application/json"})
    else:
        payload = json.dumps(body).encode()
    if not payload:
        return answer(400, {"error": "the body is empty"})
    try:
        target = {"InferenceComponentName": component_name} if component_name else {}
        response = runtime.invoke_endpoint(
            EndpointName=endpoint_name, Body=payload, ContentType=content_type, Accept=accept, **target
        )
    except Exception as error:
        return _failure(error)
    raw = response["Body"].read()
    returned_type = response.get("ContentType", accept)
    text = raw.decode("utf-8", errors="replace")
    result: Any = json.loads(text) if returned_type.startswith(DEFAULT_TYPE) and _is_json(text) else text
    return {"statusCode": 200, "contentType": returned_type, "body": result}


def answer(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "contentType": DEFAULT_TYPE, "body": body}


def _failure(error: Exception) -> dict[str, Any]:
    details = (getattr(error, "response", None) or {}).get("Error", {})
    code, message = details.get("Code", type(error).__name__), details.get("Message", str(error))
    if code == "ModelError":
        original = (getattr(error, "response", None) or {}).get("OriginalMessage", message)
        return answer(424, {"error": "the model failed on this request", "model_message": original})
    if code == "ValidationError":
        return answer(400, {"error": message})
    if code in {"ThrottlingException", "ModelNotReadyException"}:
        return answer(429 if code == "ThrottlingException" else 503, {"error": message})
    if code == "ServiceUnavailable":
        return answer(503, {"error": message})
    return answer(502, {"error": f"SageMaker did not answer: {code}: {message}"})


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
