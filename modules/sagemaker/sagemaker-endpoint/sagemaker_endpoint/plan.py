"""The plan: every decision the stack needs, made once from the validated settings (no CDK import here).

`plan(settings, package, context)` asks each feature for its part (`<feature>/plan.py`): names, variants and one
spec per concern. The constructs take their spec and never look at the settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mlops_platform.contract import DeploymentContext
from sagemaker_endpoint.async_inference import plan as async_inference
from sagemaker_endpoint.async_inference.plan import AsyncSpec
from sagemaker_endpoint.capture import plan as capture
from sagemaker_endpoint.capture.plan import CaptureSpec
from sagemaker_endpoint.domain import plan as domain
from sagemaker_endpoint.domain.plan import Domain
from sagemaker_endpoint.endpoint import plan as endpoint
from sagemaker_endpoint.endpoint.plan import EndpointConfigSpec, GovernanceSpec
from sagemaker_endpoint.inference_components import plan as inference_components
from sagemaker_endpoint.inference_components.instance_sizes import InstanceSize
from sagemaker_endpoint.inference_components.plan import ComponentScalingSpec, ComponentSpec
from sagemaker_endpoint.invoke import plan as invoke
from sagemaker_endpoint.invoke.plan import InvokeSpec
from sagemaker_endpoint.model_source import plan as model_source
from sagemaker_endpoint.model_source.lookup import ResolvedPackage
from sagemaker_endpoint.model_source.plan import ArtifactsSpec
from sagemaker_endpoint.names import sagemaker_name
from sagemaker_endpoint.network import plan as network
from sagemaker_endpoint.network.plan import NetworkSpec
from sagemaker_endpoint.notifications import plan as notifications
from sagemaker_endpoint.notifications.plan import AlarmsSpec, NotificationsSpec
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.refresh import plan as refresh
from sagemaker_endpoint.refresh.plan import RefreshSpec
from sagemaker_endpoint.registry_events import plan as registry_events
from sagemaker_endpoint.registry_events.plan import RegistryEventsSpec
from sagemaker_endpoint.rollout import plan as rollout
from sagemaker_endpoint.rollout.plan import RolloutSpec
from sagemaker_endpoint.shadow import plan as shadow
from sagemaker_endpoint.variants import plan as variants
from sagemaker_endpoint.variants.plan import ScalingSpec, VariantPlan


@dataclass(frozen=True)
class EndpointPlan:
    """Every decision the stack needs, made once."""

    stack_name: str
    endpoint_name: str
    log_group_name: str
    variants: tuple[VariantPlan, ...]
    variant_parameter: str  # the parameter that names the variants: `variants`, or `variant-name`
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
    invoke: InvokeSpec | None
    artifacts: ArtifactsSpec
    governance: GovernanceSpec
    components: tuple[ComponentSpec, ...] = ()  # set with managed instance scaling: one per model
    component_scaling: ComponentScalingSpec | None = None
    asynchronous: AsyncSpec | None = None
    shadow_variants: tuple[VariantPlan, ...] = ()  # SageMaker allows one; its answers are discarded
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

    @property
    def key_administrators(self) -> tuple[str, ...]:
        """IAM principals that may manage (never use) the module's key."""
        return self.governance.key_administrators


def plan(
    settings: DeclaredParameters,
    package: ResolvedPackage | None,
    context: DeploymentContext,
    packages: Mapping[str, ResolvedPackage] | None = None,
    instance: InstanceSize | None = None,
) -> EndpointPlan:
    """Every decision, once; `package` is the resolved model package of the short form, if it has one,
    `packages` the described packages `variants` and `shadow-variants` name, by ARN, and `instance` the
    size of the instance type, when an inference component's compute is defaulted from it."""
    endpoint_name = sagemaker_name(context.stack_name)
    packages = packages or {}
    sources = model_source.model_sources(settings, package, packages)
    production = variants.production_variants(settings, sources, endpoint_name)
    shadows = shadow.shadows(settings, endpoint_name, packages)
    capture_spec = capture.capture(settings, endpoint_name)
    config = endpoint.configuration(
        settings,
        production,
        shadows,
        capture=capture.as_given(settings),
        capture_bucket=capture_spec.bucket_arn if capture_spec else None,
        instance_scaling=inference_components.instance_scaling(settings),
        asynchronous=async_inference.async_config(settings),
        serverless=variants.serverless_size(settings),
    )
    config_digest = endpoint.config_digest(config)
    components = _components(settings, production, instance)
    artifacts = model_source.artifacts(settings, [(v.model, v.package) for v in (*production, *shadows)])
    domain_spec = domain.domain(settings, context)
    return EndpointPlan(
        stack_name=context.stack_name,
        endpoint_name=endpoint_name,
        log_group_name=f"/aws/sagemaker/Endpoints/{endpoint_name}",
        variants=tuple(production),
        variant_parameter="variants" if settings.variants else "variant-name",
        config=config,
        config_name=sagemaker_name(endpoint_name, suffix=f"config-{config_digest}"),
        execution_role_arn=settings.model_execution_role_arn,
        network=network.network(settings),
        capture=capture_spec,
        alarms=notifications.alarms(settings),
        scaling=variants.scaling(settings, production),
        rollout=rollout.rollout(settings, _rollback_alarms(settings, production, shadows)),
        refresh=refresh.refresh(settings, artifacts.model_data, endpoint_name, config_digest),
        notifications=notifications.notifications(settings, package, context),
        invoke=invoke.invoke(settings, [component.name for component in components]),
        artifacts=artifacts,
        governance=endpoint.governance(settings, domain_spec.tags if domain_spec else {}),
        components=components,
        component_scaling=inference_components.component_scaling(settings),
        asynchronous=async_inference.asynchronous(settings, config.asynchronous),
        shadow_variants=tuple(shadows),
        domain=domain_spec,
        registry_events=registry_events.registry_events(settings, context),
    )


def _rollback_alarms(
    settings: DeclaredParameters, production: list[VariantPlan], shadows: list[VariantPlan]
) -> tuple[str, ...]:
    """The module's own alarms a deployment rolls back on: every production variant's, the shadow's when asked."""
    watched = [*production, *(shadows if settings.shadow_alarms_roll_back else [])]
    return tuple(name for variant in watched for name in variant.alarm_names)


def _components(
    settings: DeclaredParameters, production: list[VariantPlan], instance: InstanceSize | None
) -> tuple[ComponentSpec, ...]:
    """With managed instance scaling, each variant's model runs as an inference component."""
    return tuple(
        inference_components.component(
            settings,
            name=variant.component_name,
            variant=variant.name,
            model_name=variant.model_name,
            construct_prefix=variant.construct_prefix,
            instance=instance,
        )
        for variant in production
        if variant.component_name
    )
