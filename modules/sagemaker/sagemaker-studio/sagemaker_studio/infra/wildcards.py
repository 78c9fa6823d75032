"""Why each IAM statement of the module that names a wildcard resource cannot be narrower: the reviewer's
answer, by statement sid, which the platform library attaches to the exact cdk-nag finding each one raises
(mlops_platform.compliance.acknowledge_wildcards)."""

from __future__ import annotations

WILDCARD_REASONS = {
    "SeeProfilesSpacesAndApps": "Read-only, the user profiles, spaces and apps of this domain only.",
    "ListStudioAndWork": "SageMaker's List actions support no resource-level permissions; they are read-only.",
    "WorkInOwnSpaces": (
        "Spaces and apps of this domain whose owner is the caller's own user profile (sagemaker:OwnerUserProfileArn "
        "against the session's source identity); their names are chosen by users in Studio."
    ),
    "WorkInSharedSpaces": "Shared spaces of this domain and their apps (sagemaker:SpaceSharingType Shared) only.",
    "TagWhatStudioCreates": (
        "Tagging only as part of creating these resources (sagemaker:TaggingAction): Studio tags what it creates "
        "with the domain, and names them at run time."
    ),
    "ReadCustomImage": "The versions of the domain's one custom image.",
    "StartJobs": "Jobs are named by users at run time; they run as a role this role may pass (its own).",
    "FollowDomainJobs": "Jobs tagged with this domain only (domain resource isolation); named at run time.",
    "SageMakerLogs": "SageMaker's own log groups (/aws/sagemaker/...), which its jobs and apps write to.",
    "SageMakerLogStreams": "Streams of SageMaker's own log groups only.",
    "SageMakerMetrics": "cloudwatch:PutMetricData supports no resource-level permissions; SageMaker namespaces only.",
    "PullImages": "Repositories of this account and of the accounts named by vpc_only_trusted_accounts only.",
    "AuthenticateToEcr": "ecr:GetAuthorizationToken supports no resource-level permissions.",
    "InterfacesInDomainVpc": "SageMaker names jobs' network interfaces at run time; this VPC only (ec2:Vpc).",
    "ManageInterfacesInDomainVpc": "SageMaker names jobs' network interfaces at run time; this VPC only (ec2:Vpc).",
    "StudioData": "The objects of the studio bucket, of the buckets studio_bucket_name names and MLflow's prefix.",
    "StudioBuckets": "The buckets studio_bucket_name names (a name prefix ending in * when given so).",
    "RegisterModels": (
        "Model packages are versioned by SageMaker at registration; a data scientist's wait for approval."
    ),
    "ReadRegistry": "Read-only: the account's model package groups and their package lists in this region.",
    "ReadDomainPackages": "Model packages tagged with this domain only (domain resource isolation).",
    "ApproveDomainPackages": "Model packages tagged with this domain only (domain resource isolation).",
    "CreateModelPackageGroups": "Groups are named by their lead data scientist at run time.",
    "UseDomainEndpoints": "Endpoints tagged with this domain only (domain resource isolation).",
    "ReadDomainEndpointConfigs": "Endpoint configurations tagged with this domain only (domain resource isolation).",
    "OpenMlflowUi": "sagemaker-mlflow:AccessUI supports no resource-level permissions.",
    "ListProjects": "sagemaker:ListProjects supports no resource-level permissions.",
    "ReadDomainProjects": "Projects tagged with this domain only (domain resource isolation).",
    "FindTemplates": "servicecatalog:SearchProducts supports no resource-level permissions.",
    "CreateProjects": "Projects are named by their lead data scientist at run time.",
    "ManageDomainProjects": "Projects tagged with this domain only (domain resource isolation).",
    "LaunchTemplates": "SageMaker's project templates are products of a portfolio AWS shares; ids unknown before.",
    "MlflowArtifacts": "The objects under the tracking server's artifact prefix only.",
    # The lifecycle function's (infra/lifecycle.py).
    "FindAppsAndSpaces": "SageMaker's List actions support no resource-level permissions; they are read-only.",
    "ClearDomainApps": "The apps of this domain only; users start them at run time.",
    "ClearDomainSpaces": "The spaces of this domain only; users create them at run time.",
    "FindNfsGroups": "ec2:DescribeSecurityGroups supports no resource-level permissions; read-only.",
    "DeleteNfsGroups": "Security groups in the domain's VPC only (ec2:Vpc); SageMaker names them after the domain.",
    "DeleteDomainFileSystem": "File systems tagged as the home of this domain only (ManagedByAmazonSageMakerResource).",
    "EnableProjects": "sagemaker:EnableSagemakerServicecatalogPortfolio supports no resource-level permissions.",
    "FindProjectsPortfolio": "servicecatalog:ListAcceptedPortfolioShares supports no resource-level permissions.",
    "ShareProjectsPortfolio": "SageMaker's portfolio is created by SageMaker; its id is unknown before.",
}
