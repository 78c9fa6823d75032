"""The model package group CDK app: what `python app.py` builds from Seed-Farmer's environment.

Parameters are validated before the CDK is even imported, so a bad input fails in a fraction of a
second with one line that names it, and nothing is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlops_platform import assembly, contract
from mlops_platform.contract import DeploymentContext
from sagemaker_model_package_group.plan import RegistryPlan, plan
from sagemaker_model_package_group.settings import RegistrySettings

if TYPE_CHECKING:
    import aws_cdk as cdk

MODULE = "sagemaker-model-package-group"


def build_app(settings: RegistrySettings, context: DeploymentContext, outdir: str | None = None) -> cdk.App:
    """The CDK app Seed-Farmer deploys, with the `metadata` output and the rule packs attached."""
    from sagemaker_model_package_group.infra.stack import RegistryStack

    # S3's log delivery writes the access logs under a bucket policy scoped to the artifacts bucket and this
    # account, instead of the LogDeliveryWrite ACL (ACLs stay off: BucketOwnerEnforced).
    app = assembly.new_app(outdir, context={"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True})
    stack = RegistryStack(app, plan=plan(settings, context), context=context)
    tags = {
        # The reference module's tags: SageMaker projects read them.
        "sagemaker:deployment-stage": context.stack_name,
        "sagemaker:project-id": settings.sagemaker_project_id,
        "sagemaker:project-name": settings.sagemaker_project_name,
        **settings.tags,
    }
    assembly.complete(
        app,
        stack,
        deployment=context,
        metadata=stack.metadata,
        tags=tags,
        permissions_boundary_name=settings.permissions_boundary_name,
        log_retention_days=settings.log_retention_days,
    )
    return app


def synthesize(outdir: str | None = None) -> None:
    """Read the parameters from the environment and write the cloud assembly, as `python app.py` does."""
    context = DeploymentContext.from_env()
    settings = RegistrySettings.from_env()
    refuse_what_aws_would_refuse(plan(settings, context), context)
    assembly.synthesize(build_app(settings, context, outdir), context)


def refuse_what_aws_would_refuse(planned: RegistryPlan, context: DeploymentContext) -> None:
    """Before anything deploys: a group in the way, a description SageMaker cannot change, and existing
    resources whose policies lack the target accounts' statements (read with the deployment role)."""
    from sagemaker_model_package_group import existing, kept

    kept.refuse_in_region(planned, context)
    existing.check_in_region(planned)


def main() -> None:
    """`python app.py`: synthesize, or end with one line naming the bad parameter or what is in the way."""
    contract.main(MODULE, synthesize)
