"""A monitoring job: its job definition and the schedule that runs it, built from the job's spec.

The four job definition types share one shape in CloudFormation (`<Type>AppSpecification`,
`<Type>BaselineConfig`, `<Type>JobInput`, `<Type>JobOutputConfig`), so one function builds all four.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

from sagemaker_model_monitoring.specs import JobSpec, NetworkSpec

INPUT_PATH = "/opt/ml/processing/input/endpoint"
OUTPUT_PATH = "/opt/ml/processing/output"
# Without this the jobs publish no CloudWatch metrics at all (the SageMaker Python SDK sets it for every
# schedule it creates; the reference module did not).
ENVIRONMENT = {"publish_cloudwatch_metrics": "Enabled"}


def job_definition(
    scope: Construct,
    job: JobSpec,
    *,
    role_arn: str,
    key_arn: str,
    network: NetworkSpec | None,
    tags: list[dict[str, str]],
) -> cdk.CfnResource:
    kind = job.monitoring_type
    properties: dict[str, Any] = {
        "JobDefinitionName": job.definition_name,
        f"{kind}AppSpecification": app_specification(job),
        f"{kind}BaselineConfig": baseline_config(job),
        f"{kind}JobInput": job_input(job),
        f"{kind}JobOutputConfig": {
            "MonitoringOutputs": [
                {"S3Output": {"LocalPath": OUTPUT_PATH, "S3Uri": job.output.uri, "S3UploadMode": "EndOfJob"}}
            ],
            "KmsKeyId": key_arn,
        },
        "JobResources": {
            "ClusterConfig": {
                "InstanceCount": job.instance_count,
                "InstanceType": job.instance_type,
                "VolumeSizeInGB": job.volume_size_in_gb,
                "VolumeKmsKeyId": key_arn,
            }
        },
        "NetworkConfig": {
            "EnableInterContainerTrafficEncryption": True,
            "EnableNetworkIsolation": job.network_isolation,
            **(
                {"VpcConfig": {"SecurityGroupIds": [network.security_group_id], "Subnets": list(network.subnet_ids)}}
                if network
                else {}
            ),
        },
        "RoleArn": role_arn,
        "StoppingCondition": {"MaxRuntimeInSeconds": job.max_runtime_in_seconds},
        "Tags": tags or None,
    }
    return cdk.CfnResource(
        scope,
        f"{job.construct_id}JobDefinition",
        type=f"AWS::SageMaker::{kind}JobDefinition",
        properties={key: value for key, value in properties.items() if value is not None},
    )


def app_specification(job: JobSpec) -> dict[str, Any]:
    specification: dict[str, Any] = {"ImageUri": job.image.uri(cdk.Aws.URL_SUFFIX), "Environment": ENVIRONMENT}
    if job.problem_type:
        specification["ProblemType"] = job.problem_type
    if job.baseline.config:
        specification["ConfigUri"] = job.baseline.config
    return specification


def baseline_config(job: JobSpec) -> dict[str, Any]:
    config: dict[str, Any] = {"ConstraintsResource": {"S3Uri": job.baseline.constraints}}
    if job.baseline.statistics:
        config["StatisticsResource"] = {"S3Uri": job.baseline.statistics}
    return config


def job_input(job: JobSpec) -> dict[str, Any]:
    endpoint: dict[str, Any] = {"EndpointName": job.endpoint_name, "LocalPath": INPUT_PATH}
    attributes = {
        "FeaturesAttribute": job.features_attribute if job.clarify else None,
        "InferenceAttribute": job.inference_attribute,
        "ProbabilityAttribute": job.probability_attribute,
        "ProbabilityThresholdAttribute": job.probability_threshold_attribute
        if job.monitoring_type != "ModelExplainability"
        else None,
    }
    if job.monitoring_type != "DataQuality":
        endpoint |= {key: value for key, value in attributes.items() if value is not None}
    job_input: dict[str, Any] = {"EndpointInput": endpoint}
    if job.ground_truth is not None:
        job_input["GroundTruthS3Input"] = {"S3Uri": job.ground_truth.uri}
    return job_input


def monitoring_schedule(
    scope: Construct, job: JobSpec, definition: cdk.CfnResource, tags: list[dict[str, str]]
) -> cdk.CfnResource:
    schedule_config: dict[str, Any] = {"ScheduleExpression": job.schedule.expression}
    if job.data_analysis_start_time:
        schedule_config["DataAnalysisStartTime"] = job.data_analysis_start_time
        schedule_config["DataAnalysisEndTime"] = job.data_analysis_end_time
    properties: dict[str, Any] = {
        "MonitoringScheduleName": job.schedule_name,
        "EndpointName": job.endpoint_name,
        "MonitoringScheduleConfig": {
            "MonitoringJobDefinitionName": job.definition_name,
            "MonitoringType": job.monitoring_type,
            "ScheduleConfig": schedule_config,
        },
    }
    if tags:
        properties["Tags"] = tags
    schedule = cdk.CfnResource(
        scope, f"{job.construct_id}MonitoringSchedule", type="AWS::SageMaker::MonitoringSchedule", properties=properties
    )
    # The name is a plain string (so the metadata needs no attribute of a resource): the order is explicit.
    schedule.node.add_dependency(definition)
    return schedule
