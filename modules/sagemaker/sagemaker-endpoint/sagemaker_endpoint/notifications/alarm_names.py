"""Which variants get alarms, and their names: read by the rollout's rule (SageMaker's limit on rollback alarms)
and by the plan (the rollback configuration names them)."""

from __future__ import annotations

from sagemaker_endpoint.parameters.declared import DeclaredParameters


def alarms_act(settings: DeclaredParameters, *, shadow: bool) -> bool:
    """Whether a variant's alarms would act: notify a topic, or roll a deployment back. An alarm that does
    neither is not created."""
    if settings.alarm_topic_arn or settings.notification_topic_arn or settings.notifications:
        return True
    if shadow:
        return settings.shadow_alarms_roll_back
    # An inference component rolls back only in its rolling update; every other endpoint's deployment
    # configuration (rollout/) names its production variants' alarms.
    return not settings.managed_instance_scaling or settings.deployment_strategy == "ROLLING"


def alarm_names(
    settings: DeclaredParameters, endpoint_name: str, variant: str, *, shadow: bool = False
) -> tuple[str, ...]:
    """The names of a variant's alarms: deterministic, so the rollback configuration can name them; none
    when nothing would act on them (`alarms_act`)."""
    if not alarms_act(settings, shadow=shadow):
        return ()
    names = [f"{endpoint_name}-{variant}-5xx-errors"]
    if settings.alarm_model_latency_p99_ms is not None:
        names.append(f"{endpoint_name}-{variant}-model-latency-p99")
    return tuple(names)
