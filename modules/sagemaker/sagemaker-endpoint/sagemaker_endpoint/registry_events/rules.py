"""The rule of registry events: the forwarding role is the role of the registry the endpoint serves."""

from __future__ import annotations

from mlops_platform.contract import DeploymentContext, ParameterError
from sagemaker_endpoint.model_source.registry import registry_accounts
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.parameters.formats import Arn


def check_placement(settings: DeclaredParameters, context: DeploymentContext) -> None:
    role = settings.registry_event_forwarding_role_arn
    if not role:
        return
    registries = registry_accounts(settings, context)
    account = Arn.parse(role).account
    if account not in registries:
        served = f"serves packages of {', '.join(registries)}" if registries else "serves no package of another account"
        raise ParameterError(
            f"parameter 'registry-event-forwarding-role-arn': {role} is a role of account {account}, and the endpoint "
            f"{served}: this account's event bus lets in the forwarding role of the registry the endpoint serves "
            "(its EventForwardingRoleArn), no other"
        )
