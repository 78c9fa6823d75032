"""The rule of the network: an endpoint on instances needs its VPC and subnets."""

from __future__ import annotations

from mlops_platform.contract import ParameterError
from sagemaker_endpoint.parameters.declared import DeclaredParameters, quoted_names


def check(settings: DeclaredParameters) -> None:
    if settings.serverless:
        return
    missing = [field for field in ("vpc_id", "subnet_ids") if not getattr(settings, field)]
    if missing:
        raise ParameterError(
            f"parameter(s) {quoted_names(*missing)}: required, the endpoint's network interfaces live in your VPC "
            "(only serverless endpoints run without them)"
        )
