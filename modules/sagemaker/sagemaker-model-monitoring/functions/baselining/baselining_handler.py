"""Lambda entry point of the baselining custom resource: parse CloudFormation's request, compute, answer."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import boto3
from baselining import compute, inputs_digest


def handler(event: dict[str, Any], context: Any) -> None:
    properties = event.get("ResourceProperties", {})
    physical_id = event.get("PhysicalResourceId") or f"baselines-{inputs_digest(json.loads(properties['Jobs']))}"
    try:
        if event["RequestType"] == "Delete":
            # Baselines are data the schedules' history refers to: they stay.
            status, reason, data = "SUCCESS", "baselines are kept", {}
        else:
            physical_id = f"baselines-{inputs_digest(json.loads(properties['Jobs']))}"
            sagemaker, s3 = boto3.client("sagemaker"), boto3.client("s3")
            outcome = compute(
                sagemaker,
                s3,
                properties,
                event["RequestId"],
                lambda: context.get_remaining_time_in_millis() / 1000,
            )
            status, reason, data = outcome.status, outcome.reason, outcome.jobs
    except Exception as error:
        status, reason, data = "FAILED", f"{type(error).__name__}: {error}", {}
    respond(event, status, reason[:3000], physical_id, data)


def respond(event: dict[str, Any], status: str, reason: str, physical_id: str, data: dict[str, str]) -> None:
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason,
            "PhysicalResourceId": physical_id,
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
            "Data": data,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - CloudFormation's pre-signed https URL
        event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": ""}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()
