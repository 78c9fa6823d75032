"""Why each IAM statement that names a wildcard resource cannot be narrower, as cdk-nag acknowledgements.

The execution role's policy (permissions.py) and the functions' policies (function.py) both use it.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam

# Why each statement that names a wildcard resource cannot be narrower: the reviewer's answer, kept
# next to the statements and attached to the exact cdk-nag finding each one raises.
WILDCARD_REASONS = {
    "ReadModelArtifacts": (
        "Reads exactly the model data the served models name; a prefix (uncompressed model data) is read whole."
    ),
    "AuthenticateToEcr": "ecr:GetAuthorizationToken supports no resource-level permissions.",
    "CreateInterfacesInEndpointVpc": (
        "SageMaker names the endpoint's network interfaces at run time; creation is limited to this VPC (ec2:Vpc)."
    ),
    "ManageInterfacesInEndpointVpc": (
        "SageMaker names the endpoint's network interfaces at run time; limited to this VPC (ec2:Vpc)."
    ),
    "DescribeNetwork": "EC2 Describe actions support no resource-level permissions; they are read-only.",
    "WriteEndpointLogs": "Log streams are created by SageMaker under the endpoint's own log group only.",
    "WriteInferenceComponentLogs": (
        "Log streams are created by SageMaker under the inference component's own log group only."
    ),
    "PublishEndpointMetrics": (
        "cloudwatch:PutMetricData supports no resource-level permissions; limited to the SageMaker endpoints "
        "namespace (cloudwatch:namespace)."
    ),
    "WriteDataCapture": "Captured data is written under this endpoint's data capture prefix only.",
    "ReadAsyncRequests": "Asynchronous requests are read from the async-input-s3-uri prefix only.",
    "WriteAsyncResults": "Asynchronous results are written under the async output and failure prefixes only.",
    "WriteOwnLogs": "Log streams are created by Lambda under the function's own log group only.",
    "SendTraces": "X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions.",
    "FunctionInterfacesInVpc": (
        "Lambda creates the function's network interfaces (their ids and subnets' interfaces are unknown "
        "before); limited to this VPC by the ec2:Vpc condition where the action supports it."
    ),
    "ReadWatchedModelData": "Reads (HEAD) only the model data objects the endpoint serves.",
}


def wildcard_acknowledgements(statements: list[iam.PolicyStatement], stack: cdk.Stack) -> list[cdk.Acknowledgment]:
    """One cdk-nag acknowledgement per wildcard resource, with its statement's reason."""
    reasons: dict[str, list[str]] = {}
    for statement in statements:
        for resource in statement.resources:
            if "*" not in resource:
                continue
            if statement.sid not in WILDCARD_REASONS:
                raise ValueError(f"statement {statement.sid} names {resource} but WILDCARD_REASONS has no reason")
            finding = f"AwsSolutions::AwsSolutions-IAM5[Resource::{_nag_form(resource, stack)}]"
            reason = f"{statement.sid}: {WILDCARD_REASONS[statement.sid]}"
            if reason not in reasons.setdefault(finding, []):
                reasons[finding].append(reason)
    return [cdk.Acknowledgment(id=finding, reason=" ".join(reasons[finding])) for finding in sorted(reasons)]


def _nag_form(resource: str, stack: cdk.Stack) -> str:
    """cdk-nag shows the partition token as <AWS::Partition>."""
    return resource.replace(f"arn:{stack.partition}:", "arn:<AWS::Partition>:")
