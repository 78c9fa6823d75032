"""Every decision once, without the CDK: names, images, network, exactly what the jobs read and write.

`plan` takes the validated settings, the captured data and the baselines found for them (capture.py,
baselines.py) and returns frozen specs; the constructs in infra/ build from those and re-derive nothing.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from mlops_platform.contract import DeploymentContext
from sagemaker_model_monitoring import alarm_metrics, names, schedule
from sagemaker_model_monitoring.baselines import Baseline
from sagemaker_model_monitoring.capture import CapturedData
from sagemaker_model_monitoring.images import image
from sagemaker_model_monitoring.parameters.formats import S3Location, bucket_of, key_arn
from sagemaker_model_monitoring.parameters.jobs import JobParameters
from sagemaker_model_monitoring.parameters.settings import MonitoringSettings
from sagemaker_model_monitoring.specs import (
    AccessSpec,
    AlarmSpec,
    BaseliningJob,
    BaseliningSpec,
    JobSpec,
    MonitoringPlan,
    NetworkSpec,
)

# SageMaker Clarify computes explanations by calling a shadow endpoint it creates from the model
# (its analysis configuration names a predictor), which network isolation would cut off; the other three
# job types only read S3 and run isolated.
NEEDS_NETWORK = {"ModelExplainability"}
DATASET_FORMAT = json.dumps({"csv": {"header": True, "output_columns_position": "START"}})


def plan(
    settings: MonitoringSettings,
    captured: CapturedData,
    baselines: dict[str, Baseline],
    context: DeploymentContext,
    model_name: str | None = None,
) -> MonitoringPlan:
    jobs = tuple(job_spec(settings, job, baselines[job.monitoring_type], context) for job in settings.enabled_jobs)
    partition = "aws-cn" if context.region.startswith("cn-") else "aws"
    return MonitoringPlan(
        stack_name=context.stack_name,
        endpoint_name=settings.endpoint_name,
        jobs=jobs,
        network=NetworkSpec(tuple(settings.subnet_ids or ()), settings.security_group_id or "")
        if settings.in_vpc
        else None,
        access=access(settings, captured, jobs, partition, context),
        key_arn=key_arn(settings.kms_key_id, partition=partition, region=context.region, account=context.account)
        if settings.kms_key_id
        else None,
        topic_arn=settings.alarm_topic_arn,
        baselining=baselining(settings, jobs, context),
        capture_source=captured.checked_against,
        model_name=model_name,
        tags=tuple(sorted(tags(settings, context).items())),
        permissions_boundary_name=settings.permissions_boundary_name,
        key_administrators=settings.key_administrator_arns,
        log_retention_days=settings.log_retention_days,
    )


def tags(settings: MonitoringSettings, context: DeploymentContext) -> dict[str, str]:
    """Every tag of the module's resources: Seed-Farmer's names, the SageMaker project's, then the user's."""
    project = {
        "sagemaker:project-id": settings.sagemaker_project_id,
        "sagemaker:project-name": settings.sagemaker_project_name,
    }
    return {
        "seedfarmer:project": context.project,
        "seedfarmer:deployment": context.deployment,
        "seedfarmer:module": context.module,
        **{key: value for key, value in project.items() if value},
        **settings.tags,
        **settings.custom_tags,
    }


def job_spec(
    settings: MonitoringSettings, job: JobParameters, baseline: Baseline, context: DeploymentContext
) -> JobSpec:
    kind = job.prefix.replace("_", "-")
    output = S3Location.parse(job.output_s3_uri) if job.output_s3_uri else default_output(settings, kind)
    ground_truth = S3Location.parse(job.ground_truth_s3_uri) if job.ground_truth_s3_uri else None
    spec = JobSpec(
        kind=kind,
        monitoring_type=job.monitoring_type,
        endpoint_name=settings.endpoint_name,
        construct_id=job.monitoring_type,
        definition_name="",
        schedule_name=names.schedule_name(context.stack_name, kind),
        image=image(job.monitoring_type, context.region),
        baseline=baseline,
        output=output,
        ground_truth=ground_truth if job.uses_ground_truth else None,
        instance_count=job.instance_count,
        instance_type=job.instance_type,
        volume_size_in_gb=job.volume_size_in_gb,
        max_runtime_in_seconds=job.max_runtime_in_seconds,
        schedule=schedule.parse(job.schedule_expression),
        data_analysis_start_time=job.data_analysis_start_time,
        data_analysis_end_time=job.data_analysis_end_time,
        network_isolation=job.monitoring_type not in NEEDS_NETWORK,
        problem_type=job.problem_type if job.monitoring_type == "ModelQuality" else None,
        features_attribute=job.features_attribute,
        inference_attribute=job.inference_attribute,
        probability_attribute=job.probability_attribute,
        probability_threshold_attribute=job.probability_threshold_attribute,
    )
    return dataclasses.replace(
        spec,
        definition_name=names.definition_name(context.stack_name, kind, naming_key(spec, settings, context)),
        alarms=alarms(job, spec.schedule_name),
    )


def naming_key(spec: JobSpec, settings: MonitoringSettings, context: DeploymentContext) -> dict[str, Any]:
    """Every value that defines a job definition (CloudFormation replaces it on any change, its tags included),
    by explicit name."""
    return {
        "tags": sorted(tags(settings, context).items()),
        "endpoint": settings.endpoint_name,
        "image": spec.image.uri("url-suffix"),
        "baseline": spec.baseline.files,
        "output": spec.output.uri,
        "ground_truth": spec.ground_truth.uri if spec.ground_truth else None,
        "cluster": [spec.instance_count, spec.instance_type, spec.volume_size_in_gb],
        "max_runtime": spec.max_runtime_in_seconds,
        "network": [settings.subnet_ids, settings.security_group_id, spec.network_isolation],
        "key": settings.kms_key_id,
        "attributes": [
            spec.problem_type,
            spec.features_attribute,
            spec.inference_attribute,
            spec.probability_attribute,
            spec.probability_threshold_attribute,
        ],
    }


def default_output(settings: MonitoringSettings, kind: str) -> S3Location:
    """Where a job writes when no output prefix is given: its own prefix in the model bucket."""
    return S3Location(bucket_of(settings.model_bucket_arn), f"monitoring/{settings.endpoint_name}/{kind}")


def alarms(job: JobParameters, schedule_name: str) -> tuple[AlarmSpec, ...]:
    specs = []
    for metric, threshold in job.alarm_thresholds:
        worse = alarm_metrics.worse_when(job.monitoring_type, metric, job.problem_type)
        specs.append(
            AlarmSpec(
                name=f"{schedule_name}-{metric}"[:255],
                namespace=alarm_metrics.NAMESPACES[job.monitoring_type],
                metric=metric,
                threshold=threshold,
                comparison="GreaterThanThreshold" if worse == alarm_metrics.HIGHER_IS_WORSE else "LessThanThreshold",
            )
        )
    return tuple(specs)


def access(
    settings: MonitoringSettings,
    captured: CapturedData,
    jobs: tuple[JobSpec, ...],
    partition: str,
    context: DeploymentContext,
) -> AccessSpec:
    """What the role reads and writes: the capture prefix (the whole bucket only when it is not known), each
    baseline file, the ground truth and training data; each output prefix."""
    bucket = bucket_of(settings.model_bucket_arn)
    reads = []
    for job in jobs:
        reads += [S3Location.parse(uri) for uri in job.baseline.files]
        reads += [job.ground_truth] if job.ground_truth else []
    writes = [job.output for job in jobs]
    computed = [job.baseline for job in jobs if job.baseline.computed_on_deploy]
    if computed and settings.baseline_training_data_s3_uri:
        # The baselining jobs read the training data and write each job type's baseline into its own prefix.
        reads.append(S3Location.parse(settings.baseline_training_data_s3_uri))
        writes += [S3Location.parse(baseline.constraints.rsplit("/", 1)[0]) for baseline in computed]
    capture_key = captured.kms_key
    return AccessSpec(
        bucket_arn=settings.model_bucket_arn,
        capture=captured.location or S3Location(bucket, ""),
        reads=tuple(sorted(set(reads), key=lambda location: location.uri)),
        writes=tuple(sorted(set(writes), key=lambda location: location.uri)),
        capture_key_arn=key_arn(capture_key, partition=partition, region=context.region, account=context.account)
        if capture_key
        else None,
    )


def baselining(
    settings: MonitoringSettings, jobs: tuple[JobSpec, ...], context: DeploymentContext
) -> BaseliningSpec | None:
    """The baselines computed once on deploy, as processing jobs of Model Monitor's analyzer."""
    computed = [job for job in jobs if job.baseline.computed_on_deploy]
    if not computed or not settings.baseline_training_data_s3_uri:
        return None
    training = S3Location.parse(settings.baseline_training_data_s3_uri)
    return BaseliningSpec(
        jobs=tuple(
            BaseliningJob(
                kind=job.kind,
                monitoring_type=job.monitoring_type,
                training_data=training,
                output=S3Location.parse(job.baseline.constraints.rsplit("/", 1)[0]),
                image=job.image,
                environment=tuple(sorted(environment(settings.job(job.kind.replace("-", "_"))).items())),
            )
            for job in computed
        ),
        name_prefix=names.baselining_prefix(context.stack_name),
        instance_count=settings.baseline_instance_count,
        instance_type=settings.baseline_instance_type,
        volume_size_in_gb=settings.baseline_volume_size_gb,
        max_runtime_in_seconds=settings.baseline_max_runtime_seconds,
    )


def environment(job: JobParameters) -> dict[str, str]:
    """The analyzer's environment for a baselining run (what the SageMaker Python SDK's suggest_baseline sets)."""
    values = {
        "dataset_format": DATASET_FORMAT,
        "dataset_source": "/opt/ml/processing/input/baseline_dataset_input",
        "output_path": "/opt/ml/processing/output",
        "publish_cloudwatch_metrics": "Disabled",
    }
    if job.monitoring_type == "ModelQuality":
        optional = {
            "inference_attribute": job.inference_attribute,
            "probability_attribute": job.probability_attribute,
            "probability_threshold_attribute": None
            if job.probability_threshold_attribute is None
            else str(job.probability_threshold_attribute),
        }
        values |= {
            "analysis_type": "MODEL_QUALITY",
            "problem_type": job.problem_type or "Regression",
            "ground_truth_attribute": job.ground_truth_attribute or "",
            **{key: value for key, value in optional.items() if value is not None},
        }
    return values
