"""Model refresh, notifications and the invoke function, in the template."""

from __future__ import annotations

from typing import Any

import pytest

from mlops_platform.contract import ParameterError
from sagemaker_endpoint.model_source.lookup import ModelArtifacts, ResolvedPackage
from sagemaker_endpoint.settings import EndpointSettings

IMAGE = "111111111111.dkr.ecr.us-east-1.amazonaws.com/fraud-detector:1.4"
DATA = "s3://mlops-artifacts/fraud-detector/model.tar.gz"
ENDPOINT = "mlops-test-sagemaker-endpoint"
REFRESH = {
    "model_package_arn": None,
    "model_image_uri": IMAGE,
    "model_data_url": DATA,
    "refresh_on_model_data_change": True,
}
ALL = {**REFRESH, "notifications": True, "invoke_function": True}


def test_refresh_watches_uploads_of_the_served_object_through_a_fifo_queue(synthesize: Any) -> None:
    stack = synthesize(**REFRESH)
    rule = stack.resources("AWS::Events::Rule")
    [(_, upload_rule)] = [(key, value) for key, value in rule.items() if key.startswith("ModelDataUploaded")]
    assert upload_rule["Properties"]["EventPattern"] == {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": ["mlops-artifacts"]}, "object": {"key": ["fraud-detector/model.tar.gz"]}},
    }
    [target] = upload_rule["Properties"]["Targets"]
    assert target["SqsParameters"] == {"MessageGroupId": ENDPOINT}
    queues = {key: value["Properties"] for key, value in stack.resources("AWS::SQS::Queue").items()}
    queue = next(value for key, value in queues.items() if key.startswith("RefreshQueue"))
    assert queue["FifoQueue"] is True
    assert queue["ContentBasedDeduplication"] is True
    assert queue["DelaySeconds"] == 60
    assert queue["VisibilityTimeout"] == 180
    assert queue["KmsMasterKeyId"]["Fn::GetAtt"][0].startswith("EncryptionKey")
    # Redelivered for longer than the longest rollout (3600 s / 180 s + 5), then the dead-letter queue.
    assert queue["RedrivePolicy"]["maxReceiveCount"] == 25


def test_the_debounce_window_is_the_queues_delivery_delay(synthesize: Any) -> None:
    stack = synthesize(**REFRESH, refresh_debounce_seconds=300)
    queue = next(v["Properties"] for k, v in stack.resources("AWS::SQS::Queue").items() if k.startswith("RefreshQueue"))
    assert queue["DelaySeconds"] == 300


def test_refresh_keeps_a_twin_configuration_identical_but_for_its_name(synthesize: Any) -> None:
    stack = synthesize(**REFRESH)
    configs = stack.resources("AWS::SageMaker::EndpointConfig")
    main, twin = configs["EndpointConfig"]["Properties"], configs["EndpointConfigTwin"]["Properties"]
    assert {k: v for k, v in main.items() if k != "EndpointConfigName"} == {
        k: v for k, v in twin.items() if k != "EndpointConfigName"
    }
    assert twin["EndpointConfigName"].startswith(f"{ENDPOINT}-twin-")
    assert main["EndpointConfigName"].split("-")[-1] == twin["EndpointConfigName"].split("-")[-1]
    function = next(
        f["Properties"]
        for f in stack.resources("AWS::Lambda::Function").values()
        if f["Properties"]["Handler"] == "refresh_handler.lambda_handler"
    )
    variables = function["Environment"]["Variables"]
    assert (variables["ENDPOINT_CONFIG_NAME"], variables["TWIN_ENDPOINT_CONFIG_NAME"]) == (
        main["EndpointConfigName"],
        twin["EndpointConfigName"],
    )


def _policy(stack: Any, prefix: str) -> dict[str, dict[str, Any]]:
    [policy] = [v for k, v in stack.resources("AWS::IAM::ManagedPolicy").items() if k.startswith(prefix)]
    return {s["Sid"]: stack.flat(s) for s in policy["Properties"]["PolicyDocument"]["Statement"]}


def test_the_refresh_function_may_touch_only_this_endpoint_its_configs_and_the_watched_object(synthesize: Any) -> None:
    statements = _policy(synthesize(**REFRESH), "ModelRefreshPolicy")
    assert statements["SwitchEndpointConfiguration"]["Resource"] == (
        f"arn:${{AWS::Partition}}:sagemaker:us-east-1:111111111111:endpoint/{ENDPOINT}"
    )
    assert all(
        arn.startswith("arn:${AWS::Partition}:sagemaker:us-east-1:111111111111:endpoint-config/")
        for arn in statements["UseTwinConfigurations"]["Resource"]
    )
    assert statements["ReadWatchedModelData"]["Resource"] == (
        "arn:${AWS::Partition}:s3:::mlops-artifacts/fraud-detector/model.tar.gz"
    )
    for statement in statements.values():
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert not any(action.endswith("*") for action in actions), statement


def test_the_idempotency_table_is_encrypted_expires_records_and_recovers(synthesize: Any) -> None:
    table = synthesize(**REFRESH).one("AWS::DynamoDB::Table")
    assert table["SSESpecification"]["SSEEnabled"] is True
    assert table["SSESpecification"]["SSEType"] == "KMS"
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


def test_dead_letters_raise_an_alarm_that_notifies(synthesize: Any) -> None:
    stack = synthesize(**REFRESH, alarm_topic_arn="arn:aws:sns:us-east-1:111111111111:ml-alarms")
    alarm = stack.resources("AWS::CloudWatch::Alarm")["RefreshDeadLetterAlarm"]["Properties"]
    assert alarm["AlarmName"] == f"{ENDPOINT}-refresh-dead-letters"
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Threshold"]) == (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        1,
    )
    assert alarm["AlarmActions"] == ["arn:aws:sns:us-east-1:111111111111:ml-alarms"]


def test_a_package_from_a_group_is_watched_through_its_described_artifact(synthesize: Any) -> None:
    package = ResolvedPackage(
        arn="arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/7",
        artifacts=ModelArtifacts(images=(IMAGE,), model_data_urls=(DATA,)),
    )
    stack = synthesize(package=package, model_package_group_name="fraud-detector", refresh_on_model_data_change=True)
    rule = next(v for k, v in stack.resources("AWS::Events::Rule").items() if k.startswith("ModelDataUploaded"))
    assert rule["Properties"]["EventPattern"]["detail"]["object"]["key"] == ["fraud-detector/model.tar.gz"]


def test_notifications_true_creates_an_encrypted_topic_fed_by_state_and_approval_rules(synthesize: Any) -> None:
    package = ResolvedPackage(
        arn="arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/7", artifacts=ModelArtifacts()
    )
    stack = synthesize(package=package, model_package_group_name="fraud-detector", notifications=True)
    topic = stack.one("AWS::SNS::Topic")
    assert topic["KmsMasterKeyId"]["Fn::GetAtt"][0].startswith("EncryptionKey")
    patterns = {k: v["Properties"]["EventPattern"] for k, v in stack.resources("AWS::Events::Rule").items()}
    state = next(v for k, v in patterns.items() if k.startswith("EndpointStateChange"))
    assert state == {
        "source": ["aws.sagemaker"],
        "detail-type": ["SageMaker Endpoint State Change"],
        "detail": {"EndpointName": [ENDPOINT]},
    }
    approved = next(v for k, v in patterns.items() if k.startswith("ModelPackageApproved"))
    assert approved["detail"] == {"ModelPackageGroupName": ["fraud-detector"], "ModelApprovalStatus": ["Approved"]}
    assert approved["account"] == ["111111111111"]  # this account's group: no other account's of the same name
    assert '"NotificationTopicArn":"${NotificationTopic' in stack.metadata_text


def test_a_given_topic_is_used_and_a_fixed_package_has_no_approval_rule(synthesize: Any) -> None:
    stack = synthesize(notification_topic_arn="arn:aws:sns:us-east-1:111111111111:ml-events")
    stack.template.resource_count_is("AWS::SNS::Topic", 0)
    rules = stack.resources("AWS::Events::Rule")
    assert [k for k in rules if k.startswith("ModelPackageApproved")] == []
    [state] = rules.values()
    assert state["Properties"]["Targets"][0]["Arn"] == "arn:aws:sns:us-east-1:111111111111:ml-events"
    assert '"NotificationTopicArn":"arn:aws:sns:us-east-1:111111111111:ml-events"' in stack.metadata_text


def test_the_invoke_function_runs_traced_in_the_subnets_and_may_invoke_this_endpoint_only(synthesize: Any) -> None:
    stack = synthesize(invoke_function=True)
    function = next(
        f["Properties"]
        for f in stack.resources("AWS::Lambda::Function").values()
        if f["Properties"]["Handler"] == "invoke_handler.lambda_handler"
    )
    assert function["TracingConfig"] == {"Mode": "Active"}
    assert function["Environment"]["Variables"]["SAGEMAKER_ENDPOINT_NAME"] == ENDPOINT
    assert function["VpcConfig"]["SubnetIds"] == ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
    [group_id] = function["VpcConfig"]["SecurityGroupIds"]
    group = stack.raw["Resources"][group_id["Fn::GetAtt"][0]]["Properties"]
    assert "SecurityGroupIngress" not in group
    assert [rule["FromPort"] for rule in group["SecurityGroupEgress"]] == [443]
    statements = _policy(stack, "InvokeFunctionPolicy")
    assert statements["InvokeThisEndpoint"] == {
        "Sid": "InvokeThisEndpoint",
        "Effect": "Allow",
        "Action": "sagemaker:InvokeEndpoint",
        "Resource": f"arn:${{AWS::Partition}}:sagemaker:us-east-1:111111111111:endpoint/{ENDPOINT}",
    }
    text = stack.metadata_text
    assert '"InvokeFunctionArn":"${InvokeFunction' in text
    assert '"InvokeFunctionName":"${InvokeFunction' in text


def test_functions_get_no_aws_managed_policies_and_encrypted_log_groups(synthesize: Any) -> None:
    stack = synthesize(**ALL)
    for role in stack.resources("AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]
    for key, group in stack.resources("AWS::Logs::LogGroup").items():
        assert "KmsKeyId" in group["Properties"], key
        assert group["Properties"]["RetentionInDays"] == 365


def test_options_off_publish_empty_values_for_their_keys(synthesize: Any) -> None:
    text = synthesize().metadata_text
    assert '"NotificationTopicArn":"","InvokeFunctionArn":"","InvokeFunctionName":""' in text


def test_all_three_at_once_are_rule_pack_clean(synthesize: Any) -> None:
    stack = synthesize(**ALL)
    assert [f for report in stack.report["pluginReports"] for f in report["violations"]] == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"refresh_on_model_data_change": True},
            "parameter 'refresh-on-model-data-change': the endpoint serves no model data object",
        ),
        ({"refresh_debounce_seconds": 30}, "parameter 'refresh-debounce-seconds' tunes 'refresh-on-model-data-change'"),
        (
            {**REFRESH, "refresh_debounce_seconds": 901},
            "parameter 'refresh-debounce-seconds': must be at most 900",
        ),
        (
            {"notifications": True, "notification_topic_arn": "arn:aws:sns:us-east-1:111111111111:t"},
            "give the topic to use, or notifications: true",
        ),
        (
            {"notification_topic_arn": "arn:aws:sqs:us-east-1:111111111111:q"},
            "parameter 'notification-topic-arn': is an ARN of service 'sqs'",
        ),
    ],
)
def test_event_option_errors_name_their_parameters(parameters: Any, fields: dict[str, Any], expected: str) -> None:
    merged = {
        "vpc_id": "vpc-0123456789abcdef0",
        "subnet_ids": ["subnet-0123456789abcdef0"],
        "model_package_arn": "arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/3",
        **fields,
    }
    parameters(**{key.replace("_", "-"): value for key, value in merged.items() if value is not None})
    with pytest.raises(ParameterError) as raised:
        EndpointSettings.from_env()
    assert expected in str(raised.value)
