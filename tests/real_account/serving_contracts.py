"""The service contracts of the serving modes: asynchronous inference, inference components and their
autoscaling (part of the one table that tests/real_account/contracts.py assembles)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from rehearsal.iam_simulator import simulate
from tests.matrix import VALID
from tests.real_account.cfn import Template
from tests.real_account.contract_parts import (
    SCALING_ROLE,
    Contract,
    Request,
    call_of,
    cdk_execution_role,
    changed,
    first_of,
    key_of,
    policies_for,
    role_arn_of,
)
from tests.real_account.policies import as_list

# The serving modes (issue 12): asynchronous inference, inference components and their autoscaling.


def _async_config(template: Template) -> dict[str, Any] | None:
    return next(
        (
            config["Properties"]["AsyncInferenceConfig"]
            for _, config in template.of_type("AWS::SageMaker::EndpointConfig")
            if config["Properties"].get("AsyncInferenceConfig")
        ),
        None,
    )


def _object(url: str, name: str) -> str:
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    return f"arn:aws:s3:::{bucket}/{prefix.strip('/')}/{name}" if prefix.strip("/") else f"arn:aws:s3:::{bucket}/{name}"


def _async_role(template: Template) -> str | None:
    """The execution role's ARN: the module's, else the one given by model-execution-role-arn."""
    role = first_of(template, "AWS::IAM::Role", "ExecutionRole")
    if role is not None:
        return role_arn_of(template, role)
    given = (VALID[template.case][1] if template.case in VALID else template.parameters).get("model-execution-role-arn")
    return str(given) if given else None


def async_inference(template: Template) -> Iterator[Contract]:
    """SageMaker, with the execution role, reading requests, writing results and failures, and publishing
    the notices of an asynchronous endpoint (async-inference-create-endpoint-prerequisites)."""
    config = _async_config(template)
    arn = _async_role(template)
    if config is None or arn is None:
        return
    output = config["OutputConfig"]
    parameters = VALID[template.case][1] if template.case in VALID else template.parameters
    # A role given by ARN is the user's to grant S3 and their own topics to; the module grants its own topic.
    module_role = first_of(template, "AWS::IAM::Role", "ExecutionRole") is not None
    if module_role and "async-input-s3-uri" in parameters:
        call = Request(arn, "s3:GetObject", _object(str(parameters["async-input-s3-uri"]), "request-1.json"))
        yield Contract(
            "execution role",
            "read an asynchronous request",
            call,
            changed(call, resource=call.resource.split("/", 1)[0] + "/elsewhere/request-1.json"),
        )
    written = {output["S3OutputPath"], output.get("S3FailurePath") or output["S3OutputPath"]}
    for url in sorted(written if module_role else set()):
        for action in ("s3:PutObject", "s3:AbortMultipartUpload"):
            call = Request(arn, action, _object(url, "0a1b2c3d.out"))
            yield Contract(
                "execution role",
                f"{action} an asynchronous result under {url}",
                call,
                changed(call, resource=_object(url.rstrip("/") + "-other", "0a1b2c3d.out")),
            )
        bucket = url.removeprefix("s3://").split("/", 1)[0]
        call = Request(arn, "s3:PutObject", _object(url, "0a1b2c3d.out"))
        yield Contract(
            "execution role",
            f"write results into {bucket} only",
            call,
            changed(call, resource=call.resource.replace(f":::{bucket}/", f":::{bucket}-other/")),
        )
    key = key_of(template)
    if module_role and key and output.get("KmsKeyId") == template.arn(key):
        # S3 encrypts the object with the key on the writer's behalf (and decrypts the parts of a multipart
        # upload): kms:ViaService names S3 in this region.
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            call = Request(arn, action, template.arn(key), {"kms:ViaService": f"s3.{template.region}.amazonaws.com"})
            yield Contract(
                "execution role",
                f"{action} to encrypt asynchronous results with the module key",
                call,
                changed(call, resource=call.resource.rsplit("/", 1)[0] + "/another-key"),
            )
    topics = {output.get("NotificationConfig", {}).get(kind) for kind in ("SuccessTopic", "ErrorTopic")} - {None}
    module_topic = first_of(template, "AWS::SNS::Topic")
    for topic in sorted(str(topic) for topic in topics):
        own = module_topic is not None and topic == template.ref(module_topic)
        if not (own or module_role):
            continue
        call = Request(arn, "sns:Publish", topic)
        yield Contract(
            "execution role",
            f"publish an asynchronous notice to {topic}",
            call,
            changed(call, resource=topic + "-other"),
        )
        topic_key = (
            template.resources[module_topic]["Properties"].get("KmsMasterKeyId") if own and module_topic else None
        )
        if topic_key:
            for action in ("kms:GenerateDataKey", "kms:Decrypt"):
                via = {"kms:ViaService": f"sns.{template.region}.amazonaws.com"}
                call = Request(arn, action, str(topic_key), via)
                yield Contract(
                    "execution role",
                    f"{action} to publish to the module's encrypted topic",
                    call,
                    changed(call, resource=str(topic_key).rsplit("/", 1)[0] + "/another-key"),
                )


def inference_components(template: Template) -> Iterator[Contract]:
    """Calls on inference components: the invoke function naming its component, Application Auto Scaling's
    service-linked role changing the copies, and CloudFormation (the CDK execution role) creating both."""
    components = [
        template.resources[logical]["Properties"]["InferenceComponentName"]
        for logical, _ in template.of_type("AWS::SageMaker::InferenceComponent")
    ]
    if not components:
        return
    sagemaker = f"arn:aws:sagemaker:{template.region}:{template.account}"
    endpoint = first_of(template, "AWS::SageMaker::Endpoint")
    endpoint_arn = template.arn(endpoint) if endpoint else f"{sagemaker}:endpoint/?"
    invoke = first_of(template, "AWS::IAM::Role", "InvokeFunctionRole")
    if invoke:
        # InvokeEndpoint authorizes the endpoint (required) and, when the request names one, the inference
        # component (optional): the Service Authorization Reference, Amazon SageMaker AI.
        call = Request(
            role_arn_of(template, invoke),
            "sagemaker:InvokeEndpoint",
            f"{sagemaker}:inference-component/{components[0].lower()}",
        )
        yield Contract(
            "invoke function",
            "sagemaker:InvokeEndpoint naming its inference component",
            call,
            changed(call, resource=f"{sagemaker}:inference-component/another-component"),
        )
    scaling = f"arn:aws:iam::{template.account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
    scaling_role = scaling + SCALING_ROLE
    deployer = f"arn:aws:iam::{template.account}:role/{cdk_execution_role(template)}"
    scaled = {
        str(target["Properties"]["ResourceId"]).removeprefix("inference-component/")
        for _, target in template.of_type("AWS::ApplicationAutoScaling::ScalableTarget")
    }
    module_role = first_of(template, "AWS::IAM::Role", "ExecutionRole")
    for name in components:
        component = f"{sagemaker}:inference-component/{name.lower()}"
        if module_role is not None:
            # SageMaker sends the copies' container logs to the component's own group, with the execution role.
            group = f"arn:aws:logs:{template.region}:{template.account}:log-group:/aws/sagemaker/InferenceComponents"
            for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
                call = Request(role_arn_of(template, module_role), action, f"{group}/{name}:log-stream:AllTraffic/i-1")
                yield Contract(
                    "execution role",
                    f"{action} to the inference component's log group",
                    call,
                    changed(call, resource=call.resource.replace(name, "another-component")),
                )
        # CreateInferenceComponent authorizes the endpoint and the component (both required).
        for action, resource in (
            ("sagemaker:CreateInferenceComponent", endpoint_arn),
            ("sagemaker:CreateInferenceComponent", component),
            ("sagemaker:UpdateInferenceComponent", component),
            ("sagemaker:DeleteInferenceComponent", component),
        ):
            yield Contract(
                "CloudFormation (CDK execution role)", f"{action} (deploy)", Request(deployer, action, resource)
            )
        if name not in scaled:
            continue
        for action in ("sagemaker:DescribeInferenceComponent", "sagemaker:UpdateInferenceComponentRuntimeConfig"):
            yield Contract(
                "application auto scaling", f"{action} to change the copies", Request(scaling_role, action, component)
            )
        alarm = f"arn:aws:cloudwatch:{template.region}:{template.account}:alarm:"
        call = Request(
            scaling_role,
            "cloudwatch:PutMetricAlarm",
            f"{alarm}TargetTracking-inference-component/{name}-AlarmHigh-0a1b",
        )
        yield Contract(
            "application auto scaling",
            "create the target tracking alarms",
            call,
            changed(call, resource=f"{alarm}{name}-no-capacity"),  # the module's own wake-up alarm stays its own
        )
        for action, resource in (
            (
                "application-autoscaling:RegisterScalableTarget",
                f"arn:aws:application-autoscaling:{template.region}:{template.account}:scalable-target/0a1b2c3d",
            ),
            ("application-autoscaling:PutScalingPolicy", "*"),
            ("cloudwatch:PutMetricAlarm", f"{alarm}{name}-no-capacity"),
        ):
            yield Contract(
                "CloudFormation (CDK execution role)", f"{action} (deploy)", Request(deployer, action, resource)
            )
        call = Request(
            deployer,
            "iam:CreateServiceLinkedRole",
            scaling_role,
            {"iam:AWSServiceName": "sagemaker.application-autoscaling.amazonaws.com"},
        )
        yield Contract(
            "CloudFormation (CDK execution role)", "create the scaling service-linked role (first deploy)", call
        )


def _depends_on(template: Template, logical: str) -> set[str]:
    """Every resource `logical` waits for: DependsOn and references, transitively."""
    resources = template.raw["Resources"]
    seen: set[str] = set()
    pending = [logical]
    while pending:
        resource = resources[pending.pop()]
        direct = set(as_list(resource.get("DependsOn", []))) | {
            name
            for name in re.findall(r'"(?:Ref|Fn::GetAtt)": \[?"([A-Za-z0-9]+)', json.dumps(resource))
            if name in resources
        }
        pending += sorted(direct - seen)
        seen |= direct
    return seen


def ordering_failures(template: Template) -> list[str]:
    """Grants SageMaker checks at creation that the template does not create first: the sns:Publish of the
    asynchronous notices (CreateEndpoint sends a test notification) and the component a scalable target
    names."""
    found = []
    config = _async_config(template)
    endpoint = first_of(template, "AWS::SageMaker::Endpoint")
    role = _async_role(template)
    if config and endpoint and role:
        notices = config["OutputConfig"].get("NotificationConfig", {})
        topics = {notices.get(kind) for kind in ("SuccessTopic", "ErrorTopic")} - {None}
        for topic in sorted(str(topic) for topic in topics):
            publish = Request(role, "sns:Publish", topic)
            identity, resource, _ = policies_for(template, publish)
            alone = [*identity, *resource]  # which documents grant the call on their own
            verdicts = simulate([call_of(template, publish, [document]) for document in alone])
            grants = {document.logical for document, verdict in zip(alone, verdicts, strict=True) if verdict.allowed}
            if grants and not grants & _depends_on(template, endpoint):
                found.append(f"{template.case}: the endpoint does not wait for the sns:Publish grant on {topic}")
    for logical, target in template.of_type("AWS::ApplicationAutoScaling::ScalableTarget"):
        if str(target["Properties"]["ResourceId"]).startswith("inference-component/"):
            components = {name for name, _ in template.of_type("AWS::SageMaker::InferenceComponent")}
            if not components & _depends_on(template, logical):
                found.append(f"{template.case}: {logical} does not wait for its inference component")
    return found
