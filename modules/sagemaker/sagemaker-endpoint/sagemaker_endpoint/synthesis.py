"""The SageMaker endpoint CDK app: what `python app.py` builds from Seed-Farmer's environment.

Parameters are validated before the CDK is even imported, so a bad input fails in a fraction of a
second with one line that names it, and nothing is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlops_platform import assembly, contract
from mlops_platform.contract import DeploymentContext
from sagemaker_endpoint.model_package import ModelPackageError, ResolvedPackage, newest_approved_package
from sagemaker_endpoint.parameters.settings import EndpointSettings
from sagemaker_endpoint.plan import plan

if TYPE_CHECKING:
    import aws_cdk as cdk


def resolve_package(settings: EndpointSettings, context: DeploymentContext) -> ResolvedPackage | None:
    """The package of the short form; only a group needs AWS (the newest approved package is looked up)."""
    if settings.model_package_arn:
        return ResolvedPackage(arn=settings.model_package_arn)
    if not settings.model_package_group_name:
        return None
    import boto3

    client = boto3.client("sagemaker", region_name=context.region)
    return newest_approved_package(
        client, settings.model_package_group_name, account=context.account, region=context.region
    )


def build_app(
    settings: EndpointSettings, context: DeploymentContext, package: ResolvedPackage | None, outdir: str | None = None
) -> cdk.App:
    """The CDK app Seed-Farmer deploys, with the `metadata` output and the rule packs attached."""
    from sagemaker_endpoint.infra.stack import EndpointStack

    app = assembly.new_app(outdir)
    stack = EndpointStack(app, plan=plan(settings, package, context), context=context)
    tags = {
        "sagemaker:project-id": settings.sagemaker_project_id,
        "sagemaker:project-name": settings.sagemaker_project_name,
        "sagemaker:domain-id": settings.sagemaker_domain_id,
        "sagemaker:domain-arn": settings.sagemaker_domain_arn,
        **settings.tags,
    }
    assembly.complete(
        app,
        stack,
        deployment=context,
        metadata=stack.metadata,
        tags=tags,
        permissions_boundary_name=settings.permissions_boundary_name,
    )
    return app


def synthesize(outdir: str | None = None) -> None:
    """Read the parameters from the environment and write the cloud assembly, as `python app.py` does."""
    context = DeploymentContext.from_env()
    settings = EndpointSettings.from_env()
    package = resolve_package(settings, context)
    refuse_updates_sagemaker_refuses(settings, context, package)
    assembly.synthesize(build_app(settings, context, package, outdir), context)


def refuse_updates_sagemaker_refuses(
    settings: EndpointSettings, context: DeploymentContext, package: ResolvedPackage | None
) -> None:
    """The deployed endpoint is read (up to five calls) to refuse an update SageMaker would refuse."""
    import boto3

    from sagemaker_endpoint.deployed import (
        autoscaled_variants,
        deployed_variant_names,
        refuse_autoscaled_changes,
        refuse_renamed_variants_under_guardrail,
    )

    planned = plan(settings, package, context)
    sagemaker = boto3.client("sagemaker", region_name=context.region)
    # Inference components roll out through their own rolling update; every other endpoint updates
    # under the DeploymentConfig the stack gives it (rollout.py), a deployment guardrail.
    if not planned.components:
        refuse_renamed_variants_under_guardrail(
            deployed_variant_names(sagemaker, planned.endpoint_name),
            [variant.name for variant in planned.variants],
            planned.endpoint_name,
            parameter="variants" if settings.variants else "variant-name",
            strategy=planned.rollout.strategy,
        )
    if settings.serverless:
        return
    instance_types = {variant.name: variant.size.instance_type or "" for variant in planned.variants}
    deployed = autoscaled_variants(
        sagemaker,
        boto3.client("application-autoscaling", region_name=context.region),
        planned.endpoint_name,
    )
    refuse_autoscaled_changes(deployed, instance_types, planned.endpoint_name)


def main() -> None:
    """`python app.py`: synthesize, or end with one line naming the bad parameter."""
    contract.main("sagemaker-endpoint", synthesize, errors=(ModelPackageError,))
