"""The rule of domain resource isolation: a domain of the account and region the endpoint deploys to, its id
and ARN naming the same domain."""

from __future__ import annotations

from mlops_platform.contract import DeploymentContext, ParameterError
from sagemaker_endpoint.locations import partition_of
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.parameters.formats import Arn


def check_placement(settings: DeclaredParameters, context: DeploymentContext) -> None:
    arn, domain_id = settings.sagemaker_domain_arn, settings.sagemaker_domain_id
    if not arn:
        return
    parts = Arn.parse(arn)
    if (parts.account, parts.region) != (context.account, context.region) or parts.partition != partition_of(
        context.region
    ):
        raise ParameterError(
            f"parameter 'sagemaker-domain-arn': {arn} is a domain of account {parts.account}, region "
            f"{parts.region}, and the endpoint deploys to account {context.account}, region {context.region}: "
            "domain resource isolation lets a domain's users reach what carries their domain's ARN in its own "
            "account and region only"
        )
    if domain_id and parts.resource != domain_id:
        raise ParameterError(
            f"parameter 'sagemaker-domain-arn': names domain {parts.resource}, but 'sagemaker-domain-id' is "
            f"{domain_id}; give the same domain's id and ARN (or either one: the other is derived)"
        )
