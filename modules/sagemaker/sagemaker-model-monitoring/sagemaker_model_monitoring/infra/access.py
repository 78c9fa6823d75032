"""What the monitoring jobs' role may do: read exactly the capture prefix, baselines and ground truth, write
exactly the output prefixes, and only what a monitoring run needs besides (images, logs, metrics, its network
interfaces, and for explainability the shadow endpoint Clarify creates). The reference module attached
AmazonSageMakerFullAccess and read-write on the whole bucket and every key of the account."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_iam as iam

from sagemaker_model_monitoring.alarm_metrics import NAMESPACES
from sagemaker_model_monitoring.parameters.formats import S3Location
from sagemaker_model_monitoring.specs import MonitoringPlan, NetworkSpec

ECR_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
PROCESSING_LOG_GROUP = "/aws/sagemaker/ProcessingJobs"
CLARIFY_SHADOW_ACTIONS = [
    "sagemaker:AddTags",
    "sagemaker:CreateEndpoint",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:DeleteEndpoint",
    "sagemaker:DeleteEndpointConfig",
    "sagemaker:DescribeEndpoint",
    "sagemaker:DescribeEndpointConfig",
    "sagemaker:InvokeEndpoint",
]


@dataclass(frozen=True)
class Scope:
    account: str
    region: str
    partition: str
    model_name: str | None  # the served model, which Clarify's shadow endpoint is built from


def job_statements(plan: MonitoringPlan, scope: Scope) -> list[iam.PolicyStatement]:
    """Every statement of the jobs' role (the key the module creates grants its own use in its key policy)."""
    return [
        *data_access(plan, scope),
        *capture_key(plan),
        *images(plan, scope),
        *processing_logs(scope),
        metrics(plan),
        *([] if plan.network is None else network_interfaces(plan.network, scope)),
        *clarify_shadow_endpoint(plan, scope),
    ]


def objects(location: S3Location, partition: str) -> list[str]:
    """The object ARNs a location covers: the object itself, and everything under it as a prefix."""
    bucket = f"arn:{partition}:s3:::{location.bucket}"
    if not location.key:
        return [f"{bucket}/*"]
    return [f"{bucket}/{location.key}", f"{bucket}/{location.key}/*"]


def data_access(plan: MonitoringPlan, scope: Scope) -> list[iam.PolicyStatement]:
    access, partition = plan.access, scope.partition
    capture, others = access.capture, access.reads
    capture_sid = "ReadCapturedData" if capture.key else "ReadCapturedDataAnywhereInBucket"
    statements = [iam.PolicyStatement(sid=capture_sid, actions=["s3:GetObject"], resources=objects(capture, partition))]
    if others:
        resources = sorted({arn for location in others for arn in objects(location, partition)})
        statements.append(
            iam.PolicyStatement(sid="ReadBaselinesAndGroundTruth", actions=["s3:GetObject"], resources=resources)
        )
    statements.append(
        iam.PolicyStatement(
            sid="WriteMonitoringOutput",
            actions=["s3:AbortMultipartUpload", "s3:PutObject"],
            resources=sorted({f"arn:{partition}:s3:::{w.bucket}/{w.key}/*" for w in access.writes}),
        )
    )
    prefixes = sorted({p for location in (capture, *others, *access.writes) for p in _listed(location)})
    statements.append(
        iam.PolicyStatement(
            sid="ListOwnPrefixes",
            actions=["s3:ListBucket"],
            resources=[access.bucket_arn],
            conditions=None if "*" in prefixes else {"StringLike": {"s3:prefix": prefixes}},
        )
    )
    return statements


def _listed(location: S3Location) -> list[str]:
    return [location.key, f"{location.key}/*"] if location.key else ["*"]


def capture_key(plan: MonitoringPlan) -> list[iam.PolicyStatement]:
    """Decrypt captured data with the key the endpoint encrypts it with (its key policy lets IAM grant it)."""
    key = plan.access.capture_key_arn
    if key is None:
        return []
    return [iam.PolicyStatement(sid="DecryptCapturedData", actions=["kms:Decrypt"], resources=[key])]


def images(plan: MonitoringPlan, scope: Scope) -> list[iam.PolicyStatement]:
    repositories = sorted({job.image.repository_arn(scope.partition) for job in plan.jobs})
    return [
        iam.PolicyStatement(sid="PullMonitoringImages", actions=ECR_PULL_ACTIONS, resources=repositories),
        iam.PolicyStatement(sid="AuthenticateToEcr", actions=["ecr:GetAuthorizationToken"], resources=["*"]),
    ]


def processing_logs(scope: Scope) -> list[iam.PolicyStatement]:
    """Monitoring runs are processing jobs: they log to SageMaker's shared processing log group."""
    group = f"arn:{scope.partition}:logs:{scope.region}:{scope.account}:log-group:{PROCESSING_LOG_GROUP}"
    return [
        iam.PolicyStatement(sid="CreateProcessingLogGroup", actions=["logs:CreateLogGroup"], resources=[group]),
        iam.PolicyStatement(
            sid="WriteProcessingJobLogs",
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[f"{group}:log-stream:*"],
        ),
    ]


def metrics(plan: MonitoringPlan) -> iam.PolicyStatement:
    namespaces = sorted({NAMESPACES[job.monitoring_type] for job in plan.jobs})
    return iam.PolicyStatement(
        sid="PublishMonitoringMetrics",
        actions=["cloudwatch:PutMetricData"],
        resources=["*"],
        conditions={"StringEquals": {"cloudwatch:namespace": namespaces}},
    )


def network_interfaces(network: NetworkSpec, scope: Scope) -> list[iam.PolicyStatement]:
    """The jobs' network interfaces, in the endpoint's subnets with its security group only."""
    ec2 = f"arn:{scope.partition}:ec2:{scope.region}:{scope.account}"
    subnets = [f"{ec2}:subnet/{subnet}" for subnet in network.subnet_ids]
    return [
        iam.PolicyStatement(
            sid="CreateInterfacesInJobSubnets",
            actions=["ec2:CreateNetworkInterface"],
            resources=[*subnets, f"{ec2}:security-group/{network.security_group_id}", f"{ec2}:network-interface/*"],
        ),
        iam.PolicyStatement(
            sid="ManageJobInterfaces",
            actions=[
                "ec2:CreateNetworkInterfacePermission",
                "ec2:DeleteNetworkInterface",
                "ec2:DeleteNetworkInterfacePermission",
            ],
            resources=[f"{ec2}:network-interface/*"],
            conditions={"ArnEquals": {"ec2:Subnet": subnets}},
        ),
        iam.PolicyStatement(
            sid="DescribeNetwork",
            actions=[
                "ec2:DescribeDhcpOptions",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcs",
            ],
            resources=["*"],
        ),
    ]


def clarify_shadow_endpoint(plan: MonitoringPlan, scope: Scope) -> list[iam.PolicyStatement]:
    """Explainability runs Clarify, which builds a shadow endpoint from the served model and invokes it."""
    if not any(job.monitoring_type == "ModelExplainability" for job in plan.jobs):
        return []
    arn = f"arn:{scope.partition}:sagemaker:{scope.region}:{scope.account}"
    config = f"{arn}:endpoint-config/sm-clarify-*"
    shadow_actions = [action for action in CLARIFY_SHADOW_ACTIONS if action != "sagemaker:CreateEndpointConfig"]
    statements = [
        iam.PolicyStatement(
            sid="ClarifyShadowEndpoint", actions=shadow_actions, resources=[f"{arn}:endpoint/sm-clarify-*", config]
        )
    ]
    if scope.model_name:
        # CreateEndpointConfig is authorized on the configuration only; the model it serves is a condition.
        model = f"{arn}:model/{scope.model_name.lower()}"
        statements.append(
            iam.PolicyStatement(
                sid="ClarifyShadowEndpointOfTheServedModel",
                actions=["sagemaker:CreateEndpointConfig"],
                resources=[config],
                conditions={"ForAllValues:ArnEquals": {"sagemaker:ModelArn": [model]}},
            )
        )
    else:
        statements.append(
            iam.PolicyStatement(
                sid="ClarifyShadowEndpointOfAnyModel", actions=["sagemaker:CreateEndpointConfig"], resources=[config]
            )
        )
    return statements
