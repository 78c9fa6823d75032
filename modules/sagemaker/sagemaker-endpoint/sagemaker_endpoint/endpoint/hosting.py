"""What hosting a model needs beside its artifacts: writing to the endpoint's own log groups (created by the stack,
so no CreateLogGroup) and publishing metrics to the SageMaker endpoints namespace only."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam

from sagemaker_endpoint.grants import Grantee, grant

LOG_WRITE_ACTIONS = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
WILDCARD_REASONS = {
    "WriteEndpointLogs": "Log streams are created by SageMaker under the endpoint's own log group only.",
    "WriteInferenceComponentLogs": (
        "Log streams are created by SageMaker under the inference component's own log group only."
    ),
    "PublishEndpointMetrics": (
        "cloudwatch:PutMetricData supports no resource-level permissions; limited to the SageMaker endpoints "
        "namespace (cloudwatch:namespace)."
    ),
}


def grant_logs_and_metrics(
    grantee: Grantee, stack: cdk.Stack, log_group_name: str, component_log_group_names: Sequence[str]
) -> None:
    """Write to the endpoint's log group and each inference component's, and publish endpoint metrics."""
    groups = [
        f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:{name}"
        for name in (log_group_name, *component_log_group_names)
    ]
    statements = [
        iam.PolicyStatement(
            sid="WriteEndpointLogs", actions=LOG_WRITE_ACTIONS, resources=[groups[0], f"{groups[0]}:log-stream:*"]
        )
    ]
    if groups[1:]:
        statements.append(
            iam.PolicyStatement(
                sid="WriteInferenceComponentLogs",
                actions=LOG_WRITE_ACTIONS,
                resources=[arn for group in groups[1:] for arn in (group, f"{group}:log-stream:*")],
            )
        )
    statements.append(
        iam.PolicyStatement(
            sid="PublishEndpointMetrics",
            actions=["cloudwatch:PutMetricData"],
            resources=["*"],
            conditions={"StringEquals": {"cloudwatch:namespace": "/aws/sagemaker/Endpoints"}},
        )
    )
    grant(grantee, statements, WILDCARD_REASONS)
