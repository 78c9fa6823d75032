"""Every input of the model monitoring module, declared once with the checks of its single value.

The reference module's parameters keep their names (its README writes them in snake case; Seed-Farmer
passes `data_quality_schedule_expression` and `data-quality-schedule-expression` as the same variable, and
errors name them in kebab case). How values combine is checked in rules.py, through `check`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, field_validator
from pydantic_settings import NoDecode

from mlops_platform.contract import (
    ModuleSettings,
    check_key_administrators,
    check_log_retention,
    decode_json,
    decode_list,
)
from sagemaker_model_monitoring.parameters.formats import (
    CONTENT_TYPE,
    IAM_POLICY_NAME,
    MODEL_PACKAGE_ARN,
    SAGEMAKER_NAME,
    SECURITY_GROUP_ID,
    SUBNET_ID,
    TOPIC_ARN,
    check_bucket_arn,
    check_key,
    check_tag_value,
)
from sagemaker_model_monitoring.parameters.jobs import (
    KINDS,
    DataQualityParameters,
    InstanceCount,
    InstanceType,
    JobParameters,
    ModelBiasParameters,
    ModelExplainabilityParameters,
    ModelQualityParameters,
    Runtime,
    S3Prefix,
    VolumeSize,
)

TagValue = Annotated[str, AfterValidator(check_tag_value)]


class MonitoringSettings(
    ModuleSettings, DataQualityParameters, ModelQualityParameters, ModelBiasParameters, ModelExplainabilityParameters
):
    """The monitoring module's parameters, with the defaults a manifest may leave out."""

    # The endpoint and where its data and artifacts live.
    endpoint_name: str = Field(
        max_length=63,
        pattern=SAGEMAKER_NAME,
        description="a SageMaker endpoint name (1 to 63 letters, digits and inner hyphens)",
        examples=["mlops-demo-sagemaker-endpoints-endpoint"],
    )
    model_bucket_arn: Annotated[str, AfterValidator(check_bucket_arn)] = Field(
        examples=["arn:aws:s3:::my-model-artifacts"]
    )
    # What the endpoint module publishes about its data capture (all optional: read from the endpoint
    # itself at synth time when left out).
    data_capture_s3_uri: S3Prefix | None = None
    data_capture_kms_key_id: Annotated[str, AfterValidator(check_key)] | None = Field(
        None, examples=["0123abcd-0123-4567-89ab-0123456789ab"]
    )
    data_capture_sampling_percentage: int | None = Field(None, ge=0, le=100, examples=[20])
    data_capture_csv_content_types: tuple[str, ...] | None = Field(None, examples=[["text/csv"]])
    data_capture_json_content_types: tuple[str, ...] | None = Field(None, examples=[["application/json"]])
    # The model package whose drift-check baselines or model metrics the jobs compare against; by default
    # the package the endpoint serves.
    model_package_arn: str | None = Field(
        None,
        pattern=MODEL_PACKAGE_ARN,
        description="a versioned model package ARN (arn:aws:sagemaker:<region>:<account>:model-package/<group>/<n>)",
        examples=["arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-detector/3"],
    )
    # Network and encryption.
    security_group_id: str | None = Field(
        None,
        pattern=SECURITY_GROUP_ID,
        description="a security group id (sg- and 8 or 17 hex digits)",
        examples=["sg-0123456789abcdef0"],
    )
    subnet_ids: tuple[str, ...] | None = Field(
        None, min_length=1, max_length=16, examples=[["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]]
    )
    kms_key_id: Annotated[str, AfterValidator(check_key)] | None = Field(
        None, examples=["0123abcd-0123-4567-89ab-0123456789ab"]
    )
    # Baselines computed on deploy from training data (when no better source has them).
    baseline_training_data_s3_uri: S3Prefix | None = None
    baseline_output_data_s3_uri: S3Prefix | None = None
    baseline_instance_count: InstanceCount = 1
    baseline_instance_type: InstanceType = "ml.m5.xlarge"
    baseline_volume_size_gb: VolumeSize = 20
    baseline_max_runtime_seconds: Runtime = 3600
    # Notices of failed runs and violations, and the alarms.
    alarm_topic_arn: str | None = Field(
        None,
        pattern=TOPIC_ARN,
        description="an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)",
        examples=["arn:aws:sns:us-east-1:123456789012:ml-alarms"],
    )
    # SageMaker project, governance and tags.
    sagemaker_project_id: TagValue | None = Field(None, examples=["p-abcdefghijkl"])
    sagemaker_project_name: TagValue | None = Field(None, examples=["fraud-detection"])
    permissions_boundary_name: str | None = Field(
        None,
        pattern=IAM_POLICY_NAME,
        description="an IAM policy name (1 to 128 letters, digits and + = , . @ _ -)",
        examples=["ml-boundary"],
    )
    key_administrator_arns: Annotated[tuple[str, ...], NoDecode] = Field(
        (), examples=[["arn:aws:iam::123456789012:role/KeyAdministrators"]]
    )
    log_retention_days: int = Field(365, examples=[731])
    tags: dict[str, TagValue] = Field(default_factory=dict, examples=[{"team": "ml"}])
    custom_tags: dict[str, TagValue] = Field(default_factory=dict, examples=[{"cost-center": "ml"}])

    @field_validator(
        "subnet_ids",
        "data_capture_csv_content_types",
        "data_capture_json_content_types",
        "key_administrator_arns",
        mode="before",
    )
    @classmethod
    def _string_list(cls, value: Any) -> Any:
        return decode_list(value)

    @field_validator("key_administrator_arns")
    @classmethod
    def _administrators(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return check_key_administrators(value)

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return check_log_retention(value)

    @field_validator(
        "tags",
        "custom_tags",
        "data_quality_alarm_thresholds",
        "model_quality_alarm_thresholds",
        mode="before",
    )
    @classmethod
    def _map(cls, value: Any) -> Any:
        return decode_json(value, "a JSON object")

    @field_validator(
        "data_capture_s3_uri",
        "data_capture_kms_key_id",
        "data_capture_sampling_percentage",
        "alarm_topic_arn",
        "security_group_id",
        "model_package_arn",
        mode="before",
    )
    @classmethod
    def _empty_is_absent(cls, value: Any) -> Any:
        # An endpoint without capture, a topic or a VPC publishes "" for those keys (valueFrom moduleMetadata).
        return None if value == "" else value

    @field_validator("subnet_ids")
    @classmethod
    def _subnets(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        import re

        for subnet in value or ():
            if not re.fullmatch(SUBNET_ID, subnet):
                raise ValueError(f"'{subnet}' is not a subnet id such as subnet-0123456789abcdef0")
        if value and len(set(value)) != len(value):
            raise ValueError("lists a subnet more than once")
        return value or None

    @field_validator("data_capture_csv_content_types", "data_capture_json_content_types")
    @classmethod
    def _content_types(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        import re

        for content_type in value or ():
            if not re.fullmatch(CONTENT_TYPE, content_type):
                raise ValueError(f"'{content_type}' is not a content type such as text/csv or application/json")
        return value

    def check(self) -> None:
        """Every rule over several parameters (rules.py), after each value passed its own checks."""
        from sagemaker_model_monitoring.rules import check

        check(self)

    def job(self, prefix: str) -> JobParameters:
        """One job's parameters (`prefix`: data_quality, model_quality, model_bias, model_explainability)."""
        monitoring_type, hourly_limit = KINDS[prefix]
        values = self.model_dump()

        def value(suffix: str) -> Any:
            return values.get(f"{prefix}_{suffix}")

        return JobParameters(
            prefix=prefix,
            monitoring_type=monitoring_type,
            hourly_runtime_limit=hourly_limit,
            baseline_s3_uri=value("baseline_s3_uri"),
            output_s3_uri=value("output_s3_uri"),
            ground_truth_s3_uri=value("ground_truth_s3_uri"),
            instance_count=value("instance_count"),
            instance_type=value("instance_type"),
            volume_size_in_gb=value("instance_volume_size_in_gb"),
            max_runtime_in_seconds=value("max_runtime_in_seconds"),
            schedule_expression=value("schedule_expression"),
            data_analysis_start_time=value("data_analysis_start_time"),
            data_analysis_end_time=value("data_analysis_end_time"),
            problem_type=value("problem_type"),
            features_attribute=value("features_attribute"),
            inference_attribute=value("inference_attribute"),
            probability_attribute=value("probability_attribute"),
            probability_threshold_attribute=value("probability_threshold_attribute"),
            ground_truth_attribute=value("ground_truth_attribute"),
            alarm_thresholds=tuple(sorted((value("alarm_thresholds") or {}).items())),
        )

    @property
    def enabled_jobs(self) -> list[JobParameters]:
        """The jobs switched on, in the reference module's order."""
        return [self.job(prefix) for prefix in KINDS if getattr(self, f"enable_{prefix}_monitor")]

    @property
    def in_vpc(self) -> bool:
        return bool(self.subnet_ids and self.security_group_id)
