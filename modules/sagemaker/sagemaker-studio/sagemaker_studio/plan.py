"""Every decision of the Studio module, made once from the validated settings, without the CDK.

The constructs (infra/) each take their part of the plan; none reads the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mlops_platform.contract import DeploymentContext
from sagemaker_studio import names
from sagemaker_studio.settings import StudioSettings

Persona = Literal["data-scientist", "lead-data-scientist"]


@dataclass(frozen=True)
class IdleSpec:
    """SageMaker's idle shutdown of JupyterLab apps (the domain's AppLifecycleManagement.IdleSettings)."""

    timeout: int
    minimum: int | None
    maximum: int | None


@dataclass(frozen=True)
class UserSpec:
    """A user profile, its persona (which role it runs as) and its JupyterLab space, if any."""

    name: str
    persona: Persona
    space: str | None


@dataclass(frozen=True)
class DomainSpec:
    name: str
    auth_mode: str
    vpc_id: str
    subnet_ids: tuple[str, ...]
    retain_efs: bool
    docker_access: bool
    trusted_accounts: tuple[str, ...]
    idle: IdleSpec
    custom_image: tuple[str, str] | None  # (app image config, image)
    space_instance_type: str | None
    space_sharing: Literal["Private", "Shared"]


@dataclass(frozen=True)
class MlflowSpec:
    name: str
    version: str | None
    size: str | None
    bucket: str
    prefix: str  # "" or ending in "/"

    @property
    def artifact_store_uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


@dataclass(frozen=True)
class Synthesizer:
    """The reference's overrides of the CDK's default stack synthesizer; all None keeps the default."""

    qualifier: str | None = None
    cloud_formation_execution_role: str | None = None
    deploy_role_arn: str | None = None
    file_asset_publishing_role_arn: str | None = None
    image_asset_publishing_role_arn: str | None = None
    lookup_role_arn: str | None = None

    @property
    def overridden(self) -> bool:
        return any(vars(self).values())


@dataclass(frozen=True)
class StudioPlan:
    stack_name: str
    domain: DomainSpec
    users: tuple[UserSpec, ...]
    isolation: bool
    projects: bool
    shared_buckets: str | None  # studio_bucket_name: one bucket, or a name prefix ending in *
    role_path: str | None
    permissions_boundary: str | None
    mlflow: MlflowSpec | None
    tags: tuple[tuple[str, str], ...]
    synthesizer: Synthesizer
    key_administrators: tuple[str, ...] = ()  # may manage the module key beside the account, never use it
    log_retention_days: int = 365  # every log group of the stack, and the studio bucket's access logs

    @property
    def spaces(self) -> tuple[str, ...]:
        return tuple(user.space for user in self.users if user.space)


def plan(settings: StudioSettings, context: DeploymentContext) -> StudioPlan:
    """Every decision of the module for these settings."""
    return StudioPlan(
        stack_name=context.stack_name,
        domain=_domain(settings, context),
        users=tuple(
            UserSpec(
                name,
                persona,
                names.space_name(name, shared=settings.enable_jupyterlab_app_sharing)
                if settings.enable_jupyterlab_app
                else None,
            )
            for name, persona in settings.users.items()
        ),
        isolation=settings.enable_domain_resource_isolation,
        projects=settings.enable_custom_sagemaker_projects,
        shared_buckets=settings.studio_bucket_name,
        role_path=settings.role_path,
        permissions_boundary=settings.permissions_boundary_name,
        mlflow=_mlflow(settings),
        tags=tuple(sorted(settings.all_tags.items())),
        synthesizer=Synthesizer(
            qualifier=settings.qualifier,
            cloud_formation_execution_role=settings.cloud_formation_execution_role,
            deploy_role_arn=settings.deploy_role_arn,
            file_asset_publishing_role_arn=settings.file_asset_publishing_role_arn,
            image_asset_publishing_role_arn=settings.image_asset_publishing_role_arn,
            lookup_role_arn=settings.lookup_role_arn,
        ),
        key_administrators=settings.key_administrator_arns,
        log_retention_days=settings.log_retention_days,
    )


def _domain(settings: StudioSettings, context: DeploymentContext) -> DomainSpec:
    image = settings.app_image_config_name, settings.image_name
    return DomainSpec(
        name=settings.studio_domain_name or names.default_domain_name(context.stack_name),
        auth_mode=settings.auth_mode,
        vpc_id=settings.vpc_id,
        subnet_ids=settings.subnet_ids,
        retain_efs=settings.retain_efs,
        docker_access=settings.enable_docker_access,
        trusted_accounts=settings.vpc_only_trusted_accounts,
        idle=IdleSpec(
            settings.idle_timeout_in_minutes, settings.min_idle_timeout_in_minutes, settings.max_idle_timeout_in_minutes
        ),
        custom_image=(image[0], image[1]) if image[0] and image[1] else None,
        space_instance_type=settings.jupyterlab_app_instance_type,
        space_sharing="Shared" if settings.enable_jupyterlab_app_sharing else "Private",
    )


def _mlflow(settings: StudioSettings) -> MlflowSpec | None:
    if not settings.mlflow_enabled or not settings.mlflow_artifact_store_bucket_name:
        return None
    return MlflowSpec(
        name=settings.mlflow_server_name,
        version=settings.mlflow_server_version,
        size=settings.mlflow_server_size,
        bucket=settings.mlflow_artifact_store_bucket_name,
        prefix=settings.mlflow_artifact_store_bucket_prefix,
    )
