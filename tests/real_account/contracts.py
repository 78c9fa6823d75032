"""The service contracts: every call AWS makes on the deployment's behalf, and every call our code makes.

One table, built per synthesized template from what the template declares (its models, alarms, rules,
queues, functions) and from the code (tests/real_account/calls.py). Each contract is a call that must
be allowed and, next to it, the call just outside its scope that must be denied. tests/
test_real_account_contracts.py has the IAM simulator (rehearsal/iam_simulator.py) evaluate both
against the template's identity, resource and key policies; docs/security.md lists the contracts. The
serving modes' contracts are in serving_contracts.py, CloudWatch Logs' use of the log groups' keys in
log_contracts.py, what every contract is made of in contract_parts.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from rehearsal.iam_simulator import simulate
from tests.matrix import VALID
from tests.real_account import registry_contracts
from tests.real_account.calls import (
    deployed_read_actions,
    function_actions,
    idempotency_actions,
    instance_size_actions,
    lookup_actions,
    quota_read_actions,
    retained_read_actions,
)
from tests.real_account.cfn import Template
from tests.real_account.contract_parts import (
    EVENT_SOURCE_MAPPING_SQS,
    OTHER_ACCOUNT,
    Contract,
    Request,
    call_of,
    changed,
    first_of,
    key_of,
    policies_for,
    role_arn_of,
)
from tests.real_account.log_contracts import encrypted_log_groups
from tests.real_account.monitoring_contracts import monitoring
from tests.real_account.serving_contracts import (
    async_inference,
    inference_components,
    ordering_failures,
)
from tests.real_account.studio_contracts import deployed_domain_read, studio


def execution_role(template: Template) -> Iterator[Contract]:
    """SageMaker hosting the models with the execution role the stack creates."""
    role = first_of(template, "AWS::IAM::Role", "ExecutionRole")
    if role is None:
        return
    arn = role_arn_of(template, role)
    region, account = template.region, template.account
    parameters = VALID[template.case][1] if template.case in VALID else template.parameters
    images: set[str] = set()
    data: set[str] = set()
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
                if str(container["ModelPackageName"]).split(":")[4] != account:
                    # A registry's package: its artifacts are read with the registry's policies on the other
                    # side (tests/real_account/endpoint_across.py), not with this template's alone.
                    continue
                # Every package is described at synth: what the registry holds for it (tests/synthesize_cases.py,
                # or the rehearsal's seed).
                images.update(template.group_artifacts[0])
                data.update(template.group_artifacts[1])
    for image in sorted(images):
        registry, _, path = image.partition("/")
        repository = path.split(":")[0].split("@")[0]
        image_account, image_region = registry.split(".")[0], registry.split(".")[3]
        call = Request(arn, "ecr:BatchGetImage", f"arn:aws:ecr:{image_region}:{image_account}:repository/{repository}")
        elsewhere = call.resource.replace(f":{image_region}:", ":eu-central-2:")
        yield Contract("execution role", f"pull image {image}", call, changed(call, resource=elsewhere))
    if images:
        yield Contract("execution role", "authenticate to ECR", Request(arn, "ecr:GetAuthorizationToken", "*"))
    for url in sorted(url for url in data if url.endswith("/")):  # uncompressed model data: a prefix
        bucket, _, key = url.removeprefix("s3://").partition("/")
        call = Request(arn, "s3:ListBucket", f"arn:aws:s3:::{bucket}", {"s3:prefix": key})
        yield Contract(
            "execution role", f"list model data prefix {url}", call, changed(call, context={"s3:prefix": "x/"})
        )
    for url in sorted(data):
        bucket, _, key = url.removeprefix("s3://").partition("/")
        call = Request(arn, "s3:GetObject", f"arn:aws:s3:::{bucket}/{key}", {"s3:ResourceAccount": account})
        outside = changed(
            call, resource=f"arn:aws:s3:::{bucket}-other/{key}", context={"s3:ResourceAccount": OTHER_ACCOUNT}
        )
        yield Contract("execution role", f"read model data {url}", call, outside)
    module_key = key_of(template)
    if module_key:
        key_arn = template.arn(module_key)
        for action in ("kms:Decrypt", "kms:GenerateDataKey"):
            yield Contract("execution role", f"{action} with the module key", Request(arn, action, key_arn))
        grant = Request(arn, "kms:CreateGrant", key_arn, {"kms:GrantIsForAWSResource": "true"})
        yield Contract(
            "execution role",
            "attach the key to instance volumes",
            grant,
            changed(grant, context={"kms:GrantIsForAWSResource": "false"}),
        )
    endpoint = first_of(template, "AWS::SageMaker::Endpoint")
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
                changed(call, resource=f"{ec2}:subnet/subnet-0ther"),
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
            changed(call, context={"ec2:Vpc": f"{ec2}:vpc/vpc-0ther"}),
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
                changed(call, resource=call.resource.replace(name, "another-endpoint")),
            )
    call = Request(arn, "cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": "/aws/sagemaker/Endpoints"})
    yield Contract(
        "execution role", "publish container metrics", call, changed(call, context={"cloudwatch:namespace": "AWS/EC2"})
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
                changed(call, resource=f"arn:aws:s3:::{bucket}/elsewhere/capture.jsonl"),
            )
            break


def publishers(template: Template) -> Iterator[Contract]:
    """CloudWatch alarms and EventBridge rules delivering to the module's topic and queue: each for the alarms
    and rules of the module only (another one of the same account is refused), and the module key for them."""
    account, region = template.account, template.region
    topic = first_of(template, "AWS::SNS::Topic")
    key = key_of(template)
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
        from_alarm = service.startswith("cloudwatch")
        another = (
            f"arn:aws:cloudwatch:{region}:{account}:alarm:another-alarm"
            if from_alarm
            else f"arn:aws:events:{region}:{account}:rule/another-rule"
        )
        call = Request(service, action, destination, {"aws:SourceAccount": account, "aws:SourceArn": source})
        sender = "an alarm of the module" if from_alarm else "a rule of the module"
        target = "queue" if ":sqs:" in destination else "topic"
        yield Contract(
            service,
            f"{sender} delivers to the module's {target}",
            call,
            changed(call, context={"aws:SourceArn": another}),
        )
        if key:
            yield from _key_for_delivery(template, key, call, target, another)


def _key_for_delivery(template: Template, key: str, delivery: Request, target: str, another: str) -> Iterator[Contract]:
    """What the service's calls to KMS carry when SQS or SNS encrypt its message with the module key: the
    encryption context naming the queue or topic, and, for CloudWatch but not for EventBridge, the source (the
    SNS Developer Guide, Key management: aws:SourceAccount and aws:SourceArn in a key policy "not supported for
    EventBridge-to-encrypted topics")."""
    service = target.replace("topic", "sns").replace("queue", "sqs")
    context_key = "kms:EncryptionContext:aws:sns:topicArn" if service == "sns" else "kms:EncryptionContext:aws:sqs:arn"
    bound = {context_key: delivery.resource}
    from_events = delivery.principal == "events.amazonaws.com"
    context = bound if from_events else {**delivery.context, **bound}
    for key_action in ("kms:GenerateDataKey", "kms:Decrypt"):
        call = Request(delivery.principal, key_action, template.arn(key), context)
        outside = (
            changed(
                call, context={context_key: f"arn:aws:{service}:{template.region}:{OTHER_ACCOUNT}:another-{target}"}
            )
            if from_events
            else changed(call, context={"aws:SourceArn": another})
        )
        yield Contract(delivery.principal, f"{key_action} to deliver to the module's encrypted {target}", call, outside)


def functions(template: Template) -> Iterator[Contract]:
    """The refresh and invoke functions' own calls (derived from their code), their event source and logs."""
    endpoint = first_of(template, "AWS::SageMaker::Endpoint")
    if endpoint is None:
        return
    endpoint_arn = template.arn(endpoint)
    other_endpoint = endpoint_arn.rsplit("/", 1)[0] + "/another-endpoint"
    key = key_of(template)
    refresh = first_of(template, "AWS::IAM::Role", "ModelRefreshRole")
    if refresh:
        arn = role_arn_of(template, refresh)
        queue = template.arn(first_of(template, "AWS::SQS::Queue", "RefreshQueue") or "")
        dead_letters = template.arn(first_of(template, "AWS::SQS::Queue", "RefreshDeadLetterQueue") or "")
        table = template.arn(first_of(template, "AWS::DynamoDB::Table") or "")
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
        for action in sorted(set(function_actions("refresh")) - {"s3:ListBucket"}):
            assert action in resources, f"refresh calls {action}: add the resource it acts on to this table"
            for resource in resources[action]:
                call = Request(arn, action, resource)
                yield Contract("refresh function", f"{action} (its code)", call, _outside(call, other_endpoint))
        assert "s3:ListBucket" in function_actions("refresh")
        for watched_object in watched:
            # It lists exactly the watched key, to tell a deleted object from a denied one; a listing without a
            # prefix (what S3 checks to answer a missing object 404) is denied.
            bucket, object_key = watched_object.split(":::", 1)[1].split("/", 1)
            call = Request(arn, "s3:ListBucket", f"arn:aws:s3:::{bucket}", {"s3:prefix": object_key})
            yield Contract(
                "refresh function",
                "list exactly a watched key (a deleted model data object, answered 403)",
                call,
                Request(arn, "s3:ListBucket", call.resource),
            )
            yield Contract(
                "refresh function",
                "list exactly a watched key, not another prefix",
                call,
                changed(call, context={"s3:prefix": "elsewhere/"}),
            )
        for action in sorted(idempotency_actions()):
            call = Request(arn, action, table)
            yield Contract(
                "refresh function", f"{action} (Powertools idempotency)", call, changed(call, resource=table + "-other")
            )
        for action in EVENT_SOURCE_MAPPING_SQS:
            call = Request(arn, action, queue)
            yield Contract(
                "refresh function", f"{action} (its SQS event source)", call, changed(call, resource=dead_letters)
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
                    changed(grant, context={"kms:GrantIsForAWSResource": "false"}),
                )
                yield Contract(
                    "refresh function",
                    "describe the configuration's key",
                    Request(arn, "kms:DescribeKey", template.arn(key)),
                )
    invoke = first_of(template, "AWS::IAM::Role", "InvokeFunctionRole")
    if invoke:
        arn = role_arn_of(template, invoke)
        for action in sorted(function_actions("invoke")):
            call = Request(arn, action, endpoint_arn)
            yield Contract("invoke function", f"{action} (its code)", call, changed(call, resource=other_endpoint))
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
            changed(call, resource=stream.replace(group, "/aws/lambda/other")),
        )
        if "KmsKeyArn" in function["Properties"]:
            role_arn = f"arn:aws:iam::{template.account}:role/{role_name}"
            call = Request(role_arn, "kms:Decrypt", function["Properties"]["KmsKeyArn"])
            yield Contract(_function_name(logical), "decrypt its environment", call)


def _function_name(logical: str) -> str:
    return "refresh function" if logical.startswith("ModelRefresh") else "invoke function"


def _outside(call: Request, other_endpoint: str) -> Request:
    if ":endpoint/" in call.resource or ":endpoint-config/" in call.resource:
        return changed(call, resource=other_endpoint)
    if call.resource.startswith("arn:aws:s3:::"):
        return changed(call, resource=call.resource + ".other")
    return changed(call, resource=call.resource + "-other")


def _watched_objects(template: Template) -> list[str]:
    objects: set[str] = set()
    for _, rule in template.of_type("AWS::Events::Rule"):
        detail = rule["Properties"].get("EventPattern", {}).get("detail", {})
        for bucket in detail.get("bucket", {}).get("name", []):
            for key in detail.get("object", {}).get("key", []):
                objects.add(f"arn:aws:s3:::{bucket}/{key['prefix'] + 'x' if isinstance(key, dict) else key}")
    return sorted(objects)


def deployment_role(template: Template) -> Iterator[Contract]:
    """The Seed-Farmer deployment role's synth-time reads (model_source/lookup.py, variants/deployed.py, retained.py),
    with the modulestack's policies."""
    if not template.case.startswith("modulestack"):
        return
    if template.module == registry_contracts.MODULE:  # it creates no log group: no kept-log-group reads
        yield from registry_contracts.deployment_role(template)
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
            else changed(call, resource=call.resource.replace(f"/{stack}/", f"/{stack}-other/")),
        )
    if template.module != "sagemaker-endpoint":
        return
    # SageMaker's ARNs carry the (possibly capitalized) names in lower case; the module tags what it deploys.
    deployed = {
        "sagemaker:DescribeEndpoint": f"{sagemaker}:endpoint/{stack.lower()}",
        "sagemaker:DescribeEndpointConfig": f"{sagemaker}:endpoint-config/{stack.lower()}-config-0a1b2c3d",
        "application-autoscaling:DescribeScalableTargets": "*",
    }
    ours = {
        "aws:ResourceTag/seedfarmer:project": template.parameter("ProjectName"),
        "aws:ResourceTag/seedfarmer:deployment": template.parameter("DeploymentName"),
    }
    for action in sorted(deployed_read_actions()):
        if deployed[action] == "*":
            yield Contract("deployment role", f"{action} (before each deploy)", Request(role, action, "*"))
            continue
        call = Request(role, action, deployed[action], ours)
        neighbour = {**ours, "aws:ResourceTag/seedfarmer:deployment": "another-deployment"}
        elsewhere = changed(call, resource=call.resource.replace(stack.lower(), "another-deployment-endpoint"))
        yield Contract(
            "deployment role",
            f"{action} (its deployed endpoint, before each deploy)",
            call,
            changed(elsewhere, context=neighbour),
        )
        yield Contract(
            "deployment role",
            f"{action} (the first deploy: nothing deployed yet)",
            Request(role, action, call.resource),
        )
    assert quota_read_actions() == {"servicequotas:ListAWSDefaultServiceQuotas", "servicequotas:GetServiceQuota"}
    for action in sorted(quota_read_actions()):
        yield Contract("deployment role", f"{action} (instance quotas, before each deploy)", Request(role, action, "*"))
    for action in sorted(instance_size_actions()):
        call = Request(role, action, "*", {"ec2:Region": template.region})
        yield Contract(
            "deployment role",
            f"{action} (an instance type's size, for an inference component's default compute)",
            call,
            changed(call, context={"ec2:Region": "eu-central-2"}),
        )
    yield from _package_reads(template, role, sagemaker)


def _package_reads(template: Template, role: str, sagemaker: str) -> Iterator[Contract]:
    """The deployment role describing the packages the endpoint serves (model_source/lookup.py)."""
    call = Request(role, "sagemaker:DescribeModelPackage", f"{sagemaker}:model-package/fraud-detector/3")
    yield Contract(
        "deployment role",
        "sagemaker:DescribeModelPackage (a package of this registry, named by variants)",
        call,
        changed(call, resource=call.resource.replace(f":{template.region}:", ":eu-central-2:")),
    )
    fixed = template.parameter("ModelPackageArn")
    if fixed:
        call = Request(role, "sagemaker:DescribeModelPackage", fixed)
        yield Contract(
            "deployment role",
            "sagemaker:DescribeModelPackage (the fixed model-package-arn)",
            call,
            changed(call, resource=fixed.replace(f":{template.account}:", f":{OTHER_ACCOUNT}:")),
        )
    if "RegistryModelPackageLookup" in template.resources:
        yield from _registry_lookup(template, role)
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
            else changed(call, resource=call.resource.replace(f":{template.region}:", ":eu-central-2:"))
        )
        yield Contract("deployment role", f"{action} (synth-time lookup)", call, outside)


def _registry_lookup(template: Template, role: str) -> Iterator[Contract]:
    """The synth-time lookup of a group named by its ARN (a registry's): that group and its versions only. Across
    accounts the registry's group policy decides too (tests/test_endpoint_cross_account.py)."""
    group = template.parameter("ModelPackageGroupName")
    version = group.replace(":model-package-group/", ":model-package/") + "/7"
    another = group.rsplit("/", 1)[0] + "/another-group"
    resources = {
        "sagemaker:DescribeModelPackageGroup": (group, another),
        "sagemaker:ListModelPackages": (version, another.replace(":model-package-group/", ":model-package/") + "/7"),
        # This account's versions are described for `variants` too (DescribePackagesOfThisRegistry): another
        # account's are not.
        "sagemaker:DescribeModelPackage": (version, version.replace(f":{template.account}:", f":{OTHER_ACCOUNT}:")),
    }
    for action in sorted(lookup_actions()):
        resource, other = resources[action]
        call = Request(role, action, resource)
        yield Contract(
            "deployment role",
            f"{action} (synth-time lookup of the group by its ARN)",
            call,
            changed(call, resource=other),
        )


def contracts(template: Template) -> list[Contract]:
    """Every contract of `template`."""
    if template.module == "sagemaker-studio":
        return [*studio(template), *deployed_domain_read(template), *deployment_role(template)]
    return [
        *execution_role(template),
        *publishers(template),
        *functions(template),
        *deployment_role(template),
        *async_inference(template),
        *inference_components(template),
        *encrypted_log_groups(template),
        *monitoring(template),
    ]


def failures(template: Template) -> list[str]:
    """Each contract whose call is denied, whose call outside the scope is allowed, or that states a context
    key its action does not carry (the simulator drops it, as AWS never sends it): one batch per template."""
    checked = [
        (contract, request, request is contract.call)
        for contract in contracts(template)
        for request in (contract.call, contract.outside)
        if request is not None
    ]
    verdicts = simulate([call_of(template, request) for _, request, _ in checked])
    found = []
    for (contract, request, must_allow), verdict in zip(checked, verdicts, strict=True):
        problems = []
        if must_allow and not verdict.allowed:
            problems.append(f"DENIED ({verdict.result})")
        if not must_allow and verdict.allowed:
            problems.append("ALLOWED OUTSIDE")
        stated = [key for key in verdict.ignored_context_keys if key in request.context]
        if stated:
            problems.append(f"NOT CARRIED {stated}")
        found += [
            f"{template.case}: {problem} {contract.who}: {contract.what}: {request.action} on {request.resource}"
            + (f" {request.context}" if problem == "ALLOWED OUTSIDE" else "")
            for problem in problems
        ]
    return found


__all__ = ["Contract", "contracts", "failures", "ordering_failures", "policies_for"]
