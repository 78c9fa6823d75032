"""The plan of model refresh: which uploads to watch, and the twin configuration the endpoint switches to."""

from __future__ import annotations

from dataclasses import dataclass

from mlops_platform.contract import ParameterError
from sagemaker_endpoint.locations import S3Location
from sagemaker_endpoint.names import sagemaker_name
from sagemaker_endpoint.parameters.declared import DeclaredParameters


@dataclass(frozen=True)
class RefreshSpec:
    """Model refresh: which uploads to watch and which twin configuration to switch to."""

    model_data: tuple[S3Location, ...]  # the served model data: objects, or prefixes (uncompressed models)
    twin_config_name: str
    debounce_seconds: int
    maximum_execution_timeout_seconds: int  # the longest rollout the endpoint may be busy with

    @property
    def buckets(self) -> list[str]:
        return sorted({location.bucket for location in self.model_data})


def refresh(
    settings: DeclaredParameters, model_data: tuple[S3Location, ...], endpoint_name: str, config_digest: str
) -> RefreshSpec | None:
    """`model_data`: every model data object the endpoint serves; `config_digest` names the configuration, whose
    twin is named after it too."""
    if not settings.refresh_on_model_data_change:
        return None
    if not model_data:
        raise ParameterError(
            "parameter 'refresh-on-model-data-change': the served package has no model data object to watch"
        )
    return RefreshSpec(
        model_data=model_data,
        twin_config_name=sagemaker_name(endpoint_name, suffix=f"twin-{config_digest}"),
        debounce_seconds=settings.refresh_debounce_seconds,
        maximum_execution_timeout_seconds=settings.maximum_execution_timeout_seconds,
    )
