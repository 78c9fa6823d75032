"""An invoke function: a Python Lambda that forwards a JSON request to the endpoint and answers clearly."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from mlops_platform.function import LeastPrivilegeFunction
from mlops_platform.key import ModuleKey
from sagemaker_endpoint.infra import compliance, wildcards
from sagemaker_endpoint.specs import NetworkSpec

# The Lambda sources live beside the package, in the module folder (functions/<name>/).
FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


def invoke_function(
    scope: Construct,
    network: NetworkSpec | None,
    key: ModuleKey,
    *,
    endpoint_name: str,
    endpoint_arn: str,
    component: tuple[str, str] | None = None,
) -> LeastPrivilegeFunction:
    """The function, with permission to invoke this endpoint only; `component` (name, ARN) is the inference
    component every request names, on an endpoint of inference components."""
    environment = {"SAGEMAKER_ENDPOINT_NAME": endpoint_name, "POWERTOOLS_SERVICE_NAME": "invoke-endpoint"}
    resources = [endpoint_arn]
    if component is not None:
        environment["SAGEMAKER_INFERENCE_COMPONENT_NAME"] = component[0]
        resources.append(component[1])
    return LeastPrivilegeFunction(
        scope,
        "InvokeFunction",
        code=FUNCTIONS / "invoke",
        handler="invoke_handler.lambda_handler",
        description=f"Invokes SageMaker endpoint {endpoint_name}",
        environment=environment,
        statements=[
            iam.PolicyStatement(sid="InvokeThisEndpoint", actions=["sagemaker:InvokeEndpoint"], resources=resources)
        ],
        key=key,
        timeout=cdk.Duration.seconds(60),
        tracing=True,
        network=network,
        why_outside_vpc=compliance.FUNCTION_OUTSIDE_VPC,
        why_no_dead_letter_queue=compliance.FUNCTION_DEAD_LETTERS,
        why_no_reserved_concurrency=compliance.FUNCTION_CONCURRENCY,
        wildcard_reasons=wildcards.WILDCARD_REASONS,
    )
