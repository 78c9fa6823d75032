"""Every parameter of the module in one pydantic-settings class, each declared by the feature it belongs to.

Seed-Farmer passes a module's parameters as one set of environment variables, and an unknown name must be
refused naming the nearest known one: so the features' declarations (`<feature>/parameters.py`) are read as
one class. How values combine is checked by each feature's rules (settings.py runs them).
"""

from __future__ import annotations

from typing import ClassVar

from mlops_platform.contract import ModuleSettings, parameter_name
from sagemaker_endpoint.async_inference.parameters import AsyncParameters
from sagemaker_endpoint.capture.parameters import CaptureParameters
from sagemaker_endpoint.domain.parameters import DomainParameters
from sagemaker_endpoint.endpoint.parameters import EndpointParameters
from sagemaker_endpoint.inference_components.parameters import ComponentParameters
from sagemaker_endpoint.invoke.parameters import InvokeParameters
from sagemaker_endpoint.model_source.parameters import ModelSourceParameters
from sagemaker_endpoint.network.parameters import NetworkParameters
from sagemaker_endpoint.notifications.parameters import NotificationParameters
from sagemaker_endpoint.refresh.parameters import RefreshParameters
from sagemaker_endpoint.registry_events.parameters import RegistryEventsParameters
from sagemaker_endpoint.rollout.parameters import RolloutParameters
from sagemaker_endpoint.shadow.parameters import ShadowParameters
from sagemaker_endpoint.variants.parameters import VariantParameters


# pydantic lists the fields of the last base first: the bases are in the reverse of the order errors name them.
class DeclaredParameters(
    ModuleSettings,
    EndpointParameters,
    CaptureParameters,
    InvokeParameters,
    RefreshParameters,
    RolloutParameters,
    NotificationParameters,
    AsyncParameters,
    ComponentParameters,
    RegistryEventsParameters,
    DomainParameters,
    ShadowParameters,
    VariantParameters,
    ModelSourceParameters,
    NetworkParameters,
):
    """The endpoint module's parameters, with the defaults a manifest may leave out."""

    # Names the reference module's README spelled differently; a manifest written for it works unchanged.
    alternative_names: ClassVar[dict[str, str]] = {
        "data-capture-samping-percentage": "data-capture-sampling-percentage"
    }

    @property
    def network_isolation(self) -> bool:
        """Serverless endpoints support no network isolation; elsewhere the parameter decides."""
        return self.enable_network_isolation and not self.serverless


def quoted_names(*fields: str) -> str:
    """`'model-package-arn', 'variants'`: fields as an error names them."""
    return ", ".join(f"'{parameter_name(field)}'" for field in fields)
