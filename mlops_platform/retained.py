"""Log groups an earlier deployment kept, found in the way of the next one before anything deploys.

The modules keep their fixed-name log groups (audit data) when their stack is deleted, or when an update
stops creating one (CloudFormation's RetainExceptOnCreate). The next deploy that creates such a group
again (`seedfarmer apply` after `seedfarmer destroy`, or an update that turns a function back on)
would stop half-way in CloudFormation with "already exists". Two reads at synth time, with Seed-Farmer's
deployment role (the module's modulestack.yaml grants them), refuse it first, naming each group and the
command that deletes it.

Adopting the kept group instead is not safe: it stays encrypted with the key the deleted stack kept,
which no stack manages any more, so deleting that orphaned key (the natural clean-up) would make the
group unreadable; and `cdk deploy` imports nothing into a stack by itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from mlops_platform.contract import ModuleError

# CloudFormation's deletion policies that leave a resource behind when its stack lets go of it.
KEPT_ON_DELETE = {"Retain", "RetainExceptOnCreate", "Snapshot"}


class RetainedLogGroupError(ModuleError):
    """A log group kept by an earlier deployment is in the way, or cannot be looked for; the message says
    which and what to run or grant."""


def kept_log_groups(template: Mapping[str, Any]) -> list[str]:
    """The fixed names of the log groups `template` creates and keeps on delete, sorted."""
    return sorted(
        str(resource["Properties"]["LogGroupName"])
        for resource in template.get("Resources", {}).values()
        if resource.get("Type") == "AWS::Logs::LogGroup"
        and resource.get("DeletionPolicy") in KEPT_ON_DELETE
        and isinstance(resource.get("Properties", {}).get("LogGroupName"), str)
    )


def held_log_groups(cloudformation: Any, stack_name: str) -> set[str]:
    """The log groups the deployed stack holds (none when it does not exist, or its create rolled back)."""
    try:
        pages = cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack_name)
        return {
            str(resource.get("PhysicalResourceId", ""))
            for page in pages
            for resource in page["StackResourceSummaries"]
            if resource["ResourceType"] == "AWS::Logs::LogGroup" and resource["ResourceStatus"] != "DELETE_COMPLETE"
        }
    except ClientError as error:
        if "does not exist" in error.response.get("Error", {}).get("Message", ""):
            return set()
        reason = _reason(error, "cloudformation:ListStackResources", f"stack {stack_name}")
        raise RetainedLogGroupError(reason) from None


def existing_log_groups(logs: Any, names: Iterable[str]) -> set[str]:
    """Which of `names` exist as log groups in the client's account and region."""
    found = set()
    for name in names:
        try:
            pages = logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=name)
            if any(group["logGroupName"] == name for page in pages for group in page["logGroups"]):
                found.add(name)
        except ClientError as error:
            raise RetainedLogGroupError(_reason(error, "logs:DescribeLogGroups", f"log group {name}")) from None
    return found


def refuse_retained_log_groups(cloudformation: Any, logs: Any, template: Mapping[str, Any], stack_name: str) -> None:
    """Raise RetainedLogGroupError when a log group `template` creates already exists outside the stack, or
    when AWS cannot be reached to look (the caller skips the look when there are no credentials at all)."""
    names = kept_log_groups(template)
    if not names:
        return
    try:
        in_the_way = sorted(existing_log_groups(logs, names) - held_log_groups(cloudformation, stack_name))
    except BotoCoreError as error:
        raise RetainedLogGroupError(
            f"cannot reach AWS to look for log groups an earlier deployment kept ({', '.join(names)}): {error}; "
            "check the network route to AWS (or AWS_ENDPOINT_URL), then run again"
        ) from None
    if not in_the_way:
        return
    region = logs.meta.region_name
    commands = "; ".join(f"aws logs delete-log-group --region {region} --log-group-name {name}" for name in in_the_way)
    raise RetainedLogGroupError(
        f"log group(s) {', '.join(in_the_way)} were kept when stack {stack_name} let go of them (a destroy, or an "
        'update that removed them), and CloudFormation cannot create them again ("already exists"): delete them '
        f"({commands}), exporting their events first (aws logs create-export-task) to keep them, then apply again"
    )


def refuse_in_region(template: Mapping[str, Any], region: str, stack_name: str) -> None:
    """`refuse_retained_log_groups` with the region's CloudFormation and CloudWatch Logs clients, which give
    up after one short retry (an unreachable AWS is one error within seconds, not half a minute of retries)."""
    from mlops_platform import aws_reads

    cloudformation, logs = aws_reads.client("cloudformation", region), aws_reads.client("logs", region)
    refuse_retained_log_groups(cloudformation, logs, template, stack_name)


def _reason(error: ClientError, action: str, what: str) -> str:
    details = error.response.get("Error", {})
    code, message = details.get("Code", "Error"), details.get("Message", str(error))
    if code in {"AccessDenied", "AccessDeniedException"}:
        # AWS names the caller in its message: "User: <arn> is not authorized to perform: <action> ...".
        match = re.search(r"User: (\S+) is not authorized", message)
        role = match[1] if match else "the deployment role"
        return (
            f"{role} may not call {action}, which looks for log groups an earlier deployment kept; grant it "
            f"{action} (the module's modulestack.yaml does, once Seed-Farmer has deployed it)"
        )
    return f"cannot look for log groups an earlier deployment kept ({what}): {code}: {message}"
