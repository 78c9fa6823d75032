"""The SageMaker endpoint CDK app: what `python app.py` builds from Seed-Farmer's environment.

Parameters are validated before the CDK is even imported, so a bad input fails in a fraction of a second with
one line that names it, and nothing is written. Then the synth-time lookups (the served packages, an instance's
size), the plan (once), the checks against the deployed endpoint and the account's quotas, and the app.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from mlops_platform import assembly, aws_reads, contract
from mlops_platform.contract import DeploymentContext, ParameterError
from sagemaker_endpoint import placement
from sagemaker_endpoint.inference_components.instance_sizes import InstanceSize, instance_size
from sagemaker_endpoint.model_source.lookup import (
    ModelPackageError,
    ResolvedPackage,
    described_package,
    newest_approved_package,
)
from sagemaker_endpoint.model_source.registry import group_reference
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.plan import EndpointPlan, plan
from sagemaker_endpoint.settings import EndpointSettings
from sagemaker_endpoint.variants import deployed, quotas

if TYPE_CHECKING:
    import aws_cdk as cdk


def resolve_package(settings: DeclaredParameters, context: DeploymentContext) -> ResolvedPackage | None:
    """The package of the short form, described: the fixed `model-package-arn`, or the newest approved
    package of `model-package-group-name` (a group of this account, or of a registry in another account).
    Both need AWS (the package's artifacts scope the role)."""
    if not settings.model_package_arn and not settings.model_package_group_name:
        return None
    _need_credentials("model-package-arn" if settings.model_package_arn else "model-package-group-name")
    client = aws_reads.client("sagemaker", context.region)
    if settings.model_package_arn:
        arn = settings.model_package_arn
        return described_package(client, arn, parameter="model-package-arn", caller=_caller(arn, context))
    assert settings.model_package_group_name is not None
    group = group_reference(settings.model_package_group_name, context)
    caller = context.account if group.account != context.account else None
    return newest_approved_package(client, group.lookup, account=group.account, region=context.region, caller=caller)


def resolve_variant_packages(settings: DeclaredParameters, context: DeploymentContext) -> dict[str, ResolvedPackage]:
    """Every package `variants` and `shadow-variants` name, described (by ARN)."""
    named = [
        (parameter, arn)
        for parameter, entries in (("variants", settings.variants), ("shadow-variants", settings.shadow_variants))
        for arn in dict.fromkeys(entry.model_package_arn for entry in entries or () if entry.model_package_arn)
        if arn
    ]
    packages: dict[str, ResolvedPackage] = {}
    for parameter, arn in named:
        if arn not in packages:
            _need_credentials(parameter)
            client = aws_reads.client("sagemaker", context.region)
            packages[arn] = described_package(client, arn, parameter=parameter, caller=_caller(arn, context))
    return packages


def _caller(package_arn: str, context: DeploymentContext) -> str | None:
    """The deploying account, when the package is of another account's registry (for its error messages)."""
    return context.account if package_arn.split(":")[4] != context.account else None


def resolve_instance_size(settings: DeclaredParameters, context: DeploymentContext) -> InstanceSize | None:
    """The size of `instance-type`, from EC2, when an inference component's compute is defaulted from it
    (`managed-instance-scaling: true` without `inference-component-memory-mb`;
    inference_components/instance_sizes.py)."""
    if not settings.managed_instance_scaling or settings.inference_component_memory_mb is not None:
        return None
    if not aws_reads.credentials_found():
        raise ParameterError(
            "parameter 'inference-component-memory-mb': not given, so each copy's compute is defaulted from the size "
            f"of {settings.instance_type}, which the module asks EC2 for at synth time, and no AWS credentials were "
            "found; give inference-component-memory-mb, or run with the deployment's credentials"
        )
    return instance_size(aws_reads.client("ec2", context.region), settings.instance_type)


def _need_credentials(parameter: str) -> None:
    if not aws_reads.credentials_found():
        raise ModelPackageError(
            f"parameter '{parameter}': the module describes the model package at synth time, to grant the endpoint "
            "exactly its image and model data, and no AWS credentials were found; run with the deployment's "
            "credentials (Seed-Farmer's deployment role has them)"
        )


def app_of(planned: EndpointPlan, context: DeploymentContext, outdir: str | None = None) -> cdk.App:
    """The CDK app Seed-Farmer deploys, with the `metadata` output and the rule packs attached."""
    from sagemaker_endpoint.stack import EndpointStack  # the CDK only once the parameters are known good

    app = assembly.new_app(outdir)
    stack = EndpointStack(app, plan=planned, context=context)
    governance = planned.governance
    assembly.complete(
        app,
        stack,
        deployment=context,
        metadata=stack.metadata,
        tags=governance.tags,
        permissions_boundary_name=governance.permissions_boundary_name,
        log_retention_days=governance.log_retention_days,
    )
    return app


def build_app(
    settings: DeclaredParameters,
    context: DeploymentContext,
    package: ResolvedPackage | None,
    outdir: str | None = None,
    packages: Mapping[str, ResolvedPackage] | None = None,
    instance: InstanceSize | None = None,
) -> cdk.App:
    """The app of `settings` with these lookups made (tests and the rehearsal give them emulated)."""
    return app_of(plan(settings, package, context, packages, instance), context, outdir)


NO_CREDENTIALS_NOTE = (
    "note: no AWS credentials found, so the deployed endpoint, the account's instance quotas and the log groups "
    "an earlier deployment kept were not read (a deploy, which has credentials, reads them and refuses what AWS "
    "would refuse)"
)


def synthesize(outdir: str | None = None) -> None:
    """Read the parameters from the environment and write the cloud assembly, as `python app.py` does."""
    context = DeploymentContext.from_env()
    settings = EndpointSettings.from_env()
    placement.check(settings, context)
    package = resolve_package(settings, context)
    packages = resolve_variant_packages(settings, context)
    instance = resolve_instance_size(settings, context)
    if instance is not None:
        print(f"sagemaker-endpoint: note: inference component compute {instance.describe()}", file=sys.stderr)
    planned = plan(settings, package, context, packages, instance)
    reads = aws_reads.credentials_found()
    if reads:
        refuse_updates_sagemaker_refuses(planned, context)
        refuse_over_instance_quota(planned, context)
    else:
        print(f"sagemaker-endpoint: {NO_CREDENTIALS_NOTE}", file=sys.stderr)
    assembly.synthesize(app_of(planned, context, outdir), context, reads=reads)


def refuse_updates_sagemaker_refuses(planned: EndpointPlan, context: DeploymentContext) -> None:
    """The deployed endpoint is read (up to five calls) to refuse an update SageMaker would refuse."""
    sagemaker = aws_reads.client("sagemaker", context.region)
    # Inference components roll out through their own rolling update; every other endpoint updates
    # under the DeploymentConfig the stack gives it (rollout/), a deployment guardrail.
    if not planned.components:
        deployed.refuse_renamed_variants_under_guardrail(
            deployed.deployed_variant_names(sagemaker, planned.endpoint_name),
            [variant.name for variant in planned.variants],
            planned.endpoint_name,
            parameter=planned.variant_parameter,
            strategy=planned.rollout.strategy,
        )
    if planned.serverless:
        return
    instance_types = {variant.name: variant.size.instance_type or "" for variant in planned.variants}
    autoscaled = deployed.autoscaled_variants(
        sagemaker, aws_reads.client("application-autoscaling", context.region), planned.endpoint_name
    )
    deployed.refuse_autoscaled_changes(autoscaled, instance_types, planned.endpoint_name)


def refuse_over_instance_quota(planned: EndpointPlan, context: DeploymentContext) -> None:
    """The account's "<instance type> for endpoint usage" quotas are read (variants/quotas.py) to refuse an endpoint
    that may run more instances than they allow; a quota the region does not list is noted, not checked."""
    servicequotas = aws_reads.client("service-quotas", context.region)
    for note in quotas.refuse_over_quota(servicequotas, planned, context.region):
        print(f"sagemaker-endpoint: {note}", file=sys.stderr)


def main() -> None:
    """`python app.py`: synthesize, or end with one line naming the bad parameter."""
    contract.main("sagemaker-endpoint", synthesize, errors=(ModelPackageError,))
