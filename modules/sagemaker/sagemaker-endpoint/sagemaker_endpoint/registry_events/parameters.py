"""A registry in another account forwards its group's state changes to this account's default event bus."""

from __future__ import annotations

from pydantic import BaseModel, Field

from sagemaker_endpoint.parameters.values import RoleArn


class RegistryEventsParameters(BaseModel):
    # The registry's role that forwards its group's state changes to this account's default event bus.
    registry_event_forwarding_role_arn: RoleArn | None = Field(
        None, examples=["arn:aws:iam::123456789012:role/service-role/registry-forwarding"]
    )
