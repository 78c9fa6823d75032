"""The CDK app every module builds, and what each module's stack carries besides its own resources.

A module's synthesis reads as: `app = new_app(outdir)`, build its stack in it, `complete(app, stack, ...)`,
then `synthesize(app, context)`. `complete` adds what Seed-Farmer and the security reviews expect of every
module: the `metadata` output its deployspec turns into module metadata, the Seed-Farmer tags and the
module's own, the permissions boundary when one is named, and the rule packs and Control Tower rules every
synthesis runs (in tests, the rehearsal and a real deploy).

The CDK is imported inside the functions: a module validates its parameters before it imports the CDK.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mlops_platform import control_tower
from mlops_platform.contract import DeploymentContext

if TYPE_CHECKING:
    import aws_cdk as cdk


def new_app(outdir: str | None = None, context: Mapping[str, Any] | None = None) -> cdk.App:
    """The app a module's stack goes in; `context` holds the CDK feature flags the module relies on."""
    import aws_cdk as cdk

    # The CDK CLI names the output folder in CDK_OUTDIR; `python app.py` on its own writes to cdk.out.
    outdir = outdir or os.environ.get("CDK_OUTDIR", "cdk.out")
    return cdk.App(outdir=outdir, context=dict(context) if context else None)


def complete(
    app: cdk.App,
    stack: cdk.Stack,
    *,
    deployment: DeploymentContext,
    metadata: Mapping[str, Any],
    tags: Mapping[str, str | None] | None = None,
    permissions_boundary_name: str | None = None,
    log_retention_days: int | None = None,
) -> None:
    """Add to `stack` the `metadata` output, the tags (Seed-Farmer's names, then `tags`; a None value is left
    out), the permissions boundary of every role it creates and `log_retention_days` on every log group it
    creates (the module's `log-retention-days`, which every log group of the stack keeps alike, whichever
    construct made it); run the rule packs and the Control Tower rules on every synthesis of `app`."""
    import aws_cdk as cdk
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_logs as logs
    from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks

    cdk.CfnOutput(stack, "metadata", value=stack.to_json_string(dict(metadata)))
    for key, value in {**seedfarmer_tags(deployment), **(tags or {})}.items():
        if value is not None:
            cdk.Tags.of(stack).add(key, value)
    if permissions_boundary_name:
        boundary = f"arn:{stack.partition}:iam::{deployment.account}:policy/{permissions_boundary_name}"
        iam.PermissionsBoundary.of(stack).apply(
            iam.ManagedPolicy.from_managed_policy_arn(stack, "PermissionsBoundary", boundary)
        )
    if log_retention_days is not None:
        for node in stack.node.find_all():
            if isinstance(node, logs.CfnLogGroup):
                node.retention_in_days = log_retention_days
    # Every synthesis, in tests, the rehearsal and a real deploy, passes these rule packs or stops.
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), NIST80053R5Checks(app), HIPAASecurityChecks(app))
    # AWS Control Tower's proactive controls, wherever templates are validated (control_tower.py).
    control_tower.add_validator(app, stack)


def seedfarmer_tags(deployment: DeploymentContext) -> dict[str, str]:
    """The tags that say which Seed-Farmer project, deployment and module a resource belongs to."""
    return {
        "seedfarmer:project": deployment.project,
        "seedfarmer:deployment": deployment.deployment,
        "seedfarmer:module": deployment.module,
    }


def synthesize(app: cdk.App, deployment: DeploymentContext, *, reads: bool = True) -> dict[str, Any]:
    """Write the cloud assembly and return the stack's template; a log group an earlier deployment kept in
    the way of this one is refused first (retained.py), unless `reads` is false (no credentials: the module
    says so in its note)."""
    from mlops_platform import retained

    template: dict[str, Any] = app.synth().get_stack_by_name(deployment.stack_name).template
    if reads:
        retained.refuse_in_region(template, deployment.region, deployment.stack_name)
    return template
