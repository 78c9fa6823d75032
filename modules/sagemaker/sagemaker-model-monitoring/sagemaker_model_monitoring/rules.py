"""How the parameters combine: each rule refuses, before anything is built, a job AWS would fail at runtime.

`check` is the one entry point (MonitoringSettings.check calls it); each rule raises ParameterError naming
the parameter as a manifest writes it. What needs the endpoint itself (its capture, the served package's
baselines) is checked in capture.py and baselines.py, once it has been read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlops_platform.contract import ParameterError
from sagemaker_model_monitoring import schedule
from sagemaker_model_monitoring.alarm_metrics import check_thresholds
from sagemaker_model_monitoring.parameters.formats import S3Location, bucket_of, outside_bucket
from sagemaker_model_monitoring.parameters.jobs import KINDS, JobParameters

if TYPE_CHECKING:
    from sagemaker_model_monitoring.parameters.settings import MonitoringSettings

ENABLE = ", ".join(f"'enable-{prefix.replace('_', '-')}-monitor'" for prefix in KINDS)


def check(settings: MonitoringSettings) -> None:
    problems: list[str] = []
    if not settings.enabled_jobs:
        problems.append(f"parameters: no monitor is switched on; set at least one of {ENABLE} to true")
    problems += network(settings)
    problems += locations(settings)
    problems += baselining(settings)
    for job in settings.enabled_jobs:
        problems += ground_truth(job) + timing(job) + alarms(job)
    problems += unused_alarms(settings)
    problems += published_capture(settings)
    if problems:
        raise ParameterError("\n".join(problems))


def network(settings: MonitoringSettings) -> list[str]:
    """Jobs run in a VPC with both a security group and subnets, or outside any VPC with neither."""
    if bool(settings.security_group_id) == bool(settings.subnet_ids):
        return []
    given, missing = (
        ("security-group-id", "subnet-ids") if settings.security_group_id else ("subnet-ids", "security-group-id")
    )
    return [
        f"parameter '{missing}': required with '{given}' (the jobs run in the VPC with both, outside any VPC with "
        "neither; the reference module silently ran them outside the VPC when one was missing)"
    ]


def published_capture(settings: MonitoringSettings) -> list[str]:
    """The endpoint module's capture as its metadata describes it: checked before the endpoint is read."""
    from sagemaker_model_monitoring import capture

    given = capture.published(settings)
    if given is None:
        return []
    return capture.problems(given, capture.PUBLISHED_SOURCE, capture.PUBLISHED, settings.model_bucket_arn)


def locations(settings: MonitoringSettings) -> list[str]:
    """Every S3 location the jobs read or write lies in `model-bucket-arn`, the one bucket their role reaches."""
    bucket = bucket_of(settings.model_bucket_arn)
    given = {
        "baseline-training-data-s3-uri": settings.baseline_training_data_s3_uri,
        "baseline-output-data-s3-uri": settings.baseline_output_data_s3_uri,
    }
    for job in settings.enabled_jobs:
        given |= {
            job.parameter("baseline_s3_uri"): job.baseline_s3_uri,
            job.parameter("output_s3_uri"): job.output_s3_uri,
            job.parameter("ground_truth_s3_uri"): job.ground_truth_s3_uri,
        }
    return [
        outside_bucket(name, uri, bucket)
        for name, uri in given.items()
        if uri and S3Location.parse(uri).bucket != bucket
    ]


def baselining(settings: MonitoringSettings) -> list[str]:
    training, output = settings.baseline_training_data_s3_uri, settings.baseline_output_data_s3_uri
    if bool(training) == bool(output):
        return []
    missing = "baseline-output-data-s3-uri" if training else "baseline-training-data-s3-uri"
    return [
        f"parameter '{missing}': required with the other baseline-*-data-s3-uri parameter (a baseline is computed "
        "on deploy from the training data into the output prefix)"
    ]


def ground_truth(job: JobParameters) -> list[str]:
    """Model quality and bias compare predictions with labels: without ground truth every run fails."""
    if not job.uses_ground_truth or job.ground_truth_s3_uri:
        return []
    return [
        f"parameter '{job.parameter('ground_truth_s3_uri')}': required with "
        f"enable-{job.prefix.replace('_', '-')}-monitor ({job.monitoring_type} jobs merge captured predictions "
        "with the labels there; without them each run fails)"
    ]


def timing(job: JobParameters) -> list[str]:
    """The expression Model Monitor accepts, the analysis window NOW needs, and a runtime within the schedule."""
    parsed = schedule.parse(job.schedule_expression)  # each value was checked on its own (jobs.py)
    problems = window(job, required=parsed.one_time)
    longest = parsed.longest_runtime(job.hourly_runtime_limit)
    if job.max_runtime_in_seconds > longest:
        problems.append(
            f"parameter '{job.parameter('max_runtime_in_seconds')}': {job.max_runtime_in_seconds} s is longer than "
            f"SageMaker allows a {job.monitoring_type} job on a {parsed.describe()} schedule ({longest} s at most: a "
            "run may not outlast the interval between runs)"
        )
    return problems


def window(job: JobParameters, *, required: bool) -> list[str]:
    """DataAnalysisStartTime and EndTime: offsets before the run, start before end, at most 24 hours apart."""
    start_name, end_name = job.parameter("data_analysis_start_time"), job.parameter("data_analysis_end_time")
    start, end = job.data_analysis_start_time, job.data_analysis_end_time
    if start is None and end is None:
        if required:
            return [
                f"parameter '{start_name}': required with schedule expression NOW, as is '{end_name}' "
                "(the window of captured data the one run analyzes, such as -PT24H and -PT0H)"
            ]
        return []
    if start is None or end is None:
        return [f"parameter '{end_name if start else start_name}': required with '{start_name if start else end_name}'"]
    start_seconds, end_seconds = schedule.offset_seconds(start), schedule.offset_seconds(end)
    if not start_seconds < end_seconds <= 0:
        return [
            f"parameter '{start_name}': the window must start before it ends, both at or before the run "
            f"({start} to {end})"
        ]
    if end_seconds - start_seconds > 24 * 3600:
        return [f"parameter '{start_name}': the window {start} to {end} is longer than the 24 hours SageMaker allows"]
    return []


def alarms(job: JobParameters) -> list[str]:
    if not job.alarm_thresholds:
        return []
    try:
        check_thresholds(job.monitoring_type, dict(job.alarm_thresholds), job.problem_type)
    except ValueError as error:
        return [f"parameter '{job.parameter('alarm_thresholds')}': {error}"]
    return []


def unused_alarms(settings: MonitoringSettings) -> list[str]:
    return [
        f"parameter '{prefix.replace('_', '-')}-alarm-thresholds': enable-{prefix.replace('_', '-')}-monitor is not "
        "true, so no job publishes these metrics"
        for prefix in ("data_quality", "model_quality")
        if getattr(settings, f"{prefix}_alarm_thresholds") and not getattr(settings, f"enable_{prefix}_monitor")
    ]
