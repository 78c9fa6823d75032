"""The plan of domain resource isolation: the domain whose ARN every resource carries as a tag."""

from __future__ import annotations

from dataclasses import dataclass

from mlops_platform.contract import DeploymentContext
from sagemaker_endpoint.locations import partition_of
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.parameters.formats import Arn


@dataclass(frozen=True)
class Domain:
    """The SageMaker domain the endpoint belongs to: everything it creates carries `sagemaker:domain-arn`."""

    arn: str
    id: str

    @property
    def tags(self) -> dict[str, str]:
        """SageMaker's domain resource isolation lets a domain's users reach what carries their domain's ARN."""
        return {"sagemaker:domain-id": self.id, "sagemaker:domain-arn": self.arn}


def domain(settings: DeclaredParameters, context: DeploymentContext) -> Domain | None:
    """The domain named by `sagemaker-domain-arn` or `sagemaker-domain-id` (the other derived), or None."""
    arn, domain_id = settings.sagemaker_domain_arn, settings.sagemaker_domain_id
    if arn:
        return Domain(arn, Arn.parse(arn).resource)
    if domain_id:
        partition = partition_of(context.region)
        return Domain(f"arn:{partition}:sagemaker:{context.region}:{context.account}:domain/{domain_id}", domain_id)
    return None
