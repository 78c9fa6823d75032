"""The model monitoring module's service contracts: what SageMaker does with the jobs' role, what the baselining
function and the deployment role call, each with the call just outside its scope.

Data first (the plan of each contract is read from the template and the module's parameters), so the same table
runs through whichever evaluator tests/real_account uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.matrix import VALID
from tests.real_account.calls import MONITORING, function_actions, monitoring_read_actions
from tests.real_account.cfn import Template
from tests.real_account.contract_parts import OTHER_ACCOUNT, Contract, Request, changed, first_of, key_of, role_arn_of

NAMESPACES = {
    "DataQuality": "data-metrics",
    "ModelQuality": "model-metrics",
    "ModelBias": "bias-metrics",
    "ModelExplainability": "explainability-metrics",
}


def monitoring(template: Template) -> Iterator[Contract]:
    yield from jobs_role(template)
    yield from baselining_function(template)
    yield from deployment_role(template)


def _definitions(template: Template) -> list[tuple[str, dict[str, Any]]]:
    return [
        (kind.split("::")[-1].removesuffix("JobDefinition"), resource["Properties"])
        for _, resource in template.resources.items()
        if (kind := resource["Type"]).startswith("AWS::SageMaker::") and kind.endswith("JobDefinition")
    ]


def _s3(uri: str) -> str:
    return "arn:aws:s3:::" + uri.removeprefix("s3://")


def jobs_role(template: Template) -> Iterator[Contract]:
    """SageMaker runs every monitoring job (and each baselining job) with the module's role."""
    role = first_of(template, "AWS::IAM::Role", "MonitoringRole")
    if role is None:
        return
    arn = role_arn_of(template, role)
    parameters = VALID[template.case][1] if template.case in VALID else template.parameters
    capture = parameters.get("data-capture-s3-uri") or "s3://mlops-artifacts/data-capture/matrix-monitored-endpoint"
    bucket = _s3(capture).split("/", 1)[0]
    read = Request(arn, "s3:GetObject", f"{_s3(capture)}/AllTraffic/2026/11/22/13/capture.jsonl")
    yield Contract(
        "monitoring role", "read the captured data", read, changed(read, resource=f"{bucket}/training/secret.csv")
    )
    for kind, definition in _definitions(template):
        yield from _job(arn, kind, definition, capture)
    listing = Request(arn, "s3:ListBucket", bucket, {"s3:prefix": capture.split("/", 3)[3] + "/AllTraffic/2026"})
    yield Contract("monitoring role", "list the captured data", listing, changed(listing, context={"s3:prefix": ""}))
    key = key_of(template)
    if key and "kms-key-id" not in parameters:
        grant = Request(arn, "kms:CreateGrant", template.arn(key), {"kms:GrantIsForAWSResource": "true"})
        yield Contract(
            "monitoring role",
            "encrypt the jobs' volumes with the module key",
            grant,
            changed(grant, context={"kms:GrantIsForAWSResource": "false"}),
        )
        encrypt = Request(arn, "kms:GenerateDataKey", template.arn(key))
        yield Contract(
            "monitoring role",
            "encrypt the reports with the module key",
            encrypt,
            changed(encrypt, principal=f"arn:aws:iam::{template.account}:role/another-role"),
        )


def _job(arn: str, kind: str, definition: dict[str, Any], capture: str) -> Iterator[Contract]:
    """What one job type does with the role: write its report, read its baseline, publish, pull its image."""
    output = definition[f"{kind}JobOutputConfig"]["MonitoringOutputs"][0]["S3Output"]["S3Uri"]
    write = Request(arn, "s3:PutObject", f"{_s3(output)}/2026/11/22/13/constraint_violations.json")
    yield Contract(
        "monitoring role",
        f"write the {kind} report",
        write,
        changed(write, resource=f"{_s3(capture)}/AllTraffic/forged.jsonl"),
    )
    constraints = definition[f"{kind}BaselineConfig"]["ConstraintsResource"]["S3Uri"]
    baseline = Request(arn, "s3:GetObject", _s3(constraints))
    yield Contract(
        "monitoring role",
        f"read the {kind} baseline",
        baseline,
        changed(baseline, resource=_s3(constraints).rsplit("/", 1)[0] + "-other/constraints.json"),
    )
    if kind in NAMESPACES:
        namespace = f"aws/sagemaker/Endpoints/{NAMESPACES[kind]}"
        metric = Request(arn, "cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": namespace})
        yield Contract(
            "monitoring role",
            f"publish the {kind} metrics",
            metric,
            changed(metric, context={"cloudwatch:namespace": "AWS/EC2"}),
        )
    image = definition[f"{kind}AppSpecification"]["ImageUri"]
    registry, _, path = image.partition("/")
    repository = f"arn:aws:ecr:{registry.split('.')[3]}:{registry.split('.')[0]}:repository/{path.split(':')[0]}"
    pull = Request(arn, "ecr:BatchGetImage", repository)
    yield Contract("monitoring role", f"pull the {kind} image", pull, changed(pull, resource=repository + "-other"))


def baselining_function(template: Template) -> Iterator[Contract]:
    """The custom resource's function starts and watches the baselining jobs (its code's calls)."""
    role = first_of(template, "AWS::IAM::Role", "BaseliningFunctionRole")
    resource = next((props for _, props in template.of_type("Custom::MonitoringBaselines")), None)
    if role is None or resource is None:
        return
    arn, prefix = role_arn_of(template, role), resource["Properties"]["NamePrefix"]
    job = (
        f"arn:aws:sagemaker:{template.region}:{template.account}:processing-job/{prefix}-data-quality-0a1b2c3d-4e5f6a7b"
    )
    monitoring_role = role_arn_of(template, first_of(template, "AWS::IAM::Role", "MonitoringRole") or "")
    parameters = VALID[template.case][1] if template.case in VALID else template.parameters
    context: dict[str, Any] = {
        "sagemaker:NetworkIsolation": "true",
        "sagemaker:InterContainerTrafficEncryption": "true",
        "sagemaker:InstanceTypes": [parameters.get("baseline-instance-type", "ml.m5.xlarge")],
    }
    if "subnet-ids" in parameters:
        context |= {
            "sagemaker:VpcSubnets": parameters["subnet-ids"],
            "sagemaker:VpcSecurityGroupIds": [parameters["security-group-id"]],
        }
    actions = function_actions("baselining", MONITORING / "functions")
    for action in sorted(actions - {"s3:GetObject"}):
        call = Request(arn, action, job, context if action == "sagemaker:CreateProcessingJob" else {})
        outside = (
            changed(call, context={"sagemaker:NetworkIsolation": "false"})
            if action == "sagemaker:CreateProcessingJob"
            else changed(call, resource=job.replace(prefix, "another-module-baseline"))
        )
        yield Contract("baselining function", f"{action} (its code)", call, outside)
    pass_role = Request(arn, "iam:PassRole", monitoring_role, {"iam:PassedToService": "sagemaker.amazonaws.com"})
    yield Contract(
        "baselining function",
        "pass the jobs' role to SageMaker",
        pass_role,
        changed(pass_role, context={"iam:PassedToService": "lambda.amazonaws.com"}),
    )


def deployment_role(template: Template) -> Iterator[Contract]:
    """The synth-time reads (endpoint.py, baselines.py) with the module's deployment role (modulestack.yaml)."""
    if template.case != "modulestack-monitoring":
        return
    role = f"arn:aws:iam::{template.account}:role/{template.parameter('RoleName')}"
    sagemaker = f"arn:aws:sagemaker:{template.region}:{template.account}"
    bucket = template.parameter("ModelBucketArn")
    resources = {
        "sagemaker:DescribeEndpoint": f"{sagemaker}:endpoint/fraud-detector",
        "sagemaker:DescribeEndpointConfig": f"{sagemaker}:endpoint-config/fraud-detector-config-1a2b3c4d",
        "sagemaker:DescribeModel": f"{sagemaker}:model/fraud-detector-model-1a2b3c4d",
        "sagemaker:DescribeModelPackage": f"{sagemaker}:model-package/fraud-detector/3",
        "s3:GetObject": f"{bucket}/baselines/data-quality/constraints.json",
    }
    for action in sorted(monitoring_read_actions()):
        assert action in resources, f"the module reads {action} at synth: add the resource it reads to this table"
        call = Request(role, action, resources[action])
        outside = (
            changed(call, resource=call.resource.replace(bucket, "arn:aws:s3:::another-bucket"))
            if action.startswith("s3:")
            else changed(call, resource=call.resource.replace(f":{template.account}:", f":{OTHER_ACCOUNT}:"))
        )
        yield Contract("deployment role", f"{action} (synth-time read)", call, outside)
