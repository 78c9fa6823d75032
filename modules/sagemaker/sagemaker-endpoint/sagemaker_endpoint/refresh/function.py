"""The refresh function: switches the endpoint to the twin configuration after an upload (functions/refresh/),
allowed to touch only this endpoint, its two configurations, the watched model data, its queue and table."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from mlops_platform.function import LeastPrivilegeFunction
from mlops_platform.key import ModuleKey
from sagemaker_endpoint import compliance
from sagemaker_endpoint.invoke.construct import FUNCTIONS
from sagemaker_endpoint.network.plan import NetworkSpec
from sagemaker_endpoint.refresh.plan import RefreshSpec

WILDCARD_REASONS = {"ReadWatchedModelData": "Reads (HEAD) only the model data objects the endpoint serves."}


class RefreshFunction(LeastPrivilegeFunction):
    """The function that handles one upload at a time from the refresh queue."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        network: NetworkSpec | None,
        key: ModuleKey,
        endpoint_name: str,
        config_names: tuple[str, str],
        dead_letters: sqs.IQueue,
        table: dynamodb.ITable,
        timeout: cdk.Duration,
        statements: list[iam.PolicyStatement],
    ) -> None:
        super().__init__(
            scope,
            id,
            network=network,
            code=FUNCTIONS / "refresh",
            handler="refresh_handler.lambda_handler",
            description=f"Reloads the model data of endpoint {endpoint_name} after a new upload",
            environment={
                "SAGEMAKER_ENDPOINT_NAME": endpoint_name,
                "ENDPOINT_CONFIG_NAME": config_names[0],
                "TWIN_ENDPOINT_CONFIG_NAME": config_names[1],
                "DEAD_LETTER_QUEUE_URL": dead_letters.queue_url,
                "IDEMPOTENCY_TABLE_NAME": table.table_name,
                "POWERTOOLS_SERVICE_NAME": "model-refresh",
            },
            statements=statements,
            key=key,
            timeout=timeout,
            why_outside_vpc=compliance.FUNCTION_OUTSIDE_VPC,
            why_no_dead_letter_queue=compliance.FUNCTION_DEAD_LETTERS,
            why_no_reserved_concurrency=compliance.FUNCTION_CONCURRENCY,
            wildcard_reasons=WILDCARD_REASONS,
        )


def refresh_statements(
    stack: cdk.Stack,
    spec: RefreshSpec,
    endpoint_arn: str,
    config_names: tuple[str, str],
    queue: sqs.IQueue,
    dead_letters: sqs.IQueue,
    table: dynamodb.ITable,
    key: ModuleKey,
) -> list[iam.PolicyStatement]:
    configs = [
        stack.format_arn(service="sagemaker", resource="endpoint-config", resource_name=name.lower())
        for name in config_names
    ]
    return [
        iam.PolicyStatement(
            sid="SwitchEndpointConfiguration",
            actions=[
                "sagemaker:DescribeEndpoint",
                "sagemaker:ListTags",
                "sagemaker:AddTags",
                "sagemaker:UpdateEndpoint",
            ],
            resources=[endpoint_arn],
        ),
        iam.PolicyStatement(sid="UseTwinConfigurations", actions=["sagemaker:UpdateEndpoint"], resources=configs),
        *_model_data_statements(stack, spec),
        iam.PolicyStatement(
            sid="ConsumeRefreshQueue",
            actions=[
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:ChangeMessageVisibility",
            ],
            resources=[queue.queue_arn],
        ),
        iam.PolicyStatement(sid="ReportFailures", actions=["sqs:SendMessage"], resources=[dead_letters.queue_arn]),
        iam.PolicyStatement(
            sid="RecordHandledUploads",
            actions=["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
            resources=[table.table_arn],
        ),
        *_key_statements(key),
    ]


def _model_data_statements(stack: cdk.Stack, spec: RefreshSpec) -> list[iam.PolicyStatement]:
    """Read (HEAD) the watched objects; list exactly their keys to tell a deleted object from a denied one."""
    objects = sorted({location.object_arn(stack.partition) for location in spec.model_data})
    listed = sorted(
        {location.key + "*" if location.key.endswith("/") else location.key for location in spec.model_data}
    )
    return [
        iam.PolicyStatement(sid="ReadWatchedModelData", actions=["s3:GetObject"], resources=objects),
        # A HEAD of a deleted object is answered 403 (the role may not list without a prefix); the
        # function then lists exactly the watched key to tell deleted from denied. StringLike, not
        # IfExists: a listing without a prefix, or of another one, is denied.
        iam.PolicyStatement(
            sid="TellDeletedModelData",
            actions=["s3:ListBucket"],
            resources=[f"arn:{stack.partition}:s3:::{bucket}" for bucket in spec.buckets],
            conditions={"StringLike": {"s3:prefix": listed}},
        ),
    ]


def _key_statements(key: ModuleKey) -> list[iam.PolicyStatement]:
    return [
        iam.PolicyStatement(
            sid="UseModuleKey", actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[key.key_arn]
        ),
        # UpdateEndpoint to a configuration with a KmsKeyId: "The KMS key policy must grant permission
        # to the IAM role that you specify in your CreateEndpoint, UpdateEndpoint requests" (SageMaker
        # API reference, CreateEndpointConfig); SageMaker attaches the key to the new instances' volumes.
        iam.PolicyStatement(
            sid="AttachKeyToNewInstances",
            actions=["kms:CreateGrant"],
            resources=[key.key_arn],
            conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
        ),
        iam.PolicyStatement(sid="DescribeModuleKey", actions=["kms:DescribeKey"], resources=[key.key_arn]),
    ]
