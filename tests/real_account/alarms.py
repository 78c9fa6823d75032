"""Every alarm acts: it notifies (AlarmActions), or a rollback configuration in the same template names it.

An alarm that does neither costs money and tells nobody; the rule packs' "alarm without action" findings
are acknowledged only on alarms a rollback configuration names (the acknowledgement says which).
"""

from __future__ import annotations

from typing import Any

from tests.real_account.cfn import Template

# Resources whose DeploymentConfig.AutoRollbackConfiguration rolls a deployment back on named alarms.
ROLLBACK_OWNERS = ("AWS::SageMaker::Endpoint", "AWS::SageMaker::InferenceComponent")


def rollback_alarm_names(template: Template) -> set[str]:
    names: set[str] = set()
    for _, resource in template.of_type(*ROLLBACK_OWNERS):
        rollback: dict[str, Any] = (
            resource["Properties"].get("DeploymentConfig", {}).get("AutoRollbackConfiguration", {})
        )
        names.update(str(alarm["AlarmName"]) for alarm in rollback.get("Alarms", []))
    return names


def idle_alarms(template: Template) -> list[str]:
    """The alarms of `template` that neither notify nor trigger a rollback, one line each."""
    rolled_back_on = rollback_alarm_names(template)
    return [
        f"{template.case} {logical}: no AlarmActions, and no rollback configuration names {props.get('AlarmName')}"
        for logical, resource in template.of_type("AWS::CloudWatch::Alarm")
        if not (props := resource["Properties"]).get("AlarmActions") and props.get("AlarmName") not in rolled_back_on
    ]
