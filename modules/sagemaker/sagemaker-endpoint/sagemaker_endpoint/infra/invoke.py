"""An invoke function: a Python Lambda that forwards a JSON request to the endpoint and answers clearly."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from sagemaker_endpoint.infra.function import Function, python_function
from sagemaker_endpoint.specs import NetworkSpec


def invoke_function(
    scope: Construct,
    network: NetworkSpec | None,
    key: kms.Key,
    *,
    endpoint_name: str,
    endpoint_arn: str,
    component: tuple[str, str] | None = None,
) -> Function:
    """The function, with permission to invoke this endpoint only; `component` (name, ARN) is the inference
    component every request names, on an endpoint of inference components."""
    environment = {"SAGEMAKER_ENDPOINT_NAME": endpoint_name, "POWERTOOLS_SERVICE_NAME": "invoke-endpoint"}
    resources = [endpoint_arn]
    if component is not None:
        environment["SAGEMAKER_INFERENCE_COMPONENT_NAME"] = component[0]
        resources.append(component[1])
    return python_function(
        scope,
        "InvokeFunction",
        network=network,
        code="invoke",
        handler="invoke_handler.lambda_handler",
        description=f"Invokes SageMaker endpoint {endpoint_name}",
        environment=environment,
        statements=[
            iam.PolicyStatement(sid="InvokeThisEndpoint", actions=["sagemaker:InvokeEndpoint"], resources=resources)
        ],
        key=key,
        timeout=cdk.Duration.seconds(60),
        tracing=True,
    )
