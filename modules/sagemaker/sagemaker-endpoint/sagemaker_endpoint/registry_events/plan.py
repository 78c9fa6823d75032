"""The plan of registry events: this stack's own statement on the default bus, for the registry's forwarding role."""

from __future__ import annotations

from dataclasses import dataclass

from mlops_platform.contract import DeploymentContext
from sagemaker_endpoint.names import sagemaker_name
from sagemaker_endpoint.parameters.declared import DeclaredParameters


@dataclass(frozen=True)
class RegistryEventsSpec:
    """The statement of this account's default event bus policy that lets a registry of another account
    forward its group's state changes here: that registry's forwarding role, SageMaker's events only."""

    forwarding_role_arn: str
    registry_account: str
    statement_id: str  # this stack's own statement: two endpoints of one account each add and remove theirs


def registry_events(settings: DeclaredParameters, context: DeploymentContext) -> RegistryEventsSpec | None:
    role = settings.registry_event_forwarding_role_arn
    if role is None:
        return None
    return RegistryEventsSpec(
        forwarding_role_arn=role,
        registry_account=role.split(":")[4],
        # EventBridge's StatementId: up to 64 letters, digits, hyphens and underscores, unique on the bus.
        statement_id=sagemaker_name(context.stack_name, suffix="registry-events", limit=64),
    )
