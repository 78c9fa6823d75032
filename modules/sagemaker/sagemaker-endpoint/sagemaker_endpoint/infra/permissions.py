"""What the model execution role may do: only what hosting this model needs, scoped to its resources."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_iam as iam

from sagemaker_endpoint.parameters.formats import ecr_repository_arn, object_arn, s3_location
from sagemaker_endpoint.specs import ArtifactsSpec, AsyncSpec, CaptureSpec, NetworkSpec

# SageMaker creates the endpoint's network interfaces in the VPC with the execution role.
NETWORK_INTERFACE_ACTIONS = [
    "ec2:CreateNetworkInterfacePermission",
    "ec2:DeleteNetworkInterface",
    "ec2:DeleteNetworkInterfacePermission",
]
# These EC2 read actions support no resource-level permissions (the Service Authorization Reference).
NETWORK_DESCRIBE_ACTIONS = [
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
]
ECR_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]


@dataclass(frozen=True)
class Scope:
    """The account, region, partition and names the statements are scoped to."""

    account: str
    region: str
    partition: str
    log_group_name: str
    security_group_id: str
    component_log_group_names: tuple[str, ...] = ()  # one per inference component, when the endpoint has any


def execution_statements(
    artifacts: ArtifactsSpec,
    network: NetworkSpec | None,
    capture: CaptureSpec | None,
    scope: Scope,
    asynchronous: AsyncSpec | None = None,
) -> list[iam.PolicyStatement]:
    """The statements of the execution role's policy (the KMS key grants its own use separately)."""
    return [
        *model_data_read(artifacts, scope),
        *model_data_decrypt(artifacts, scope),
        *image_pull(artifacts, scope),
        *([] if network is None else network_interfaces(network, scope)),
        *endpoint_logs(scope),
        metrics(),
        *data_capture_write(capture),
        *([] if asynchronous is None else async_requests_and_results(asynchronous, scope)),
    ]


def _prefix(url: str, partition: str) -> tuple[str, str, str]:
    """`s3://bucket/some/prefix` -> (bucket ARN, objects-under-it ARN, key prefix)."""
    bucket, key = s3_location(url)
    prefix = key.strip("/")
    objects = f"arn:{partition}:s3:::{bucket}/{prefix}/*" if prefix else f"arn:{partition}:s3:::{bucket}/*"
    return f"arn:{partition}:s3:::{bucket}", objects, f"{prefix}/*" if prefix else "*"


def async_requests_and_results(spec: AsyncSpec, scope: Scope) -> list[iam.PolicyStatement]:
    """Read requests under the input prefix, write results under the output and failure prefixes, and
    publish to the topics given by ARN (the module's own topic is added once it exists)."""
    read = _prefix(spec.input_uri, scope.partition)
    writes = [_prefix(url, scope.partition) for url in (spec.config.output_uri, spec.config.failure_uri) if url]
    statements = [
        iam.PolicyStatement(sid="ReadAsyncRequests", actions=["s3:GetObject"], resources=[read[1]]),
        iam.PolicyStatement(
            sid="WriteAsyncResults",
            actions=["s3:AbortMultipartUpload", "s3:PutObject"],
            resources=sorted({objects for _, objects, _ in writes}),
        ),
        iam.PolicyStatement(
            sid="ListAsyncPrefixes",
            actions=["s3:ListBucket"],
            resources=sorted({bucket for bucket, _, _ in (read, *writes)}),
            conditions={"StringLike": {"s3:prefix": sorted({prefix for _, _, prefix in (read, *writes)})}},
        ),
    ]
    given = [topic for topic in spec.topics if topic.startswith("arn:")]
    if given:
        statements.append(iam.PolicyStatement(sid="PublishAsyncResults", actions=["sns:Publish"], resources=given))
    return statements


def model_data_read(artifacts: ArtifactsSpec, scope: Scope) -> list[iam.PolicyStatement]:
    """Read the model artifacts: exactly the objects (and prefixes) the served models name."""
    statements = []
    if artifacts.known.model_data_urls:
        objects = sorted({object_arn(url, scope.partition) for url in artifacts.known.model_data_urls})
        statements.append(iam.PolicyStatement(sid="ReadModelArtifacts", actions=["s3:GetObject"], resources=objects))
    # Uncompressed model data (an S3 prefix): SageMaker lists the prefix before it reads the objects. StringLike
    # (not IfExists): a listing without a prefix, or of another one, is denied.
    prefixes = sorted({s3_location(url) for url in artifacts.known.model_data_urls if url.endswith("/")})
    if prefixes:
        statements.append(
            iam.PolicyStatement(
                sid="ListModelDataPrefixes",
                actions=["s3:ListBucket"],
                resources=sorted({f"arn:{scope.partition}:s3:::{bucket}" for bucket, _ in prefixes}),
                conditions={"StringLike": {"s3:prefix": [f"{key}*" for _, key in prefixes]}},
            )
        )
    return statements


def model_data_decrypt(artifacts: ArtifactsSpec, scope: Scope) -> list[iam.PolicyStatement]:
    """Decrypt the model data with `model-artifacts-kms-key-arn` (a registry's key, across accounts), through S3 of
    this region only, and for the served objects' encryption context only (S3 names the object, or the bucket
    with an S3 Bucket Key). An image needs no key grant: ECR decrypts a repository encrypted with KMS under
    its own grant on the key (Amazon ECR User Guide, "Encryption at rest")."""
    if not artifacts.kms_key_arn or not artifacts.known.model_data_urls:
        return []
    urls = artifacts.known.model_data_urls
    objects = sorted({object_arn(url, scope.partition) for url in urls})
    buckets = sorted({f"arn:{scope.partition}:s3:::{s3_location(url)[0]}" for url in urls})
    return [
        iam.PolicyStatement(
            sid="DecryptModelArtifactsThroughS3",
            actions=["kms:Decrypt"],
            resources=[artifacts.kms_key_arn],
            conditions={
                "StringEquals": {"kms:ViaService": f"s3.{scope.region}.amazonaws.com"},
                "StringLike": {"kms:EncryptionContext:aws:s3:arn": [*buckets, *objects]},
            },
        )
    ]


def image_pull(artifacts: ArtifactsSpec, scope: Scope) -> list[iam.PolicyStatement]:
    """Pull the inference image(s): exactly the repositories the served models name, and `ecr-repo-arn`'s."""
    repositories = {arn for image in artifacts.known.images if (arn := ecr_repository_arn(image, scope.partition))}
    if artifacts.ecr_repo_arn:
        repositories.add(artifacts.ecr_repo_arn)
    if not repositories:
        return []
    return [
        iam.PolicyStatement(sid="PullInferenceImages", actions=ECR_PULL_ACTIONS, resources=sorted(repositories)),
        # GetAuthorizationToken has no resource-level permissions.
        iam.PolicyStatement(sid="AuthenticateToEcr", actions=["ecr:GetAuthorizationToken"], resources=["*"]),
    ]


def network_interfaces(network: NetworkSpec, scope: Scope) -> list[iam.PolicyStatement]:
    """Create the endpoint's network interfaces in its subnets, with its security group, in its VPC only."""
    ec2 = f"arn:{scope.partition}:ec2:{scope.region}:{scope.account}"
    in_this_vpc = {"ArnEquals": {"ec2:Vpc": f"{ec2}:vpc/{network.vpc_id}"}}
    return [
        iam.PolicyStatement(
            sid="CreateInterfacesInEndpointSubnets",
            actions=["ec2:CreateNetworkInterface"],
            resources=[
                *(f"{ec2}:subnet/{subnet}" for subnet in network.subnet_ids),
                f"{ec2}:security-group/{scope.security_group_id}",
            ],
        ),
        # The Service Authorization Reference lists ec2:Vpc for the network-interface resource type but not
        # in CreateNetworkInterface's own row: IfExists works either way, and the statement above still
        # confines the new interface to the endpoint's subnets (a create is authorized on both).
        iam.PolicyStatement(
            sid="CreateInterfacesInEndpointVpc",
            actions=["ec2:CreateNetworkInterface"],
            resources=[f"{ec2}:network-interface/*"],
            conditions={"ArnEqualsIfExists": in_this_vpc["ArnEquals"]},
        ),
        iam.PolicyStatement(
            sid="ManageInterfacesInEndpointVpc",
            actions=NETWORK_INTERFACE_ACTIONS,
            resources=[f"{ec2}:network-interface/*"],
            conditions=in_this_vpc,
        ),
        iam.PolicyStatement(sid="DescribeNetwork", actions=NETWORK_DESCRIBE_ACTIONS, resources=["*"]),
    ]


LOG_WRITE_ACTIONS = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]


def endpoint_logs(scope: Scope) -> list[iam.PolicyStatement]:
    """Write to the endpoint's own log group, and to each inference component's (created by the stack, so
    no CreateLogGroup)."""
    groups = [
        f"arn:{scope.partition}:logs:{scope.region}:{scope.account}:log-group:{name}"
        for name in (scope.log_group_name, *scope.component_log_group_names)
    ]
    statements = [
        iam.PolicyStatement(
            sid="WriteEndpointLogs", actions=LOG_WRITE_ACTIONS, resources=[groups[0], f"{groups[0]}:log-stream:*"]
        )
    ]
    if groups[1:]:
        statements.append(
            iam.PolicyStatement(
                sid="WriteInferenceComponentLogs",
                actions=LOG_WRITE_ACTIONS,
                resources=[arn for group in groups[1:] for arn in (group, f"{group}:log-stream:*")],
            )
        )
    return statements


def metrics() -> iam.PolicyStatement:
    """Publish container metrics, to the SageMaker endpoints namespace only (no resource-level permissions)."""
    return iam.PolicyStatement(
        sid="PublishEndpointMetrics",
        actions=["cloudwatch:PutMetricData"],
        resources=["*"],
        conditions={"StringEquals": {"cloudwatch:namespace": "/aws/sagemaker/Endpoints"}},
    )


def data_capture_write(capture: CaptureSpec | None) -> list[iam.PolicyStatement]:
    """Write captured requests and responses under the data capture prefix only."""
    if capture is None:
        return []
    return [iam.PolicyStatement(sid="WriteDataCapture", actions=["s3:PutObject"], resources=[capture.objects_arn])]
