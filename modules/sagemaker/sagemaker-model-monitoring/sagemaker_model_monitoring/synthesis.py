"""The model monitoring CDK app: what `python app.py` builds from Seed-Farmer's environment.

Parameters are validated before the CDK or boto3 is imported, so a bad input fails in a fraction of a
second with one line that names it. Then the endpoint is read as deployed (its capture, the package it
serves and that package's baselines) and every baseline file is looked for: what would make each run fail
is refused before anything deploys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlops_platform import assembly, aws_reads, contract
from mlops_platform.contract import DeploymentContext
from sagemaker_model_monitoring.parameters.settings import MonitoringSettings

if TYPE_CHECKING:
    import aws_cdk as cdk

    from sagemaker_model_monitoring.baselines import Baseline
    from sagemaker_model_monitoring.capture import CapturedData
    from sagemaker_model_monitoring.specs import MonitoringPlan


@dataclass(frozen=True)
class Findings:
    """What the synth-time reads found: the capture the jobs read, each job's baseline, the served model."""

    captured: CapturedData
    baselines: dict[str, Baseline]
    model_name: str | None = None


def read_account(settings: MonitoringSettings, context: DeploymentContext) -> Findings:
    """The endpoint, its package's baselines and the baseline files, read with Seed-Farmer's role; without
    credentials nothing is read (a note says what was not checked) and the parameters alone decide."""
    from sagemaker_model_monitoring import aws_reads, baselines, capture
    from sagemaker_model_monitoring.endpoint import served_endpoint

    found = aws_reads.clients(context.region)
    if found is None:
        captured = capture.captured_data(settings, None)
        return Findings(captured, baselines.choose(settings, {}, settings.model_package_arn))
    sagemaker, s3 = found
    served = served_endpoint(sagemaker, settings.endpoint_name, account=context.account, region=context.region)
    captured = capture.captured_data(settings, served)
    package = settings.model_package_arn or served.package_arn
    parameter = "model-package-arn" if settings.model_package_arn else "endpoint-name"
    from_package = baselines.package_baselines(sagemaker, package, parameter) if package else {}
    chosen = baselines.choose(settings, from_package, package)
    baselines.refuse_missing(s3, chosen)
    return Findings(captured, chosen, served.model_name)


def monitoring_plan(settings: MonitoringSettings, context: DeploymentContext, findings: Findings) -> MonitoringPlan:
    from sagemaker_model_monitoring.plan import plan

    return plan(settings, findings.captured, findings.baselines, context, findings.model_name)


def build_app(plan: MonitoringPlan, context: DeploymentContext, outdir: str | None = None) -> cdk.App:
    """The CDK app Seed-Farmer deploys, with the `metadata` output and the rule packs attached."""
    from sagemaker_model_monitoring.infra.stack import MonitoringStack

    app = assembly.new_app(outdir)
    stack = MonitoringStack(app, plan=plan, context=context)
    assembly.complete(
        app,
        stack,
        deployment=context,
        metadata=stack.metadata,
        tags=dict(plan.tags),
        permissions_boundary_name=plan.permissions_boundary_name,
        log_retention_days=plan.log_retention_days,
    )
    return app


def synthesize(outdir: str | None = None) -> None:
    """Read the parameters from the environment and write the cloud assembly, as `python app.py` does."""
    context = DeploymentContext.from_env()
    settings = MonitoringSettings.from_env()
    findings = read_account(settings, context)
    app = build_app(monitoring_plan(settings, context, findings), context, outdir)
    # Without credentials nothing was read (read_account's note says so), nor are kept log groups looked for.
    assembly.synthesize(app, context, reads=aws_reads.credentials_found())


def main() -> None:
    """`python app.py`: synthesize, or end with one line naming the bad parameter."""
    contract.main("sagemaker-model-monitoring", synthesize)
