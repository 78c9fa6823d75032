"""Seed-Farmer entry point: `python app.py` synthesizes the SageMaker endpoint module from its parameters."""

from __future__ import annotations

import os
import sys

import aws_cdk as cdk
import boto3
from cdk_nag import AwsSolutionsChecks

from model_package import ModelPackageError, ResolvedPackage, newest_approved_package
from settings import DeploymentContext, EndpointSettings, ParameterError
from stack import EndpointStack
from variants import plan_variants


def resolve_package(settings: EndpointSettings, context: DeploymentContext) -> ResolvedPackage | None:
    """The package of the short form; only a group needs AWS (the newest approved package is looked up)."""
    if settings.model_package_arn:
        return ResolvedPackage(arn=settings.model_package_arn)
    if not settings.model_package_group_name:
        return None
    client = boto3.client("sagemaker", region_name=context.region)
    return newest_approved_package(
        client, settings.model_package_group_name, account=context.account, region=context.region
    )


def build_app(
    settings: EndpointSettings, context: DeploymentContext, package: ResolvedPackage | None, outdir: str | None = None
) -> cdk.App:
    """The CDK app Seed-Farmer deploys, with the `metadata` output and the rule packs attached."""
    # The CDK CLI names the output folder in CDK_OUTDIR; `python app.py` on its own writes to cdk.out.
    app = cdk.App(outdir=outdir or os.environ.get("CDK_OUTDIR", "cdk.out"))
    stack = EndpointStack(app, settings=settings, context=context, variants=plan_variants(settings, package))
    cdk.CfnOutput(stack, "metadata", value=stack.to_json_string(stack.metadata))
    tags = {
        "seedfarmer:project": context.project,
        "seedfarmer:deployment": context.deployment,
        "seedfarmer:module": context.module,
        "sagemaker:project-id": settings.sagemaker_project_id,
        "sagemaker:project-name": settings.sagemaker_project_name,
        "sagemaker:domain-id": settings.sagemaker_domain_id,
        "sagemaker:domain-arn": settings.sagemaker_domain_arn,
        **settings.tags,
    }
    for key, value in tags.items():
        if value:
            cdk.Tags.of(stack).add(key, value)
    if settings.permissions_boundary_name:
        boundary = f"arn:{stack.partition}:iam::{context.account}:policy/{settings.permissions_boundary_name}"
        cdk.aws_iam.PermissionsBoundary.of(stack).apply(
            cdk.aws_iam.ManagedPolicy.from_managed_policy_arn(stack, "PermissionsBoundary", boundary)
        )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


def main() -> None:
    try:
        context = DeploymentContext.from_env()
        settings = EndpointSettings.from_env()
        package = resolve_package(settings, context)
    except (ParameterError, ModelPackageError) as error:
        sys.exit(f"sagemaker-endpoint: {error}")
    build_app(settings, context, package).synth()


if __name__ == "__main__":
    main()
