"""Where what the endpoint names lives, checked against where it deploys: the account and region of each model
package and group (this account's registry, or a registry in another account), of the artifacts' key, of the
registry's forwarding role and of the SageMaker domain.

These rules need the deployment context (the account and region Seed-Farmer deploys to), which the settings
alone do not know; synthesis.py runs `check` right after the parameters are read, before anything reaches AWS
or the CDK. Everything else derived from where things live (the group as SageMaker is asked for it, the
domain's ARN and id, the registry accounts) is read here too, so it is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlops_platform.contract import DeploymentContext, ParameterError
from sagemaker_endpoint.parameters.formats import Arn
from sagemaker_endpoint.parameters.settings import EndpointSettings
from sagemaker_endpoint.specs import Domain

# SageMaker serves a model package only in its own region: a package ARN of another region is refused
# ("ARN should be scoped to correct region", DescribeModelPackage), and CreateModel takes no other.
SAME_REGION = "SageMaker serves a model package only in the region it is registered in"


@dataclass(frozen=True)
class GroupReference:
    """The model package group the endpoint follows, as SageMaker is asked for it."""

    name: str  # the group's name (a group of another account: as its ARN writes it)
    account: str
    lookup: str  # what DescribeModelPackageGroup and ListModelPackages take: the name, or another account's ARN


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def group_reference(value: str, context: DeploymentContext) -> GroupReference:
    """`model-package-group-name` as a group: a name is this account's group; an ARN names its account."""
    if not value.startswith("arn:"):
        return GroupReference(value, context.account, value)
    arn = Arn.parse(value)
    # SageMaker takes a group of another account by its ARN only; this account's is asked for by name.
    lookup = value if arn.account != context.account else arn.resource
    return GroupReference(arn.resource, arn.account, lookup)


def package_arns(settings: EndpointSettings) -> list[tuple[str, str]]:
    """Every (parameter, package or group ARN) the endpoint names, in manifest order."""
    named = [("model-package-arn", settings.model_package_arn or "")]
    group = settings.model_package_group_name or ""
    named.append(("model-package-group-name", group if group.startswith("arn:") else ""))
    for parameter, entries in (("variants", settings.variants), ("shadow-variants", settings.shadow_variants)):
        named += [(parameter, entry.model_package_arn or "") for entry in entries or ()]
    return [(parameter, arn) for parameter, arn in named if arn]


def registry_accounts(settings: EndpointSettings, context: DeploymentContext) -> list[str]:
    """The other accounts whose model registry the endpoint serves packages of, sorted."""
    accounts = {Arn.parse(arn).account for _, arn in package_arns(settings)}
    return sorted(accounts - {context.account})


def domain(settings: EndpointSettings, context: DeploymentContext) -> Domain | None:
    """The domain named by `sagemaker-domain-arn` or `sagemaker-domain-id` (the other derived), or None."""
    arn, domain_id = settings.sagemaker_domain_arn, settings.sagemaker_domain_id
    if arn:
        return Domain(arn, Arn.parse(arn).resource)
    if domain_id:
        partition = partition_of(context.region)
        return Domain(f"arn:{partition}:sagemaker:{context.region}:{context.account}:domain/{domain_id}", domain_id)
    return None


def check(settings: EndpointSettings, context: DeploymentContext) -> None:
    """Every rule over where things live, in the order a user would fix them; ParameterError on the first."""
    _regions(settings, context)
    _artifacts_key(settings, context)
    _forwarding_role(settings, context)
    _refresh(settings, context)
    _domain(settings, context)


def _regions(settings: EndpointSettings, context: DeploymentContext) -> None:
    for parameter, value in package_arns(settings):
        arn = Arn.parse(value)
        if arn.region != context.region or arn.partition != partition_of(context.region):
            raise ParameterError(
                f"parameter '{parameter}': {value} is of region {arn.region or '(none)'}, and the endpoint deploys "
                f"to {context.region}: {SAME_REGION}; name a package or group of {context.region}"
            )


def _artifacts_key(settings: EndpointSettings, context: DeploymentContext) -> None:
    key = settings.model_artifacts_kms_key_arn
    if key and Arn.parse(key).region != context.region:
        raise ParameterError(
            f"parameter 'model-artifacts-kms-key-arn': {key} is a key of region {Arn.parse(key).region}, and the "
            f"endpoint deploys to {context.region}: S3 encrypts an object with a key of the bucket's region, and "
            f"SageMaker reads model data of its own region only"
        )


def _forwarding_role(settings: EndpointSettings, context: DeploymentContext) -> None:
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


def _refresh(settings: EndpointSettings, context: DeploymentContext) -> None:
    registries = registry_accounts(settings, context)
    if settings.refresh_on_model_data_change and registries:
        raise ParameterError(
            f"parameter 'refresh-on-model-data-change': the endpoint serves a package of account "
            f"{', '.join(registries)}, whose model data S3 reports to the event bus of that account only (the "
            "registry forwards its group's approvals, not uploads); drop it, and to hear of each approval the "
            "registry forwards, set 'notifications: true' and 'registry-event-forwarding-role-arn'"
        )


def _domain(settings: EndpointSettings, context: DeploymentContext) -> None:
    arn, domain_id = settings.sagemaker_domain_arn, settings.sagemaker_domain_id
    if arn:
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
