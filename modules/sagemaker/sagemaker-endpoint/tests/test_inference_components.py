"""managed-instance-scaling: an endpoint of inference components, its copies scaled, down to zero instances."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

COMPONENT = {"managed_instance_scaling": True, "inference_component_memory_mb": 2048}
TO_ZERO = {
    **COMPONENT,
    "scaling_min_instance_count": 0,
    "scaling_max_instance_count": 4,
    "autoscaling_max_capacity": 8,
    "autoscaling_target_invocations_per_copy": 4,
}
STACK = "mlops-test-sagemaker-endpoint"
COMPONENT_NAME = f"{STACK}-component"


def test_variant_has_managed_scaling_and_routing_but_no_model(synthesize: Any) -> None:
    stack = synthesize(**COMPONENT, scaling_max_instance_count=3)
    [resource] = stack.resources("AWS::SageMaker::EndpointConfig").values()
    properties = resource["Properties"]
    [variant] = properties["ProductionVariants"]
    assert "ModelName" not in variant
    assert variant["ManagedInstanceScaling"] == {"Status": "ENABLED", "MinInstanceCount": 1, "MaxInstanceCount": 3}
    assert variant["RoutingConfig"] == {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}
    assert variant["InitialInstanceCount"] == 1
    assert properties["ExecutionRoleArn"] == {"Fn::GetAtt": ["ExecutionRole605A040B", "Arn"]}
    assert properties["EnableNetworkIsolation"] is True
    assert properties["VpcConfig"]["Subnets"] == ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
    assert "ExecutionPolicy" in " ".join(resource["DependsOn"])


def test_the_model_runs_as_a_component_with_its_compute_requirements(synthesize: Any) -> None:
    stack = synthesize(**COMPONENT, inference_component_cpus=1.5, inference_component_copy_count=2)
    [component] = stack.resources("AWS::SageMaker::InferenceComponent").values()
    properties = component["Properties"]
    assert properties["InferenceComponentName"] == COMPONENT_NAME
    assert properties["EndpointName"] == {"Fn::GetAtt": ["Endpoint", "EndpointName"]}
    assert properties["VariantName"] == "AllTraffic"
    assert properties["Specification"] == {
        "ModelName": {"Fn::GetAtt": ["Model", "ModelName"]},
        "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 2048, "NumberOfCpuCoresRequired": 1.5},
    }
    assert properties["RuntimeConfig"] == {"CopyCount": 2}
    # ALL_AT_ONCE: SageMaker's own update of the component; the endpoint gets no blue/green configuration.
    assert "DeploymentConfig" not in properties
    assert "DeploymentConfig" not in stack.one("AWS::SageMaker::Endpoint")


def test_rolling_updates_roll_the_components_copies_and_roll_back_on_its_alarms(synthesize: Any) -> None:
    stack = synthesize(**COMPONENT, deployment_strategy="ROLLING", rolling_batch_percent=50)
    [component] = stack.resources("AWS::SageMaker::InferenceComponent").values()
    config = component["Properties"]["DeploymentConfig"]
    assert config["RollingUpdatePolicy"]["MaximumBatchSize"] == {"Type": "CAPACITY_PERCENT", "Value": 50}
    assert config["AutoRollbackConfiguration"]["Alarms"] == [{"AlarmName": f"{STACK}-AllTraffic-5xx-errors"}]
    assert "AllTrafficServerErrorsAlarm" in component["DependsOn"]


def test_alarms_watch_the_components_metrics(synthesize: Any) -> None:
    alarm = synthesize(**COMPONENT, deployment_strategy="ROLLING").one("AWS::CloudWatch::Alarm")
    assert alarm["Dimensions"] == [{"Name": "InferenceComponentName", "Value": COMPONENT_NAME}]


def test_copies_scale_to_zero_and_a_failed_request_brings_the_first_back(synthesize: Any) -> None:
    stack = synthesize(**TO_ZERO)
    [variant] = stack.one("AWS::SageMaker::EndpointConfig")["ProductionVariants"]
    assert variant["ManagedInstanceScaling"]["MinInstanceCount"] == 0
    [target] = stack.resources("AWS::ApplicationAutoScaling::ScalableTarget").values()
    assert target["Properties"]["ResourceId"] == f"inference-component/{COMPONENT_NAME}"
    assert target["Properties"]["ScalableDimension"] == "sagemaker:inference-component:DesiredCopyCount"
    assert (target["Properties"]["MinCapacity"], target["Properties"]["MaxCapacity"]) == (0, 8)
    assert target["DependsOn"] == ["AllTrafficInferenceComponent"]
    policies = {p["Properties"]["PolicyType"]: p["Properties"] for p in stack.resources(SCALING_POLICY).values()}
    tracking = policies["TargetTrackingScaling"]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "SageMakerInferenceComponentInvocationsPerCopy"
    }
    assert tracking["TargetValue"] == 4
    step = policies["StepScaling"]["StepScalingPolicyConfiguration"]
    assert step["StepAdjustments"] == [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}]
    assert step["AdjustmentType"] == "ChangeInCapacity"
    [wake] = [a for a in stack.resources("AWS::CloudWatch::Alarm").values() if "no-capacity" in str(a)]
    assert wake["Properties"]["MetricName"] == "NoCapacityInvocationFailures"
    assert wake["Properties"]["Dimensions"] == [{"Name": "InferenceComponentName", "Value": COMPONENT_NAME}]
    assert wake["Properties"]["AlarmActions"] == [{"Fn::GetAtt": ["AllTrafficComponentWakeUpPolicy", "Arn"]}]
    assert (wake["Properties"]["Threshold"], wake["Properties"]["ComparisonOperator"]) == (
        1,
        "GreaterThanOrEqualToThreshold",
    )


SCALING_POLICY = "AWS::ApplicationAutoScaling::ScalingPolicy"


def test_copies_above_zero_get_no_wake_up_policy(synthesize: Any) -> None:
    stack = synthesize(**COMPONENT, autoscaling_max_capacity=8, autoscaling_target_invocations_per_copy=4)
    assert stack.one("AWS::ApplicationAutoScaling::ScalableTarget")["MinCapacity"] == 1
    assert [p["Properties"]["PolicyType"] for p in stack.resources(SCALING_POLICY).values()] == [
        "TargetTrackingScaling"
    ]


def test_metadata_names_the_components_and_the_invoke_function_targets_one(synthesize: Any) -> None:
    stack = synthesize(**COMPONENT, invoke_function=True)
    assert f'"InferenceComponentNames":["{COMPONENT_NAME}"]' in stack.metadata_text
    [function] = [
        f for f in stack.resources("AWS::Lambda::Function").values() if "SAGEMAKER_ENDPOINT_NAME" in json.dumps(f)
    ]
    assert function["Properties"]["Environment"]["Variables"]["SAGEMAKER_INFERENCE_COMPONENT_NAME"] == COMPONENT_NAME
    statements = [
        stack.flat(statement)
        for key, policy in stack.resources("AWS::IAM::ManagedPolicy").items()
        if key.startswith("InvokeFunction")
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    [invoke] = [statement for statement in statements if statement["Sid"] == "InvokeThisEndpoint"]
    assert invoke["Action"] == "sagemaker:InvokeEndpoint"
    assert invoke["Resource"] == [
        f"arn:${{AWS::Partition}}:sagemaker:us-east-1:111111111111:endpoint/{STACK}",
        f"arn:${{AWS::Partition}}:sagemaker:us-east-1:111111111111:inference-component/{COMPONENT_NAME}",
    ]


def test_endpoints_without_components_publish_no_component_key(synthesize: Any) -> None:
    assert "InferenceComponentNames" not in synthesize().metadata_text


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"inference_component_cpus": 2.0}, "parameter 'inference-component-cpus' configures the inference component"),
        (
            {**COMPONENT, "serverless_memory_size_mb": 2048, "serverless_max_concurrency": 5},
            "parameter 'serverless-memory-size-mb' does not go with 'managed-instance-scaling: true'",
        ),
        ({**COMPONENT, "deployment_strategy": "LINEAR"}, "parameter 'deployment-strategy': LINEAR is a blue/green"),
        ({**COMPONENT, "scaling_min_instance_count": 0}, "parameter 'scaling-min-instance-count': 0 lets SageMaker"),
        (
            {**TO_ZERO, "autoscaling_min_capacity": 1},
            "parameter 'autoscaling-min-capacity': with 'scaling-min-instance-count: 0' the copies must reach zero",
        ),
        (
            {**COMPONENT, "autoscaling_max_capacity": 4, "autoscaling_target_invocations_per_instance": 100},
            "use 'autoscaling-target-invocations-per-copy'",
        ),
        (
            {**COMPONENT, "autoscaling_max_capacity": 4},
            "parameter 'autoscaling-target-invocations-per-copy': required",
        ),
        (
            {**COMPONENT, "autoscaling_target_invocations_per_copy": 4},
            "parameter 'autoscaling-target-invocations-per-copy' tunes autoscaling",
        ),
        (
            {
                **COMPONENT,
                "inference_component_copy_count": 5,
                "autoscaling_max_capacity": 4,
                "autoscaling_target_invocations_per_copy": 4,
            },
            "'inference-component-copy-count' (5), 'autoscaling-max-capacity' (4): need min <= copies <= max",
        ),
    ],
)
def test_combinations_sagemaker_refuses_are_clear_errors(
    refusal: Callable[..., str], fields: dict[str, Any], expected: str
) -> None:
    assert expected in refusal(**fields)


def test_without_a_rolling_update_or_a_topic_the_component_gets_no_alarm_that_would_do_nothing(synthesize: Any) -> None:
    assert not synthesize(**COMPONENT).resources("AWS::CloudWatch::Alarm")
    assert '"AlarmNames":[]' in synthesize(**COMPONENT).metadata_text
    rolling = synthesize(**COMPONENT, deployment_strategy="ROLLING").one("AWS::CloudWatch::Alarm")
    assert "AlarmActions" not in rolling  # the component's rolling update rolls back on it
    notifying = synthesize(**COMPONENT, notifications=True).one("AWS::CloudWatch::Alarm")
    assert notifying["AlarmActions"]


def test_each_component_logs_to_its_own_encrypted_kept_group_which_the_role_may_write_to(synthesize: Any) -> None:
    stack = synthesize(**COMPONENT)
    groups = {g["Properties"]["LogGroupName"]: g for g in stack.resources("AWS::Logs::LogGroup").values()}
    group = groups[f"/aws/sagemaker/InferenceComponents/{COMPONENT_NAME}"]
    assert group["Properties"]["RetentionInDays"] == 365
    assert group["Properties"]["KmsKeyId"]["Fn::GetAtt"][0].startswith("EncryptionKey")
    assert group["DeletionPolicy"] == "RetainExceptOnCreate"
    arn = f"arn:${{AWS::Partition}}:logs:us-east-1:111111111111:log-group:/aws/sagemaker/InferenceComponents/{COMPONENT_NAME}"
    write = stack.statement("WriteInferenceComponentLogs")
    assert write["Resource"] == [arn, f"{arn}:log-stream:*"]
    assert write["Action"] == ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    [component] = stack.resources("AWS::SageMaker::InferenceComponent").values()
    assert "AllTrafficComponentLogGroup" in " ".join(component.get("DependsOn", []))


def test_an_endpoint_without_components_has_no_component_log_group(synthesize: Any) -> None:
    stack = synthesize()
    assert [g["Properties"]["LogGroupName"] for g in stack.resources("AWS::Logs::LogGroup").values()] == [
        "/aws/sagemaker/Endpoints/mlops-test-sagemaker-endpoint"
    ]
    assert not any(s.get("Sid") == "WriteInferenceComponentLogs" for s in stack.policy_statements)


def test_the_references_min_and_max_alone_size_each_copy_from_the_instance(synthesize: Any) -> None:
    from sagemaker_endpoint.inference_components.instance_sizes import InstanceSize

    g5 = InstanceSize(instance_type="ml.g5.xlarge", memory_mib=16384, vcpus=4, accelerators=1)
    stack = synthesize(
        instance=g5,
        managed_instance_scaling=True,
        instance_type="ml.g5.xlarge",
        scaling_min_instance_count=1,
        scaling_max_instance_count=4,
    )
    [component] = stack.resources("AWS::SageMaker::InferenceComponent").values()
    requirements = component["Properties"]["Specification"]["ComputeResourceRequirements"]
    assert requirements == {"MinMemoryRequiredInMb": 8192, "NumberOfAcceleratorDevicesRequired": 1}
    assert component["Metadata"]["mlops:compute"] == (
        "defaulted from ml.g5.xlarge (16384 MiB, 4 vCPUs, 1 accelerator(s), as EC2 DescribeInstanceTypes gives "
        "g5.xlarge): half its memory and all its accelerators per copy"
    )
    given = synthesize(**COMPONENT)  # a manifest that gives the memory is sized as it says
    [component] = given.resources("AWS::SageMaker::InferenceComponent").values()
    assert "Metadata" not in component


def test_the_size_of_an_instance_type_comes_from_ec2(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3
    from moto import mock_aws

    from mlops_platform.contract import ParameterError
    from sagemaker_endpoint.inference_components.instance_sizes import instance_size

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="eu-central-1")
        sizes = {kind: instance_size(ec2, kind) for kind in ("ml.g5.xlarge", "ml.m5.xlarge", "ml.inf2.xlarge")}
        assert [(s.memory_mib, s.vcpus, s.accelerators) for s in sizes.values()] == [
            (16384, 4, 1),
            (16384, 4, 0),
            (16384, 4, 1),  # one Inferentia2 device, which EC2 lists twice (Neuron and inference accelerator)
        ]
        assert sizes["ml.m5.xlarge"].copy_memory_mb == 8192
        with pytest.raises(ParameterError, match=r"^parameter 'instance-type': EC2 knows no instance type m5\.larg"):
            instance_size(ec2, "ml.m5.larg")


def test_without_credentials_an_unsized_component_asks_for_its_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlops_platform import aws_reads
    from mlops_platform.contract import DeploymentContext, ParameterError
    from sagemaker_endpoint.settings import EndpointSettings
    from sagemaker_endpoint.synthesis import resolve_instance_size

    monkeypatch.setattr(aws_reads, "credentials_found", lambda: False)
    settings = EndpointSettings(
        vpc_id="vpc-0123456789abcdef0",
        subnet_ids=("subnet-0123456789abcdef0",),
        model_image_uri="111111111111.dkr.ecr.us-east-1.amazonaws.com/fraud:1",
        managed_instance_scaling=True,
    )
    context = DeploymentContext(project="p", deployment="d", module="m", account="111111111111", region="us-east-1")
    with pytest.raises(ParameterError, match=r"^parameter 'inference-component-memory-mb': not given, so"):
        resolve_instance_size(settings, context)
