"""Why each IAM statement that names a wildcard resource cannot be narrower, as cdk-nag acknowledgements.

The execution role's policy (permissions.py) and the functions' own statements (refresh.py, invoke.py) use
it; the library gives the reasons of the statements every function has (mlops_platform.compliance).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam

from mlops_platform import compliance

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
    # The same reason as the library's functions give (their statement of that name).
    "DescribeNetwork": compliance.WILDCARD_REASONS["DescribeNetwork"],
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
    "ReadWatchedModelData": "Reads (HEAD) only the model data objects the endpoint serves.",
}


def wildcard_acknowledgements(statements: list[iam.PolicyStatement], stack: cdk.Stack) -> list[cdk.Acknowledgment]:
    """One cdk-nag acknowledgement per wildcard resource, with its statement's reason."""
    return compliance.wildcard_acknowledgements(statements, stack, WILDCARD_REASONS)
