"""The networking CDK app: what `python app.py` builds from Seed-Farmer's environment.

Parameters are validated before the CDK is even imported, so a bad input fails in a fraction of a
second with one line that names it, and nothing is written.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from mlops_platform import assembly, aws_reads, contract
from mlops_platform.contract import DeploymentContext
from networking.settings import NetworkingSettings

if TYPE_CHECKING:
    import aws_cdk as cdk

NO_CREDENTIALS_NOTE = (
    "note: no AWS credentials found, so the log groups an earlier deployment kept were not looked for (a deploy, "
    "which has credentials, looks for them)"
)


def build_app(settings: NetworkingSettings, context: DeploymentContext, outdir: str | None = None) -> cdk.App:
    """The CDK app Seed-Farmer deploys, with the `metadata` output and the rule packs attached."""
    from networking.stack import NetworkingStack

    app = assembly.new_app(outdir)
    stack = NetworkingStack(app, settings=settings, context=context)
    assembly.complete(
        app,
        stack,
        deployment=context,
        metadata=stack.metadata,
        tags=settings.tags,
        permissions_boundary_name=settings.permissions_boundary_name,
        log_retention_days=settings.log_retention_days,
    )
    return app


def synthesize(outdir: str | None = None) -> None:
    """Read the parameters from the environment and write the cloud assembly, as `python app.py` does."""
    context = DeploymentContext.from_env()
    settings = NetworkingSettings.from_env()
    reads = aws_reads.credentials_found()
    if not reads:
        print(f"networking: {NO_CREDENTIALS_NOTE}", file=sys.stderr)
    assembly.synthesize(build_app(settings, context, outdir), context, reads=reads)


def main() -> None:
    """`python app.py`: synthesize, or end with one line naming the bad parameter."""
    contract.main("networking", synthesize)
