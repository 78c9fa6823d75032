"""Item 5 of `make e2e`: a newer package is approved; what Seed-Farmer, the CDK and the emulator then do."""

from __future__ import annotations

from typing import Any

from e2e.account import Account
from e2e.steps import CheckFailed


def approve_newer_package(account: Account, group: str) -> str:
    """Approve the newest package of `group` that waits for approval, as a reviewer would; its ARN."""
    sagemaker = account.client("sagemaker")
    packages = sagemaker.list_model_packages(
        ModelPackageGroupName=group, SortBy="CreationTime", SortOrder="Descending"
    )["ModelPackageSummaryList"]
    pending = [p for p in packages if p["ModelApprovalStatus"] == "PendingManualApproval"]
    if not pending:
        raise CheckFailed(f"the seeded group {group} has no package pending approval (rehearsal/account.yaml)")
    arn = str(pending[0]["ModelPackageArn"])
    sagemaker.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
    return arn


def observe_update(account: Account, before: dict[str, Any], after: dict[str, Any], approved: str) -> dict[str, Any]:
    """What the redeploy changed: the package served, the model and configuration, the endpoint.

    Fails when the module's metadata does not name the approved package; records, without failing,
    each place where the emulator does not apply the update as AWS would.
    """
    if after.get("ModelPackageArn") != approved:
        raise CheckFailed(f"after the redeploy the endpoint serves {after.get('ModelPackageArn')}, not {approved}")
    sagemaker = account.client("sagemaker")
    lines = [f"ModelPackageArn: {before['ModelPackageArn']} -> {after['ModelPackageArn']}"]
    gaps = []
    for key in ("ModelName", "EndpointName"):
        changed = before[key] != after[key]
        lines.append(f"{key}: {before[key]} -> {after[key]}" if changed else f"{key}: unchanged ({after[key]})")
    if before["ModelName"] == after["ModelName"]:
        gaps.append("the model kept its name: a new package must give a new model (models cannot change in place)")
    if before["EndpointName"] != after["EndpointName"]:
        gaps.append("the endpoint was replaced; in AWS it is updated in place, keeping its name")
    endpoint = sagemaker.describe_endpoint(EndpointName=after["EndpointName"])
    config_name = endpoint["EndpointConfigName"]
    configs = {c["EndpointConfigName"] for c in sagemaker.list_endpoint_configs()["EndpointConfigs"]}
    if config_name not in configs:
        gaps.append(
            f"the endpoint still names configuration {config_name}, which the update deleted: the emulator "
            "does not point an existing endpoint at its new configuration (AWS updates it in place)"
        )
    else:
        config = sagemaker.describe_endpoint_config(EndpointConfigName=config_name)
        served = [variant["ModelName"] for variant in config["ProductionVariants"]]
        lines.append(f"the endpoint uses configuration {config_name}, whose variants serve {', '.join(served)}")
        if after["ModelName"] not in served:
            gaps.append(f"the endpoint's configuration serves {', '.join(served)}, not the new model")
    model = sagemaker.describe_model(ModelName=after["ModelName"])
    containers = model.get("Containers") or [model.get("PrimaryContainer") or {}]
    packages = [container.get("ModelPackageName", "") for container in containers]
    lines.append(f"the model {after['ModelName']} runs package {', '.join(packages)}")
    if approved not in packages:
        gaps.append(f"the new model's container names package {', '.join(packages)}, not {approved}")
    remaining = {m["ModelName"] for m in sagemaker.list_models()["Models"]}
    if before["ModelName"] != after["ModelName"] and before["ModelName"] in remaining:
        gaps.append(f"the old model {before['ModelName']} was not deleted")
    lines += [f"emulator differs from AWS: {gap}" for gap in gaps] or ["the emulator applied the update as AWS would"]
    return {"before": before, "after": after, "lines": lines, "emulator_gaps": gaps}
