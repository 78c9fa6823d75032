"""Baselines computed once on deploy: a custom resource whose function runs Model Monitor's analyzer.

CloudFormation cannot run a processing job itself. On create (and on an update that changes the inputs)
the function starts one processing job per baseline to compute, unless its files already exist, waits
for them, and answers CloudFormation: the schedules, which depend on it, are created only once their
baselines exist, and a failed baselining job fails the deploy with its reason. The reference module
re-ran the baselines every day from a Step Functions machine and a container function; here they move
only when the training data or the job's settings do.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from mlops_platform.function import LeastPrivilegeFunction
from mlops_platform.key import ModuleKey
from sagemaker_model_monitoring.infra import compliance
from sagemaker_model_monitoring.parameters.formats import S3Location
from sagemaker_model_monitoring.specs import BaseliningJob, BaseliningSpec, NetworkSpec

INPUT_PATH = "/opt/ml/processing/input/baseline_dataset_input"
OUTPUT_PATH = "/opt/ml/processing/output"
FILES = {"DataQuality": ("constraints.json", "statistics.json"), "ModelQuality": ("constraints.json",)}
# The function answers CloudFormation before Lambda's 15-minute limit; a longer baselining fails the deploy.
FUNCTION_TIMEOUT = cdk.Duration.minutes(15)
# The Lambda sources live beside the package, in the module folder (functions/<name>/).
CODE = Path(__file__).resolve().parents[2] / "functions" / "baselining"


def computed_baselines(
    scope: Construct,
    spec: BaseliningSpec,
    *,
    role: iam.IRole,
    job_key_arn: str,
    module_key: ModuleKey,
    network: NetworkSpec | None,
) -> cdk.CustomResource:
    stack = cdk.Stack.of(scope)
    function = LeastPrivilegeFunction(
        scope,
        "BaseliningFunction",
        code=CODE,
        handler="baselining_handler.handler",
        description="Computes the monitoring baselines once on deploy (Model Monitor's analyzer)",
        statements=statements(spec, stack, role.role_arn, job_key_arn, network),
        key=module_key,
        timeout=FUNCTION_TIMEOUT,
        wildcard_reasons=compliance.WILDCARD_REASONS,
        why_outside_vpc=compliance.FUNCTION_OUTSIDE_VPC,
        why_no_dead_letter_queue=compliance.FUNCTION_DEAD_LETTERS,
        why_no_reserved_concurrency=compliance.FUNCTION_CONCURRENCY,
    )
    jobs = [
        {
            "Kind": job.kind,
            "Files": [job.output.child(name).uri for name in FILES[job.monitoring_type]],
            "Request": request(job, spec, role.role_arn, job_key_arn, network),
        }
        for job in spec.jobs
    ]
    return cdk.CustomResource(
        scope,
        "ComputedBaselines",
        service_token=function.function_arn,
        resource_type="Custom::MonitoringBaselines",
        properties={"NamePrefix": spec.name_prefix, "Jobs": stack.to_json_string(jobs)},
    )


def request(
    job: BaseliningJob, spec: BaseliningSpec, role_arn: str, key_arn: str, network: NetworkSpec | None
) -> dict[str, object]:
    """CreateProcessingJob's request, less the job name the function gives it."""
    network_config: dict[str, object] = {"EnableInterContainerTrafficEncryption": True, "EnableNetworkIsolation": True}
    if network is not None:
        network_config["VpcConfig"] = {
            "SecurityGroupIds": [network.security_group_id],
            "Subnets": list(network.subnet_ids),
        }
    return {
        "ProcessingInputs": [
            {
                "InputName": "baseline_dataset_input",
                "S3Input": {
                    "S3Uri": job.training_data.uri,
                    "LocalPath": INPUT_PATH,
                    "S3DataType": "S3Prefix",
                    "S3InputMode": "File",
                },
            }
        ],
        "ProcessingOutputConfig": {
            "Outputs": [
                {
                    "OutputName": "monitoring_output",
                    "S3Output": {"S3Uri": job.output.uri, "LocalPath": OUTPUT_PATH, "S3UploadMode": "EndOfJob"},
                }
            ],
            "KmsKeyId": key_arn,
        },
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceCount": spec.instance_count,
                "InstanceType": spec.instance_type,
                "VolumeSizeInGB": spec.volume_size_in_gb,
                "VolumeKmsKeyId": key_arn,
            }
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": spec.max_runtime_in_seconds},
        "AppSpecification": {"ImageUri": job.image.uri(cdk.Aws.URL_SUFFIX)},
        "Environment": dict(job.environment),
        "NetworkConfig": network_config,
        "RoleArn": role_arn,
    }


def statements(
    spec: BaseliningSpec, stack: cdk.Stack, role_arn: str, key_arn: str, network: NetworkSpec | None
) -> list[iam.PolicyStatement]:
    jobs = stack.format_arn(service="sagemaker", resource="processing-job", resource_name=f"{spec.name_prefix}-*")
    # No condition on the jobs' keys: the Service Authorization Reference renamed them (sagemaker:VolumeKmsKey
    # became VolumeKmsKeyArn), so either name may be the one AWS evaluates; the request the function sends,
    # keys included, is written in the template (the custom resource's properties).
    conditions: dict[str, dict[str, object]] = {
        "Bool": {"sagemaker:NetworkIsolation": "true", "sagemaker:InterContainerTrafficEncryption": "true"},
        "ForAllValues:StringEquals": {"sagemaker:InstanceTypes": [spec.instance_type]},
    }
    if network is not None:
        conditions["ForAllValues:StringEquals"] |= {
            "sagemaker:VpcSubnets": list(network.subnet_ids),
            "sagemaker:VpcSecurityGroupIds": [network.security_group_id],
        }
    files = [job.output.child(name) for job in spec.jobs for name in FILES[job.monitoring_type]]
    buckets = sorted({location.bucket for location in files})
    return [
        iam.PolicyStatement(
            sid="StartBaseliningJobs",
            actions=["sagemaker:CreateProcessingJob"],
            resources=[jobs],
            conditions=conditions,
        ),
        iam.PolicyStatement(sid="WatchBaseliningJobs", actions=["sagemaker:DescribeProcessingJob"], resources=[jobs]),
        iam.PolicyStatement(
            sid="PassMonitoringRole",
            actions=["iam:PassRole"],
            resources=[role_arn],
            conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        ),
        iam.PolicyStatement(
            sid="FindComputedBaselines",
            actions=["s3:GetObject"],
            resources=sorted({_object_arn(location, stack) for location in files}),
        ),
        # Without ListBucket, S3 answers a missing object with 403 instead of 404.
        iam.PolicyStatement(
            sid="ListComputedBaselines",
            actions=["s3:ListBucket"],
            resources=[f"arn:{stack.partition}:s3:::{bucket}" for bucket in buckets],
            conditions={"StringEquals": {"s3:prefix": sorted(location.key for location in files)}},
        ),
    ]


def _object_arn(location: S3Location, stack: cdk.Stack) -> str:
    return f"arn:{stack.partition}:s3:::{location.bucket}/{location.key}"
