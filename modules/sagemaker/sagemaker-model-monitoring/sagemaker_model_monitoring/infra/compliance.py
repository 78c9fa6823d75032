"""Acknowledgements of rule-pack findings, each on the one resource it concerns, with the reviewer's answer.

cdk-nag runs AwsSolutions, NIST 800-53 rev 5 and HIPAA Security on every synthesis; a finding that is
neither fixed nor acknowledged here stops it. docs/security.md lists every acknowledgement.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import IConstruct

PACKS = ("NIST.800.53.R5", "HIPAA.Security")
GUARD = "cdk-validator-cfnguard"

# Why each statement that names a wildcard resource cannot be narrower.
WILDCARD_REASONS = {
    "ReadCapturedData": "Reads the endpoint's captured data: every object under its capture prefix.",
    "ReadCapturedDataAnywhereInBucket": (
        "The endpoint's capture location could not be read at synth time (no credentials, and no "
        "data-capture-s3-uri given), so reads reach the whole model bucket; pass the endpoint's DataCaptureS3Uri "
        "as data-capture-s3-uri to narrow them to the capture prefix."
    ),
    "ReadBaselinesAndGroundTruth": "Reads the baseline files, ground truth and training data prefixes the jobs name.",
    "WriteMonitoringOutput": "Writes reports under each job's output prefix only.",
    "ListOwnPrefixes": "Lists the bucket under the prefixes the jobs read and write only (s3:prefix).",
    "AuthenticateToEcr": "ecr:GetAuthorizationToken supports no resource-level permissions.",
    "WriteProcessingJobLogs": (
        "SageMaker names each monitoring run's processing job (and so its log streams) when it starts the run; "
        "streams are written under /aws/sagemaker/ProcessingJobs only."
    ),
    "PublishMonitoringMetrics": (
        "cloudwatch:PutMetricData supports no resource-level permissions; limited to the four Model Monitor "
        "namespaces of endpoints (cloudwatch:namespace)."
    ),
    "CreateInterfacesInJobSubnets": (
        "SageMaker names the jobs' network interfaces at run time; creation is limited to the endpoint's subnets "
        "and security group, listed as resources."
    ),
    "ManageJobInterfaces": (
        "SageMaker names the jobs' network interfaces at run time; they are managed only in the subnets named "
        "(ec2:Subnet)."
    ),
    "DescribeNetwork": "EC2 Describe actions support no resource-level permissions; they are read-only.",
    "ClarifyShadowEndpoint": (
        "SageMaker Clarify names the shadow endpoint and configuration it creates for explanations at run time "
        "(sm-clarify-*); only those."
    ),
    "ClarifyShadowEndpointOfAnyModel": (
        "The endpoint's model could not be read at synth time, so Clarify may build its shadow endpoint from any "
        "model of this account and region; synthesize with credentials to name the served model."
    ),
    "WriteOwnLogs": "Log streams are created by Lambda under the function's own log group only.",
    "FunctionInterfacesInVpc": (
        "Lambda creates the function's network interfaces (their ids are unknown before); limited to the "
        "endpoint's subnets by ec2:Subnet where the action supports it."
    ),
    "StartBaseliningJobs": "Processing jobs named with this module's baselining prefix only.",
    "WatchBaseliningJobs": "Describes processing jobs named with this module's baselining prefix only.",
}
FUNCTION_CONCURRENCY = (
    "Reserving concurrency fails in accounts at the default quota of 10 concurrent executions; CloudFormation "
    "invokes this function once per deployment."
)
FUNCTION_DEAD_LETTERS = (
    "CloudFormation invokes the function as a custom resource and waits for its answer; a failure fails the "
    "deployment with the reason, so a dead-letter queue would never be read."
)
FUNCTION_OUTSIDE_VPC = (
    "The jobs run outside any VPC (no security-group-id and subnet-ids given), so there are no subnets for the "
    "function either; it reaches SageMaker and S3 over TLS with IAM-signed requests."
)


def acknowledge(scope: IConstruct, rule: str, reason: str, packs: tuple[str, ...] = PACKS) -> None:
    """Acknowledge `rule` (for example `LambdaDLQ`) of each pack on `scope` only."""
    for pack in packs:
        cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=f"{pack}::{pack}-{rule}", reason=reason))


def acknowledge_guard(scope: IConstruct, rule: str, reason: str) -> None:
    cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=f"{GUARD}::{rule}", reason=reason))


def acknowledge_wildcards(policy: iam.ManagedPolicy, statements: list[iam.PolicyStatement]) -> None:
    """One AwsSolutions-IAM5 acknowledgement per wildcard resource of `statements`, with its reason."""
    stack = cdk.Stack.of(policy)
    reasons: dict[str, list[str]] = {}
    for statement in statements:
        for resource in statement.resources:
            if "*" not in resource:
                continue
            if statement.sid not in WILDCARD_REASONS:
                raise ValueError(f"statement {statement.sid} names {resource} but WILDCARD_REASONS has no reason")
            form = resource.replace(f"arn:{stack.partition}:", "arn:<AWS::Partition>:")
            finding = f"AwsSolutions::AwsSolutions-IAM5[Resource::{form}]"
            reason = f"{statement.sid}: {WILDCARD_REASONS[statement.sid]}"
            if reason not in reasons.setdefault(finding, []):
                reasons[finding].append(reason)
    for finding in sorted(reasons):
        acknowledgement = cdk.Acknowledgment(id=finding, reason=" ".join(reasons[finding]))
        cdk.Validations.of(policy.node.default_child).acknowledge(acknowledgement)  # type: ignore[arg-type]
