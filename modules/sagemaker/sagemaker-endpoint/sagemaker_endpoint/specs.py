"""The shapes of the plan: one small frozen spec per concern, each holding decisions, never settings.

Nothing here imports the CDK. A spec that names a resource (a model, an endpoint configuration) is
named after its own digest (names.spec_digest), so whatever defines the resource is in its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

from sagemaker_endpoint.model_package import ModelArtifacts, ResolvedPackage

VariantKind = Literal["instance", "serverless"]


@dataclass(frozen=True)
class Container:
    """One container of a model: a model package, or an image with optional model data."""

    package_arn: str | None
    image: str | None
    model_data_url: str | None
    environment: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ModelSpec:
    """Everything that defines a SageMaker model (which cannot change in place): its name is this digest."""

    containers: tuple[Container, ...]
    role: str  # the execution role ARN given, or "module-role" for the one the module creates
    subnets: tuple[str, ...] | None
    vpc: str | None
    isolation: bool

    @property
    def is_pipeline(self) -> bool:
        return len(self.containers) > 1


class VariantSize(NamedTuple):
    name: str
    instance_type: str | None  # None for a serverless variant
    initial_instance_count: int
    initial_variant_weight: float


class ServerlessSize(NamedTuple):
    memory_size_mb: int | None
    max_concurrency: int | None
    provisioned_concurrency: int | None


class CaptureAsGiven(NamedTuple):
    sampling_percentage: int
    prefix: str | None  # as the manifest gave it; the resolved destination follows from it and the endpoint name


class InstanceScaling(NamedTuple):
    """ManagedInstanceScaling of a variant that hosts inference components: SageMaker sizes it in these bounds."""

    minimum: int
    maximum: int


class AsyncAsGiven(NamedTuple):
    """AsyncInferenceConfig: where results go, how many requests an instance takes, which topics hear of them."""

    output_uri: str
    failure_uri: str | None
    max_concurrent_invocations_per_instance: int | None
    success_topic: str | None  # a topic ARN, "module-topic" for the topic the module creates, or None
    error_topic: str | None


@dataclass(frozen=True)
class EndpointConfigSpec:
    """Everything that defines the endpoint configuration (which cannot change in place): its name is this digest."""

    models: tuple[str, ...]  # the models' names, so a new model gives a new configuration
    variants: tuple[VariantSize, ...]
    serverless: ServerlessSize
    encrypt_storage: bool  # a KMS key for the ML storage volumes (none for serverless or instance storage)
    capture: CaptureAsGiven
    # Set only for an endpoint of inference components (fields added later enter the digest only when set).
    instance_scaling: InstanceScaling | None = None
    execution_role: str | None = None  # the role ARN given, or "module-role"; on the configuration itself
    subnets: tuple[str, ...] | None = None
    isolation: bool | None = None
    asynchronous: AsyncAsGiven | None = None
    shadow_variants: tuple[VariantSize, ...] = ()
    shadow_models: tuple[str, ...] = ()
    # The bucket data is captured to, when capture is on: DataCaptureConfig cannot change in place, and
    # the prefix alone does not say where. None (left out of the digest) when capture is off.
    capture_bucket: str | None = None


@dataclass(frozen=True)
class VariantPlan:
    """One production variant: its kind, its model and the names and ids made for it."""

    name: str
    kind: VariantKind
    model: ModelSpec
    model_name: str
    model_id: str  # construct id of its model: `Model` for the short form, else `<Variant>Model`
    construct_prefix: str  # PascalCase variant name, the start of its alarms' and scaling's construct ids
    size: VariantSize
    package: ResolvedPackage | None  # the package it serves, when it serves one
    alarm_names: tuple[str, ...]
    component_name: str | None = None  # the inference component serving its model, with managed instance scaling


@dataclass(frozen=True)
class ComponentSpec:
    """The inference component a model runs as on an endpoint with managed instance scaling."""

    name: str
    variant: str
    model_name: str
    construct_prefix: str
    memory_mb: int
    cpus: float | None
    accelerators: int | None
    copy_count: int
    defaulted: str | None = None  # how the compute was defaulted from the instance's size, when it was

    @property
    def log_group_name(self) -> str:
        """Where SageMaker sends the component's container logs (not the endpoint's log group)."""
        return f"/aws/sagemaker/InferenceComponents/{self.name}"


@dataclass(frozen=True)
class ComponentScalingSpec:
    """Target tracking on a component's copies; from zero, a step policy on failed invocations wakes it up."""

    target: float
    minimum: int
    maximum: int
    scale_in_cooldown: int
    scale_out_cooldown: int

    @property
    def scales_to_zero(self) -> bool:
        return self.minimum == 0


@dataclass(frozen=True)
class AsyncSpec:
    """Asynchronous inference: the configuration, and the S3 prefixes and topics the execution role may use."""

    config: AsyncAsGiven
    input_uri: str

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for t in (self.config.success_topic, self.config.error_topic) if t))


@dataclass(frozen=True)
class NetworkSpec:
    """Where the endpoint (and the module's functions) attach: absent for serverless endpoints."""

    vpc_id: str
    subnet_ids: tuple[str, ...]


@dataclass(frozen=True)
class CaptureSpec:
    """Data capture to the artifacts bucket, under one prefix."""

    bucket_arn: str
    bucket: str
    prefix: str
    sampling_percentage: int

    @property
    def destination(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    @property
    def objects_arn(self) -> str:
        """The objects the execution role may write: everything under the prefix, nothing else."""
        return f"{self.bucket_arn}/{self.prefix}/*"


@dataclass(frozen=True)
class AlarmActions:
    """Whom alarms notify: a topic given by ARN, else the topic the module creates, else nobody."""

    topic_arn: str | None
    module_topic: bool


@dataclass(frozen=True)
class AlarmsSpec:
    server_errors_threshold: int
    latency_p99_ms: int | None
    actions: AlarmActions


@dataclass(frozen=True)
class ScalingSpec:
    """Target tracking on every variant: instance counts on invocations, or serverless provisioned concurrency."""

    dimension: str
    metric: str
    target: float
    minimum: tuple[int, ...]  # one per variant, in order
    maximum: int
    scale_in_cooldown: int
    scale_out_cooldown: int
    backlog: bool = False  # asynchronous: track ApproximateBacklogSizePerInstance, wake up from zero on a backlog


@dataclass(frozen=True)
class RolloutSpec:
    strategy: Literal["ALL_AT_ONCE", "CANARY", "LINEAR", "ROLLING"]
    canary_size_percent: int
    linear_step_percent: int
    rolling_batch_percent: int
    wait_interval_seconds: int
    termination_wait_seconds: int
    maximum_execution_timeout_seconds: int
    rollback_alarm_names: tuple[str, ...]  # the module's own alarms, then the ones given


@dataclass(frozen=True)
class RefreshSpec:
    """Model refresh: which uploads to watch and which twin configuration to switch to."""

    model_data_urls: tuple[str, ...]
    twin_config_name: str
    debounce_seconds: int
    maximum_execution_timeout_seconds: int  # the longest rollout the endpoint may be busy with


@dataclass(frozen=True)
class NotificationsSpec:
    topic_arn: str | None  # a topic given by ARN; None means the module creates one
    package_group: str | None  # newly approved packages of this group are announced too
    package_group_account: str | None = None  # the account the group's events come from (its registry's)


@dataclass(frozen=True)
class RegistryEventsSpec:
    """The statement of this account's default event bus policy that lets a registry of another account
    forward its group's state changes here: that registry's forwarding role, SageMaker's events only."""

    forwarding_role_arn: str
    registry_account: str
    statement_id: str  # this stack's own statement: two endpoints of one account each add and remove theirs


@dataclass(frozen=True)
class Domain:
    """The SageMaker domain the endpoint belongs to: everything it creates carries `sagemaker:domain-arn`."""

    arn: str
    id: str


@dataclass(frozen=True)
class ArtifactsSpec:
    """What the execution role may read: the artifacts of every model it serves (each package described at
    synth), and the repository `ecr-repo-arn` names."""

    known: ModelArtifacts
    ecr_repo_arn: str | None
    kms_key_arn: str | None = None  # the key of the model data, decrypted through S3 only


@dataclass(frozen=True)
class EndpointPlan:
    """Every decision the stack needs, made once."""

    stack_name: str
    endpoint_name: str
    log_group_name: str
    variants: tuple[VariantPlan, ...]
    config: EndpointConfigSpec
    config_name: str
    execution_role_arn: str | None  # None: the module creates the role
    network: NetworkSpec | None
    capture: CaptureSpec | None
    alarms: AlarmsSpec
    scaling: ScalingSpec | None
    rollout: RolloutSpec
    refresh: RefreshSpec | None
    notifications: NotificationsSpec | None
    invoke_function: bool
    artifacts: ArtifactsSpec
    components: tuple[ComponentSpec, ...] = ()  # set with managed instance scaling: one per model
    component_scaling: ComponentScalingSpec | None = None
    asynchronous: AsyncSpec | None = None
    shadow_variants: tuple[VariantPlan, ...] = ()  # SageMaker allows one; its answers are discarded
    key_administrators: tuple[str, ...] = ()  # IAM principals that may manage (never use) the module's key
    domain: Domain | None = None
    registry_events: RegistryEventsSpec | None = None

    @property
    def serverless(self) -> bool:
        return any(variant.kind == "serverless" for variant in self.variants)

    @property
    def keeps_autoscaled_instance_counts(self) -> bool:
        """Application Auto Scaling owns the variants' instance counts, so an update keeps them
        (UpdateEndpoint's RetainAllVariantProperties) instead of resetting them to the initial counts."""
        return self.scaling is not None and self.scaling.dimension == "sagemaker:variant:DesiredInstanceCount"

    @property
    def alarm_names(self) -> tuple[str, ...]:
        """Every alarm of the module's variants: production first, then the shadow."""
        return tuple(name for variant in (*self.variants, *self.shadow_variants) for name in variant.alarm_names)
