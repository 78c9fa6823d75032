"""The rules of guarded rollouts: SageMaker's limit on rollback alarms, each strategy's own parameters, and
what ROLLING updates exclude (SageMaker deployment guardrails)."""

from __future__ import annotations

from mlops_platform.contract import ParameterError, parameter_name
from sagemaker_endpoint.notifications.alarm_names import alarm_names
from sagemaker_endpoint.parameters.declared import DeclaredParameters
from sagemaker_endpoint.variants.sizes import variant_sizes

STRATEGY_PARAMETERS = {
    "canary_size_percent": "CANARY",
    "linear_step_percent": "LINEAR",
    "rolling_batch_percent": "ROLLING",
}
MAX_ROLLBACK_ALARMS = 10  # AutoRollbackConfig.Alarms in the SageMaker API


def check(settings: DeclaredParameters) -> None:
    strategy = settings.deployment_strategy
    _rollback_alarms(settings)
    for field, owner in STRATEGY_PARAMETERS.items():
        if settings.given(field) and owner != strategy:
            raise ParameterError(
                f"parameter '{parameter_name(field)}' applies to deployment-strategy {owner}, not {strategy}"
            )
    if strategy == "ROLLING":
        if settings.serverless:
            raise ParameterError(
                "parameter 'deployment-strategy': ROLLING updates do not support serverless endpoints "
                "(SageMaker deployment guardrails exclusions); use ALL_AT_ONCE, CANARY or LINEAR"
            )
        if settings.variants and len(settings.variants) > 1:
            raise ParameterError(
                "parameter 'deployment-strategy': ROLLING updates do not support multi-variant endpoints "
                "(SageMaker deployment guardrails exclusions); use ALL_AT_ONCE, CANARY or LINEAR"
            )
        if settings.given("termination_wait_seconds"):
            raise ParameterError(
                "parameter 'termination-wait-seconds' applies to blue/green strategies (ALL_AT_ONCE, CANARY, LINEAR)"
            )


def _rollback_alarms(settings: DeclaredParameters) -> None:
    sizes = variant_sizes(settings)
    own = sum(len(alarm_names(settings, "", size.name)) for size in sizes)
    if settings.shadow_alarms_roll_back:
        own += sum(len(alarm_names(settings, "", v.name, shadow=True)) for v in settings.shadow_variants or ())
    if own + len(settings.rollback_alarm_names) > MAX_ROLLBACK_ALARMS:
        raise ParameterError(
            f"parameter 'rollback-alarm-names': SageMaker rolls a deployment back on at most {MAX_ROLLBACK_ALARMS} "
            f"alarms, and this endpoint has {own} of its own ({len(sizes)} variant(s)) plus "
            f"{len(settings.rollback_alarm_names)} given"
        )
