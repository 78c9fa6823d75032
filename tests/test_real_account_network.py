"""Every AWS API the endpoint module's functions call is reachable from a VPC without internet access.

The functions run in the endpoint's subnets; with networking's `internet-accessible: false` they reach
AWS only through the VPC endpoints that module creates. The APIs are read from the functions' code
(and the Powertools idempotency layer's), so a new client without an endpoint fails here.
"""

from __future__ import annotations

import pytest

from tests.real_account.calls import function_actions, idempotency_actions
from tests.real_account.cfn import Template

pytestmark = pytest.mark.xdist_group("matrix")

# The VPC endpoint service that serves an IAM action's API (sagemaker-runtime signs as `sagemaker`).
RUNTIME_ACTIONS = {
    "sagemaker:InvokeEndpoint",
    "sagemaker:InvokeEndpointAsync",
    "sagemaker:InvokeEndpointWithResponseStream",
}


def endpoint_service(action: str) -> str:
    if action in RUNTIME_ACTIONS:
        return "sagemaker.runtime"
    prefix = action.split(":", 1)[0]
    return {"sagemaker": "sagemaker.api"}.get(prefix, prefix)


def test_the_functions_apis_are_read_from_their_code() -> None:
    services = {endpoint_service(action) for action in function_actions("refresh") | idempotency_actions()}
    assert services == {"s3", "sagemaker.api", "sqs", "dynamodb"}
    assert {endpoint_service(action) for action in function_actions("invoke")} == {"sagemaker.runtime"}


def test_a_closed_vpc_has_an_endpoint_for_every_api_the_functions_call(deployed_templates: dict[str, Template]) -> None:
    template = deployed_templates["networking-isolated-vpc"]
    prefix = f"com.amazonaws.{template.region}."
    offered = {
        str(resource["Properties"]["ServiceName"]).removeprefix(prefix)
        for _, resource in template.of_type("AWS::EC2::VPCEndpoint")
    }
    needed = {
        endpoint_service(action)
        for action in function_actions("refresh") | function_actions("invoke") | idempotency_actions()
    }
    assert needed - offered == set()
