"""The plan of the network: where the endpoint's (and the module's functions') network interfaces go."""

from __future__ import annotations

from dataclasses import dataclass

from sagemaker_endpoint.parameters.declared import DeclaredParameters


@dataclass(frozen=True)
class NetworkSpec:
    """Where the endpoint (and the module's functions) attach: absent for serverless endpoints."""

    vpc_id: str
    subnet_ids: tuple[str, ...]


def network(settings: DeclaredParameters) -> NetworkSpec | None:
    if settings.serverless or not settings.vpc_id or not settings.subnet_ids:
        return None
    return NetworkSpec(settings.vpc_id, settings.subnet_ids)
