"""The invoke function as built: a Python Lambda that forwards a JSON request to the endpoint and answers clearly,
allowed to invoke this endpoint (and its inference component) only."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from mlops_platform.function import LeastPrivilegeFunction
from mlops_platform.key import ModuleKey
from sagemaker_endpoint import compliance
from sagemaker_endpoint.network.plan import NetworkSpec

# The Lambda sources live beside the package, in the module folder (functions/<name>/).
FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


class InvokeFunction(LeastPrivilegeFunction):
    """The function, whose policy holds `invoke` (the endpoint's `invoke_statement`) and nothing else of the
    endpoint's; `component` is the inference component every request names, on an endpoint of components."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        network: NetworkSpec | None,
        key: ModuleKey,
        endpoint_name: str,
        invoke: iam.PolicyStatement,
        component: str | None = None,
    ) -> None:
        environment = {"SAGEMAKER_ENDPOINT_NAME": endpoint_name, "POWERTOOLS_SERVICE_NAME": "invoke-endpoint"}
        if component is not None:
            environment["SAGEMAKER_INFERENCE_COMPONENT_NAME"] = component
        super().__init__(
            scope,
            id,
            code=FUNCTIONS / "invoke",
            handler="invoke_handler.lambda_handler",
            description=f"Invokes SageMaker endpoint {endpoint_name}",
            environment=environment,
            statements=[invoke],
            key=key,
            timeout=cdk.Duration.seconds(60),
            tracing=True,
            network=network,
            why_outside_vpc=compliance.FUNCTION_OUTSIDE_VPC,
            why_no_dead_letter_queue=compliance.FUNCTION_DEAD_LETTERS,
            why_no_reserved_concurrency=compliance.FUNCTION_CONCURRENCY,
        )
