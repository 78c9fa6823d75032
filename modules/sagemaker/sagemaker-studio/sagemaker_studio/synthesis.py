"""The SageMaker Studio CDK app: what `python app.py` builds from Seed-Farmer's environment.

Parameters are validated before the CDK is even imported, so a bad input fails in a fraction of a
second with one line that names it, and nothing is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlops_platform import assembly, contract
from mlops_platform.contract import DeploymentContext
from sagemaker_studio.plan import StudioPlan, plan
from sagemaker_studio.settings import StudioSettings

if TYPE_CHECKING:
    import aws_cdk as cdk

# S3 delivers the studio bucket's server access logs by the log bucket's policy (scoped to the studio
# bucket), not by an ACL.
FEATURE_FLAGS = {"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True}


def synthesizer(planned: StudioPlan) -> cdk.DefaultStackSynthesizer | None:
    """The reference's overrides of the CDK's default synthesizer, when a manifest gives any."""
    import aws_cdk as cdk

    given = planned.synthesizer
    if not given.overridden:
        return None
    return cdk.DefaultStackSynthesizer(
        qualifier=given.qualifier,
        cloud_formation_execution_role=given.cloud_formation_execution_role,
        deploy_role_arn=given.deploy_role_arn,
        file_asset_publishing_role_arn=given.file_asset_publishing_role_arn,
        image_asset_publishing_role_arn=given.image_asset_publishing_role_arn,
        lookup_role_arn=given.lookup_role_arn,
    )


def build_app(settings: StudioSettings, context: DeploymentContext, outdir: str | None = None) -> cdk.App:
    """The CDK app Seed-Farmer deploys, with the `metadata` output and the rule packs attached."""
    from sagemaker_studio.infra.stack import StudioStack

    planned = plan(settings, context)
    app = assembly.new_app(outdir, FEATURE_FLAGS)
    stack = StudioStack(app, plan=planned, context=context, synthesizer=synthesizer(planned))
    assembly.complete(
        app,
        stack,
        deployment=context,
        metadata=stack.metadata,
        tags=dict(planned.tags),
        permissions_boundary_name=planned.permissions_boundary,
        log_retention_days=planned.log_retention_days,
    )
    return app


def synthesize(outdir: str | None = None) -> None:
    """Read the parameters from the environment and write the cloud assembly, as `python app.py` does."""
    from sagemaker_studio import deployed

    context = DeploymentContext.from_env()
    settings = StudioSettings.from_env()
    deployed.refuse_in_region(plan(settings, context).domain, context.region, context.stack_name)
    assembly.synthesize(build_app(settings, context, outdir), context)


def main() -> None:
    """`python app.py`: synthesize, or end with one line naming the bad parameter."""
    contract.main("sagemaker-studio", synthesize)
