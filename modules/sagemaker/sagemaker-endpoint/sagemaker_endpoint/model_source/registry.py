"""Which registry the served packages and group belong to: this account's, or a registry in another account.

Read by the rules over where things live (model_source, refresh, registry_events), by the lookup at synth
time (synthesis.py) and by the plan (the group whose approvals are announced).
"""

from __future__ import annotations

from dataclasses import dataclass

from mlops_platform.contract import DeploymentContext
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.parameters.formats import Arn


@dataclass(frozen=True)
class GroupReference:
    """The model package group the endpoint follows, as SageMaker is asked for it."""

    name: str  # the group's name (a group of another account: as its ARN writes it)
    account: str
    lookup: str  # what DescribeModelPackageGroup and ListModelPackages take: the name, or another account's ARN


def group_reference(value: str, context: DeploymentContext) -> GroupReference:
    """`model-package-group-name` as a group: a name is this account's group; an ARN names its account."""
    if not value.startswith("arn:"):
        return GroupReference(value, context.account, value)
    arn = Arn.parse(value)
    # SageMaker takes a group of another account by its ARN only; this account's is asked for by name.
    lookup = value if arn.account != context.account else arn.resource
    return GroupReference(arn.resource, arn.account, lookup)


def package_arns(settings: DeclaredParameters) -> list[tuple[str, str]]:
    """Every (parameter, package or group ARN) the endpoint names, in manifest order."""
    named = [("model-package-arn", settings.model_package_arn or "")]
    group = settings.model_package_group_name or ""
    named.append(("model-package-group-name", group if group.startswith("arn:") else ""))
    for parameter, entries in (("variants", settings.variants), ("shadow-variants", settings.shadow_variants)):
        named += [(parameter, entry.model_package_arn or "") for entry in entries or ()]
    return [(parameter, arn) for parameter, arn in named if arn]


def registry_accounts(settings: DeclaredParameters, context: DeploymentContext) -> list[str]:
    """The other accounts whose model registry the endpoint serves packages of, sorted."""
    accounts = {Arn.parse(arn).account for _, arn in package_arns(settings)}
    return sorted(accounts - {context.account})
