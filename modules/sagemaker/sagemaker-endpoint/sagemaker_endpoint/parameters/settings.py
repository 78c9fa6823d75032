"""Every input of the SageMaker endpoint module, declared once with the checks of its single value.

How values combine is checked in rules.py (through `check`); how parameters are read from Seed-Farmer's
environment and how errors name them (kebab-case, as a manifest writes them) is in mlops_platform/contract.py. All of it
runs before any construct is built.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import NoDecode

from mlops_platform.contract import (
    ModuleSettings,
    check_key_administrators,
    check_log_retention,
    decode_json,
    decode_list,
)
from sagemaker_endpoint.parameters.formats import (
    check_arn_of,
    check_domain_arn,
    check_domain_id,
    check_group_name_or_arn,
    check_image_uri,
    check_instance_type,
    check_s3_url,
    tag_only,
)

SAGEMAKER_NAME = r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"
INSTANCE_TYPE = r"^ml\.[a-z0-9]+\.[a-z0-9]+$"
VPC_ID = r"^vpc-([0-9a-f]{8}|[0-9a-f]{17})$"
SUBNET_ID = r"^subnet-([0-9a-f]{8}|[0-9a-f]{17})$"
IAM_POLICY_NAME = r"^[\w+=,.@-]{1,128}$"


# Values checked the same way wherever a parameter (or an entry of `containers` / `variants`) takes them.
ImageUri = Annotated[
    str, AfterValidator(check_image_uri), Field(examples=["123456789012.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"])
]
S3Url = Annotated[str, AfterValidator(check_s3_url), Field(examples=["s3://my-bucket/models/model.tar.gz"])]
# SageMaker's ProductionVariantInstanceType enum, as the pinned botocore lists it (formats.check_instance_type).
InstanceType = Annotated[str, AfterValidator(check_instance_type)]
PackageArn = Annotated[
    str,
    AfterValidator(lambda value: check_arn_of("model-package", value)),
    Field(examples=["arn:aws:sagemaker:us-east-1:123456789012:model-package/my-group/3"]),
]
PRE_EXAMPLE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/preprocess:1"
MODEL_EXAMPLE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"
SAGEMAKER_NAME_TEXT = "a SageMaker name (1 to 63 letters, digits and inner hyphens)"
INSTANCE_TYPE_TEXT = "a SageMaker instance type (ml.<family>.<size>)"
# The SageMaker project parameters only become tags (synthesis.py): any AWS tag value is accepted.
ProjectId = Annotated[
    str,
    AfterValidator(
        tag_only("sagemaker-project-id", r"p-[a-z0-9]{12}", "a SageMaker project id such as p-abcdefghijkl")
    ),
]
ProjectName = Annotated[
    str,
    AfterValidator(tag_only("sagemaker-project-name", r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}", "a SageMaker project name")),
]
# The domain whose users may reach the endpoint under domain resource isolation (the `sagemaker:domain-arn`
# tag): a domain of this account and region (placement.py), its id and ARN naming one domain.
DomainId = Annotated[str, AfterValidator(check_domain_id)]
DomainArn = Annotated[str, AfterValidator(check_domain_arn)]
# A model package group of this account by name, or of this or another account (a registry) by ARN.
GroupNameOrArn = Annotated[
    str,
    AfterValidator(check_group_name_or_arn),
    Field(examples=["fraud-detector", "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/fraud-detector"]),
]


def _kebab(field: str) -> str:
    return field.replace("_", "-")


# The parameters that take an ARN, and which kind (formats.ARN_KINDS) each must be.
ARN_PARAMETERS = {
    "model_package_arn": "model-package",
    "model_execution_role_arn": "role",
    "model_artifacts_bucket_arn": "bucket",
    "ecr_repo_arn": "repository",
    "model_artifacts_kms_key_arn": "key",
    "registry_event_forwarding_role_arn": "role",
    "alarm_topic_arn": "topic",
    "notification_topic_arn": "topic",
    "async_success_topic_arn": "topic",
    "async_error_topic_arn": "topic",
}


class ContainerParameter(BaseModel):
    """One container of an inference pipeline, as written in `containers`."""

    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=_kebab, populate_by_name=True)

    image_uri: ImageUri
    model_data_url: S3Url | None = None
    environment: dict[str, str] = Field(default_factory=dict, examples=[{"MODE": "fast"}])


class VariantParameter(BaseModel):
    """One production variant, as written in `variants`; unset sizes take the top-level parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=_kebab, populate_by_name=True)

    name: str = Field(pattern=SAGEMAKER_NAME, description=SAGEMAKER_NAME_TEXT, examples=["challenger"])
    model_package_arn: PackageArn | None = None
    model_image_uri: ImageUri | None = None
    model_data_url: S3Url | None = None
    instance_type: InstanceType | None = Field(
        None, pattern=INSTANCE_TYPE, description=INSTANCE_TYPE_TEXT, examples=["ml.m5.large"]
    )
    initial_instance_count: int | None = Field(None, ge=1, examples=[2])
    initial_variant_weight: float | None = Field(None, gt=0, examples=[0.5])

    @model_validator(mode="after")
    def _one_source(self) -> VariantParameter:
        if bool(self.model_package_arn) == bool(self.model_image_uri):
            raise ValueError(f"variant '{self.name}' needs exactly one of model-package-arn and model-image-uri")
        if self.model_data_url and not self.model_image_uri:
            raise ValueError(f"variant '{self.name}': model-data-url goes with model-image-uri")
        return self


class EndpointSettings(ModuleSettings):
    """The endpoint module's parameters, with the defaults a manifest may leave out."""

    # Names the reference module's README spelled differently; a manifest written for it works unchanged.
    alternative_names: ClassVar[dict[str, str]] = {
        "data-capture-samping-percentage": "data-capture-sampling-percentage"
    }

    # Where the endpoint runs (not for serverless endpoints, which SageMaker runs outside any VPC).
    vpc_id: str | None = Field(
        None, pattern=VPC_ID, description="a VPC id (vpc- and 8 or 17 hex digits)", examples=["vpc-0123456789abcdef0"]
    )
    subnet_ids: Annotated[tuple[str, ...] | None, NoDecode] = Field(
        None, min_length=1, max_length=16, examples=[["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]]
    )
    # What it serves: exactly one model source.
    model_package_arn: str | None = Field(
        None, examples=["arn:aws:sagemaker:us-east-1:123456789012:model-package/my-group/3"]
    )
    model_package_group_name: GroupNameOrArn | None = None
    model_image_uri: ImageUri | None = None
    model_data_url: S3Url | None = None
    model_environment: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict, examples=[{"MODE": "fast"}])
    containers: Annotated[tuple[ContainerParameter, ...] | None, NoDecode] = Field(
        None,
        min_length=2,
        max_length=15,
        examples=[[{"image-uri": PRE_EXAMPLE}, {"image-uri": MODEL_EXAMPLE}]],
    )
    variants: Annotated[tuple[VariantParameter, ...] | None, NoDecode] = Field(
        None,
        min_length=1,
        max_length=10,
        examples=[
            [
                {
                    "name": "current",
                    "model-package-arn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/my-group/3",
                }
            ]
        ],
    )
    # Shadow tests: a variant that receives a copy of production requests, whose answers are discarded.
    shadow_variants: Annotated[tuple[VariantParameter, ...] | None, NoDecode] = Field(
        None,
        examples=[
            [
                {
                    "name": "challenger",
                    "model-package-arn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/my-group/4",
                }
            ]
        ],
    )
    shadow_alarms_roll_back: bool = False
    # SageMaker project (tags only) and domain (tags that domain resource isolation grants access by).
    sagemaker_project_id: ProjectId | None = Field(None, examples=["p-abcdefghijkl"])
    sagemaker_project_name: ProjectName | None = Field(None, examples=["fraud-detection"])
    sagemaker_domain_id: DomainId | None = Field(None, examples=["d-abcdefghijkl"])
    sagemaker_domain_arn: DomainArn | None = Field(
        None, examples=["arn:aws:sagemaker:us-east-1:123456789012:domain/d-abcdefghijkl"]
    )
    # Identity, isolation and access.
    model_execution_role_arn: str | None = Field(None, examples=["arn:aws:iam::123456789012:role/MySageMakerRole"])
    enable_network_isolation: bool = True
    model_artifacts_bucket_arn: str | None = Field(None, examples=["arn:aws:s3:::my-model-artifacts"])
    # The KMS key of the served model data (a registry's, for a package of another account): decrypted through S3.
    model_artifacts_kms_key_arn: str | None = Field(
        None, examples=["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    )
    # The registry's role that forwards its group's state changes to this account's default event bus.
    registry_event_forwarding_role_arn: str | None = Field(
        None, examples=["arn:aws:iam::123456789012:role/service-role/registry-forwarding"]
    )
    ecr_repo_arn: str | None = Field(None, examples=["arn:aws:ecr:us-east-1:123456789012:repository/my-model"])
    # The production variant (the short form of a one-element `variants`).
    variant_name: str = Field("AllTraffic", pattern=SAGEMAKER_NAME, description=SAGEMAKER_NAME_TEXT)
    initial_instance_count: int = Field(1, ge=1)
    initial_variant_weight: float = Field(1.0, gt=0)
    instance_type: InstanceType = Field("ml.m4.xlarge", pattern=INSTANCE_TYPE, description=INSTANCE_TYPE_TEXT)
    managed_instance_scaling: bool = False
    scaling_min_instance_count: int = Field(1, ge=0)
    scaling_max_instance_count: int = Field(10, ge=1)
    # The inference component each model runs as when managed-instance-scaling is on.
    inference_component_memory_mb: int | None = Field(None, ge=128, examples=[2048])
    inference_component_cpus: float | None = Field(None, ge=0.25, examples=[1])
    inference_component_accelerators: int | None = Field(None, ge=1, examples=[1])
    inference_component_copy_count: int = Field(1, ge=1)
    # Serverless.
    serverless_memory_size_mb: int | None = Field(None, ge=1024, le=6144, multiple_of=1024, examples=[2048])
    serverless_max_concurrency: int | None = Field(None, ge=1, le=200, examples=[20])
    serverless_provisioned_concurrency: int | None = Field(None, ge=1, le=200, examples=[2])
    # Asynchronous inference: requests and results in S3, results announced on SNS.
    async_output_s3_uri: S3Url | None = None
    async_failure_s3_uri: S3Url | None = None
    async_input_s3_uri: S3Url | None = None
    async_max_concurrent_invocations_per_instance: int | None = Field(None, ge=1, le=1000, examples=[4])
    async_success_topic_arn: str | None = Field(None, examples=["arn:aws:sns:us-east-1:123456789012:ml-results"])
    async_error_topic_arn: str | None = Field(None, examples=["arn:aws:sns:us-east-1:123456789012:ml-errors"])
    # Autoscaling (Application Auto Scaling).
    autoscaling_max_capacity: int | None = Field(None, ge=1, examples=[6])
    autoscaling_min_capacity: int | None = Field(None, ge=1, examples=[2])
    autoscaling_target_invocations_per_instance: int | None = Field(None, ge=1, examples=[200])
    autoscaling_target_invocations_per_copy: int | None = Field(None, ge=1, examples=[4])
    autoscaling_target_backlog_per_instance: int | None = Field(None, ge=1, examples=[5])
    autoscaling_target_utilization: float = Field(0.7, gt=0, le=1)
    autoscaling_scale_in_cooldown_seconds: int = Field(300, ge=0, le=86400)
    autoscaling_scale_out_cooldown_seconds: int = Field(60, ge=0, le=86400)
    # Alarms.
    alarm_5xx_errors_threshold: int = Field(1, ge=1)
    alarm_model_latency_p99_ms: int | None = Field(None, ge=1, examples=[500])
    alarm_topic_arn: str | None = Field(None, examples=["arn:aws:sns:us-east-1:123456789012:ml-alarms"])
    # Guarded rollouts (SageMaker deployment guardrails).
    deployment_strategy: Literal["ALL_AT_ONCE", "CANARY", "LINEAR", "ROLLING"] = "ALL_AT_ONCE"
    canary_size_percent: int = Field(10, ge=1, le=50)
    linear_step_percent: int = Field(20, ge=10, le=50)
    rolling_batch_percent: int = Field(25, ge=5, le=50)
    wait_interval_seconds: int = Field(300, ge=0, le=3600)
    termination_wait_seconds: int = Field(300, ge=0, le=3600)
    maximum_execution_timeout_seconds: int = Field(3600, ge=600, le=28800)
    rollback_alarm_names: Annotated[tuple[str, ...], NoDecode] = Field((), examples=[["fraud-detector-5xx"]])
    # Model refresh, notifications and the invoke function.
    refresh_on_model_data_change: bool = False
    refresh_debounce_seconds: int = Field(60, ge=0, le=900)
    notification_topic_arn: str | None = Field(None, examples=["arn:aws:sns:us-east-1:123456789012:ml-events"])
    notifications: bool = False
    invoke_function: bool = False
    # Data capture.
    data_capture_sampling_percentage: int = Field(0, ge=0, le=100)
    data_capture_prefix: str | None = Field(
        None,
        pattern=r"^[a-zA-Z0-9!_.*'()/-]{1,512}$",
        description="an S3 key prefix of 1 to 512 letters, digits and ! _ . * ' ( ) / -",
        examples=["capture/fraud-detector"],
    )
    # Governance.
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
    tags: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict, examples=[{"team": "ml"}])

    @field_validator("subnet_ids", "rollback_alarm_names", "key_administrator_arns", mode="before")
    @classmethod
    def _string_list(cls, value: Any) -> Any:
        return decode_list(value)

    @field_validator("containers", "variants", "shadow_variants", mode="before")
    @classmethod
    def _object_list(cls, value: Any) -> Any:
        return decode_json(value, "a JSON list of objects")

    @field_validator("tags", "model_environment", mode="before")
    @classmethod
    def _string_map(cls, value: Any) -> Any:
        return decode_json(value, "a JSON object of names to string values")

    @field_validator("subnet_ids")
    @classmethod
    def _subnets(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for subnet in value or ():
            if not re.fullmatch(SUBNET_ID, subnet):
                raise ValueError(f"'{subnet}' is not a subnet id such as subnet-0123456789abcdef0")
        if value and len(set(value)) != len(value):
            raise ValueError("lists a subnet more than once")
        return value

    @field_validator("rollback_alarm_names")
    @classmethod
    def _alarm_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not 1 <= len(name) <= 255:
                raise ValueError(f"'{name}' is not a CloudWatch alarm name (1 to 255 characters)")
        return value

    @field_validator("key_administrator_arns")
    @classmethod
    def _administrators(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return check_key_administrators(value)

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return check_log_retention(value)

    @field_validator(*ARN_PARAMETERS)
    @classmethod
    def _arn(cls, value: str | None, info: ValidationInfo) -> str | None:
        return value and check_arn_of(ARN_PARAMETERS[str(info.field_name)], value)

    def check(self) -> None:
        """Every rule over several parameters (rules.py), after each value passed its own checks."""
        from sagemaker_endpoint.rules import check

        check(self)

    @property
    def serverless(self) -> bool:
        return self.serverless_memory_size_mb is not None or self.serverless_max_concurrency is not None

    @property
    def network_isolation(self) -> bool:
        """Serverless endpoints support no network isolation; elsewhere the parameter decides."""
        return self.enable_network_isolation and not self.serverless

    @property
    def autoscaling(self) -> bool:
        return self.autoscaling_max_capacity is not None

    @property
    def asynchronous(self) -> bool:
        return self.async_output_s3_uri is not None

    @property
    def data_capture_enabled(self) -> bool:
        return self.data_capture_sampling_percentage > 0
