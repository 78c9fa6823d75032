"""The service contracts: every call AWS makes on the deployment's behalf, and every call our code makes.

One table, built per synthesized template from what the template declares (its models, alarms, rules,
queues, functions) and from the code (tests/real_account/calls.py). Each contract is a call that must
be allowed and, next to it, the call just outside its scope that must be denied. tests/
test_real_account_contracts.py evaluates both against the template's identity, resource and key
policies; docs/security.md lists the contracts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.matrix import VALID
from tests.real_account.calls import (
    deployed_read_actions,
    function_actions,
    idempotency_actions,
    lookup_actions,
    retained_read_actions,
)
from tests.real_account.cfn import Template
from tests.real_account.evaluate import Request, decide
from tests.real_account.policies import Document, as_list, documents
from tests.repository import ROOT

OTHER_ACCOUNT = "999999999999"
# An AWS-provided inference image (the PyTorch and other deep learning containers' account): what most
# model packages of the model registry and of AWS Marketplace serve.
AWS_IMAGE_ACCOUNT = "763104351884"
# What the Lambda event source mapping calls on the queue with the function's role (Lambda developer
# guide, "Execution role permissions" for Amazon SQS).
EVENT_SOURCE_MAPPING_SQS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")


@dataclass(frozen=True)
class Contract:
    """`call` must be allowed; `outside`, the same call just outside its scope, must be denied."""

    who: str  # the role or service, in the reader's words
    what: str  # why the call is made
    call: Request
    outside: Request | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _with(request: Request, **changes: Any) -> Request:
    context = {**request.context, **changes.pop("context", {})}
    return Request(
        changes.get("principal", request.principal),
        changes.get("action", request.action),
        changes.get("resource", request.resource),
        context,
    )


def _role_arn(template: Template, logical: str) -> str:
    return f"arn:aws:iam::{template.account}:role/{template.physical_name(logical)}"


def _first(template: Template, kind: str, prefix: str = "") -> str | None:
    return next((logical for logical, _ in template.of_type(kind) if logical.startswith(prefix)), None)


def _key(template: Template) -> str | None:
    return _first(template, "AWS::KMS::Key")


def execution_role(template: Template) -> Iterator[Contract]:
    """SageMaker hosting the models with the execution role the stack creates."""
    role = _first(template, "AWS::IAM::Role", "ExecutionRole")
    if role is None:
        return
    arn = _role_arn(template, role)
    region, account = template.region, template.account
    parameters = VALID[template.case][1] if template.case in VALID else template.parameters
    images: set[str] = set()
    data: set[str] = set()
    unknown_package = False
    for _, model in template.of_type("AWS::SageMaker::Model"):
        props = model["Properties"]
        for container in [props.get("PrimaryContainer"), *props.get("Containers", [])]:
            if not container:
                continue
            if "Image" in container:
                images.add(container["Image"])
            if "ModelDataUrl" in container:
                data.add(container["ModelDataUrl"])
            if "ModelPackageName" in container:
                if "model-package-group-name" in parameters:
                    # What the group holds (tests/synthesize_cases.py, or the rehearsal's seed).
                    images.update(template.group_artifacts[0])
                    data.update(template.group_artifacts[1])
                else:
                    unknown_package = True
    for image in sorted(images):
        registry, _, path = image.partition("/")
        repository = path.split(":")[0].split("@")[0]
        image_account, image_region = registry.split(".")[0], registry.split(".")[3]
        call = Request(arn, "ecr:BatchGetImage", f"arn:aws:ecr:{image_region}:{image_account}:repository/{repository}")
        elsewhere = call.resource.replace(f":{image_region}:", ":eu-central-2:")
        yield Contract("execution role", f"pull image {image}", call, _with(call, resource=elsewhere))
    if unknown_package:
        repository = f"arn:aws:ecr:{region}:{AWS_IMAGE_ACCOUNT}:repository/pytorch-inference"
        call = Request(arn, "ecr:BatchGetImage", repository)
        yield Contract(
            "execution role",
            "pull the AWS-provided image of a fixed model package",
            call,
            _with(call, resource=repository.replace(region, "eu-central-2")),
        )
    if images or unknown_package:
        yield Contract("execution role", "authenticate to ECR", Request(arn, "ecr:GetAuthorizationToken", "*"))
    for url in sorted(url for url in data if url.endswith("/")):  # uncompressed model data: a prefix
        bucket, _, key = url.removeprefix("s3://").partition("/")
        call = Request(arn, "s3:ListBucket", f"arn:aws:s3:::{bucket}", {"s3:prefix": key})
        yield Contract(
            "execution role", f"list model data prefix {url}", call, _with(call, context={"s3:prefix": "x/"})
        )
    for url in sorted(data):
        bucket, _, key = url.removeprefix("s3://").partition("/")
        call = Request(arn, "s3:GetObject", f"arn:aws:s3:::{bucket}/{key}", {"s3:ResourceAccount": account})
        outside = _with(
            call, resource=f"arn:aws:s3:::{bucket}-other/{key}", context={"s3:ResourceAccount": OTHER_ACCOUNT}
        )
        yield Contract("execution role", f"read model data {url}", call, outside)
    if unknown_package:
        # Its bucket: the one named by model-artifacts-bucket-arn, else any bucket of this account.
        bucket = str(parameters.get("model-artifacts-bucket-arn", "arn:aws:s3:::packages-bucket"))
        call = Request(arn, "s3:GetObject", f"{bucket}/packages/model.tar.gz", {"s3:ResourceAccount": account})
        yield Contract(
            "execution role",
            "read the model data of a fixed package (bucket unknown at synthesis)",
            call,
            _with(
                call, resource=f"{bucket}-other/packages/model.tar.gz", context={"s3:ResourceAccount": OTHER_ACCOUNT}
            ),
        )
    module_key = _key(template)
    if module_key:
        key_arn = template.arn(module_key)
        for action in ("kms:Decrypt", "kms:GenerateDataKey"):
            yield Contract("execution role", f"{action} with the module key", Request(arn, action, key_arn))
        grant = Request(arn, "kms:CreateGrant", key_arn, {"kms:GrantIsForAWSResource": "true"})
        yield Contract(
            "execution role",
            "attach the key to instance volumes",
            grant,
            _with(grant, context={"kms:GrantIsForAWSResource": "false"}),
        )
    endpoint = _first(template, "AWS::SageMaker::Endpoint")
    name = template.physical_name(endpoint) if endpoint else ""
    if "vpc-id" in parameters:
        ec2 = f"arn:aws:ec2:{region}:{account}"
        vpc = f"{ec2}:vpc/{parameters['vpc-id']}"
        for subnet in parameters["subnet-ids"]:
            call = Request(arn, "ec2:CreateNetworkInterface", f"{ec2}:subnet/{subnet}")
            yield Contract(
                "execution role",
                f"create a network interface in {subnet}",
                call,
                _with(call, resource=f"{ec2}:subnet/subnet-0ther"),
            )
        for context in ({}, {"ec2:Vpc": vpc}):  # whether or not the request carries ec2:Vpc (finding 9)
            call = Request(arn, "ec2:CreateNetworkInterface", f"{ec2}:network-interface/*", context)
            yield Contract(
                "execution role", f"create the network interface itself ({sorted(context) or 'no ec2:Vpc'})", call
            )
        call = Request(arn, "ec2:DeleteNetworkInterface", f"{ec2}:network-interface/eni-1", {"ec2:Vpc": vpc})
        yield Contract(
            "execution role",
            "delete its network interfaces",
            call,
            _with(call, context={"ec2:Vpc": f"{ec2}:vpc/vpc-0ther"}),
        )
        yield Contract("execution role", "describe the network", Request(arn, "ec2:DescribeSubnets", "*"))
    if name:
        group = f"arn:aws:logs:{region}:{account}:log-group:/aws/sagemaker/Endpoints/{name}"
        for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
            call = Request(arn, action, f"{group}:log-stream:AllTraffic/i-0123")
            yield Contract(
                "execution role",
                f"{action} to the endpoint's log group",
                call,
                _with(call, resource=call.resource.replace(name, "another-endpoint")),
            )
    call = Request(arn, "cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": "/aws/sagemaker/Endpoints"})
    yield Contract(
        "execution role", "publish container metrics", call, _with(call, context={"cloudwatch:namespace": "AWS/EC2"})
    )
    for _, config in template.of_type("AWS::SageMaker::EndpointConfig"):
        capture = config["Properties"].get("DataCaptureConfig")
        if capture:
            bucket, _, prefix = capture["DestinationS3Uri"].removeprefix("s3://").partition("/")
            call = Request(arn, "s3:PutObject", f"arn:aws:s3:::{bucket}/{prefix}/AllTraffic/2026/capture.jsonl")
            yield Contract(
                "execution role",
                "write captured data",
                call,
                _with(call, resource=f"arn:aws:s3:::{bucket}/elsewhere/capture.jsonl"),
            )
            break


def publishers(template: Template) -> Iterator[Contract]:
    """CloudWatch alarms and EventBridge rules delivering to the module's topic and queue."""
    account = template.account
    topic = _first(template, "AWS::SNS::Topic")
    key = _key(template)
    targets: list[tuple[str, str, str, str]] = []  # (service, source arn, action, target arn)
    for logical, alarm in template.of_type("AWS::CloudWatch::Alarm"):
        if topic and template.ref(topic) in alarm["Properties"].get("AlarmActions", []):
            targets.append(("cloudwatch.amazonaws.com", template.arn(logical), "sns:Publish", template.ref(topic)))
    for logical, rule in template.of_type("AWS::Events::Rule"):
        for target in rule["Properties"].get("Targets", []):
            destination = str(target["Arn"])
            action = "sqs:SendMessage" if ":sqs:" in destination else "sns:Publish"
            if (topic and destination == template.ref(topic)) or ":sqs:" in destination:
                targets.append(("events.amazonaws.com", template.arn(logical), action, destination))
    for service, source, action, destination in targets:
        context = {"aws:SourceAccount": account, "aws:SourceArn": source}
        call = Request(service, action, destination, context)
        sender = "an alarm of the module" if service.startswith("cloudwatch") else "a rule of the module"
        target = "queue" if ":sqs:" in destination else "topic"
        yield Contract(
            service,
            f"{sender} delivers to the module's {target}",
            call,
            _with(
                call,
                context={"aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": source.replace(account, OTHER_ACCOUNT)},
            ),
        )
        if key:
            for key_action in ("kms:GenerateDataKey", "kms:Decrypt"):
                call = Request(service, key_action, template.arn(key), context)
                yield Contract(
                    service,
                    f"{key_action} to deliver to the module's encrypted {target}",
                    call,
                    _with(call, context={"aws:SourceAccount": OTHER_ACCOUNT}),
                )


def functions(template: Template) -> Iterator[Contract]:
    """The refresh and invoke functions' own calls (derived from their code), their event source and logs."""
    endpoint = _first(template, "AWS::SageMaker::Endpoint")
    if endpoint is None:
        return
    endpoint_arn = template.arn(endpoint)
    other_endpoint = endpoint_arn.rsplit("/", 1)[0] + "/another-endpoint"
    key = _key(template)
    refresh = _first(template, "AWS::IAM::Role", "ModelRefreshRole")
    if refresh:
        arn = _role_arn(template, refresh)
        queue = template.arn(_first(template, "AWS::SQS::Queue", "RefreshQueue") or "")
        dead_letters = template.arn(_first(template, "AWS::SQS::Queue", "RefreshDeadLetterQueue") or "")
        table = template.arn(_first(template, "AWS::DynamoDB::Table") or "")
        configs = [template.arn(logical) for logical, _ in template.of_type("AWS::SageMaker::EndpointConfig")]
        watched = _watched_objects(template)
        resources = {
            "sagemaker:DescribeEndpoint": [endpoint_arn],
            "sagemaker:ListTags": [endpoint_arn],
            "sagemaker:AddTags": [endpoint_arn],
            "sagemaker:UpdateEndpoint": [endpoint_arn, *configs],
            "s3:GetObject": watched,
            "sqs:SendMessage": [dead_letters],
        }
        for action in sorted(function_actions("refresh")):
            assert action in resources, f"refresh calls {action}: add the resource it acts on to this table"
            for resource in resources[action]:
                call = Request(arn, action, resource)
                yield Contract("refresh function", f"{action} (its code)", call, _outside(call, other_endpoint))
        for bucket in sorted({resource.split(":::", 1)[1].split("/", 1)[0] for resource in watched}):
            # S3 checks ListBucket, with no s3:prefix, to answer a missing object with 404 rather than 403.
            call = Request(arn, "s3:ListBucket", f"arn:aws:s3:::{bucket}")
            yield Contract(
                "refresh function",
                "tell a deleted model data object (404) from a denied one (403)",
                call,
                _with(call, context={"s3:prefix": "elsewhere/"}),
            )
        for action in sorted(idempotency_actions()):
            call = Request(arn, action, table)
            yield Contract(
                "refresh function", f"{action} (Powertools idempotency)", call, _with(call, resource=table + "-other")
            )
        for action in EVENT_SOURCE_MAPPING_SQS:
            call = Request(arn, action, queue)
            yield Contract(
                "refresh function", f"{action} (its SQS event source)", call, _with(call, resource=dead_letters)
            )
        if key:
            for action in ("kms:Decrypt", "kms:GenerateDataKey"):
                yield Contract(
                    "refresh function", f"{action}: encrypted queues and table", Request(arn, action, template.arn(key))
                )
            # UpdateEndpoint to a configuration that names a key: the caller must be able to use the key
            # (CreateEndpointConfig's KmsKeyId: "The KMS key policy must grant permission to the IAM role
            # that you specify in your CreateEndpoint, UpdateEndpoint requests").
            if any(
                config["Properties"].get("KmsKeyId") for _, config in template.of_type("AWS::SageMaker::EndpointConfig")
            ):
                grant = Request(arn, "kms:CreateGrant", template.arn(key), {"kms:GrantIsForAWSResource": "true"})
                yield Contract(
                    "refresh function",
                    "switch to a configuration whose volumes use the module key",
                    grant,
                    _with(grant, context={"kms:GrantIsForAWSResource": "false"}),
                )
                yield Contract(
                    "refresh function",
                    "describe the configuration's key",
                    Request(arn, "kms:DescribeKey", template.arn(key)),
                )
    invoke = _first(template, "AWS::IAM::Role", "InvokeFunctionRole")
    if invoke:
        arn = _role_arn(template, invoke)
        for action in sorted(function_actions("invoke")):
            call = Request(arn, action, endpoint_arn)
            yield Contract("invoke function", f"{action} (its code)", call, _with(call, resource=other_endpoint))
    for logical, function in template.of_type("AWS::Lambda::Function"):
        role_name = str(function["Properties"]["Role"]).rsplit("/", 1)[1]
        group = function["Properties"]["LoggingConfig"]["LogGroup"]
        stream = (
            f"arn:aws:logs:{template.region}:{template.account}:log-group:{group}:log-stream:2026/11/22/[$LATEST]0a1b"
        )
        call = Request(f"arn:aws:iam::{template.account}:role/{role_name}", "logs:PutLogEvents", stream)
        yield Contract(
            _function_name(logical),
            "write its logs",
            call,
            _with(call, resource=stream.replace(group, "/aws/lambda/other")),
        )
        if "KmsKeyArn" in function["Properties"]:
            role_arn = f"arn:aws:iam::{template.account}:role/{role_name}"
            call = Request(role_arn, "kms:Decrypt", function["Properties"]["KmsKeyArn"])
            yield Contract(_function_name(logical), "decrypt its environment", call)


def _function_name(logical: str) -> str:
    return "refresh function" if logical.startswith("ModelRefresh") else "invoke function"


def _outside(call: Request, other_endpoint: str) -> Request:
    if ":endpoint/" in call.resource or ":endpoint-config/" in call.resource:
        return _with(call, resource=other_endpoint)
    if call.resource.startswith("arn:aws:s3:::"):
        return _with(call, resource=call.resource + ".other")
    return _with(call, resource=call.resource + "-other")


def _watched_objects(template: Template) -> list[str]:
    objects: set[str] = set()
    for _, rule in template.of_type("AWS::Events::Rule"):
        detail = rule["Properties"].get("EventPattern", {}).get("detail", {})
        for bucket in detail.get("bucket", {}).get("name", []):
            for key in detail.get("object", {}).get("key", []):
                objects.add(f"arn:aws:s3:::{bucket}/{key['prefix'] + 'x' if isinstance(key, dict) else key}")
    return sorted(objects)


def deployment_role(template: Template) -> Iterator[Contract]:
    """The Seed-Farmer deployment role's synth-time reads (model_package.py, deployed.py, retained.py),
    with the modulestack's policies."""
    if not template.case.startswith("modulestack"):
        return
    role = f"arn:aws:iam::{template.account}:role/{template.parameter('RoleName')}"
    sagemaker = f"arn:aws:sagemaker:{template.region}:{template.account}"
    stack = "-".join(template.parameter(name) for name in ("ProjectName", "DeploymentName", "ModuleName"))
    kept = {
        "cloudformation:ListStackResources": (
            f"arn:aws:cloudformation:{template.region}:{template.account}:stack/{stack}/0a1b2c3d-4e5f"
        ),
        "logs:DescribeLogGroups": "*",
    }
    for action in sorted(retained_read_actions()):
        call = Request(role, action, kept[action])
        yield Contract(
            "deployment role",
            f"{action} (log groups an earlier deployment kept, before each deploy)",
            call,
            None
            if call.resource == "*"
            else _with(call, resource=call.resource.replace(f"/{stack}/", f"/{stack}-other/")),
        )
    if template.module != "sagemaker-endpoint":
        return
    deployed = {
        "sagemaker:DescribeEndpoint": f"{sagemaker}:endpoint/{stack}",
        "sagemaker:DescribeEndpointConfig": f"{sagemaker}:endpoint-config/{stack}-config-0a1b2c3d",
        "application-autoscaling:DescribeScalableTargets": "*",
    }
    for action in sorted(deployed_read_actions()):
        call = Request(role, action, deployed[action])
        elsewhere = call.resource.replace(f"/{template.parameter('ProjectName')}-", "/another-project-")
        yield Contract(
            "deployment role",
            f"{action} (the deployed endpoint, before each deploy)",
            call,
            None if call.resource == "*" else _with(call, resource=elsewhere),
        )
    if "ModelPackageLookup" not in template.resources:
        return
    group = template.parameter("ModelPackageGroupName").lower()  # SageMaker's ARNs carry names in lower case
    resources = {
        "sagemaker:DescribeModelPackageGroup": f"{sagemaker}:model-package-group/{group}",
        "sagemaker:ListModelPackages": f"{sagemaker}:model-package/*",
        "sagemaker:DescribeModelPackage": f"{sagemaker}:model-package/{group}/7",
    }
    for action in sorted(lookup_actions()):
        call = Request(role, action, resources[action])
        outside = (
            None
            if action == "sagemaker:ListModelPackages"
            # SageMaker's ARNs are lower case and CloudFormation cannot lower-case the group name: the
            # role reads the registry of this account and region, nothing elsewhere.
            else _with(call, resource=call.resource.replace(f":{template.region}:", ":eu-central-2:"))
        )
        yield Contract("deployment role", f"{action} (synth-time lookup)", call, outside)


def contracts(template: Template) -> list[Contract]:
    """Every contract of `template`."""
    return [
        *execution_role(template),
        *publishers(template),
        *functions(template),
        *deployment_role(template),
        *async_inference(template),
        *inference_components(template),
    ]


def policies_for(template: Template, request: Request) -> tuple[list[Document], list[Document], list[Document]]:
    """The identity policies of the request's principal and the resource and key policies of its target."""
    all_documents = [*documents(template), *aws_managed_documents(template)]
    role_name = request.principal.rsplit("/", 1)[-1]
    identity = [document for document in all_documents if document.kind == "identity" and role_name in document.roles]
    resource = [
        document for document in all_documents if document.kind == "resource" and request.resource in document.targets
    ]
    key = [document for document in all_documents if document.kind == "key" and request.resource in document.targets]
    return identity, resource, key


def failures(template: Template) -> list[str]:
    """Each contract whose call is denied, or whose call outside the scope is allowed."""
    found = []
    for contract in contracts(template):
        if not decide(contract.call, *policies_for(template, contract.call)):
            found.append(
                f"{template.case}: DENIED {contract.who}: {contract.what}: {contract.call.action} on {contract.call.resource}"
            )
        if contract.outside and decide(contract.outside, *policies_for(template, contract.outside)):
            found.append(
                f"{template.case}: ALLOWED OUTSIDE {contract.who}: {contract.what}: {contract.outside.action} on "
                f"{contract.outside.resource} {contract.outside.context}"
            )
    return found


# The serving modes (issue 12): asynchronous inference, inference components and their autoscaling.

# Application Auto Scaling's service-linked role for SageMaker, and the AWS managed policy attached to it
# (AWSApplicationAutoscalingSageMakerEndpointPolicy, its statements as the AWS Managed Policy Reference
# lists them): the role that scales the copies of an inference component.
SCALING_ROLE = "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"
SCALING_ROLE_STATEMENTS = (
    {
        "Effect": "Allow",
        "Action": [
            "sagemaker:DescribeEndpoint",
            "sagemaker:DescribeEndpointConfig",
            "sagemaker:DescribeInferenceComponent",
            "sagemaker:UpdateEndpointWeightsAndCapacities",
            "sagemaker:UpdateInferenceComponentRuntimeConfig",
            "cloudwatch:DescribeAlarms",
            "cloudwatch:GetMetricData",
        ],
        "Resource": "*",
    },
    {
        "Effect": "Allow",
        "Action": ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
        "Resource": "arn:aws:cloudwatch:*:*:alarm:TargetTracking*",
    },
)
# CloudFormation deploys with the CDK's execution role, whose policies docs/cdk-execution-policy holds.
CDK_EXECUTION_POLICIES = ROOT / "docs" / "cdk-execution-policy"


def _cdk_execution_role(template: Template) -> str:
    return f"cdk-hnb659fds-cfn-exec-role-{template.account}-{template.region}"


def aws_managed_documents(template: Template) -> list[Document]:
    """Policies the template does not hold but its calls are evaluated against: the service-linked role's
    AWS managed policy and the CDK execution policies of the template's module (docs/cdk-execution-policy)."""
    found = [Document(template, SCALING_ROLE, "identity", SCALING_ROLE_STATEMENTS, (SCALING_ROLE,))]
    for path in sorted(CDK_EXECUTION_POLICIES.glob(f"{template.module}*.json")):
        statements = tuple(json.loads(path.read_text())["Statement"])
        found.append(Document(template, path.name, "identity", statements, (_cdk_execution_role(template),)))
    return found


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
    role = _first(template, "AWS::IAM::Role", "ExecutionRole")
    if role is not None:
        return _role_arn(template, role)
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
    module_role = _first(template, "AWS::IAM::Role", "ExecutionRole") is not None
    if module_role and "async-input-s3-uri" in parameters:
        call = Request(arn, "s3:GetObject", _object(str(parameters["async-input-s3-uri"]), "request-1.json"))
        yield Contract(
            "execution role",
            "read an asynchronous request",
            call,
            _with(call, resource=call.resource.split("/", 1)[0] + "/elsewhere/request-1.json"),
        )
    written = {output["S3OutputPath"], output.get("S3FailurePath") or output["S3OutputPath"]}
    for url in sorted(written if module_role else set()):
        for action in ("s3:PutObject", "s3:AbortMultipartUpload"):
            call = Request(arn, action, _object(url, "0a1b2c3d.out"))
            yield Contract(
                "execution role",
                f"{action} an asynchronous result under {url}",
                call,
                _with(call, resource=_object(url.rstrip("/") + "-other", "0a1b2c3d.out")),
            )
        bucket = url.removeprefix("s3://").split("/", 1)[0]
        call = Request(arn, "s3:PutObject", _object(url, "0a1b2c3d.out"))
        yield Contract(
            "execution role",
            f"write results into {bucket} only",
            call,
            _with(call, resource=call.resource.replace(f":::{bucket}/", f":::{bucket}-other/")),
        )
    key = _key(template)
    if module_role and key and output.get("KmsKeyId") == template.arn(key):
        # S3 encrypts the object with the key on the writer's behalf (and decrypts the parts of a multipart
        # upload): kms:ViaService names S3 in this region.
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            call = Request(arn, action, template.arn(key), {"kms:ViaService": f"s3.{template.region}.amazonaws.com"})
            yield Contract(
                "execution role",
                f"{action} to encrypt asynchronous results with the module key",
                call,
                _with(call, resource=call.resource.rsplit("/", 1)[0] + "/another-key"),
            )
    topics = {output.get("NotificationConfig", {}).get(kind) for kind in ("SuccessTopic", "ErrorTopic")} - {None}
    module_topic = _first(template, "AWS::SNS::Topic")
    for topic in sorted(str(topic) for topic in topics):
        own = module_topic is not None and topic == template.ref(module_topic)
        if not (own or module_role):
            continue
        call = Request(arn, "sns:Publish", topic)
        yield Contract(
            "execution role", f"publish an asynchronous notice to {topic}", call, _with(call, resource=topic + "-other")
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
                    _with(call, resource=str(topic_key).rsplit("/", 1)[0] + "/another-key"),
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
    endpoint = _first(template, "AWS::SageMaker::Endpoint")
    endpoint_arn = template.arn(endpoint) if endpoint else f"{sagemaker}:endpoint/?"
    invoke = _first(template, "AWS::IAM::Role", "InvokeFunctionRole")
    if invoke:
        # InvokeEndpoint authorizes the endpoint (required) and, when the request names one, the inference
        # component (optional): the Service Authorization Reference, Amazon SageMaker AI.
        call = Request(
            _role_arn(template, invoke),
            "sagemaker:InvokeEndpoint",
            f"{sagemaker}:inference-component/{components[0].lower()}",
        )
        yield Contract(
            "invoke function",
            "sagemaker:InvokeEndpoint naming its inference component",
            call,
            _with(call, resource=f"{sagemaker}:inference-component/another-component"),
        )
    scaling = f"arn:aws:iam::{template.account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
    scaling_role = scaling + SCALING_ROLE
    deployer = f"arn:aws:iam::{template.account}:role/{_cdk_execution_role(template)}"
    scaled = {
        str(target["Properties"]["ResourceId"]).removeprefix("inference-component/")
        for _, target in template.of_type("AWS::ApplicationAutoScaling::ScalableTarget")
    }
    for name in components:
        component = f"{sagemaker}:inference-component/{name.lower()}"
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
            _with(call, resource=f"{alarm}{name}-no-capacity"),  # the module's own wake-up alarm stays its own
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
    endpoint = _first(template, "AWS::SageMaker::Endpoint")
    role = _async_role(template)
    if config and endpoint and role:
        notices = config["OutputConfig"].get("NotificationConfig", {})
        topics = {notices.get(kind) for kind in ("SuccessTopic", "ErrorTopic")} - {None}
        for topic in sorted(str(topic) for topic in topics):
            publish = Request(role, "sns:Publish", topic)
            identity, resource, _ = policies_for(template, publish)
            grants = {
                document.logical
                for document in [*identity, *resource]
                if decide(publish, *(([document], [], []) if document.kind == "identity" else ([], [document], [])))
            }
            if grants and not grants & _depends_on(template, endpoint):
                found.append(f"{template.case}: the endpoint does not wait for the sns:Publish grant on {topic}")
    for logical, target in template.of_type("AWS::ApplicationAutoScaling::ScalableTarget"):
        if str(target["Properties"]["ResourceId"]).startswith("inference-component/"):
            components = {name for name, _ in template.of_type("AWS::SageMaker::InferenceComponent")}
            if not components & _depends_on(template, logical):
                found.append(f"{template.case}: {logical} does not wait for its inference component")
    return found
