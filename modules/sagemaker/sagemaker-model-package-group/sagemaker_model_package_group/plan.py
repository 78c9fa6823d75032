"""Every decision of the module, made once from the validated settings: a pure function, no CDK, no AWS.

The constructs (infra/) each take their part of the plan.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from mlops_platform.contract import DeploymentContext, ParameterError
from sagemaker_model_package_group.settings import RegistrySettings

# EventBridge delivers a rule's events to at most five targets.
MAX_RULE_TARGETS = 5
RULE_NAME_LENGTH = 64


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


@dataclass(frozen=True)
class GroupSpec:
    """The model package group. SageMaker's ARNs carry the group's name in lower case."""

    name: str
    description: str | None
    arn: str
    packages_arn: str  # every model package (version) of the group


@dataclass(frozen=True)
class ArtifactsSpec:
    """Where the model artifacts live: a bucket the module creates (`bucket_arn` None) or an existing one."""

    bucket_arn: str | None
    key_arn: str | None  # the existing bucket's key; the module's own key when it creates the bucket
    prefix: str

    @property
    def created(self) -> bool:
        return self.bucket_arn is None


@dataclass(frozen=True)
class ForwardingSpec:
    """The rule that forwards the group's approvals and rejections to other event buses."""

    rule_name: str
    rule_arn: str
    buses: tuple[str, ...]


@dataclass(frozen=True)
class RegistryPlan:
    account: str
    region: str
    partition: str
    targets: tuple[str, ...]  # the accounts granted, sorted, without duplicates or the registry's own account
    group: GroupSpec
    artifacts: ArtifactsSpec
    repositories: tuple[str, ...]  # ARNs of repositories of this account and region the targets may pull from
    forwarding: ForwardingSpec | None
    retain: bool
    key_administrators: tuple[str, ...] = ()  # may manage the artifacts key the module creates, never use it
    log_retention_days: int = 365  # the artifacts bucket's access logs, and every log group of the stack


def plan(settings: RegistrySettings, context: DeploymentContext) -> RegistryPlan:
    partition = partition_of(context.region)
    targets = tuple(sorted(set(settings.target_account_ids) - {context.account}))
    name = settings.model_package_group_name
    sagemaker = f"arn:{partition}:sagemaker:{context.region}:{context.account}"
    group = GroupSpec(
        name=name,
        description=settings.model_package_group_description,
        arn=f"{sagemaker}:model-package-group/{name.lower()}",
        packages_arn=f"{sagemaker}:model-package/{name.lower()}/*",
    )
    artifacts = ArtifactsSpec(
        bucket_arn=settings.model_artifacts_bucket_arn,
        key_arn=settings.model_artifacts_kms_key_arn,
        prefix=settings.model_artifacts_prefix or f"{name}/",
    )
    _refuse_repositories_elsewhere(settings, context)
    return RegistryPlan(
        account=context.account,
        region=context.region,
        partition=partition,
        targets=targets,
        group=group,
        artifacts=artifacts,
        repositories=settings.ecr_repository_arns,
        forwarding=_forwarding(settings, context, partition, targets),
        retain=settings.retain_on_delete,
        key_administrators=settings.key_administrator_arns,
        log_retention_days=settings.log_retention_days,
    )


def _forwarding(
    settings: RegistrySettings, context: DeploymentContext, partition: str, targets: tuple[str, ...]
) -> ForwardingSpec | None:
    own_bus = f"arn:{partition}:events:{context.region}:{context.account}:event-bus/default"
    if settings.target_event_bus_arn == own_bus:
        raise ParameterError(
            f"parameter 'target_event_bus_arn': {own_bus} is the bus the module's rule listens on, so each event "
            "would come back to the rule; name another bus, or leave it out (this account's rules already see it)"
        )
    buses = [settings.target_event_bus_arn] if settings.target_event_bus_arn else []
    if settings.forward_events_to_target_accounts:
        buses += [f"arn:{partition}:events:{context.region}:{account}:event-bus/default" for account in targets]
    buses = list(dict.fromkeys(buses))
    if not buses:
        return None
    if len(buses) > MAX_RULE_TARGETS:
        raise ParameterError(
            f"parameter 'target_account_ids': the group's events would go to {len(buses)} event buses (each target "
            f"account's default bus{' and target_event_bus_arn' if settings.target_event_bus_arn else ''}), but an "
            f"EventBridge rule delivers to at most {MAX_RULE_TARGETS}; set forward_events_to_target_accounts to "
            "false and forward from a bus of your own, or list fewer accounts"
        )
    name = rule_name(context.stack_name)
    arn = f"arn:{partition}:events:{context.region}:{context.account}:rule/{name}"
    return ForwardingSpec(rule_name=name, rule_arn=arn, buses=tuple(buses))


def rule_name(stack_name: str) -> str:
    """The forwarding rule's fixed name (its role's trust policy names the rule's ARN): within EventBridge's 64
    characters, shortened with a hash of the whole when the stack's name is long."""
    name = f"{stack_name}-package-state"
    if len(name) <= RULE_NAME_LENGTH:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: RULE_NAME_LENGTH - 9]}-{digest}"


def _refuse_repositories_elsewhere(settings: RegistrySettings, context: DeploymentContext) -> None:
    for arn in settings.ecr_repository_arns:
        region, account = arn.split(":")[3:5]
        if (region, account) != (context.region, context.account):
            raise ParameterError(
                f"parameter 'ecr_repository_arns': {arn} is not a repository of this account and region "
                f"({context.account}, {context.region}); the module grants pulls on this registry's repositories"
            )
