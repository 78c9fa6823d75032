"""Seed-Farmer entry point: `python app.py` synthesizes the networking module from its parameters."""

from __future__ import annotations

import os
import sys

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from settings import DeploymentContext, NetworkingSettings, ParameterError
from stack import NetworkingStack


def build_app(settings: NetworkingSettings, context: DeploymentContext, outdir: str | None = None) -> cdk.App:
    """The CDK app Seed-Farmer deploys, with the `metadata` output and the rule packs attached."""
    # The CDK CLI names the output folder in CDK_OUTDIR; `python app.py` on its own writes to cdk.out.
    app = cdk.App(outdir=outdir or os.environ.get("CDK_OUTDIR", "cdk.out"))
    stack = NetworkingStack(app, settings=settings, context=context)
    cdk.CfnOutput(stack, "metadata", value=stack.to_json_string(stack.metadata))
    for key, value in {
        "seedfarmer:project": context.project,
        "seedfarmer:deployment": context.deployment,
        "seedfarmer:module": context.module,
        **settings.tags,
    }.items():
        cdk.Tags.of(stack).add(key, value)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


def main() -> None:
    try:
        context = DeploymentContext.from_env()
        settings = NetworkingSettings.from_env()
    except ParameterError as error:
        sys.exit(f"networking: {error}")
    build_app(settings, context).synth()


if __name__ == "__main__":
    main()
