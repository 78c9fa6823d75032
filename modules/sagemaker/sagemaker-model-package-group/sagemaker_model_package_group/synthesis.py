"""The model package group CDK app: what `python app.py` builds from Seed-Farmer's environment.

Parameters are validated before the CDK is even imported, so a bad input fails in a fraction of a
second with one line that names it, and nothing is written.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from sagemaker_model_package_group import contract, control_tower
from sagemaker_model_package_group.contract import DeploymentContext
from sagemaker_model_package_group.plan import RegistryPlan, plan
from sagemaker_model_package_group.settings import RegistrySettings

if TYPE_CHECKING:
    import aws_cdk as cdk

MODULE = "sagemaker-model-package-group"


def build_app(settings: RegistrySettings, context: DeploymentContext, outdir: str | None = None) -> cdk.App:
    """The CDK app Seed-Farmer deploys, with the `metadata` output and the rule packs attached."""
    import aws_cdk as cdk
    from aws_cdk import aws_iam as iam
    from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks

    from sagemaker_model_package_group.infra.stack import RegistryStack

    # The CDK CLI names the output folder in CDK_OUTDIR; `python app.py` on its own writes to cdk.out.
    app = cdk.App(
        outdir=outdir or os.environ.get("CDK_OUTDIR", "cdk.out"),
        # S3's log delivery writes the access logs under a bucket policy scoped to the artifacts bucket and this
        # account, instead of the LogDeliveryWrite ACL (ACLs stay off: BucketOwnerEnforced).
        context={"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True},
    )
    stack = RegistryStack(app, plan=plan(settings, context), context=context)
    cdk.CfnOutput(stack, "metadata", value=stack.to_json_string(stack.metadata))
    tags = {
        "seedfarmer:project": context.project,
        "seedfarmer:deployment": context.deployment,
        "seedfarmer:module": context.module,
        # The reference module's tags: SageMaker projects read them.
        "sagemaker:deployment-stage": context.stack_name,
        "sagemaker:project-id": settings.sagemaker_project_id,
        "sagemaker:project-name": settings.sagemaker_project_name,
        **settings.tags,
    }
    for key, value in tags.items():
        if value:
            cdk.Tags.of(stack).add(key, value)
    if settings.permissions_boundary_name:
        boundary = f"arn:{stack.partition}:iam::{context.account}:policy/{settings.permissions_boundary_name}"
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
    settings = RegistrySettings.from_env()
    refuse_what_aws_would_refuse(plan(settings, context), context)
    build_app(settings, context, outdir).synth()


def refuse_what_aws_would_refuse(planned: RegistryPlan, context: DeploymentContext) -> None:
    """Before anything deploys: a group in the way, a description SageMaker cannot change, and existing
    resources whose policies lack the target accounts' statements (read with the deployment role)."""
    from sagemaker_model_package_group import existing, kept

    kept.refuse_in_region(planned, context)
    existing.check_in_region(planned)


def main() -> None:
    """`python app.py`: synthesize, or end with one line naming the bad parameter."""
    from sagemaker_model_package_group.existing import ExistingPolicyError
    from sagemaker_model_package_group.kept import KeptGroupError

    contract.main(MODULE, synthesize, errors=(KeptGroupError, ExistingPolicyError))
