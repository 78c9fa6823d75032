"""Asynchronous inference as built: results to S3 encrypted with the module's key, announced on SNS, and instances
that scale to zero while nothing is queued, as AWS documents in
https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-autoscale.html."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct, IConstruct

from sagemaker_endpoint.async_inference.plan import MODULE_TOPIC, AsyncSpec
from sagemaker_endpoint.endpoint.execution_role import ExecutionRole
from sagemaker_endpoint.from_zero import first_unit_on_alarm
from sagemaker_endpoint.grants import Grantee, grant

Config = sagemaker.CfnEndpointConfig
WILDCARD_REASONS = {
    "ReadAsyncRequests": "Asynchronous requests are read from the async-input-s3-uri prefix only.",
    "WriteAsyncResults": "Asynchronous results are written under the async output and failure prefixes only.",
}


class AsyncInference:
    """The endpoint configuration's AsyncInferenceConfig (`config`) and the grants on its prefixes and topics."""

    def __init__(self, scope: Construct, *, spec: AsyncSpec, key: kms.IKey) -> None:
        self.spec = spec
        self._stack = cdk.Stack.of(scope)
        self._key = key

    def config(self, topic: sns.ITopic | None) -> Config.AsyncInferenceConfigProperty:
        """`topic`: the module's notification topic, if any (the plan names it where it is to be used)."""
        given = self.spec.config

        def topic_arn(named: str | None) -> str | None:
            if named == MODULE_TOPIC:
                assert topic is not None, "the plan asks for the module's topic only when there is one"
                return topic.topic_arn
            return named

        notify = given.success_topic or given.error_topic
        return Config.AsyncInferenceConfigProperty(
            output_config=Config.AsyncInferenceOutputConfigProperty(
                s3_output_path=given.output_uri,
                s3_failure_path=given.failure_uri,
                kms_key_id=self._key.key_arn,
                notification_config=Config.AsyncInferenceNotificationConfigProperty(
                    success_topic=topic_arn(given.success_topic), error_topic=topic_arn(given.error_topic)
                )
                if notify
                else None,
            ),
            client_config=Config.AsyncInferenceClientConfigProperty(
                max_concurrent_invocations_per_instance=given.max_concurrent_invocations_per_instance
            )
            if given.max_concurrent_invocations_per_instance
            else None,
        )

    def grant_requests_and_results(self, grantee: Grantee) -> None:
        """Read requests under the input prefix, write results under the output and failure prefixes, and
        publish to the topics given by ARN (the module's own topic: `allow_module_topic`)."""
        partition = self._stack.partition
        read = (self.spec.requests.bucket_arn(partition), *self.spec.requests.under(partition))
        writes = [(location.bucket_arn(partition), *location.under(partition)) for location in self.spec.results]
        statements = [
            iam.PolicyStatement(sid="ReadAsyncRequests", actions=["s3:GetObject"], resources=[read[1]]),
            iam.PolicyStatement(
                sid="WriteAsyncResults",
                actions=["s3:AbortMultipartUpload", "s3:PutObject"],
                resources=sorted({objects for _, objects, _ in writes}),
            ),
            iam.PolicyStatement(
                sid="ListAsyncPrefixes",
                actions=["s3:ListBucket"],
                resources=sorted({bucket for bucket, _, _ in (read, *writes)}),
                conditions={"StringLike": {"s3:prefix": sorted({prefix for _, _, prefix in (read, *writes)})}},
            ),
        ]
        given = [topic for topic in self.spec.topics if topic.startswith("arn:")]
        if given:
            statements.append(iam.PolicyStatement(sid="PublishAsyncResults", actions=["sns:Publish"], resources=given))
        grant(grantee, statements, WILDCARD_REASONS)

    def allow_module_topic(self, role: ExecutionRole, topic: sns.ITopic | None) -> IConstruct | None:
        """The execution role may publish to the module's topic (topics given by ARN: `grant_requests_and_results`);
        returns the resource granting it, which the endpoint must wait for.

        SageMaker sends a test notification when the endpoint is created. With the module's role, the grant is in
        the policy the models (and through them the endpoint) wait for. A role given by ARN cannot be granted a
        topic whose name CloudFormation makes up at deploy, so the topic's own policy lets it publish.
        """
        if MODULE_TOPIC not in self.spec.topics or topic is None:
            return None
        if role.policy is not None:
            role.policy.add_statements(
                iam.PolicyStatement(
                    sid="PublishAsyncResultsToModuleTopic", actions=["sns:Publish"], resources=[topic.topic_arn]
                )
            )
            return None
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ExecutionRolePublishesAsyncResults",
                principals=[role.role],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
            )
        )
        return topic.node.try_find_child("Policy")


def wake_up_on_backlog(
    scope: Construct, construct_prefix: str, variant: str, endpoint: str, target: autoscaling.CfnScalableTarget
) -> None:
    """Target tracking on the backlog per instance never leaves zero instances: a backlog adds the first one."""
    wake_up = first_unit_on_alarm(
        scope,
        f"{construct_prefix}BacklogWakeUpPolicy",
        policy_name=f"{endpoint}-{variant}-from-zero"[:256],
        target=target,
        aggregation="Average",
        cooldown=300,
    )
    cloudwatch.CfnAlarm(
        scope,
        f"{construct_prefix}BacklogWithoutCapacityAlarm",
        alarm_name=f"{endpoint}-{variant}-backlog-without-capacity",
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
