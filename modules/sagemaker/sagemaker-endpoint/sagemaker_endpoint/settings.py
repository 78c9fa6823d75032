"""The endpoint's settings: every feature's parameters (parameters/declared.py), checked by every feature's rules.

`EndpointSettings.from_env()` reads Seed-Farmer's environment (mlops_platform.contract), checks each value where
its feature declares it, then runs the rules below in the order a user would want to fix things; each raises
one ParameterError naming the parameters involved. What depends on where the endpoint deploys is checked once
the deployment context is known (placement.py).
"""

from __future__ import annotations

from sagemaker_endpoint.async_inference import rules as async_inference
from sagemaker_endpoint.capture import rules as capture
from sagemaker_endpoint.inference_components import rules as inference_components
from sagemaker_endpoint.model_source import rules as model_source
from sagemaker_endpoint.network import rules as network
from sagemaker_endpoint.notifications import rules as notifications
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.refresh import rules as refresh
from sagemaker_endpoint.rollout import rules as rollout
from sagemaker_endpoint.shadow import rules as shadow
from sagemaker_endpoint.variants import rules as variants

RULES = (
    model_source.check,
    variants.check_names,
    network.check,
    capture.check,
    inference_components.check,
    async_inference.check,
    shadow.check,
    variants.check_serverless,
    variants.check_autoscaling,
    rollout.check,
    notifications.check,
    refresh.check,
)


class EndpointSettings(DeclaredParameters):
    """The endpoint module's parameters, checked one by one and then together."""

    def check(self) -> None:
        """Every rule over several parameters, after each value passed its own checks."""
        for rule in RULES:
            rule(self)
