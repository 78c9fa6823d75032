"""Model refresh: the endpoint loads the model data again after a new upload over the object it serves.

A twin of the endpoint configuration (the same content under another name) lets the refresh function
switch the endpoint between the two, which makes SageMaker load the model data again. An EventBridge
rule matches `Object Created` events of the model data objects the endpoint serves and sends them to
an SQS FIFO queue (one message group per endpoint, content-based deduplication, a delivery delay
equal to the debounce window). A Lambda function handles one upload at a time (see
functions/refresh/refresh.py); uploads that arrive while the endpoint is busy wait in the queue and
come back after the visibility timeout. What cannot be handled lands in a dead-letter queue, watched
by an alarm that notifies the module's alarm topic when it has one.
"""

from __future__ import annotations

import math

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from mlops_platform.function import LeastPrivilegeFunction
from mlops_platform.key import ModuleKey
from mlops_platform.queue import SendTo, allow_rules
from sagemaker_endpoint.infra import compliance, wildcards
from sagemaker_endpoint.infra.endpoint_config import acknowledge_storage_key
from sagemaker_endpoint.infra.invoke import FUNCTIONS
from sagemaker_endpoint.parameters.formats import object_arn, s3_location
from sagemaker_endpoint.specs import EndpointPlan

REFRESH_TIMEOUT = cdk.Duration.seconds(30)
# SQS wants the visibility timeout at six times the consumer's timeout.
VISIBILITY = cdk.Duration.seconds(6 * REFRESH_TIMEOUT.to_seconds())


def model_refresh(
    scope: Construct,
    plan: EndpointPlan,
    endpoint_config: sagemaker.CfnEndpointConfig,
    key: ModuleKey,
    *,
    endpoint_arn: str,
    alarm_actions: list[str] | None,
) -> cloudwatch.CfnAlarm | None:
    """The twin of `endpoint_config` and the refresh pipeline; returns the alarm on its dead-letter queue,
    which exists only when it notifies a topic."""
    spec = plan.refresh
    assert spec is not None
    network = plan.network
    endpoint_name = plan.endpoint_name
    # The twin differs from the configuration only in its name, so the refresh function can switch
    # between the two to make SageMaker load the model data again.
    twin = sagemaker.CfnEndpointConfig(
        scope,
        "EndpointConfigTwin",
        endpoint_config_name=spec.twin_config_name,
        production_variants=endpoint_config.production_variants,
        kms_key_id=endpoint_config.kms_key_id,
        data_capture_config=endpoint_config.data_capture_config,
        async_inference_config=endpoint_config.async_inference_config,
        shadow_production_variants=endpoint_config.shadow_production_variants,
    )
    if not plan.config.encrypt_storage:
        acknowledge_storage_key(twin, plan)
    stack = cdk.Stack.of(scope)
    config_names = (plan.config_name, spec.twin_config_name)
    model_data_urls = spec.model_data_urls
    # Enough redeliveries to outlast the longest rollout the endpoint may be busy with.
    receives = math.ceil(spec.maximum_execution_timeout_seconds / VISIBILITY.to_seconds()) + 5
    dead_letters = sqs.Queue(
        scope,
        "RefreshDeadLetterQueue",
        fifo=True,
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=key,
        enforce_ssl=True,
        retention_period=cdk.Duration.days(14),
    )
    compliance.acknowledge_guard(
        dead_letters.node.default_child,  # type: ignore[arg-type]
        "sqs_dlq_check",
        compliance.DEAD_LETTER_QUEUE_HAS_NO_DEAD_LETTERS,
    )
    queue = sqs.Queue(
        scope,
        "RefreshQueue",
        fifo=True,
        content_based_deduplication=True,
        delivery_delay=cdk.Duration.seconds(spec.debounce_seconds),
        visibility_timeout=VISIBILITY,
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=key,
        enforce_ssl=True,
        dead_letter_queue=sqs.DeadLetterQueue(queue=dead_letters, max_receive_count=receives),
    )
    table = dynamodb.Table(
        scope,
        "RefreshIdempotencyTable",
        partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryption_key=key,
        time_to_live_attribute="expiration",
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    compliance.acknowledge(table.node.default_child, "DynamoDBInBackupPlan", compliance.IDEMPOTENCY_BACKUP)  # type: ignore[arg-type]
    configs = [
        stack.format_arn(service="sagemaker", resource="endpoint-config", resource_name=name.lower())
        for name in config_names
    ]
    objects = sorted({object_arn(url, stack.partition) for url in model_data_urls})
    refresher = LeastPrivilegeFunction(
        scope,
        "ModelRefresh",
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
        statements=[
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
            iam.PolicyStatement(sid="ReadWatchedModelData", actions=["s3:GetObject"], resources=objects),
            # A HEAD of a deleted object is answered 403 (the role may not list without a prefix); the
            # function then lists exactly the watched key to tell deleted from denied. StringLike, not
            # IfExists: a listing without a prefix, or of another one, is denied.
            iam.PolicyStatement(
                sid="TellDeletedModelData",
                actions=["s3:ListBucket"],
                resources=sorted({f"arn:{stack.partition}:s3:::{s3_location(url)[0]}" for url in model_data_urls}),
                conditions={"StringLike": {"s3:prefix": _listed_prefixes(model_data_urls)}},
            ),
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
        ],
        key=key,
        timeout=REFRESH_TIMEOUT,
        why_outside_vpc=compliance.FUNCTION_OUTSIDE_VPC,
        why_no_dead_letter_queue=compliance.FUNCTION_DEAD_LETTERS,
        why_no_reserved_concurrency=compliance.FUNCTION_CONCURRENCY,
        wildcard_reasons=wildcards.WILDCARD_REASONS,
    )
    lambda_.EventSourceMapping(
        scope,
        "RefreshQueueSource",
        target=refresher,
        event_source_arn=queue.queue_arn,
        batch_size=1,
        report_batch_item_failures=True,
    ).node.add_dependency(refresher.policy)
    rule = events.Rule(
        scope,
        "ModelDataUploadedRule",
        description=f"New uploads of the model data of endpoint {endpoint_name}",
        event_pattern=events.EventPattern(
            source=["aws.s3"],
            detail_type=["Object Created"],
            detail={
                "bucket": {"name": sorted({s3_location(url)[0] for url in model_data_urls})},
                "object": {"key": _key_patterns(model_data_urls)},
            },
        ),
    )
    rule.add_target(SendTo(queue, message_group_id=endpoint_name))
    # EventBridge may send to the queue for this rule only, and use the key for it.
    allow_rules(queue, [rule], key=key)
    if not alarm_actions:
        # An alarm that notifies nobody does nothing; the dead-letter queue keeps the uploads for 14 days.
        return None
    return cloudwatch.CfnAlarm(
        scope,
        "RefreshDeadLetterAlarm",
        alarm_name=f"{endpoint_name}-refresh-dead-letters",
        alarm_description=f"Model data uploads for endpoint {endpoint_name} could not be applied",
        namespace="AWS/SQS",
        metric_name="ApproximateNumberOfMessagesVisible",
        dimensions=[cloudwatch.CfnAlarm.DimensionProperty(name="QueueName", value=dead_letters.queue_name)],
        statistic="Maximum",
        period=60,
        evaluation_periods=1,
        threshold=1,
        comparison_operator="GreaterThanOrEqualToThreshold",
        treat_missing_data="notBreaching",
        alarm_actions=alarm_actions,
    )


def _listed_prefixes(urls: tuple[str, ...]) -> list[str]:
    """The s3:prefix values the function lists: a watched object's key, or any key under a watched prefix."""
    return sorted({key + "*" if key.endswith("/") else key for key in (s3_location(url)[1] for url in urls)})


def _key_patterns(urls: tuple[str, ...]) -> list[object]:
    """Exact keys for objects, prefixes for model data given as an S3 prefix."""
    patterns: list[object] = []
    for url in sorted(set(urls)):
        key = s3_location(url)[1]
        patterns.append({"prefix": key} if key.endswith("/") else key)
    return patterns
