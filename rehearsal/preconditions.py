"""What must already be true in the account, checked in the emulated account, as errors.

A real `seedfarmer apply` would find these only when a deployment fails (or, for EventBridge, never:
the refresh would silently not fire). The rehearsal holds the account, so it looks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rehearsal.emulator import Emulator
from rehearsal.published_keys import published_keys
from rehearsal.templates import Template, resources

PARAMETER = "SEEDFARMER_PARAMETER_"
# A module that publishes this metadata key creates the model package group it is given (a registry module).
GROUP_CREATED = "SagemakerModelPackageGroupName"
EVENTBRIDGE_HELP = "README.md, 'Turn on EventBridge for a bucket'"


def before_synthesis(
    emulator: Emulator, region: str, where: str, environment: dict[str, str], folder: Path | None = None
) -> list[str]:
    """Problems with what the module's parameters name: subnets in the VPC, an approved package to serve
    (unless the module creates the group: its README's Outputs list the group's name)."""
    problems = []
    vpc_id = environment.get(f"{PARAMETER}VPC_ID")
    subnets = _list(environment.get(f"{PARAMETER}SUBNET_IDS"))
    ec2 = emulator.client("ec2", region)
    if vpc_id and not ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"]:
        problems.append(
            f"{where}: parameter 'vpc-id': VPC {vpc_id} does not exist in account {emulator.account} {region}"
        )
    if subnets:
        found = {
            subnet["SubnetId"]: subnet["VpcId"]
            for subnet in ec2.describe_subnets(Filters=[{"Name": "subnet-id", "Values": subnets}])["Subnets"]
        }
        for subnet in subnets:
            if subnet not in found:
                problems.append(f"{where}: parameter 'subnet-ids': subnet {subnet} does not exist in {region}")
            elif vpc_id and found[subnet] != vpc_id:
                problems.append(
                    f"{where}: parameter 'subnet-ids': subnet {subnet} is in {found[subnet]}, not in vpc-id {vpc_id}"
                )
    group = environment.get(f"{PARAMETER}MODEL_PACKAGE_GROUP_NAME")
    creates = folder is not None and GROUP_CREATED in (published_keys(folder) or set())
    if group and not environment.get(f"{PARAMETER}MODEL_PACKAGE_ARN") and not creates:
        problems += _approved_package(emulator, region, where, group)
    return problems


def _approved_package(emulator: Emulator, region: str, where: str, group: str) -> list[str]:
    if group.startswith("arn:"):
        if group.split(":")[4] != emulator.account:
            return []  # a group of another account: checked there (rehearsal/across_accounts.py)
        group = group.rsplit("/", 1)[-1]
    sagemaker = emulator.client("sagemaker", region)
    names = {
        item["ModelPackageGroupName"] for item in sagemaker.list_model_package_groups()["ModelPackageGroupSummaryList"]
    }
    seed_hint = "add it to the seed file (--seed FILE, 'model_package_groups'; see rehearsal/account.yaml)"
    if group not in names:
        return [
            f"{where}: parameter 'model-package-group-name': model package group {group} does not exist; {seed_hint}"
        ]
    approved = sagemaker.list_model_packages(ModelPackageGroupName=group, ModelApprovalStatus="Approved")
    if not approved["ModelPackageSummaryList"]:
        return [
            f"{where}: parameter 'model-package-group-name': group {group} has no Approved package to serve; "
            f"approve one, or add one to the seed file (--seed FILE)"
        ]
    return []


def after_synthesis(emulator: Emulator, region: str, where: str, template: Template) -> list[str]:
    """Problems the template depends on: S3 buckets whose events a rule waits for must send them to EventBridge."""
    problems = []
    s3 = emulator.client("s3", region)
    for logical_id, rule in resources(template, "AWS::Events::Rule"):
        pattern = rule.get("EventPattern") or {}
        if "aws.s3" not in (pattern.get("source") or []):
            continue
        for bucket in ((pattern.get("detail") or {}).get("bucket") or {}).get("name") or []:
            if not isinstance(bucket, str):
                continue
            try:
                configuration = s3.get_bucket_notification_configuration(Bucket=bucket)
            except s3.exceptions.ClientError:
                problems.append(
                    f"{where}: rule {logical_id} waits for uploads to bucket {bucket}, which does not exist"
                )
                continue
            if not _sends_to_eventbridge(emulator, bucket, configuration):
                problems.append(
                    f"{where}: rule {logical_id} waits for uploads to bucket {bucket}, but the bucket does not send "
                    f"events to EventBridge, so the rule never fires; turn it on ({EVENTBRIDGE_HELP})"
                )
    return problems


def _sends_to_eventbridge(emulator: Emulator, bucket: str, configuration: dict[str, Any]) -> bool:
    """Whether the bucket's notification configuration includes EventBridge.

    moto 5.2.5 stores EventBridgeConfiguration but leaves it out of GetBucketNotificationConfiguration, so
    the emulated account's own record is read (the server runs in this process) when the answer lacks it.
    """
    if "EventBridgeConfiguration" in configuration:
        return True
    from moto.s3.models import s3_backends

    stored = s3_backends[emulator.account]["aws"].get_bucket(bucket).notification_configuration
    return stored is not None and getattr(stored, "event_bridge", None) is not None


def _list(value: str | None) -> list[str]:
    if not value:
        return []
    try:
        parsed: Any = json.loads(value)
    except json.JSONDecodeError:
        parsed = value.split(",")
    return [str(item).strip() for item in (parsed if isinstance(parsed, list) else [parsed])]
