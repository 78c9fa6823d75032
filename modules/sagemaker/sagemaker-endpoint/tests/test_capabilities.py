"""Images, pipelines, A/B variants, serverless, autoscaling, alarms and guarded rollouts, in the template."""

from __future__ import annotations

from typing import Any

import pytest

from mlops_platform.contract import ParameterError
from sagemaker_endpoint.settings import EndpointSettings

IMAGE = "111111111111.dkr.ecr.us-east-1.amazonaws.com/fraud-detector:1.4"
PRE = "111111111111.dkr.ecr.us-east-1.amazonaws.com/preprocess:2"
DATA = "s3://mlops-artifacts/fraud-detector/1.4/model.tar.gz"
PACKAGE = "arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/3"
ENDPOINT = "mlops-test-sagemaker-endpoint"
SERVERLESS = {"vpc_id": None, "subnet_ids": None, "serverless_memory_size_mb": 2048, "serverless_max_concurrency": 20}


def image(**fields: Any) -> dict[str, Any]:
    return {"model_package_arn": None, "model_image_uri": IMAGE, "model_data_url": DATA, **fields}


def test_an_image_with_model_data_and_environment_is_one_container(synthesize: Any) -> None:
    stack = synthesize(**image(model_environment={"SAGEMAKER_PROGRAM": "inference.py"}))
    assert stack.one("AWS::SageMaker::Model")["PrimaryContainer"] == {
        "Image": IMAGE,
        "ModelDataUrl": DATA,
        "Environment": {"SAGEMAKER_PROGRAM": "inference.py"},
    }
    assert stack.statement("ReadModelArtifacts")["Resource"] == (
        "arn:${AWS::Partition}:s3:::mlops-artifacts/fraud-detector/1.4/model.tar.gz"
    )
    assert stack.statement("PullInferenceImages")["Resource"] == (
        "arn:${AWS::Partition}:ecr:us-east-1:111111111111:repository/fraud-detector"
    )
    assert '"ModelPackageArn":""' in stack.metadata_text


def test_an_image_without_model_data_reads_no_bucket(synthesize: Any) -> None:
    stack = synthesize(model_package_arn=None, model_image_uri=IMAGE)
    assert not any(statement.get("Sid", "").startswith("ReadModel") for statement in stack.policy_statements)


def test_containers_make_a_serial_inference_pipeline(synthesize: Any) -> None:
    stack = synthesize(
        model_package_arn=None,
        containers=[
            {"image-uri": PRE, "environment": {"MODE": "strict"}},
            {"image-uri": IMAGE, "model-data-url": DATA},
        ],
    )
    model = stack.one("AWS::SageMaker::Model")
    assert "PrimaryContainer" not in model
    assert model["Containers"] == [
        {"Image": PRE, "Environment": {"MODE": "strict"}},
        {"Image": IMAGE, "ModelDataUrl": DATA},
    ]
    assert model["InferenceExecutionConfig"] == {"Mode": "Serial"}
    assert stack.statement("PullInferenceImages")["Resource"] == [
        "arn:${AWS::Partition}:ecr:us-east-1:111111111111:repository/fraud-detector",
        "arn:${AWS::Partition}:ecr:us-east-1:111111111111:repository/preprocess",
    ]


AB = [
    {"name": "current", "model-package-arn": PACKAGE, "initial-variant-weight": 9},
    {"name": "challenger", "model-image-uri": IMAGE, "model-data-url": DATA, "instance-type": "ml.c5.xlarge"},
]


def test_variants_each_get_their_own_model_and_weight(synthesize: Any) -> None:
    stack = synthesize(model_package_arn=None, variants=AB, instance_type="ml.m5.large", initial_instance_count=2)
    models = stack.resources("AWS::SageMaker::Model")
    assert sorted(models) == ["ChallengerModel", "CurrentModel"]
    assert models["CurrentModel"]["Properties"]["PrimaryContainer"] == {"ModelPackageName": PACKAGE}
    variants = stack.one("AWS::SageMaker::EndpointConfig")["ProductionVariants"]
    assert [
        (v["VariantName"], v["InstanceType"], v["InitialInstanceCount"], v["InitialVariantWeight"]) for v in variants
    ] == [
        ("current", "ml.m5.large", 2, 9),
        ("challenger", "ml.c5.xlarge", 2, 1),
    ]
    assert variants[0]["ModelName"] == {"Fn::GetAtt": ["CurrentModel", "ModelName"]}
    assert '"VariantNames":["current","challenger"]' in stack.metadata_text
    # A package by ARN (described at synth) plus an image: exactly the repositories both name.
    pull = stack.statement("PullInferenceImages")["Resource"]
    assert pull == "arn:${AWS::Partition}:ecr:us-east-1:111111111111:repository/fraud-detector"


def test_every_variant_has_alarms_named_in_metadata(synthesize: Any) -> None:
    stack = synthesize(model_package_arn=None, variants=AB, alarm_model_latency_p99_ms=250)
    names = sorted(alarm["Properties"]["AlarmName"] for alarm in stack.resources("AWS::CloudWatch::Alarm").values())
    assert names == [
        f"{ENDPOINT}-challenger-5xx-errors",
        f"{ENDPOINT}-challenger-model-latency-p99",
        f"{ENDPOINT}-current-5xx-errors",
        f"{ENDPOINT}-current-model-latency-p99",
    ]
    assert (
        f'"AlarmNames":["{ENDPOINT}-current-5xx-errors","{ENDPOINT}-current-model-latency-p99",'
        f'"{ENDPOINT}-challenger-5xx-errors","{ENDPOINT}-challenger-model-latency-p99"]'
    ) in stack.metadata_text


def test_server_error_alarm_counts_5xx_per_minute(synthesize: Any) -> None:
    stack = synthesize(alarm_5xx_errors_threshold=3, alarm_topic_arn="arn:aws:sns:us-east-1:111111111111:ml-alarms")
    alarm = stack.resources("AWS::CloudWatch::Alarm")["AllTrafficServerErrorsAlarm"]["Properties"]
    assert alarm["Namespace"] == "AWS/SageMaker"
    assert alarm["MetricName"] == "Invocation5XXErrors"
    assert alarm["Dimensions"] == [
        {"Name": "EndpointName", "Value": ENDPOINT},
        {"Name": "VariantName", "Value": "AllTraffic"},
    ]
    assert (alarm["Statistic"], alarm["Period"], alarm["Threshold"]) == ("Sum", 60, 3)
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["AlarmActions"] == alarm["OKActions"] == ["arn:aws:sns:us-east-1:111111111111:ml-alarms"]


def test_latency_alarm_is_off_by_default_and_watches_p99_in_microseconds(synthesize: Any) -> None:
    assert list(synthesize().resources("AWS::CloudWatch::Alarm")) == ["AllTrafficServerErrorsAlarm"]
    alarm = synthesize(alarm_model_latency_p99_ms=250).resources("AWS::CloudWatch::Alarm")[
        "AllTrafficModelLatencyAlarm"
    ]["Properties"]
    assert (alarm["MetricName"], alarm["ExtendedStatistic"], alarm["Threshold"]) == ("ModelLatency", "p99", 250000)


def test_serverless_runs_outside_the_vpc_without_isolation_or_storage_key(synthesize: Any) -> None:
    stack = synthesize(**SERVERLESS, serverless_provisioned_concurrency=5)
    variant = stack.one("AWS::SageMaker::EndpointConfig")["ProductionVariants"][0]
    assert variant["ServerlessConfig"] == {"MemorySizeInMB": 2048, "MaxConcurrency": 20, "ProvisionedConcurrency": 5}
    assert "InstanceType" not in variant
    assert "KmsKeyId" not in stack.one("AWS::SageMaker::EndpointConfig")
    model = stack.one("AWS::SageMaker::Model")
    assert "VpcConfig" not in model
    assert model["EnableNetworkIsolation"] is False
    stack.template.resource_count_is("AWS::EC2::SecurityGroup", 0)
    assert not any(statement.get("Sid", "").endswith("EndpointVpc") for statement in stack.policy_statements)
    assert '"SecurityGroupId":""' in stack.metadata_text


def test_autoscaling_tracks_invocations_per_instance_for_every_variant(synthesize: Any) -> None:
    stack = synthesize(
        model_package_arn=None,
        variants=AB,
        initial_instance_count=2,
        autoscaling_max_capacity=6,
        autoscaling_target_invocations_per_instance=120,
        autoscaling_scale_in_cooldown_seconds=600,
    )
    targets = stack.resources("AWS::ApplicationAutoScaling::ScalableTarget")
    assert sorted(targets) == ["ChallengerScalableTarget", "CurrentScalableTarget"]
    target = stack.flat(targets["CurrentScalableTarget"]["Properties"])
    target.pop("Tags")
    assert target == {
        "ServiceNamespace": "sagemaker",
        "ResourceId": "endpoint/${Endpoint.EndpointName}/variant/current",
        "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
        "MinCapacity": 2,
        "MaxCapacity": 6,
    }
    policy = stack.resources("AWS::ApplicationAutoScaling::ScalingPolicy")["CurrentScalingPolicy"]["Properties"]
    assert policy["PolicyType"] == "TargetTrackingScaling"
    assert policy["TargetTrackingScalingPolicyConfiguration"] == {
        "TargetValue": 120,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"},
        "ScaleInCooldown": 600,
        "ScaleOutCooldown": 60,
    }


def test_serverless_autoscaling_scales_provisioned_concurrency(synthesize: Any) -> None:
    stack = synthesize(**SERVERLESS, serverless_provisioned_concurrency=2, autoscaling_max_capacity=10)
    target = stack.one("AWS::ApplicationAutoScaling::ScalableTarget")
    assert target["ScalableDimension"] == "sagemaker:variant:DesiredProvisionedConcurrency"
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 10)
    configuration = stack.one("AWS::ApplicationAutoScaling::ScalingPolicy")["TargetTrackingScalingPolicyConfiguration"]
    assert configuration["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "SageMakerVariantProvisionedConcurrencyUtilization"
    }
    assert configuration["TargetValue"] == 0.7


def test_all_at_once_still_bakes_and_rolls_back_on_the_alarms(synthesize: Any) -> None:
    config = synthesize().one("AWS::SageMaker::Endpoint")["DeploymentConfig"]
    assert config == {
        "AutoRollbackConfiguration": {"Alarms": [{"AlarmName": f"{ENDPOINT}-AllTraffic-5xx-errors"}]},
        "BlueGreenUpdatePolicy": {
            "TrafficRoutingConfiguration": {"Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 300},
            "TerminationWaitInSeconds": 300,
            "MaximumExecutionTimeoutInSeconds": 3600,
        },
    }


def test_canary_shifts_a_slice_first_and_rolls_back_on_module_and_given_alarms(synthesize: Any) -> None:
    config = synthesize(
        deployment_strategy="CANARY",
        canary_size_percent=20,
        wait_interval_seconds=600,
        rollback_alarm_names=["biz-kpi"],
    ).one("AWS::SageMaker::Endpoint")["DeploymentConfig"]
    assert config["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"] == {
        "Type": "CANARY",
        "WaitIntervalInSeconds": 600,
        "CanarySize": {"Type": "CAPACITY_PERCENT", "Value": 20},
    }
    assert config["AutoRollbackConfiguration"]["Alarms"] == [
        {"AlarmName": f"{ENDPOINT}-AllTraffic-5xx-errors"},
        {"AlarmName": "biz-kpi"},
    ]


def test_linear_shifts_in_equal_steps(synthesize: Any) -> None:
    routing = synthesize(deployment_strategy="LINEAR", linear_step_percent=25).one("AWS::SageMaker::Endpoint")[
        "DeploymentConfig"
    ]["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"]
    assert routing == {
        "Type": "LINEAR",
        "WaitIntervalInSeconds": 300,
        "LinearStepSize": {"Type": "CAPACITY_PERCENT", "Value": 25},
    }


def test_rolling_replaces_instances_in_batches(synthesize: Any) -> None:
    config = synthesize(
        deployment_strategy="ROLLING", rolling_batch_percent=50, maximum_execution_timeout_seconds=7200
    ).one("AWS::SageMaker::Endpoint")["DeploymentConfig"]
    assert "BlueGreenUpdatePolicy" not in config
    assert config["RollingUpdatePolicy"] == {
        "MaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 50},
        "WaitIntervalInSeconds": 300,
        "MaximumExecutionTimeoutInSeconds": 7200,
    }


def test_alarms_exist_before_the_endpoint_that_rolls_back_on_them(synthesize: Any) -> None:
    stack = synthesize(alarm_model_latency_p99_ms=100)
    depends = stack.raw["Resources"]["Endpoint"]["DependsOn"]
    assert {"AllTrafficServerErrorsAlarm", "AllTrafficModelLatencyAlarm"} <= set(depends)


EVERYTHING = {
    "model_package_arn": None,
    "variants": AB,
    "initial_instance_count": 2,
    "instance_type": "ml.m5.large",
    "model_artifacts_bucket_arn": "arn:aws:s3:::mlops-artifacts",
    "data_capture_sampling_percentage": 10,
    "autoscaling_max_capacity": 8,
    "autoscaling_target_invocations_per_instance": 200,
    "alarm_model_latency_p99_ms": 500,
    "alarm_topic_arn": "arn:aws:sns:us-east-1:111111111111:ml-alarms",
    "deployment_strategy": "LINEAR",
    "linear_step_percent": 50,
    "rollback_alarm_names": ["checkout-errors"],
    "permissions_boundary_name": "mlops-boundary",
    "sagemaker_domain_id": "d-abcdefghijkl",
}


def test_everything_at_once_is_cfn_lint_and_rule_pack_clean(synthesize: Any, tmp_path: Any) -> None:
    from cfnlint.api import ManualArgs, lint

    stack = synthesize(**EVERYTHING)
    assert [finding for report in stack.report["pluginReports"] for finding in report["violations"]] == []
    findings = lint(stack.text, config=ManualArgs(regions=["us-east-1"]))
    assert [f"{match.rule.id} {match.message}" for match in findings] == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"model_package_arn": None, "model_image_uri": IMAGE, "containers": [{"image-uri": IMAGE}] * 2},
            "give exactly one model source",
        ),
        (
            {"model_package_arn": None, "model_image_uri": "docker.io/library/python:3.12"},
            "not an Amazon ECR image URI",
        ),
        (
            {"model_package_arn": None, "model_image_uri": IMAGE, "model_data_url": "https://x/model.tar.gz"},
            "not an S3 URL",
        ),
        ({"model_data_url": DATA}, "parameter 'model-data-url' goes with 'model-image-uri', which is not set"),
        ({"model_environment": {"A": "1"}}, "parameter 'model-environment' goes with 'model-image-uri'"),
        (
            {"model_package_arn": None, "containers": [{"image-uri": IMAGE}]},
            "parameter 'containers': must list at least 2 item(s)",
        ),
        ({"model_package_arn": None, "containers": [{"image-uri": IMAGE}] * 16}, "may list at most 15 item(s)"),
        (
            {"model_package_arn": None, "containers": [{"image-uri": IMAGE, "image": IMAGE}] * 2},
            "parameter 'containers[0].image': is not a key this object takes",
        ),
        ({"model_package_arn": None, "variants": [AB[0], AB[0]]}, "variant names must be unique; repeated: current"),
        (
            {
                "model_package_arn": None,
                "variants": [{"name": "x", "model-package-arn": PACKAGE, "model-image-uri": IMAGE}],
            },
            "variant 'x' needs exactly one of model-package-arn and model-image-uri",
        ),
        (
            {
                "model_package_arn": None,
                "variants": [{"name": "x", "model-package-arn": PACKAGE, "model-data-url": DATA}],
            },
            "variant 'x': model-data-url goes with model-image-uri",
        ),
        (
            {
                "model_package_arn": None,
                "variants": [{"name": f"v{i}", "model-package-arn": PACKAGE} for i in range(11)],
            },
            "may list at most 10 item(s)",
        ),
        (
            {"model_package_arn": None, "variants": AB, "variant_name": "main"},
            "parameter 'variant-name' is the short form of a one-element 'variants'",
        ),
        ({**SERVERLESS, "serverless_max_concurrency": None}, "a serverless endpoint needs both"),
        (
            {**SERVERLESS, "serverless_memory_size_mb": 1500},
            "parameter 'serverless-memory-size-mb': must be a multiple of 1024",
        ),
        (
            {**SERVERLESS, "serverless_memory_size_mb": 8192},
            "parameter 'serverless-memory-size-mb': must be at most 6144",
        ),
        (
            {**SERVERLESS, "serverless_max_concurrency": 201},
            "parameter 'serverless-max-concurrency': must be at most 200",
        ),
        (
            {**SERVERLESS, "serverless_provisioned_concurrency": 30},
            "'serverless-provisioned-concurrency': 30 is more than 'serverless-max-concurrency' (20)",
        ),
        (
            {"serverless_provisioned_concurrency": 3},
            "'serverless-provisioned-concurrency' needs 'serverless-memory-size-mb'",
        ),
        (
            {**SERVERLESS, "vpc_id": "vpc-0123456789abcdef0"},
            "parameter 'vpc-id': serverless endpoints support no VPC configuration",
        ),
        (
            {**SERVERLESS, "enable_network_isolation": True},
            "parameter 'enable-network-isolation': serverless endpoints support no network isolation",
        ),
        (
            {
                **SERVERLESS,
                "model_artifacts_bucket_arn": "arn:aws:s3:::mlops-artifacts",
                "data_capture_sampling_percentage": 5,
            },
            "serverless endpoints support no data capture",
        ),
        (
            {**SERVERLESS, "instance_type": "ml.m5.large"},
            "parameter 'instance-type': serverless endpoints support no instance types",
        ),
        (
            {**SERVERLESS, "model_package_arn": None, "containers": [{"image-uri": IMAGE}] * 2},
            "serverless endpoints support no inference pipelines",
        ),
        (
            {**SERVERLESS, "model_package_arn": None, "variants": AB},
            "parameter 'variants': serverless endpoints support one production variant only",
        ),
        ({"vpc_id": None, "subnet_ids": None}, "parameter(s) 'vpc-id', 'subnet-ids': required"),
        (
            {"autoscaling_min_capacity": 1},
            "parameter 'autoscaling-min-capacity' tunes autoscaling, which 'autoscaling-max-capacity' turns on",
        ),
        (
            {"autoscaling_max_capacity": 4},
            "parameter 'autoscaling-target-invocations-per-instance': required with 'autoscaling-max-capacity'",
        ),
        (
            {
                "autoscaling_max_capacity": 4,
                "autoscaling_target_invocations_per_instance": 50,
                "instance_type": "ml.t2.medium",
            },
            "variant 'AllTraffic' runs on ml.t2.medium, a burstable instance type SageMaker cannot autoscale",
        ),
        (
            {
                "autoscaling_max_capacity": 4,
                "autoscaling_target_invocations_per_instance": 50,
                "initial_instance_count": 5,
            },
            "'autoscaling-min-capacity' (5), 'initial-instance-count' (5) of variant 'AllTraffic', 'autoscaling-max-capacity' (4): need min <= initial <= max",
        ),
        (
            {
                "autoscaling_max_capacity": 4,
                "autoscaling_target_invocations_per_instance": 50,
                "autoscaling_min_capacity": 2,
            },
            "'autoscaling-min-capacity' (2), 'initial-instance-count' (1)",
        ),
        (
            {
                "autoscaling_max_capacity": 4,
                "autoscaling_target_invocations_per_instance": 50,
                "autoscaling_target_utilization": 0.5,
            },
            "'autoscaling-target-utilization' applies to serverless provisioned concurrency",
        ),
        (
            {**SERVERLESS, "autoscaling_max_capacity": 4},
            "a serverless endpoint scales its provisioned concurrency; set 'serverless-provisioned-concurrency' too",
        ),
        (
            {**SERVERLESS, "serverless_provisioned_concurrency": 5, "autoscaling_max_capacity": 30},
            "need min <= provisioned <= max <= max concurrency",
        ),
        (
            {
                **SERVERLESS,
                "serverless_provisioned_concurrency": 5,
                "autoscaling_max_capacity": 10,
                "autoscaling_target_invocations_per_instance": 5,
            },
            "applies to instance variants",
        ),
        (
            {"deployment_strategy": "BLUE_GREEN"},
            "parameter 'deployment-strategy': must be one of 'ALL_AT_ONCE', 'CANARY', 'LINEAR' or 'ROLLING'",
        ),
        (
            {"canary_size_percent": 60, "deployment_strategy": "CANARY"},
            "parameter 'canary-size-percent': must be at most 50",
        ),
        (
            {"linear_step_percent": 5, "deployment_strategy": "LINEAR"},
            "parameter 'linear-step-percent': must be at least 10",
        ),
        (
            {"rolling_batch_percent": 2, "deployment_strategy": "ROLLING"},
            "parameter 'rolling-batch-percent': must be at least 5",
        ),
        (
            {"canary_size_percent": 20},
            "parameter 'canary-size-percent' applies to deployment-strategy CANARY, not ALL_AT_ONCE",
        ),
        (
            {"deployment_strategy": "LINEAR", "rolling_batch_percent": 20},
            "'rolling-batch-percent' applies to deployment-strategy ROLLING, not LINEAR",
        ),
        (
            {"deployment_strategy": "ROLLING", "termination_wait_seconds": 60},
            "'termination-wait-seconds' applies to blue/green strategies",
        ),
        ({**SERVERLESS, "deployment_strategy": "ROLLING"}, "ROLLING updates do not support serverless endpoints"),
        (
            {"model_package_arn": None, "variants": AB, "deployment_strategy": "ROLLING"},
            "ROLLING updates do not support multi-variant endpoints",
        ),
        (
            {"wait_interval_seconds": 3601},
            "parameter 'wait-interval-seconds': must be at most 3600",
        ),
        (
            {"maximum_execution_timeout_seconds": 60},
            "parameter 'maximum-execution-timeout-seconds': must be at least 600",
        ),
        (
            {"rollback_alarm_names": [f"a{i}" for i in range(10)]},
            "SageMaker rolls a deployment back on at most 10 alarms, and this endpoint has 1 of its own",
        ),
        (
            {"alarm_topic_arn": "arn:aws:sqs:us-east-1:111111111111:q"},
            "parameter 'alarm-topic-arn': is an ARN of service 'sqs', not 'sns'",
        ),
        (
            {"alarm_5xx_errors_threshold": 0},
            "parameter 'alarm-5xx-errors-threshold': must be at least 1",
        ),
    ],
)
def test_each_conflict_or_range_error_names_its_parameters(
    parameters: Any, fields: dict[str, Any], expected: str
) -> None:
    required = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-0123456789abcdef0"]}
    merged = {"model_package_arn": PACKAGE, **required, **fields}
    parameters(**{key.replace("_", "-"): value for key, value in merged.items() if value is not None})
    with pytest.raises(ParameterError) as raised:
        EndpointSettings.from_env()
    assert expected in str(raised.value)


def test_an_update_keeps_autoscaled_instance_counts_and_applies_the_manifests_weights(synthesize: Any) -> None:
    endpoint = synthesize(
        model_package_arn=None, variants=AB, autoscaling_max_capacity=6, autoscaling_target_invocations_per_instance=90
    ).one("AWS::SageMaker::Endpoint")
    assert endpoint["RetainAllVariantProperties"] is True
    assert endpoint["ExcludeRetainedVariantProperties"] == [{"VariantPropertyType": "DesiredWeight"}]


def test_without_autoscaling_an_update_applies_the_manifests_counts(synthesize: Any) -> None:
    for endpoint in (
        synthesize().one("AWS::SageMaker::Endpoint"),
        # Serverless variants scale provisioned concurrency, which UpdateEndpoint's retention does not name.
        synthesize(**SERVERLESS, serverless_provisioned_concurrency=2, autoscaling_max_capacity=10).one(
            "AWS::SageMaker::Endpoint"
        ),
    ):
        assert "RetainAllVariantProperties" not in endpoint
        assert "ExcludeRetainedVariantProperties" not in endpoint
