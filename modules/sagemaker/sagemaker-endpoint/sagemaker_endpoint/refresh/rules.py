"""The rules of model refresh: it watches model data the module knows, uploaded in this account."""

from __future__ import annotations

from mlops_platform.contract import DeploymentContext, ParameterError
from sagemaker_endpoint.model_source.registry import registry_accounts
from sagemaker_endpoint.parameters.declared import DeclaredParameters


def check(settings: DeclaredParameters) -> None:
    if settings.given("refresh_debounce_seconds") and not settings.refresh_on_model_data_change:
        raise ParameterError(
            "parameter 'refresh-debounce-seconds' tunes 'refresh-on-model-data-change', which is not turned on"
        )
    if not settings.refresh_on_model_data_change:
        return
    has_data = (
        bool(settings.model_data_url or settings.model_package_group_name)
        or any(container.model_data_url for container in settings.containers or ())
        or any(variant.model_data_url for variant in settings.variants or ())
    )
    if not has_data:
        raise ParameterError(
            "parameter 'refresh-on-model-data-change': the endpoint serves no model data object this module "
            "knows (a package given by ARN is not looked up at synth time); use 'model-data-url', "
            "'model-package-group-name', or containers or variants with a model-data-url"
        )


def check_placement(settings: DeclaredParameters, context: DeploymentContext) -> None:
    """S3 reports uploads to the bucket owner's event bus only: no refresh of another account's model data."""
    registries = registry_accounts(settings, context)
    if settings.refresh_on_model_data_change and registries:
        raise ParameterError(
            f"parameter 'refresh-on-model-data-change': the endpoint serves a package of account "
            f"{', '.join(registries)}, whose model data S3 reports to the event bus of that account only (the "
            "registry forwards its group's approvals, not uploads); drop it, and to hear of each approval the "
            "registry forwards, set 'notifications: true' and 'registry-event-forwarding-role-arn'"
        )
