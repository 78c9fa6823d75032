"""The networking CDK app: what `python app.py` builds from Seed-Farmer's environment.

Parameters are validated before the CDK is even imported, so a bad input fails in a fraction of a
second with one line that names it, and nothing is written.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from networking import contract, control_tower
from networking.contract import DeploymentContext
from networking.settings import NetworkingSettings

if TYPE_CHECKING:
    import aws_cdk as cdk


def build_app(settings: NetworkingSettings, context: DeploymentContext, outdir: str | None = None) -> cdk.App:
    """The CDK app Seed-Farmer deploys, with the `metadata` output and the rule packs attached."""
    import aws_cdk as cdk
    from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks

    from networking.stack import NetworkingStack

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
    contract.govern(
        stack, settings.permissions_boundary_name, settings.key_administrator_arns, settings.log_retention_days
    )
    # Every synthesis, in tests, the rehearsal and a real deploy, passes these rule packs or stops.
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), NIST80053R5Checks(app), HIPAASecurityChecks(app))
    # AWS Control Tower's proactive controls, wherever templates are validated (control_tower.py).
    control_tower.add_validator(app, stack)
    return app


def synthesize(outdir: str | None = None) -> None:
    """Read the parameters from the environment and write the cloud assembly, as `python app.py` does."""
    context = DeploymentContext.from_env()
    settings = NetworkingSettings.from_env()
    assembly = build_app(settings, context, outdir).synth()
    refuse_retained_log_groups(assembly.get_stack_by_name(context.stack_name).template, context)


NO_CREDENTIALS_NOTE = (
    "note: no AWS credentials found, so the log groups an earlier deployment kept were not looked for (a deploy, "
    "which has credentials, looks for them)"
)


def refuse_retained_log_groups(template: dict[str, Any], context: DeploymentContext) -> None:
    """A flow-log group kept by an earlier deployment is refused before anything deploys (retained.py)."""
    from networking import retained

    if not retained.credentials_found():
        print(f"networking: {NO_CREDENTIALS_NOTE}", file=sys.stderr)
        return
    retained.refuse_in_region(template, context.region, context.stack_name)


def main() -> None:
    """`python app.py`: synthesize, or end with one line naming the bad parameter."""
    from networking.retained import RetainedLogGroupError

    contract.main("networking", synthesize, errors=(RetainedLogGroupError,))
