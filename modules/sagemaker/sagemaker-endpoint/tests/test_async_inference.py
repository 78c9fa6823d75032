"""Asynchronous inference: results to S3 with the module's key, SNS notices, and instances that scale to zero."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

ASYNC = {
    "async_output_s3_uri": "s3://mlops-artifacts/async/results",
    "async_input_s3_uri": "s3://mlops-artifacts/async/requests",
}
TOPIC = "arn:aws:sns:us-east-1:111111111111:ml-events"
ERRORS = "arn:aws:sns:us-east-1:111111111111:ml-errors"
TO_ZERO = {**ASYNC, "autoscaling_max_capacity": 4, "autoscaling_target_backlog_per_instance": 5}


def _statements(stack: Any) -> dict[str, Any]:
    return {s["Sid"]: stack.flat(s) for s in stack.policy_statements}


def test_results_go_to_s3_encrypted_with_the_modules_key_and_topics_hear_of_them(synthesize: Any) -> None:
    stack = synthesize(
        **ASYNC,
        async_failure_s3_uri="s3://mlops-artifacts/async/failures",
        async_max_concurrent_invocations_per_instance=4,
        async_success_topic_arn=TOPIC,
        async_error_topic_arn=ERRORS,
    )
    config = stack.one("AWS::SageMaker::EndpointConfig")["AsyncInferenceConfig"]
    assert config == {
        "OutputConfig": {
            "S3OutputPath": "s3://mlops-artifacts/async/results",
            "S3FailurePath": "s3://mlops-artifacts/async/failures",
            "KmsKeyId": {"Fn::GetAtt": ["EncryptionKey1B843E66", "Arn"]},
            "NotificationConfig": {"SuccessTopic": TOPIC, "ErrorTopic": ERRORS},
        },
        "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 4},
    }
    assert '"AsyncOutputS3Uri":"s3://mlops-artifacts/async/results"' in stack.metadata_text


def test_the_role_reads_requests_writes_results_and_publishes_only_where_told(synthesize: Any) -> None:
    statements = _statements(
        synthesize(**ASYNC, async_failure_s3_uri="s3://mlops-artifacts/async/failures", async_success_topic_arn=TOPIC)
    )
    s3 = "arn:${AWS::Partition}:s3:::mlops-artifacts"
    assert statements["ReadAsyncRequests"]["Resource"] == f"{s3}/async/requests/*"
    assert statements["WriteAsyncResults"]["Action"] == ["s3:AbortMultipartUpload", "s3:PutObject"]
    assert statements["WriteAsyncResults"]["Resource"] == [f"{s3}/async/failures/*", f"{s3}/async/results/*"]
    assert statements["ListAsyncPrefixes"]["Condition"] == {
        "StringLike": {"s3:prefix": ["async/failures/*", "async/requests/*", "async/results/*"]}
    }
    assert statements["PublishAsyncResults"] == {
        "Sid": "PublishAsyncResults",
        "Effect": "Allow",
        "Action": "sns:Publish",
        "Resource": TOPIC,
    }


def test_the_modules_topic_is_used_when_no_topic_is_given(synthesize: Any) -> None:
    stack = synthesize(**ASYNC, notifications=True)
    notify = stack.one("AWS::SageMaker::EndpointConfig")["AsyncInferenceConfig"]["OutputConfig"]["NotificationConfig"]
    assert notify == {
        "SuccessTopic": {"Ref": "NotificationTopicEB7A0DF1"},
        "ErrorTopic": {"Ref": "NotificationTopicEB7A0DF1"},
    }
    assert _statements(stack)["PublishAsyncResultsToModuleTopic"]["Resource"] == "${NotificationTopicEB7A0DF1}"


def test_a_role_given_by_arn_may_publish_to_the_modules_topic_before_the_endpoint_exists(synthesize: Any) -> None:
    # CreateEndpoint sends a test notification; the topic's name is made up at deploy, so only its own
    # policy can let a role given by ARN publish to it.
    role = "arn:aws:iam::111111111111:role/FraudModel"
    stack = synthesize(**ASYNC, notifications=True, model_execution_role_arn=role)
    [(policy_id, policy)] = stack.resources("AWS::SNS::TopicPolicy").items()
    statements = {s.get("Sid"): s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    assert statements["ExecutionRolePublishesAsyncResults"] == {
        "Sid": "ExecutionRolePublishesAsyncResults",
        "Effect": "Allow",
        "Principal": {"AWS": role},
        "Action": "sns:Publish",
        "Resource": {"Ref": "NotificationTopicEB7A0DF1"},
    }
    [endpoint] = stack.resources("AWS::SageMaker::Endpoint").values()
    assert policy_id in endpoint["DependsOn"]


def test_instances_scale_on_the_backlog_and_a_backlog_brings_the_first_one_back(synthesize: Any) -> None:
    stack = synthesize(**TO_ZERO)
    assert stack.one("AWS::ApplicationAutoScaling::ScalableTarget")["MinCapacity"] == 0
    policies = {
        p["Properties"]["PolicyType"]: p["Properties"]
        for p in stack.resources("AWS::ApplicationAutoScaling::ScalingPolicy").values()
    }
    tracking = policies["TargetTrackingScaling"]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["CustomizedMetricSpecification"]["MetricName"] == "ApproximateBacklogSizePerInstance"
    assert tracking["TargetValue"] == 5
    assert "PredefinedMetricSpecification" not in tracking
    [alarm] = [
        a["Properties"]
        for a in stack.resources("AWS::CloudWatch::Alarm").values()
        if a["Properties"]["MetricName"] == "HasBacklogWithoutCapacity"
    ]
    assert alarm["AlarmActions"] == [{"Fn::GetAtt": ["AllTrafficBacklogWakeUpPolicy", "Arn"]}]
    assert (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"], alarm["Threshold"]) == (2, 2, 1)


def test_a_minimum_above_zero_needs_no_wake_up(synthesize: Any) -> None:
    stack = synthesize(**TO_ZERO, autoscaling_min_capacity=1)
    assert len(stack.resources("AWS::ApplicationAutoScaling::ScalingPolicy")) == 1


def test_the_refresh_twin_is_asynchronous_too(synthesize: Any) -> None:
    stack = synthesize(
        **ASYNC,
        model_package_arn=None,
        model_image_uri="111111111111.dkr.ecr.us-east-1.amazonaws.com/fraud-detector:1.4",
        model_data_url="s3://mlops-artifacts/fraud-detector/model.tar.gz",
        refresh_on_model_data_change=True,
    )
    configs = [c["Properties"] for c in stack.resources("AWS::SageMaker::EndpointConfig").values()]
    assert len(configs) == 2
    assert configs[0]["AsyncInferenceConfig"] == configs[1]["AsyncInferenceConfig"]


def test_endpoints_without_async_publish_no_async_key(synthesize: Any) -> None:
    assert "AsyncOutputS3Uri" not in synthesize().metadata_text


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"async_output_s3_uri": ASYNC["async_output_s3_uri"]}, "parameter 'async-input-s3-uri': required"),
        ({"async_error_topic_arn": ERRORS}, "parameter 'async-error-topic-arn' configures asynchronous inference"),
        ({**ASYNC, "invoke_function": True}, "parameter 'invoke-function' does not go with 'async-output-s3-uri'"),
        ({**ASYNC, "instance_type": "ml.inf1.xlarge"}, "asynchronous inference cannot be used on Inf1 instances"),
        (
            {**ASYNC, "autoscaling_max_capacity": 4, "autoscaling_target_invocations_per_instance": 100},
            "an asynchronous endpoint publishes no Invocations metrics",
        ),
        ({**ASYNC, "autoscaling_max_capacity": 4}, "parameter 'autoscaling-target-backlog-per-instance': required"),
    ],
)
def test_combinations_refused_for_asynchronous_endpoints(
    refusal: Callable[..., str], fields: dict[str, Any], expected: str
) -> None:
    assert expected in refusal(**fields)
