"""The SageMaker Studio CDK app: what `python app.py` builds from Seed-Farmer's environment.

Parameters are validated before the CDK is even imported, so a bad input fails in a fraction of a
second with one line that names it, and nothing is written.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from sagemaker_studio import contract, control_tower
from sagemaker_studio.contract import DeploymentContext
from sagemaker_studio.plan import StudioPlan, plan
from sagemaker_studio.settings import StudioSettings

if TYPE_CHECKING:
    import aws_cdk as cdk


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
    import aws_cdk as cdk
    from aws_cdk import aws_iam as iam
    from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks

    from sagemaker_studio.infra.stack import StudioStack

    planned = plan(settings, context)
    # The CDK CLI names the output folder in CDK_OUTDIR; `python app.py` on its own writes to cdk.out.
    app = cdk.App(
        outdir=outdir or os.environ.get("CDK_OUTDIR", "cdk.out"),
        # S3 delivers server access logs by the log bucket's policy (scoped to the studio bucket), not an ACL.
        context={"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True},
    )
    options = {"synthesizer": given} if (given := synthesizer(planned)) else {}
    stack = StudioStack(app, plan=planned, context=context, **options)
    cdk.CfnOutput(stack, "metadata", value=stack.to_json_string(stack.metadata))
    tags = {
        "seedfarmer:project": context.project,
        "seedfarmer:deployment": context.deployment,
        "seedfarmer:module": context.module,
        **dict(planned.tags),
    }
    for key, value in tags.items():
        cdk.Tags.of(stack).add(key, value)
    if planned.permissions_boundary:
        boundary = f"arn:{stack.partition}:iam::{context.account}:policy/{planned.permissions_boundary}"
        iam.PermissionsBoundary.of(stack).apply(
            iam.ManagedPolicy.from_managed_policy_arn(stack, "PermissionsBoundary", boundary)
        )
    # Every synthesis, in tests, the rehearsal and a real deploy, passes these rule packs or stops.
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), NIST80053R5Checks(app), HIPAASecurityChecks(app))
    # AWS Control Tower's proactive controls, wherever templates are validated (control_tower.py).
    control_tower.add_validator(app, stack)
    return app


def synthesize(outdir: str | None = None) -> None:
    """Read the parameters from the environment and write the cloud assembly, as `python app.py` does."""
    context = DeploymentContext.from_env()
    settings = StudioSettings.from_env()
    assembly = build_app(settings, context, outdir).synth()
    refuse_retained_log_groups(assembly.get_stack_by_name(context.stack_name).template, context)


def refuse_retained_log_groups(template: dict[str, Any], context: DeploymentContext) -> None:
    """A log group kept by an earlier deployment is refused before anything deploys (retained.py)."""
    from sagemaker_studio import retained

    retained.refuse_in_region(template, context.region, context.stack_name)


def main() -> None:
    """`python app.py`: synthesize, or end with one line naming the bad parameter."""
    from sagemaker_studio.retained import RetainedLogGroupError

    contract.main("sagemaker-studio", synthesize, errors=(RetainedLogGroupError,))
