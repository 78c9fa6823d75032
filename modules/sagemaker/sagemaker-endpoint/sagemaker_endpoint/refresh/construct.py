"""Model refresh as built: the endpoint loads the model data again after a new upload over the object it serves.

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
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from mlops_platform.key import ModuleKey
from mlops_platform.queue import SendTo, allow_rules
from sagemaker_endpoint import compliance
from sagemaker_endpoint.endpoint.configuration import EndpointConfig
from sagemaker_endpoint.network.plan import NetworkSpec
from sagemaker_endpoint.refresh.function import RefreshFunction, refresh_statements
from sagemaker_endpoint.refresh.plan import RefreshSpec
from sagemaker_endpoint.variants.plan import VariantPlan

REFRESH_TIMEOUT = cdk.Duration.seconds(30)
# SQS wants the visibility timeout at six times the consumer's timeout.
VISIBILITY = cdk.Duration.seconds(6 * REFRESH_TIMEOUT.to_seconds())


class ModelRefresh:
    """The twin of `config` and the refresh pipeline; `dead_letter_alarm` exists only when it notifies a topic."""

    def __init__(
        self,
        scope: Construct,
        *,
        spec: RefreshSpec,
        config: EndpointConfig,
        config_name: str,
        variants: tuple[VariantPlan, ...],
        key: ModuleKey,
        network: NetworkSpec | None,
        endpoint_name: str,
        endpoint_arn: str,
        alarm_actions: list[str] | None,
    ) -> None:
        # The twin differs from the configuration only in its name, so the refresh function can switch
        # between the two to make SageMaker load the model data again.
        self.twin = config.twin(scope, "EndpointConfigTwin", name=spec.twin_config_name, variants=variants)
        self.dead_letters = _dead_letter_queue(scope, key)
        self.queue = _queue(scope, spec, key, self.dead_letters)
        self.table = _idempotency_table(scope, key)
        stack = cdk.Stack.of(scope)
        config_names = (config_name, spec.twin_config_name)
        self.function = RefreshFunction(
            scope,
            "ModelRefresh",
            network=network,
            key=key,
            endpoint_name=endpoint_name,
            config_names=config_names,
            dead_letters=self.dead_letters,
            table=self.table,
            timeout=REFRESH_TIMEOUT,
            statements=refresh_statements(
                stack, spec, endpoint_arn, config_names, self.queue, self.dead_letters, self.table, key
            ),
        )
        lambda_.EventSourceMapping(
            scope,
            "RefreshQueueSource",
            target=self.function,
            event_source_arn=self.queue.queue_arn,
            batch_size=1,
            report_batch_item_failures=True,
        ).node.add_dependency(self.function.policy)
        self.rule = _upload_rule(scope, spec, endpoint_name)
        self.rule.add_target(SendTo(self.queue, message_group_id=endpoint_name))
        # EventBridge may send to the queue for this rule only, and use the key for it.
        allow_rules(self.queue, [self.rule], key=key)
        # An alarm that notifies nobody does nothing; the dead-letter queue keeps the uploads for 14 days.
        self.dead_letter_alarm = (
            _dead_letter_alarm(scope, endpoint_name, self.dead_letters, alarm_actions) if alarm_actions else None
        )


def _dead_letter_queue(scope: Construct, key: ModuleKey) -> sqs.Queue:
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
    return dead_letters


def _queue(scope: Construct, spec: RefreshSpec, key: ModuleKey, dead_letters: sqs.Queue) -> sqs.Queue:
    """One message group per endpoint, content-based deduplication, delivered after the debounce window."""
    # Enough redeliveries to outlast the longest rollout the endpoint may be busy with.
    receives = math.ceil(spec.maximum_execution_timeout_seconds / VISIBILITY.to_seconds()) + 5
    return sqs.Queue(
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


def _idempotency_table(scope: Construct, key: ModuleKey) -> dynamodb.Table:
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
    return table


def _upload_rule(scope: Construct, spec: RefreshSpec, endpoint_name: str) -> events.Rule:
    """New uploads of the served model data: exact keys for objects, prefixes for model data given as one."""
    patterns: list[object] = []
    for location in sorted(set(spec.model_data), key=lambda location: location.url):
        patterns.append({"prefix": location.key} if location.key.endswith("/") else location.key)
    return events.Rule(
        scope,
        "ModelDataUploadedRule",
        description=f"New uploads of the model data of endpoint {endpoint_name}",
        event_pattern=events.EventPattern(
            source=["aws.s3"],
            detail_type=["Object Created"],
            detail={"bucket": {"name": spec.buckets}, "object": {"key": patterns}},
        ),
    )


def _dead_letter_alarm(
    scope: Construct, endpoint_name: str, dead_letters: sqs.Queue, alarm_actions: list[str]
) -> cloudwatch.CfnAlarm:
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
