"""Each monitoring job's parameters, named as the reference module's README names them.

One class per job type; the settings class (settings.py) inherits all four, so a manifest sets them flat,
as Seed-Farmer passes them (`data_quality_schedule_expression` and `data-quality-schedule-expression`
reach the module as the same variable). `JobParameters` gathers one job's values for the rules and the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from sagemaker_model_monitoring import schedule
from sagemaker_model_monitoring.parameters.formats import check_instance_type, check_s3_prefix

S3Prefix = Annotated[str, AfterValidator(check_s3_prefix), Field(examples=["s3://my-bucket/monitoring/baseline"])]
InstanceType = Annotated[
    str,
    AfterValidator(check_instance_type),
    Field(description="a SageMaker processing instance type", examples=["ml.m5.large"]),
]
InstanceCount = Annotated[int, Field(ge=1, le=100)]
VolumeSize = Annotated[int, Field(ge=1, le=16384)]
Runtime = Annotated[int, Field(ge=1, le=86400)]


def _expression(value: str) -> str:
    schedule.parse(value)
    return value.strip()


def _offset(value: str) -> str:
    schedule.offset_seconds(value)
    return value


Expression = Annotated[str, AfterValidator(_expression), Field(examples=["cron(0 * ? * * *)"])]
Offset = Annotated[str, AfterValidator(_offset), Field(examples=["-PT1H"])]


def attribute() -> Any:
    """Where a value is in the captured payload: a JMESPath expression, or a column index of CSV."""
    return Field(
        None,
        pattern=r"^\S{1,256}$",
        description="a JMESPath expression or a CSV column index (no spaces)",
        examples=["0", "predictions.label"],
    )


def threshold() -> Any:
    return Field(None, examples=[0.5])


ProblemType = Literal["Regression", "BinaryClassification", "MulticlassClassification"]
# CloudWatch alarms on the metrics a job publishes: metric name -> threshold.
Thresholds = Annotated[dict[str, float], Field(examples=[{"f1": 0.7}])]
HOURLY = "cron(0 * ? * * *)"

# The four job types: the parameter prefix, SageMaker's MonitoringType, and the most runtime an hourly
# schedule allows (MonitoringStoppingCondition).
KINDS = {
    "data_quality": ("DataQuality", 3600),
    "model_quality": ("ModelQuality", 1800),
    "model_bias": ("ModelBias", 1800),
    "model_explainability": ("ModelExplainability", 3600),
}


class DataQualityParameters(BaseModel):
    enable_data_quality_monitor: bool = False
    data_quality_baseline_s3_uri: S3Prefix | None = None
    data_quality_output_s3_uri: S3Prefix | None = None
    data_quality_instance_count: InstanceCount = 1
    data_quality_instance_type: InstanceType = "ml.m5.large"
    data_quality_instance_volume_size_in_gb: VolumeSize = 20
    data_quality_max_runtime_in_seconds: Runtime = 3600
    data_quality_schedule_expression: Expression = HOURLY
    data_quality_data_analysis_start_time: Offset | None = None
    data_quality_data_analysis_end_time: Offset | None = None
    data_quality_alarm_thresholds: Thresholds = Field(default_factory=dict)


class ModelQualityParameters(BaseModel):
    enable_model_quality_monitor: bool = False
    model_quality_baseline_s3_uri: S3Prefix | None = None
    model_quality_output_s3_uri: S3Prefix | None = None
    model_quality_ground_truth_s3_uri: S3Prefix | None = None
    model_quality_instance_count: InstanceCount = 1
    model_quality_instance_type: InstanceType = "ml.m5.large"
    model_quality_instance_volume_size_in_gb: VolumeSize = 20
    model_quality_max_runtime_in_seconds: Runtime = 1800
    model_quality_problem_type: ProblemType = "Regression"
    model_quality_inference_attribute: str | None = attribute()
    model_quality_probability_attribute: str | None = attribute()
    model_quality_probability_threshold_attribute: float | None = threshold()
    # The label column of the training data, for a model quality baseline computed on deploy.
    model_quality_ground_truth_attribute: str | None = attribute()
    model_quality_schedule_expression: Expression = HOURLY
    model_quality_data_analysis_start_time: Offset | None = None
    model_quality_data_analysis_end_time: Offset | None = None
    model_quality_alarm_thresholds: Thresholds = Field(default_factory=dict)


class ModelBiasParameters(BaseModel):
    enable_model_bias_monitor: bool = False
    model_bias_baseline_s3_uri: S3Prefix | None = None
    model_bias_output_s3_uri: S3Prefix | None = None
    model_bias_ground_truth_s3_uri: S3Prefix | None = None
    model_bias_instance_count: InstanceCount = 1
    model_bias_instance_type: InstanceType = "ml.m5.large"
    model_bias_instance_volume_size_in_gb: VolumeSize = 20
    model_bias_max_runtime_in_seconds: Runtime = 1800
    model_bias_features_attribute: str | None = attribute()
    model_bias_inference_attribute: str | None = attribute()
    model_bias_probability_attribute: str | None = attribute()
    model_bias_probability_threshold_attribute: float | None = threshold()
    model_bias_schedule_expression: Expression = HOURLY
    model_bias_data_analysis_start_time: Offset | None = None
    model_bias_data_analysis_end_time: Offset | None = None


class ModelExplainabilityParameters(BaseModel):
    enable_model_explainability_monitor: bool = False
    model_explainability_baseline_s3_uri: S3Prefix | None = None
    model_explainability_output_s3_uri: S3Prefix | None = None
    model_explainability_instance_count: InstanceCount = 1
    model_explainability_instance_type: InstanceType = "ml.m5.large"
    model_explainability_instance_volume_size_in_gb: VolumeSize = 20
    model_explainability_max_runtime_in_seconds: Runtime = 1800
    model_explainability_features_attribute: str | None = attribute()
    model_explainability_inference_attribute: str | None = attribute()
    model_explainability_probability_attribute: str | None = attribute()
    model_explainability_schedule_expression: Expression = HOURLY
    model_explainability_data_analysis_start_time: Offset | None = None
    model_explainability_data_analysis_end_time: Offset | None = None


@dataclass(frozen=True)
class JobParameters:
    """One job's parameters under their common names; `prefix` is the parameters' (data_quality, ...)."""

    prefix: str
    monitoring_type: str
    hourly_runtime_limit: int
    baseline_s3_uri: str | None
    output_s3_uri: str | None
    ground_truth_s3_uri: str | None
    instance_count: int
    instance_type: str
    volume_size_in_gb: int
    max_runtime_in_seconds: int
    schedule_expression: str
    data_analysis_start_time: str | None
    data_analysis_end_time: str | None
    problem_type: str | None = None
    features_attribute: str | None = None
    inference_attribute: str | None = None
    probability_attribute: str | None = None
    probability_threshold_attribute: float | None = None
    ground_truth_attribute: str | None = None
    alarm_thresholds: tuple[tuple[str, float], ...] = ()

    def parameter(self, suffix: str) -> str:
        """The manifest name of this job's parameter `suffix`: data-quality-schedule-expression, ..."""
        return f"{self.prefix}_{suffix}".replace("_", "-")

    @property
    def uses_ground_truth(self) -> bool:
        """Model quality and bias merge captured predictions with ground truth labels (MergedJob)."""
        return self.monitoring_type in {"ModelQuality", "ModelBias"}

    @property
    def clarify(self) -> bool:
        """Bias and explainability run SageMaker Clarify's container; the other two the Model Monitor analyzer."""
        return self.monitoring_type in {"ModelBias", "ModelExplainability"}
