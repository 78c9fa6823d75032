"""What each job compares captured data against, from the best source there is.

1. The served model package's own baselines (DescribeModelPackage): its DriftCheckBaselines, which a
   SageMaker pipeline's quality and Clarify check steps register, else its ModelMetrics. The package
   approved for production is the natural source: the baselines move with the model, and nothing
   re-baselines every day as the reference module did.
2. Else the parameter `<job>-baseline-s3-uri`, a prefix holding the files the job type reads.
3. Else a baseline computed once on deploy from `baseline-training-data-s3-uri` (data and model quality
   only: bias and explainability need an analysis configuration no default can guess).
None of these is an error naming what to provide. Every file named must exist (refuse_missing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from mlops_platform.aws_reads import AwsReadError, read_error
from mlops_platform.contract import ParameterError
from sagemaker_model_monitoring.aws_reads import is_missing, note
from sagemaker_model_monitoring.parameters.formats import S3Location, bucket_of, outside_bucket
from sagemaker_model_monitoring.parameters.jobs import JobParameters

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sagemaker import SageMakerClient

    from sagemaker_model_monitoring.parameters.settings import MonitoringSettings

# The files each job type reads in a baseline prefix: constraints, statistics, Clarify's analysis configuration.
FILES: dict[str, tuple[str, str | None, str | None]] = {
    "DataQuality": ("constraints.json", "statistics.json", None),
    "ModelQuality": ("constraints.json", None, None),
    "ModelBias": ("analysis.json", None, "analysis_config.json"),
    "ModelExplainability": ("analysis.json", None, "analysis_config.json"),
}
COMPUTABLE = {"DataQuality", "ModelQuality"}


@dataclass(frozen=True)
class Baseline:
    """One job's baseline files (S3 object URIs), where they come from and the parameter that chose it."""

    parameter: str
    source: str
    constraints: str
    statistics: str | None = None
    config: str | None = None
    computed_on_deploy: bool = False

    @property
    def files(self) -> list[str]:
        return [uri for uri in (self.constraints, self.statistics, self.config) if uri]


PACKAGE_PURPOSE = "for the drift-check baselines and model metrics it carries"


def package_baselines(sagemaker: SageMakerClient, package_arn: str, parameter: str) -> dict[str, Baseline]:
    """The baselines a model package carries, by monitoring type (empty when it carries none); `parameter`
    names what chose the package (model-package-arn, or endpoint-name for the package it serves)."""
    try:
        package: dict[str, Any] = dict(sagemaker.describe_model_package(ModelPackageName=package_arn))
    except ClientError as error:
        if is_missing(error):
            raise AwsReadError(f"parameter '{parameter}': model package {package_arn} does not exist") from None
        raise read_error(error, "sagemaker:DescribeModelPackage", package_arn, PACKAGE_PURPOSE) from None
    except BotoCoreError as error:
        raise read_error(error, "sagemaker:DescribeModelPackage", package_arn, PACKAGE_PURPOSE) from None
    drift, metrics = package.get("DriftCheckBaselines") or {}, package.get("ModelMetrics") or {}
    found: dict[str, Baseline] = {}
    for kind, section in (("DataQuality", "ModelDataQuality"), ("ModelQuality", "ModelQuality")):
        for origin, sections in (("drift-check baselines", drift), ("model metrics", metrics)):
            constraints = _uri((sections.get(section) or {}).get("Constraints"))
            if constraints and kind not in found:
                statistics = _uri((sections.get(section) or {}).get("Statistics"))
                if kind == "DataQuality" and not statistics:
                    continue  # a data quality job needs both files
                found[kind] = Baseline(parameter, f"model package {package_arn} ({origin})", constraints, statistics)
    for kind, section, constraints_key in (
        ("ModelBias", "Bias", "PostTrainingConstraints"),
        ("ModelExplainability", "Explainability", "Constraints"),
    ):
        part = drift.get(section) or {}
        constraints, config = _uri(part.get(constraints_key)), _uri(part.get("ConfigFile"))
        if constraints and config:
            found[kind] = Baseline(
                parameter, f"model package {package_arn} (drift-check baselines)", constraints, config=config
            )
    return found


def choose(settings: MonitoringSettings, from_package: dict[str, Baseline], package: str | None) -> dict[str, Baseline]:
    """Each enabled job's baseline (by monitoring type); ParameterError naming what to give when one has none."""
    chosen, problems = {}, []
    for job in settings.enabled_jobs:
        kind = job.monitoring_type
        if kind in from_package:
            chosen[kind] = from_package[kind]
            if job.baseline_s3_uri:
                source = from_package[kind].source
                note(f"{job.parameter('baseline_s3_uri')} is not used: {source} has this job's baseline")
        elif job.baseline_s3_uri:
            chosen[kind] = given(job, job.baseline_s3_uri)
        elif settings.baseline_training_data_s3_uri and settings.baseline_output_data_s3_uri and kind in COMPUTABLE:
            chosen[kind] = computed(job, settings.baseline_training_data_s3_uri, settings.baseline_output_data_s3_uri)
            problems += computable(job)
        else:
            problems.append(missing(job, package))
    if settings.baseline_training_data_s3_uri and not any(b.computed_on_deploy for b in chosen.values()):
        note("baseline-training-data-s3-uri is not used: every job has a baseline from a better source")
    bucket = bucket_of(settings.model_bucket_arn)
    for kind, baseline in chosen.items():
        problems += [
            outside_bucket(baseline.parameter, f"the {kind} baseline {uri} (from {baseline.source})", bucket)
            for uri in baseline.files
            if S3Location.parse(uri).bucket != bucket
        ]
    if problems:
        raise ParameterError("\n".join(problems))
    return chosen


def given(job: JobParameters, prefix: str) -> Baseline:
    constraints, statistics, config = FILES[job.monitoring_type]
    location = S3Location.parse(prefix)
    return Baseline(
        job.parameter("baseline_s3_uri"),
        f"parameter '{job.parameter('baseline_s3_uri')}'",
        location.child(constraints).uri,
        location.child(statistics).uri if statistics else None,
        location.child(config).uri if config else None,
    )


def computed(job: JobParameters, training: str, output: str) -> Baseline:
    """The files the baselining job writes, each job type under its own prefix of the output."""
    constraints, statistics, _ = FILES[job.monitoring_type]
    location = S3Location.parse(output).child(job.prefix.replace("_", "-"))
    return Baseline(
        "baseline-training-data-s3-uri",
        f"computed on deploy from {training}",
        location.child(constraints).uri,
        location.child(statistics).uri if statistics else None,
        computed_on_deploy=True,
    )


def computable(job: JobParameters) -> list[str]:
    """A model quality baseline is computed from predictions and labels: it needs their columns."""
    if job.monitoring_type != "ModelQuality":
        return []
    problems = []
    if not job.ground_truth_attribute:
        problems.append(
            f"parameter '{job.parameter('ground_truth_attribute')}': required to compute the model quality baseline "
            "on deploy (the training data's label column)"
        )
    if not (job.inference_attribute or job.probability_attribute):
        problems.append(
            f"parameter '{job.parameter('inference_attribute')}': required to compute the model quality baseline on "
            f"deploy, or '{job.parameter('probability_attribute')}' (the training data's prediction column)"
        )
    return problems


def missing(job: JobParameters, package: str | None) -> str:
    served = f"the served model package {package} has none" if package else "the endpoint serves no model package"
    parameter = job.parameter("baseline_s3_uri")
    files = ", ".join(name for name in FILES[job.monitoring_type] if name)
    options = f"give '{parameter}' (a prefix holding {files})"
    if job.monitoring_type in COMPUTABLE:
        options += ", or 'baseline-training-data-s3-uri' and 'baseline-output-data-s3-uri' to compute one on deploy"
    else:
        options += " or register drift-check baselines with the package (a Clarify check step)"
    return f"parameter '{parameter}': the {job.monitoring_type} job has no baseline: {served}; {options}"


def refuse_missing(s3: S3Client, baselines: dict[str, Baseline]) -> None:
    """ParameterError naming each baseline file that does not exist (files computed on deploy excepted)."""
    problems = []
    for kind, baseline in baselines.items():
        if baseline.computed_on_deploy:
            continue
        for uri in baseline.files:
            location = S3Location.parse(uri)
            try:
                s3.head_object(Bucket=location.bucket, Key=location.key)
            except ClientError as error:
                if not is_missing(error):
                    raise read_error(error, "s3:GetObject", uri, f"to check the {kind} baseline exists") from None
                problems.append(
                    f"parameter '{baseline.parameter}': the {kind} baseline {uri} (from {baseline.source}) does not "
                    "exist, so every run of the job would fail"
                )
            except BotoCoreError as error:
                raise read_error(error, "s3:GetObject", uri, f"to check the {kind} baseline exists") from None
    if problems:
        raise ParameterError("\n".join(problems))


def _uri(source: Any) -> str | None:
    return str(source["S3Uri"]) if isinstance(source, dict) and source.get("S3Uri") else None
