"""Asynchronous inference: results to S3 encrypted with the module's key, announced on SNS, and instances
that scale to zero while nothing is queued, as AWS documents in
https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-autoscale.html."""

from __future__ import annotations

from aws_cdk import aws_applicationautoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct, IConstruct

from sagemaker_endpoint.infra.parts import first_unit_on_alarm
from sagemaker_endpoint.specs import AsyncAsGiven, AsyncSpec, VariantPlan

Config = sagemaker.CfnEndpointConfig
MODULE_TOPIC = "module-topic"


def async_inference_config(
    spec: AsyncAsGiven | None, key: kms.IKey, topic: sns.ITopic | None
) -> Config.AsyncInferenceConfigProperty | None:
    """The configuration's AsyncInferenceConfig; `topic` is the module's notification topic, if any."""
    if spec is None:
        return None

    def topic_arn(given: str | None) -> str | None:
        if given == MODULE_TOPIC:
            assert topic is not None, "the plan asks for the module's topic only when there is one"
            return topic.topic_arn
        return given

    notify = spec.success_topic or spec.error_topic
    return Config.AsyncInferenceConfigProperty(
        output_config=Config.AsyncInferenceOutputConfigProperty(
            s3_output_path=spec.output_uri,
            s3_failure_path=spec.failure_uri,
            kms_key_id=key.key_arn,
            notification_config=Config.AsyncInferenceNotificationConfigProperty(
                success_topic=topic_arn(spec.success_topic), error_topic=topic_arn(spec.error_topic)
            )
            if notify
            else None,
        ),
        client_config=Config.AsyncInferenceClientConfigProperty(
            max_concurrent_invocations_per_instance=spec.max_concurrent_invocations_per_instance
        )
        if spec.max_concurrent_invocations_per_instance
        else None,
    )


def publish_to_module_topic(
    spec: AsyncSpec, policy: iam.ManagedPolicy | None, topic: sns.ITopic | None, role: iam.IRole
) -> IConstruct | None:
    """The execution role may publish to the module's topic (topics given by ARN are in its policy already);
    returns the resource granting it, which the endpoint must wait for.

    SageMaker sends a test notification when the endpoint is created. With the module's role, the grant is in
    the policy the models (and through them the endpoint) wait for. A role given by ARN cannot be granted a
    topic whose name CloudFormation makes up at deploy, so the topic's own policy lets it publish.
    """
    if MODULE_TOPIC not in spec.topics or topic is None:
        return None
    if policy is not None:
        policy.add_statements(
            iam.PolicyStatement(
                sid="PublishAsyncResultsToModuleTopic", actions=["sns:Publish"], resources=[topic.topic_arn]
            )
        )
        return None
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            sid="ExecutionRolePublishesAsyncResults",
            principals=[role],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
        )
    )
    return topic.node.try_find_child("Policy")


def wake_up_on_backlog(
    scope: Construct, variant: VariantPlan, endpoint: str, target: autoscaling.CfnScalableTarget
) -> None:
    """Target tracking on the backlog per instance never leaves zero instances: a backlog adds the first one."""
    wake_up = first_unit_on_alarm(
        scope,
        f"{variant.construct_prefix}BacklogWakeUpPolicy",
        policy_name=f"{endpoint}-{variant.name}-from-zero"[:256],
        target=target,
        aggregation="Average",
        cooldown=300,
    )
    cloudwatch.CfnAlarm(
        scope,
        f"{variant.construct_prefix}BacklogWithoutCapacityAlarm",
        alarm_name=f"{endpoint}-{variant.name}-backlog-without-capacity",
        alarm_description=f"Requests wait for {endpoint} while it has no instance: adds the first instance",
        namespace="AWS/SageMaker",
        metric_name="HasBacklogWithoutCapacity",
        dimensions=[cloudwatch.CfnAlarm.DimensionProperty(name="EndpointName", value=endpoint)],
        statistic="Average",
        period=60,
        evaluation_periods=2,
        datapoints_to_alarm=2,
        threshold=1,
        comparison_operator="GreaterThanOrEqualToThreshold",
        treat_missing_data="missing",
        alarm_actions=[wake_up.attr_arn],
    )
