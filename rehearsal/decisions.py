"""The decisions an engineer checks before applying, read from a module's synthesized templates.

Read from the templates themselves (not from the emulator), so they are what CloudFormation would be
asked to build: instance types and counts per variant, serverless sizes, autoscaling bounds, the
rollout strategy, network isolation, encryption, and what accepts traffic from where.
"""

from __future__ import annotations

from typing import Any

from rehearsal import monitoring
from rehearsal.studio_decisions import studio
from rehearsal.templates import Template, referenced_id, resources, short

# Resource kinds that hold data and can be encrypted with a customer managed key, and the property saying so.
_ENCRYPTION = {
    "AWS::SQS::Queue": "KmsMasterKeyId",
    "AWS::SNS::Topic": "KmsMasterKeyId",
    "AWS::Logs::LogGroup": "KmsKeyId",
    "AWS::SageMaker::EndpointConfig": "KmsKeyId",
    "AWS::DynamoDB::Table": "SSESpecification",
    "AWS::S3::Bucket": "BucketEncryption",
    "AWS::Lambda::Function": "KmsKeyArn",
    "AWS::SageMaker::Domain": "KmsKeyId",
}


def decisions(template: Template) -> list[str]:
    """One line per decision that matters, in the order an engineer reads them."""
    readers = (_endpoints, _components, _autoscaling, monitoring.decisions, studio, _network, _ingress, _encryption)
    return [line for read in readers for line in read(template)]


def _endpoints(template: Template) -> list[str]:
    lines = []
    configs = dict(resources(template, "AWS::SageMaker::EndpointConfig"))
    models = dict(resources(template, "AWS::SageMaker::Model"))
    for logical_id, endpoint in resources(template, "AWS::SageMaker::Endpoint"):
        config_id = referenced_id(endpoint.get("EndpointConfigName"))
        config = configs.get(config_id or "", {})
        lines.append(f"endpoint {short(endpoint.get('EndpointName', logical_id))} serves config <{config_id}>")
        production = config.get("ProductionVariants", [])
        for variant in production:
            lines.append("  variant " + _variant(variant))
            lines += _managed_scaling(variant)
        for variant in config.get("ShadowProductionVariants", []):
            lines.append("  shadow variant " + _variant(variant) + _shadow_share(variant, production))
        lines += _asynchronous(config.get("AsyncInferenceConfig"))
        capture = config.get("DataCaptureConfig")
        if capture and capture.get("EnableCapture", True):
            lines.append(
                f"  data capture {capture.get('InitialSamplingPercentage')}% to {capture.get('DestinationS3Uri')}"
            )
        lines.append("  update strategy: " + rollout(endpoint.get("DeploymentConfig")))
    for logical_id, model in models.items():
        isolation = "network isolation on" if model.get("EnableNetworkIsolation") else "network isolation OFF"
        vpc = model.get("VpcConfig")
        where = f"in {len(vpc.get('Subnets', []))} subnet(s) of its VPC" if vpc else "outside any VPC"
        lines.append(f"model <{logical_id}>: {isolation}, {where}")
        containers = [model.get("PrimaryContainer") or {}, *(model.get("Containers") or [])]
        lines += [f"  serves {_package(c['ModelPackageName'])}" for c in containers if c.get("ModelPackageName")]
    return lines


def _package(arn: Any) -> str:
    """`arn:...:model-package/fraud/3` -> `model package fraud version 3`; anything else as it is."""
    group, _, version = short(arn).rpartition("/")
    if version.isdigit() and ":model-package/" in group:
        return f"model package {group.rsplit('/', 1)[-1]} version {version}"
    return f"model package {short(arn)}"


def _variant(variant: dict[str, Any]) -> str:
    name = variant.get("VariantName", "?")
    serverless = variant.get("ServerlessConfig")
    if serverless:
        size = f"{serverless.get('MemorySizeInMB')} MB, max concurrency {serverless.get('MaxConcurrency')}"
        provisioned = serverless.get("ProvisionedConcurrency")
        return f"{name}: serverless {size}" + (f", {provisioned} provisioned" if provisioned else "")
    weight = variant.get("InitialVariantWeight")
    count = variant.get("InitialInstanceCount")
    scaling = variant.get("ManagedInstanceScaling")
    shape = f"{count} x {variant.get('InstanceType')}" if count is not None else f"{variant.get('InstanceType')}"
    if scaling and scaling.get("Status") == "ENABLED":
        shape += f" (managed scaling {scaling.get('MinInstanceCount')}-{scaling.get('MaxInstanceCount')})"
    return f"{name}: {shape}" + (f", weight {weight}" if weight is not None else "")


def _managed_scaling(variant: dict[str, Any]) -> list[str]:
    scaling = variant.get("ManagedInstanceScaling") or {}
    if scaling.get("Status") != "ENABLED" or scaling.get("MinInstanceCount") != 0:
        return []
    return [
        "    scales to zero instances when its components have no copies; a request at zero fails until an "
        "instance has started (minutes)"
    ]


def _shadow_share(shadow: dict[str, Any], production: list[dict[str, Any]]) -> str:
    """The share of production requests a shadow receives, read as its weight over production's."""
    weights = [variant.get("InitialVariantWeight") for variant in production]
    shadow_weight = shadow.get("InitialVariantWeight")
    if len(weights) != 1 or not isinstance(weights[0], int | float) or not isinstance(shadow_weight, int | float):
        return ""
    share = min(100.0, 100.0 * float(shadow_weight) / float(weights[0])) if weights[0] else 0.0
    return f" (receives a copy of {share:g}% of production requests; its answers are discarded)"


def _asynchronous(config: dict[str, Any] | None) -> list[str]:
    if not config:
        return []
    output = config.get("OutputConfig") or {}
    notices = output.get("NotificationConfig") or {}
    concurrency = (config.get("ClientConfig") or {}).get("MaxConcurrentInvocationsPerInstance")
    key = f", encrypted with {short(output['KmsKeyId'])}" if output.get("KmsKeyId") else ""
    return [
        f"  asynchronous: results to {output.get('S3OutputPath')}, failures to "
        f"{output.get('S3FailurePath') or 'the results location'}{key}",
        f"    success notices to {short(notices.get('SuccessTopic')) if notices.get('SuccessTopic') else 'none'}, "
        f"error notices to {short(notices.get('ErrorTopic')) if notices.get('ErrorTopic') else 'none'}; "
        + (
            f"at most {concurrency} concurrent requests per instance"
            if concurrency
            else "SageMaker chooses the concurrent requests per instance"
        ),
    ]


def _components(template: Template) -> list[str]:
    lines = []
    for logical_id, component in resources(template, "AWS::SageMaker::InferenceComponent"):
        specification = component.get("Specification") or {}
        compute = specification.get("ComputeResourceRequirements") or {}
        needs = [f"{compute.get('MinMemoryRequiredInMb')} MB"]
        if compute.get("NumberOfCpuCoresRequired") is not None:
            needs.append(f"{compute['NumberOfCpuCoresRequired']} CPU core(s)")
        if compute.get("NumberOfAcceleratorDevicesRequired") is not None:
            needs.append(f"{compute['NumberOfAcceleratorDevicesRequired']} accelerator(s)")
        copies = (component.get("RuntimeConfig") or {}).get("CopyCount")
        name = short(component.get("InferenceComponentName", logical_id))
        lines.append(
            f"inference component {name} on variant {component.get('VariantName', '?')}: {copies} copy(ies) at "
            f"deployment, each reserving {', '.join(needs)}"
        )
        defaulted = (template["Resources"][logical_id].get("Metadata") or {}).get("mlops:compute")
        if defaulted:
            lines.append(f"  compute {defaulted}")
        update = component.get("DeploymentConfig")
        lines.append(
            "  update strategy: "
            + (rollout(update) + " (of the copies)" if update else "SageMaker's default update of the copies")
        )
    return lines


def rollout(config: dict[str, Any] | None) -> str:
    """What SageMaker does when the endpoint's configuration changes, in words."""
    if not config:
        return "all at once (no deployment guardrail): the new fleet takes all traffic when it is in service"
    alarms = [alarm.get("AlarmName") for alarm in (config.get("AutoRollbackConfiguration") or {}).get("Alarms", [])]
    rollback = f"; rolls back on alarm(s) {', '.join(map(str, alarms))}" if alarms else "; no rollback alarm"
    rolling = config.get("RollingUpdatePolicy")
    if rolling:
        batch = rolling.get("MaximumBatchSize", {})
        return (
            f"rolling, {batch.get('Value')} {batch.get('Type', '').lower().replace('_', ' ')} per batch, "
            f"bake {rolling.get('WaitIntervalInSeconds')}s per batch{rollback}"
        )
    blue_green = config.get("BlueGreenUpdatePolicy") or {}
    routing = blue_green.get("TrafficRoutingConfiguration") or {}
    kind = routing.get("Type", "ALL_AT_ONCE")
    step = routing.get("CanarySize") or routing.get("LinearStepSize") or {}
    size = f" {step.get('Value')} {step.get('Type', '').lower().replace('_', ' ')}" if step else ""
    return (
        f"blue/green {kind.lower().replace('_', ' ')}{size} on a new fleet, "
        f"bake {routing.get('WaitIntervalInSeconds', 0)}s, "
        f"old fleet kept {blue_green.get('TerminationWaitInSeconds', 0)}s{rollback}"
    )


def _autoscaling(template: Template) -> list[str]:
    lines = []
    policies = list(resources(template, "AWS::ApplicationAutoScaling::ScalingPolicy"))
    for logical_id, target in resources(template, "AWS::ApplicationAutoScaling::ScalableTarget"):
        own = [policy for _, policy in policies if referenced_id(policy.get("ScalingTargetId")) == logical_id]
        tracked = [
            policy["TargetTrackingScalingPolicyConfiguration"]
            for policy in own
            if policy.get("TargetTrackingScalingPolicyConfiguration")
        ]
        goals = ", ".join(f"{_metric(config)} at {config.get('TargetValue')}" for config in tracked)
        lines.append(
            f"autoscaling <{logical_id}>: {target.get('MinCapacity')} to {target.get('MaxCapacity')} "
            f"{target.get('ScalableDimension', '').split(':')[-1]}" + (f", tracking {goals}" if goals else "")
        )
        if target.get("MinCapacity") == 0:
            wakes = any(policy.get("PolicyType") == "StepScaling" for policy in own)
            lines.append(
                "  scales to zero when idle; "
                + (
                    "a step policy on an alarm adds the first unit back"
                    if wakes
                    else "NOTHING brings it back from zero"
                )
            )
    return lines


def _metric(config: dict[str, Any]) -> str:
    predefined = (config.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
    return str(predefined or (config.get("CustomizedMetricSpecification") or {}).get("MetricName", "custom metric"))


def _network(template: Template) -> list[str]:
    lines = [f"VPC <{logical_id}> {vpc.get('CidrBlock')}" for logical_id, vpc in resources(template, "AWS::EC2::VPC")]
    nats = list(resources(template, "AWS::EC2::NatGateway"))
    if lines or nats:
        lines.append(f"{len(nats)} NAT gateway(s)")
    interface = [
        (_service(props.get("ServiceName")), len(props.get("SubnetIds", [])))
        for _, props in resources(template, "AWS::EC2::VPCEndpoint")
        if props.get("VpcEndpointType") == "Interface"
    ]
    if interface:
        zones = "/".join(map(str, sorted({count for _, count in interface})))
        lines.append(f"{len(interface)} interface endpoint(s) in {zones} AZ(s): {', '.join(n for n, _ in interface)}")
    return lines


def _service(name: Any) -> str:
    """`com.amazonaws.us-east-1.ecr.api` -> `ecr.api`."""
    text = short(name)
    return text.split(".", 3)[-1] if text.startswith("com.amazonaws.") else text


def _ingress(template: Template) -> list[str]:
    lines = []
    for logical_id, group in resources(template, "AWS::EC2::SecurityGroup"):
        for rule in group.get("SecurityGroupIngress", []):
            lines.append(f"ingress <{logical_id}>: {_rule(rule)}")
    for logical_id, rule in resources(template, "AWS::EC2::SecurityGroupIngress"):
        lines.append(f"ingress {short(rule.get('GroupId'))} (<{logical_id}>): {_rule(rule)}")
    public = [
        logical_id
        for logical_id, subnet in resources(template, "AWS::EC2::Subnet")
        if subnet.get("MapPublicIpOnLaunch")
    ]
    if public:
        lines.append(f"public subnets (public IPs on launch): {', '.join(public)}")
    for logical_id, url in resources(template, "AWS::Lambda::Url"):
        lines.append(f"function URL <{logical_id}>: auth {url.get('AuthType')}")
    if not lines and any(True for _ in resources(template, "AWS::EC2::SecurityGroup")):
        lines.append("ingress: none (no security group accepts inbound traffic)")
    return lines


def _rule(rule: dict[str, Any]) -> str:
    source = rule.get("CidrIp") or rule.get("CidrIpv6") or short(rule.get("SourceSecurityGroupId")) or "?"
    ports = rule.get("FromPort"), rule.get("ToPort")
    return f"{rule.get('IpProtocol')} {ports[0] if ports[0] == ports[1] else f'{ports[0]}-{ports[1]}'} from {source}"


def _encryption(template: Template) -> list[str]:
    keys = [logical_id for logical_id, _ in resources(template, "AWS::KMS::Key")]
    covered, uncovered = 0, []
    for kind, key_property in _ENCRYPTION.items():
        for logical_id, props in resources(template, kind):
            if props.get(key_property):
                covered += 1
            elif kind != "AWS::Lambda::Function":  # environment variables are encrypted with an AWS key anyway
                uncovered.append(logical_id)
    if not keys and not covered and not uncovered:
        return []
    line = f"encryption: {len(keys)} customer managed key(s); {covered} data resource(s) use one"
    return [line + (f"; not: {', '.join(uncovered)}" if uncovered else "")]
