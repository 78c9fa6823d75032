"""Lambda entry point of the invoke function: thin, with Powertools logging and X-Ray tracing."""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Tracer
from invoke import invoke

logger = Logger(service="invoke-endpoint")
tracer = Tracer(service="invoke-endpoint")
runtime = boto3.client("sagemaker-runtime")
endpoint_name = os.environ["SAGEMAKER_ENDPOINT_NAME"]
# Set on an endpoint of inference components: every request names the component that answers.
component_name = os.environ.get("SAGEMAKER_INFERENCE_COMPONENT_NAME") or None


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    result = invoke(event, endpoint_name, runtime, component_name)
    logger.info("invocation answered", extra={"status": result["statusCode"]})
    return result
