"""The synthesized template: jobs secure by default, a role scoped to exactly its data, notices, alarms, metadata."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Synth = Callable[..., Any]
ACCOUNT, BUCKET, ENDPOINT = "111111111111", "mlops-artifacts", "mlops-test-endpoint"  # as in conftest.py
ALL_FOUR: dict[str, Any] = {
    "enable_model_quality_monitor": True,
    "model_quality_baseline_s3_uri": f"s3://{BUCKET}/baselines/model-quality",
    "model_quality_ground_truth_s3_uri": f"s3://{BUCKET}/ground-truth",
    "model_quality_problem_type": "BinaryClassification",
    "model_quality_probability_attribute": "0",
    "model_quality_probability_threshold_attribute": 0.5,
    "model_quality_alarm_thresholds": {"f1": 0.7, "false_positive_rate": 0.2},
    "enable_model_bias_monitor": True,
    "model_bias_baseline_s3_uri": f"s3://{BUCKET}/baselines/model-bias",
    "model_bias_ground_truth_s3_uri": f"s3://{BUCKET}/ground-truth",
    "enable_model_explainability_monitor": True,
    "model_explainability_baseline_s3_uri": f"s3://{BUCKET}/baselines/model-explainability",
    "data_quality_alarm_thresholds": {"feature_baseline_drift_age": 0.1},
}
COMPUTED = {
    "data_quality_baseline_s3_uri": None,
    "baseline_training_data_s3_uri": f"s3://{BUCKET}/training",
    "baseline_output_data_s3_uri": f"s3://{BUCKET}/computed",
}
VPC = {
    "subnet_ids": ("subnet-0123456789abcdef0", "subnet-0123456789abcdef1"),
    "security_group_id": "sg-0123456789abcdef0",
}


def definitions(stack: Any) -> dict[str, dict[str, Any]]:
    return {
        value["Type"].split("::")[-1].removesuffix("JobDefinition"): value["Properties"]
        for value in stack.raw["Resources"].values()
        if value["Type"].endswith("JobDefinition")
    }


def test_each_monitor_is_a_job_definition_and_a_schedule(synthesize: Synth) -> None:
    stack = synthesize(**ALL_FOUR)
    assert sorted(definitions(stack)) == ["DataQuality", "ModelBias", "ModelExplainability", "ModelQuality"]
    schedules = {
        r["Properties"]["MonitoringScheduleConfig"]["MonitoringType"]: r["Properties"]
        for r in stack.resources("AWS::SageMaker::MonitoringSchedule").values()
    }
    assert schedules["DataQuality"]["MonitoringScheduleName"] == "mlops-test-monitoring-data-quality"
    assert schedules["DataQuality"]["MonitoringScheduleConfig"]["ScheduleConfig"] == {
        "ScheduleExpression": "cron(0 * ? * * *)"
    }
    assert (
        schedules["DataQuality"]["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"]
        == (definitions(stack)["DataQuality"]["JobDefinitionName"])
    )


def test_jobs_run_isolated_except_where_clarify_must_call_its_shadow_endpoint(synthesize: Synth) -> None:
    found = definitions(synthesize(**ALL_FOUR, **VPC))
    isolated = {kind: p["NetworkConfig"]["EnableNetworkIsolation"] for kind, p in found.items()}
    assert isolated == {"DataQuality": True, "ModelQuality": True, "ModelBias": True, "ModelExplainability": False}
    for properties in found.values():
        network = properties["NetworkConfig"]
        assert network["EnableInterContainerTrafficEncryption"] is True
        assert network["VpcConfig"] == {
            "SecurityGroupIds": [VPC["security_group_id"]],
            "Subnets": list(VPC["subnet_ids"]),
        }


def test_volumes_and_reports_are_encrypted_with_the_module_key_or_the_one_given(synthesize: Synth) -> None:
    own = definitions(synthesize())["DataQuality"]
    assert own["JobResources"]["ClusterConfig"]["VolumeKmsKeyId"] == {"Fn::GetAtt": ["EncryptionKey1B843E66", "Arn"]}
    assert own["DataQualityJobOutputConfig"]["KmsKeyId"] == {"Fn::GetAtt": ["EncryptionKey1B843E66", "Arn"]}
    key = "0123abcd-0123-4567-89ab-0123456789ab"
    given = definitions(synthesize(kms_key_id=key))["DataQuality"]
    assert given["JobResources"]["ClusterConfig"]["VolumeKmsKeyId"] == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key}"


def test_jobs_publish_the_metrics_their_alarms_watch(synthesize: Synth) -> None:
    for kind, properties in definitions(synthesize(**ALL_FOUR)).items():
        assert properties[f"{kind}AppSpecification"]["Environment"] == {"publish_cloudwatch_metrics": "Enabled"}


def test_each_job_reads_the_files_its_type_needs(synthesize: Synth) -> None:
    found = definitions(synthesize(**ALL_FOUR))
    base = f"s3://{BUCKET}/baselines"
    assert found["DataQuality"]["DataQualityBaselineConfig"] == {
        "ConstraintsResource": {"S3Uri": f"{base}/data-quality/constraints.json"},
        "StatisticsResource": {"S3Uri": f"{base}/data-quality/statistics.json"},
    }
    assert found["ModelBias"]["ModelBiasAppSpecification"]["ConfigUri"] == f"{base}/model-bias/analysis_config.json"
    assert (
        found["ModelBias"]["ModelBiasBaselineConfig"]["ConstraintsResource"]["S3Uri"]
        == f"{base}/model-bias/analysis.json"
    )
    quality = found["ModelQuality"]
    assert quality["ModelQualityAppSpecification"]["ProblemType"] == "BinaryClassification"
    assert quality["ModelQualityJobInput"]["GroundTruthS3Input"] == {"S3Uri": f"s3://{BUCKET}/ground-truth"}
    assert quality["ModelQualityJobInput"]["EndpointInput"]["ProbabilityThresholdAttribute"] == 0.5
    assert "GroundTruthS3Input" not in found["ModelExplainability"]["ModelExplainabilityJobInput"]


def test_images_come_from_the_sdks_table_for_the_region(synthesize: Synth) -> None:
    found = definitions(synthesize(**ALL_FOUR))
    monitor = found["DataQuality"]["DataQualityAppSpecification"]["ImageUri"]
    clarify = found["ModelBias"]["ModelBiasAppSpecification"]["ImageUri"]
    assert monitor == {
        "Fn::Join": [
            "",
            ["156813124566.dkr.ecr.us-east-1.", {"Ref": "AWS::URLSuffix"}, "/sagemaker-model-monitor-analyzer"],
        ]
    }
    assert clarify["Fn::Join"][1][-1] == "/sagemaker-clarify-processing:1.0"


def test_the_role_reads_exactly_the_capture_baselines_and_ground_truth_and_writes_the_outputs(
    synthesize: Synth, case: Any
) -> None:
    statements = synthesize(**ALL_FOUR).statements()
    bucket = f"arn:${{AWS::Partition}}:s3:::{BUCKET}"
    assert statements["ReadCapturedData"]["Resource"] == [
        f"{bucket}/data-capture/{ENDPOINT}",
        f"{bucket}/data-capture/{ENDPOINT}/*",
    ]
    reads = statements["ReadBaselinesAndGroundTruth"]["Resource"]
    assert f"{bucket}/baselines/data-quality/constraints.json" in reads
    assert f"{bucket}/ground-truth/*" in reads
    assert not any(resource.endswith(f"{BUCKET}/*") for resource in reads)
    assert statements["WriteMonitoringOutput"]["Resource"] == [
        f"{bucket}/monitoring/{ENDPOINT}/{kind}/*"
        for kind in ("data-quality", "model-bias", "model-explainability", "model-quality")
    ]
    assert (
        statements["DecryptCapturedData"]["Resource"] == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{case.capture.kms_key}"
    )


def test_an_unknown_capture_location_reads_the_bucket_and_says_so(synthesize: Synth) -> None:
    stack = synthesize(served=None)
    statements = stack.statements()
    assert statements["ReadCapturedDataAnywhereInBucket"]["Resource"] == f"arn:${{AWS::Partition}}:s3:::{BUCKET}/*"
    reasons = [f["reason"] for r in stack.report["pluginReports"] for f in r["suppressedViolations"]]
    assert any("could not be read at synth time" in reason for reason in reasons)


def test_clarify_may_build_its_shadow_endpoint_from_the_served_model_only(synthesize: Synth, case: Any) -> None:
    statements = synthesize(**ALL_FOUR).statements()
    served = statements["ClarifyShadowEndpointOfTheServedModel"]
    assert served["Resource"].endswith(":endpoint-config/sm-clarify-*")
    assert served["Condition"] == {
        "ForAllValues:ArnEquals": {
            "sagemaker:ModelArn": [
                f"arn:${{AWS::Partition}}:sagemaker:us-east-1:{ACCOUNT}:model/{case.served.model_name}"
            ]
        }
    }
    assert "ClarifyShadowEndpoint" not in synthesize().statements()


def test_no_aws_managed_policy_and_no_sagemaker_full_access(synthesize: Synth) -> None:
    for role in synthesize(**ALL_FOUR).resources("AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"] or all(
            "aws:policy" not in str(arn) for arn in role["Properties"]["ManagedPolicyArns"]
        )


def test_failed_runs_and_violations_reach_the_topic_for_this_modules_schedules_only(synthesize: Synth) -> None:
    stack = synthesize(**ALL_FOUR)
    rules = {key: value["Properties"] for key, value in stack.resources("AWS::Events::Rule").items()}
    patterns = {key.split("Rule")[0]: p["EventPattern"] for key, p in rules.items()}
    failed, violations = patterns["MonitoringRunFailed"], patterns["MonitoringViolations"]
    assert failed["detail-type"] == ["SageMaker Processing Job State Change"]
    assert failed["detail"]["ProcessingJobStatus"] == ["Failed", "Stopped"]
    assert violations["detail"]["ExitMessage"] == [{"prefix": "CompletedWithViolations"}]
    arns = [
        {
            "Fn::Join": [
                "",
                [
                    "arn:",
                    {"Ref": "AWS::Partition"},
                    f":sagemaker:us-east-1:{ACCOUNT}:monitoring-schedule/mlops-test-monitoring-{kind}",
                ],
            ]
        }
        for kind in ("data-quality", "model-quality", "model-bias", "model-explainability")
    ]
    assert failed["detail"]["MonitoringScheduleArn"] == arns


def test_the_topic_accepts_exactly_these_rules_and_alarms(synthesize: Synth) -> None:
    stack = synthesize(**ALL_FOUR)
    [policy] = stack.resources("AWS::SNS::TopicPolicy").values()
    statements = {s.get("Sid"): s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    rules = statements["TheseRulesPublish"]["Condition"]["ArnEquals"]["aws:SourceArn"]
    assert sorted(str(rule) for rule in rules) == sorted(
        str({"Fn::GetAtt": [key, "Arn"]}) for key in stack.resources("AWS::Events::Rule")
    )
    alarms = statements["TheseAlarmsPublish"]["Condition"]["ArnEquals"]["aws:SourceArn"]
    names = sorted(alarm["Properties"]["AlarmName"] for alarm in stack.resources("AWS::CloudWatch::Alarm").values())
    assert len(names) == 3
    assert [arn["Fn::Join"][1][-1].rsplit(":alarm:", 1)[-1] for arn in alarms] == names


def test_the_key_serves_cloudwatch_for_these_alarms_and_eventbridge_for_this_accounts_topics(synthesize: Synth) -> None:
    stack = synthesize(**ALL_FOUR)
    [key] = stack.resources("AWS::KMS::Key").values()
    statements = {s.get("Sid"): s for s in key["Properties"]["KeyPolicy"]["Statement"]}
    cloudwatch = statements["CloudWatchAlarmsPublishToEncryptedTopic"]
    assert cloudwatch["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert len(cloudwatch["Condition"]["ArnEquals"]["aws:SourceArn"]) == 3
    eventbridge = statements["EventBridgePublishesToEncryptedTopics"]
    assert eventbridge["Principal"] == {"Service": "events.amazonaws.com"}
    assert "kms:EncryptionContext:aws:sns:topicArn" in eventbridge["Condition"]["ArnLike"]


def test_alarms_watch_the_metrics_as_aws_names_them(synthesize: Synth) -> None:
    alarms = {
        a["Properties"]["MetricName"]: a["Properties"]
        for a in synthesize(**ALL_FOUR).resources("AWS::CloudWatch::Alarm").values()
    }
    drift = alarms["feature_baseline_drift_age"]
    assert drift["Namespace"] == "aws/sagemaker/Endpoints/data-metrics"
    assert drift["Dimensions"] == [
        {"Name": "Endpoint", "Value": ENDPOINT},
        {"Name": "MonitoringSchedule", "Value": "mlops-test-monitoring-data-quality"},
    ]
    assert (drift["ComparisonOperator"], drift["Statistic"], drift["Period"]) == (
        "GreaterThanThreshold",
        "Maximum",
        3600,
    )
    assert alarms["f1"]["Namespace"] == "aws/sagemaker/Endpoints/model-metrics"
    assert (alarms["f1"]["ComparisonOperator"], alarms["f1"]["Statistic"]) == ("LessThanThreshold", "Minimum")
    assert alarms["false_positive_rate"]["ComparisonOperator"] == "GreaterThanThreshold"


def test_the_topic_given_is_used_and_no_topic_is_created(synthesize: Synth) -> None:
    stack = synthesize(alarm_topic_arn=f"arn:aws:sns:us-east-1:{ACCOUNT}:ml-alarms")
    assert stack.resources("AWS::SNS::Topic") == {}
    assert stack.metadata["NotificationTopicArn"] == f"arn:aws:sns:us-east-1:{ACCOUNT}:ml-alarms"


def test_a_change_to_a_job_renames_its_definition_but_not_its_schedule(synthesize: Synth) -> None:
    before = definitions(synthesize())["DataQuality"]["JobDefinitionName"]
    after = definitions(synthesize(data_quality_instance_type="ml.m5.xlarge"))["DataQuality"]["JobDefinitionName"]
    assert before != after
    assert before.startswith("mlops-test-monitoring-data-quality-")
    assert len(before) <= 63


def test_the_same_inputs_give_the_same_template(synthesize: Synth) -> None:
    assert synthesize(fresh=True, **ALL_FOUR).text == synthesize(**ALL_FOUR).text


def test_metadata_lists_schedules_definitions_and_alarms(synthesize: Synth) -> None:
    metadata = synthesize(**ALL_FOUR).metadata
    assert metadata["MonitoringScheduleNames"] == [
        f"mlops-test-monitoring-{kind}"
        for kind in ("data-quality", "model-quality", "model-bias", "model-explainability")
    ]
    assert len(metadata["JobDefinitionNames"]) == 4
    assert sorted(metadata["AlarmNames"]) == [
        "mlops-test-monitoring-data-quality-feature_baseline_drift_age",
        "mlops-test-monitoring-model-quality-f1",
        "mlops-test-monitoring-model-quality-false_positive_rate",
    ]
    assert (
        metadata["BaselineConstraintsS3Uris"]["DataQuality"] == f"s3://{BUCKET}/baselines/data-quality/constraints.json"
    )


def test_tags_reach_the_job_definitions_and_schedules(synthesize: Synth) -> None:
    stack = synthesize(sagemaker_project_id="p-abcdefghijkl", tags={"team": "ml"}, custom_tags={"cost": "1"})
    tags = {t["Key"]: t["Value"] for t in definitions(stack)["DataQuality"]["Tags"]}
    assert tags["sagemaker:project-id"] == "p-abcdefghijkl"
    assert (tags["team"], tags["cost"], tags["seedfarmer:module"]) == ("ml", "1", "monitoring")


def test_a_permissions_boundary_applies_to_every_role(synthesize: Synth) -> None:
    stack = synthesize(permissions_boundary_name="ml-boundary", **COMPUTED)
    roles = stack.resources("AWS::IAM::Role")
    assert len(roles) == 2
    for role in roles.values():
        assert "ml-boundary" in str(role["Properties"]["PermissionsBoundary"])


def test_key_administrators_manage_the_key_and_every_log_group_keeps_the_retention_given(synthesize: Synth) -> None:
    administrator = "arn:aws:iam::111111111111:role/KeyAdministrators"
    stack = synthesize(key_administrator_arns=[administrator], log_retention_days=731, **COMPUTED)
    [key] = stack.resources("AWS::KMS::Key").values()
    administering = [
        statement
        for statement in key["Properties"]["KeyPolicy"]["Statement"]
        if statement.get("Principal") == {"AWS": administrator}
    ]
    assert len(administering) == 1
    assert "kms:Decrypt" not in administering[0]["Action"]
    groups = stack.resources("AWS::Logs::LogGroup")
    assert groups
    assert {group["Properties"]["RetentionInDays"] for group in groups.values()} == {731}


@pytest.mark.parametrize("fields", [{}, ALL_FOUR, {**ALL_FOUR, **VPC}, COMPUTED, {**COMPUTED, **VPC}])
def test_every_rule_pack_finding_is_fixed_or_acknowledged(synthesize: Synth, fields: dict[str, Any]) -> None:
    # A pack with nothing to report (neither finding nor acknowledgement) is left out of the report.
    reports = {report["pluginName"]: report for report in synthesize(**fields).report["pluginReports"]}
    assert "AwsSolutions" in reports
    for report in reports.values():
        assert report["violations"] == []


def test_the_nist_and_hipaa_packs_run(synthesize: Synth) -> None:
    reports = {report["pluginName"]: report for report in synthesize(**COMPUTED).report["pluginReports"]}
    assert sorted(reports) == ["AwsSolutions", "HIPAA.Security", "NIST.800.53.R5"]
