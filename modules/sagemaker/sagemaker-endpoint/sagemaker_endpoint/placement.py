"""Where what the endpoint names lives, checked against where it deploys: the account and region of each model
package and group (this account's registry, or a registry in another account), of the artifacts' key, of the
registry's forwarding role and of the SageMaker domain.

These rules need the deployment context (the account and region Seed-Farmer deploys to), which the settings
alone do not know; synthesis.py runs `check` right after the parameters are read, before anything reaches AWS
or the CDK. Each rule lives with its feature.
"""

from __future__ import annotations

from mlops_platform.contract import DeploymentContext
from sagemaker_endpoint.domain import rules as domain
from sagemaker_endpoint.model_source import rules as model_source
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.refresh import rules as refresh
from sagemaker_endpoint.registry_events import rules as registry_events


def check(settings: DeclaredParameters, context: DeploymentContext) -> None:
    """Every rule over where things live, in the order a user would fix them; ParameterError on the first."""
    model_source.check_placement(settings, context)
    registry_events.check_placement(settings, context)
    refresh.check_placement(settings, context)
    domain.check_placement(settings, context)
