"""The shapes of the plan: one frozen spec per concern, each construct takes its own and nothing else."""

from __future__ import annotations

from dataclasses import dataclass

from sagemaker_model_monitoring.baselines import Baseline
from sagemaker_model_monitoring.images import Image
from sagemaker_model_monitoring.parameters.formats import S3Location
from sagemaker_model_monitoring.schedule import Schedule


@dataclass(frozen=True)
class AlarmSpec:
    """A CloudWatch alarm on one metric a job publishes (namespace, with Endpoint and MonitoringSchedule)."""

    name: str
    namespace: str
    metric: str
    threshold: float
    comparison: str  # GreaterThanThreshold or LessThanThreshold


@dataclass(frozen=True)
class JobSpec:
    """One monitoring job: its definition, its schedule, and what it reads, writes and runs on."""

    kind: str  # data-quality, model-quality, model-bias, model-explainability
    monitoring_type: str
    endpoint_name: str
    construct_id: str  # DataQuality, ModelQuality, ModelBias, ModelExplainability
    definition_name: str
    schedule_name: str
    image: Image
    baseline: Baseline
    output: S3Location
    ground_truth: S3Location | None
    instance_count: int
    instance_type: str
    volume_size_in_gb: int
    max_runtime_in_seconds: int
    schedule: Schedule
    data_analysis_start_time: str | None
    data_analysis_end_time: str | None
    network_isolation: bool
    problem_type: str | None = None
    features_attribute: str | None = None
    inference_attribute: str | None = None
    probability_attribute: str | None = None
    probability_threshold_attribute: float | None = None
    alarms: tuple[AlarmSpec, ...] = ()

    @property
    def clarify(self) -> bool:
        """Bias and explainability run SageMaker Clarify; data and model quality Model Monitor's analyzer."""
        return self.monitoring_type in {"ModelBias", "ModelExplainability"}


@dataclass(frozen=True)
class NetworkSpec:
    """The VPC the jobs (and the baselining function) run in: the endpoint's subnets and security group."""

    subnet_ids: tuple[str, ...]
    security_group_id: str


@dataclass(frozen=True)
class AccessSpec:
    """Exactly what the jobs' role may read and write in S3, and the capture's key it may decrypt with."""

    bucket_arn: str
    capture: S3Location  # the capture prefix; the whole bucket when it could not be known
    reads: tuple[S3Location, ...]  # baseline files, ground truth and training data
    writes: tuple[S3Location, ...]  # prefixes written
    capture_key_arn: str | None


@dataclass(frozen=True)
class BaseliningJob:
    """A baseline computed once on deploy: a processing job of Model Monitor's analyzer."""

    kind: str
    monitoring_type: str
    training_data: S3Location
    output: S3Location
    image: Image
    environment: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class BaseliningSpec:
    jobs: tuple[BaseliningJob, ...]
    name_prefix: str  # processing job names start with it (the function's permissions are scoped to it)
    instance_count: int
    instance_type: str
    volume_size_in_gb: int
    max_runtime_in_seconds: int


@dataclass(frozen=True)
class MonitoringPlan:
    stack_name: str
    endpoint_name: str
    jobs: tuple[JobSpec, ...]
    network: NetworkSpec | None
    access: AccessSpec
    key_arn: str | None  # the key given as kms-key-id; None: the module creates its own
    topic_arn: str | None  # the topic given as alarm-topic-arn; None: the module creates its own
    baselining: BaseliningSpec | None
    capture_source: str  # what the capture checks were made against
    model_name: str | None  # the served model (Clarify builds its shadow endpoint from it), when known
    tags: tuple[tuple[str, str], ...]  # set on the job definitions and schedules (CloudFormation's own tags)
    permissions_boundary_name: str | None = None
    key_administrators: tuple[str, ...] = ()  # may manage the module's key beside the account, never use it
    log_retention_days: int = 365  # every log group of the stack (the baselining function's)

    @property
    def alarm_names(self) -> tuple[str, ...]:
        return tuple(alarm.name for job in self.jobs for alarm in job.alarms)
