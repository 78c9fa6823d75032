"""What every Studio user's role needs inside its domain: to open Studio for its own profile, see the
domain, run apps in its own spaces and in shared ones, and tag what Studio creates.

The roles are SageMaker execution roles: Studio runs each user's apps with the role of the user's
profile, and the session carries the profile's name as its source identity (the domain's
ExecutionRoleIdentityConfig), which these statements compare against.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam

from sagemaker_studio.infra.scope import Scope

SPACE_AND_APP_ACTIONS = [
    "sagemaker:CreateApp",
    "sagemaker:CreateSpace",
    "sagemaker:DeleteApp",
    "sagemaker:DeleteSpace",
    "sagemaker:UpdateSpace",
]
# List actions support no resource-level permissions (the Service Authorization Reference).
LIST_ACTIONS = [
    "sagemaker:ListApps",
    "sagemaker:ListDomains",
    "sagemaker:ListEndpoints",
    "sagemaker:ListModelPackageGroups",
    "sagemaker:ListProcessingJobs",
    "sagemaker:ListSpaces",
    "sagemaker:ListTrainingJobs",
    "sagemaker:ListUserProfiles",
]
# What Studio and the SageMaker Python SDK create from a role here, tagged at creation (Studio adds the
# domain's tags): AddTags is authorized for each, and only as part of those creations.
TAGGED_CREATIONS = [
    "CreateApp",
    "CreateModelPackage",
    "CreateModelPackageGroup",
    "CreateProcessingJob",
    "CreateSpace",
    "CreateTrainingJob",
]


def studio_access(scope: Scope) -> list[iam.PolicyStatement]:
    """Open Studio, see the domain, and work in one's own and in shared spaces."""
    spaces_and_apps = [scope.in_domain("space"), scope.in_domain("app")]
    return [
        iam.PolicyStatement(
            sid="OpenOwnStudio",
            actions=["sagemaker:CreatePresignedDomainUrl"],
            resources=[scope.own_profile],
        ),
        iam.PolicyStatement(
            sid="SeeTheDomain",
            actions=["sagemaker:DescribeDomain", "sagemaker:ListTags"],
            resources=[scope.sagemaker(f"domain/{scope.domain_id}")],
        ),
        iam.PolicyStatement(
            sid="SeeProfilesSpacesAndApps",
            actions=[
                "sagemaker:DescribeApp",
                "sagemaker:DescribeSpace",
                "sagemaker:DescribeUserProfile",
                "sagemaker:ListTags",
            ],
            resources=[scope.in_domain("user-profile"), *spaces_and_apps],
        ),
        iam.PolicyStatement(sid="ListStudioAndWork", actions=LIST_ACTIONS, resources=["*"]),
        iam.PolicyStatement(
            sid="WorkInOwnSpaces",
            actions=SPACE_AND_APP_ACTIONS,
            resources=spaces_and_apps,
            conditions={"ArnEquals": {"sagemaker:OwnerUserProfileArn": scope.own_profile}},
        ),
        iam.PolicyStatement(
            sid="WorkInSharedSpaces",
            actions=SPACE_AND_APP_ACTIONS,
            resources=spaces_and_apps,
            conditions={"StringEquals": {"sagemaker:SpaceSharingType": "Shared"}},
        ),
        iam.PolicyStatement(
            sid="TagWhatStudioCreates",
            actions=["sagemaker:AddTags"],
            resources=[
                *spaces_and_apps,
                scope.sagemaker("training-job/*"),
                scope.sagemaker("processing-job/*"),
                scope.sagemaker("model-package/*"),
                scope.sagemaker("model-package-group/*"),
            ],
            conditions={"StringEquals": {"sagemaker:TaggingAction": TAGGED_CREATIONS}},
        ),
    ]


def custom_image_access(scope: Scope) -> list[iam.PolicyStatement]:
    """With a custom image: read its image, versions and app image config, which Studio starts apps from."""
    config, image = scope.plan.domain.custom_image or ("", "")
    if not image:
        return []
    return [
        iam.PolicyStatement(
            sid="ReadCustomImage",
            actions=[
                "sagemaker:DescribeAppImageConfig",
                "sagemaker:DescribeImage",
                "sagemaker:DescribeImageVersion",
                "sagemaker:ListImageVersions",
            ],
            resources=[
                scope.sagemaker(f"image/{image.lower()}"),
                scope.sagemaker(f"image-version/{image.lower()}/*"),
                scope.sagemaker(f"app-image-config/{config.lower()}"),
            ],
        )
    ]
