"""What a data scientist's daily work in Studio needs beyond Studio itself: training and processing jobs
(with their logs, images and network interfaces), the model registry, the domain's endpoints, the data
in the studio bucket, the module key, MLflow and SageMaker Projects.

A statement on SageMaker resources other than the domain's own is confined to resources tagged with the
domain (`Scope.of_domain`, domain resource isolation), except where a call creates the resource.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam

from sagemaker_studio.infra.scope import Scope

ECR_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
NETWORK_INTERFACE_ACTIONS = [
    "ec2:CreateNetworkInterfacePermission",
    "ec2:DeleteNetworkInterface",
    "ec2:DeleteNetworkInterfacePermission",
]
# EC2's read actions support no resource-level permissions (the Service Authorization Reference).
NETWORK_DESCRIBE_ACTIONS = [
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeVpcs",
]
OBJECT_ACTIONS = ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
BUCKET_ACTIONS = ["s3:GetBucketLocation", "s3:ListBucket"]
KEY_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
# Every MLflow API of SageMaker's managed MLflow but the UI's (AccessUI, which has no resource type).
MLFLOW_ACTIONS = [
    "sagemaker-mlflow:CreateExperiment",
    "sagemaker-mlflow:CreateModelVersion",
    "sagemaker-mlflow:CreateRegisteredModel",
    "sagemaker-mlflow:CreateRun",
    "sagemaker-mlflow:DeleteExperiment",
    "sagemaker-mlflow:DeleteLoggedModel",
    "sagemaker-mlflow:DeleteLoggedModelTag",
    "sagemaker-mlflow:DeleteModelVersion",
    "sagemaker-mlflow:DeleteModelVersionTag",
    "sagemaker-mlflow:DeleteRegisteredModel",
    "sagemaker-mlflow:DeleteRegisteredModelAlias",
    "sagemaker-mlflow:DeleteRegisteredModelTag",
    "sagemaker-mlflow:DeleteRun",
    "sagemaker-mlflow:DeleteTag",
    "sagemaker-mlflow:DeleteTraceTag",
    "sagemaker-mlflow:DeleteTraces",
    "sagemaker-mlflow:EndTrace",
    "sagemaker-mlflow:FinalizeLoggedModel",
    "sagemaker-mlflow:GetDownloadURIForModelVersionArtifacts",
    "sagemaker-mlflow:GetExperiment",
    "sagemaker-mlflow:GetExperimentByName",
    "sagemaker-mlflow:GetLatestModelVersions",
    "sagemaker-mlflow:GetLoggedModel",
    "sagemaker-mlflow:GetMetricHistory",
    "sagemaker-mlflow:GetModelVersion",
    "sagemaker-mlflow:GetModelVersionByAlias",
    "sagemaker-mlflow:GetRegisteredModel",
    "sagemaker-mlflow:GetRun",
    "sagemaker-mlflow:GetTraceInfo",
    "sagemaker-mlflow:ListArtifacts",
    "sagemaker-mlflow:ListLoggedModelArtifacts",
    "sagemaker-mlflow:LogBatch",
    "sagemaker-mlflow:LogInputs",
    "sagemaker-mlflow:LogLoggedModelParams",
    "sagemaker-mlflow:LogMetric",
    "sagemaker-mlflow:LogModel",
    "sagemaker-mlflow:LogOutputs",
    "sagemaker-mlflow:LogParam",
    "sagemaker-mlflow:RenameRegisteredModel",
    "sagemaker-mlflow:RestoreExperiment",
    "sagemaker-mlflow:RestoreRun",
    "sagemaker-mlflow:SearchExperiments",
    "sagemaker-mlflow:SearchLoggedModels",
    "sagemaker-mlflow:SearchModelVersions",
    "sagemaker-mlflow:SearchRegisteredModels",
    "sagemaker-mlflow:SearchRuns",
    "sagemaker-mlflow:SearchTraces",
    "sagemaker-mlflow:SetExperimentTag",
    "sagemaker-mlflow:SetLoggedModelTags",
    "sagemaker-mlflow:SetModelVersionTag",
    "sagemaker-mlflow:SetRegisteredModelAlias",
    "sagemaker-mlflow:SetRegisteredModelTag",
    "sagemaker-mlflow:SetTag",
    "sagemaker-mlflow:SetTraceTag",
    "sagemaker-mlflow:StartTrace",
    "sagemaker-mlflow:TransitionModelVersionStage",
    "sagemaker-mlflow:UpdateExperiment",
    "sagemaker-mlflow:UpdateModelVersion",
    "sagemaker-mlflow:UpdateRegisteredModel",
    "sagemaker-mlflow:UpdateRun",
]


def jobs(scope: Scope, role_arn: str) -> list[iam.PolicyStatement]:
    """Start training and processing jobs that run as this role; follow and stop the domain's jobs."""
    jobs_arns = [scope.sagemaker("training-job/*"), scope.sagemaker("processing-job/*")]
    logs = f"arn:{scope.partition}:logs:{scope.region}:{scope.account}:log-group:/aws/sagemaker/*"
    return [
        iam.PolicyStatement(
            sid="StartJobs",
            actions=["sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob"],
            resources=jobs_arns,
        ),
        iam.PolicyStatement(
            sid="FollowDomainJobs",
            actions=[
                "sagemaker:DescribeProcessingJob",
                "sagemaker:DescribeTrainingJob",
                "sagemaker:StopProcessingJob",
                "sagemaker:StopTrainingJob",
            ],
            resources=jobs_arns,
            conditions=scope.of_domain(),
        ),
        iam.PolicyStatement(
            sid="PassOwnRoleToSageMaker",
            actions=["iam:PassRole"],
            resources=[role_arn],
            conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        ),
        iam.PolicyStatement(
            sid="SageMakerLogs",
            actions=["logs:CreateLogGroup", "logs:DescribeLogStreams"],
            resources=[logs],
        ),
        iam.PolicyStatement(
            sid="SageMakerLogStreams",
            actions=["logs:CreateLogStream", "logs:GetLogEvents", "logs:PutLogEvents"],
            resources=[f"{logs}:log-stream:*"],
        ),
        iam.PolicyStatement(
            sid="SageMakerMetrics",
            actions=["cloudwatch:PutMetricData"],
            resources=["*"],
            conditions={"StringLike": {"cloudwatch:namespace": "/aws/sagemaker/*"}},
        ),
    ]


def images(scope: Scope) -> list[iam.PolicyStatement]:
    """Pull images from this account's repositories (and the trusted accounts' for Docker in Studio)."""
    accounts = [scope.account, *scope.plan.domain.trusted_accounts]
    return [
        iam.PolicyStatement(
            sid="PullImages",
            actions=ECR_PULL_ACTIONS,
            resources=[f"arn:{scope.partition}:ecr:{scope.region}:{account}:repository/*" for account in accounts],
        ),
        iam.PolicyStatement(sid="AuthenticateToEcr", actions=["ecr:GetAuthorizationToken"], resources=["*"]),
    ]


def network(scope: Scope) -> list[iam.PolicyStatement]:
    """Network interfaces for jobs run in the domain's subnets with its security group, in its VPC only."""
    in_this_vpc = {"ArnEquals": {"ec2:Vpc": f"{scope.ec2}:vpc/{scope.plan.domain.vpc_id}"}}
    return [
        iam.PolicyStatement(
            sid="InterfacesInDomainSubnets",
            actions=["ec2:CreateNetworkInterface"],
            resources=[
                *(f"{scope.ec2}:subnet/{subnet}" for subnet in scope.plan.domain.subnet_ids),
                f"{scope.ec2}:security-group/{scope.security_group_id}",
            ],
        ),
        iam.PolicyStatement(
            sid="InterfacesInDomainVpc",
            actions=["ec2:CreateNetworkInterface"],
            resources=[f"{scope.ec2}:network-interface/*"],
            conditions={"ArnEqualsIfExists": in_this_vpc["ArnEquals"]},
        ),
        iam.PolicyStatement(
            sid="ManageInterfacesInDomainVpc",
            actions=NETWORK_INTERFACE_ACTIONS,
            resources=[f"{scope.ec2}:network-interface/*"],
            conditions=in_this_vpc,
        ),
        iam.PolicyStatement(sid="DescribeNetwork", actions=NETWORK_DESCRIBE_ACTIONS, resources=["*"]),
    ]


def data(scope: Scope) -> list[iam.PolicyStatement]:
    """Read and write the studio bucket, the buckets `studio_bucket_name` names and MLflow's artifacts,
    with the module key (which also encrypts the domain's file system and space volumes)."""
    buckets = [scope.bucket_arn]
    if scope.plan.shared_buckets:
        buckets.append(f"arn:{scope.partition}:s3:::{scope.plan.shared_buckets}")
    objects = [f"{bucket}/*" for bucket in buckets]
    mlflow = scope.plan.mlflow
    if mlflow is not None:
        buckets.append(f"arn:{scope.partition}:s3:::{mlflow.bucket}")
        objects.append(f"arn:{scope.partition}:s3:::{mlflow.bucket}/{mlflow.prefix}*")
    return [
        iam.PolicyStatement(sid="StudioData", actions=OBJECT_ACTIONS, resources=objects),
        iam.PolicyStatement(sid="StudioBuckets", actions=BUCKET_ACTIONS, resources=buckets),
        iam.PolicyStatement(sid="UseModuleKey", actions=KEY_ACTIONS, resources=[scope.key_arn]),
        iam.PolicyStatement(
            sid="AttachModuleKeyToVolumes",
            actions=["kms:CreateGrant"],
            resources=[scope.key_arn],
            conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
        ),
    ]


def registry(scope: Scope, *, lead: bool) -> list[iam.PolicyStatement]:
    """Register models (a data scientist's wait for approval; a lead's may be approved), read the domain's
    packages, and, for a lead, approve them and create groups."""
    groups, packages = scope.sagemaker("model-package-group/*"), scope.sagemaker("model-package/*")
    register = iam.PolicyStatement(
        sid="RegisterModels", actions=["sagemaker:CreateModelPackage"], resources=[groups, packages]
    )
    if not lead:
        register.add_condition("StringEqualsIfExists", {"sagemaker:ModelApprovalStatus": "PendingManualApproval"})
    statements = [
        register,
        iam.PolicyStatement(
            sid="ReadRegistry",
            actions=["sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"],
            resources=[groups, packages],
        ),
        iam.PolicyStatement(
            sid="ReadDomainPackages",
            actions=["sagemaker:DescribeModelPackage"],
            resources=[packages],
            conditions=scope.of_domain(),
        ),
    ]
    if lead:
        statements += [
            iam.PolicyStatement(
                sid="ApproveDomainPackages",
                actions=["sagemaker:UpdateModelPackage"],
                resources=[packages],
                conditions=scope.of_domain(),
            ),
            iam.PolicyStatement(
                sid="CreateModelPackageGroups", actions=["sagemaker:CreateModelPackageGroup"], resources=[groups]
            ),
        ]
    return statements


def endpoints(scope: Scope) -> list[iam.PolicyStatement]:
    """Describe and invoke the domain's endpoints (tagged `sagemaker:domain-arn` with the domain's ARN)."""
    return [
        iam.PolicyStatement(
            sid="UseDomainEndpoints",
            actions=[
                "sagemaker:DescribeEndpoint",
                "sagemaker:InvokeEndpoint",
                "sagemaker:InvokeEndpointAsync",
                "sagemaker:InvokeEndpointWithResponseStream",
            ],
            resources=[scope.sagemaker("endpoint/*")],
            conditions=scope.of_domain(),
        ),
        iam.PolicyStatement(
            sid="ReadDomainEndpointConfigs",
            actions=["sagemaker:DescribeEndpointConfig"],
            resources=[scope.sagemaker("endpoint-config/*")],
            conditions=scope.of_domain(),
        ),
    ]


def mlflow(scope: Scope, server_arn: str) -> list[iam.PolicyStatement]:
    """Track experiments on the module's tracking server, and open its UI."""
    return [
        iam.PolicyStatement(sid="TrackExperiments", actions=MLFLOW_ACTIONS, resources=[server_arn]),
        iam.PolicyStatement(
            sid="OpenTrackingServer",
            actions=["sagemaker:CreatePresignedMlflowTrackingServerUrl", "sagemaker:DescribeMlflowTrackingServer"],
            resources=[server_arn],
        ),
        iam.PolicyStatement(sid="OpenMlflowUi", actions=["sagemaker-mlflow:AccessUI"], resources=["*"]),
    ]


def projects(scope: Scope, *, lead: bool) -> list[iam.PolicyStatement]:
    """SageMaker Projects from SageMaker's templates: everyone sees them, a lead creates and removes them."""
    statements = [
        iam.PolicyStatement(sid="ListProjects", actions=["sagemaker:ListProjects"], resources=["*"]),
        iam.PolicyStatement(
            sid="ReadDomainProjects",
            actions=["sagemaker:DescribeProject"],
            resources=[scope.sagemaker("project/*")],
            conditions=scope.of_domain(),
        ),
        iam.PolicyStatement(sid="FindTemplates", actions=["servicecatalog:SearchProducts"], resources=["*"]),
    ]
    if lead:
        products = f"arn:{scope.partition}:catalog:{scope.region}:*:product/*"
        statements += [
            iam.PolicyStatement(
                sid="CreateProjects",
                actions=["sagemaker:CreateProject"],
                resources=[scope.sagemaker("project/*")],
            ),
            iam.PolicyStatement(
                sid="ManageDomainProjects",
                actions=["sagemaker:DeleteProject", "sagemaker:UpdateProject"],
                resources=[scope.sagemaker("project/*")],
                conditions=scope.of_domain(),
            ),
            iam.PolicyStatement(
                sid="LaunchTemplates",
                actions=[
                    "servicecatalog:DescribeProduct",
                    "servicecatalog:DescribeProvisioningParameters",
                    "servicecatalog:ListLaunchPaths",
                    "servicecatalog:ProvisionProduct",
                ],
                resources=[products],
            ),
        ]
    return statements
