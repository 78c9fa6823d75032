"""The custom resources that make the domain deletable, and SageMaker Projects: one function answers them.

- `StudioApps` depends on every profile and space, so CloudFormation asks it first when it deletes them:
  it deletes every app (and every space users created) and waits, as SageMaker refuses to delete a space
  or profile while an app runs in it. An update that removes users or spaces clears theirs.
- `StudioDomainRemoval` (retain_efs: false) sits between the profiles and the domain: when the stack is
  deleted it deletes the domain with its home file system and SageMaker's NFS security groups.
- `SageMakerProjects` (enable_custom_sagemaker_projects) enables SageMaker's project templates and gives
  the three roles their portfolio; deleting it takes the portfolio away from the roles again.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from mlops_platform import compliance
from mlops_platform.function import LeastPrivilegeFunction
from mlops_platform.key import ModuleKey
from sagemaker_studio.infra import reasons
from sagemaker_studio.infra.wildcards import WILDCARD_REASONS
from sagemaker_studio.plan import StudioPlan

# The Lambda sources live beside the package, in the module folder (functions/<name>/).
CODE = Path(__file__).resolve().parents[2] / "functions" / "studio_lifecycle"


def lifecycle_statements(stack: cdk.Stack, plan: StudioPlan, domain: sagemaker.CfnDomain) -> list[iam.PolicyStatement]:
    """What the function calls (functions/studio_lifecycle), on this domain's apps, spaces and groups only."""

    def arn(resource: str) -> str:
        return f"arn:{stack.partition}:sagemaker:{stack.region}:{stack.account}:{resource}"

    domain_id = domain.attr_domain_id
    statements = [
        iam.PolicyStatement(
            sid="FindAppsAndSpaces", actions=["sagemaker:ListApps", "sagemaker:ListSpaces"], resources=["*"]
        ),
        iam.PolicyStatement(
            sid="ClearDomainApps", actions=["sagemaker:DeleteApp"], resources=[arn(f"app/{domain_id}/*")]
        ),
        iam.PolicyStatement(
            sid="ClearDomainSpaces", actions=["sagemaker:DeleteSpace"], resources=[arn(f"space/{domain_id}/*")]
        ),
    ]
    if not plan.domain.retain_efs:
        ec2 = f"arn:{stack.partition}:ec2:{stack.region}:{stack.account}"
        statements += [
            iam.PolicyStatement(
                sid="RemoveDomain",
                actions=["sagemaker:DeleteDomain", "sagemaker:DescribeDomain"],
                resources=[arn(f"domain/{domain_id}")],
            ),
            iam.PolicyStatement(
                sid="ReadStackStatus",
                actions=["cloudformation:DescribeStacks"],
                resources=[stack.stack_id],
            ),
            # SageMaker may delete the file system with the caller's permissions (its documentation does
            # not say): only the file system SageMaker tagged as this domain's home.
            iam.PolicyStatement(
                sid="DeleteDomainFileSystem",
                actions=[
                    "elasticfilesystem:DeleteFileSystem",
                    "elasticfilesystem:DeleteMountTarget",
                    "elasticfilesystem:DescribeMountTargets",
                ],
                resources=[f"arn:{stack.partition}:elasticfilesystem:{stack.region}:{stack.account}:file-system/*"],
                conditions={
                    "StringEquals": {"aws:ResourceTag/ManagedByAmazonSageMakerResource": domain.attr_domain_arn}
                },
            ),
            iam.PolicyStatement(sid="FindNfsGroups", actions=["ec2:DescribeSecurityGroups"], resources=["*"]),
            iam.PolicyStatement(
                sid="DeleteNfsGroups",
                actions=["ec2:DeleteSecurityGroup", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"],
                resources=[f"{ec2}:security-group/*"],
                conditions={"ArnEquals": {"ec2:Vpc": f"{ec2}:vpc/{plan.domain.vpc_id}"}},
            ),
        ]
    return statements


def projects_statements(stack: cdk.Stack, role_arns: list[str]) -> list[iam.PolicyStatement]:
    portfolios = f"arn:{stack.partition}:catalog:{stack.region}:{stack.account}:portfolio/*"
    return [
        iam.PolicyStatement(
            sid="EnableProjects", actions=["sagemaker:EnableSagemakerServicecatalogPortfolio"], resources=["*"]
        ),
        iam.PolicyStatement(
            sid="FindProjectsPortfolio", actions=["servicecatalog:ListAcceptedPortfolioShares"], resources=["*"]
        ),
        iam.PolicyStatement(
            sid="ShareProjectsPortfolio",
            actions=[
                "servicecatalog:AcceptPortfolioShare",
                "servicecatalog:AssociatePrincipalWithPortfolio",
                "servicecatalog:DisassociatePrincipalFromPortfolio",
            ],
            resources=[portfolios],
        ),
        iam.PolicyStatement(sid="ReadSharedRoles", actions=["iam:GetRole"], resources=role_arns),
    ]


def lifecycle_function(
    scope: Construct,
    plan: StudioPlan,
    *,
    domain: sagemaker.CfnDomain,
    key: ModuleKey,
    role_arns: list[str],
) -> LeastPrivilegeFunction:
    """The function every custom resource of the stack is answered by, in the domain's subnets. CloudFormation
    invokes it asynchronously: an event it fails to handle lands in its dead-letter queue."""
    stack = cdk.Stack.of(scope)
    statements = lifecycle_statements(stack, plan, domain)
    if plan.projects:
        statements += projects_statements(stack, role_arns)
    dead_letters = sqs.Queue(
        scope,
        "StudioLifecycleDeadLetters",
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=key,
        enforce_ssl=True,
        retention_period=cdk.Duration.days(14),
    )
    compliance.acknowledge(dead_letters, "SQS3", reasons.DEAD_LETTERS_OF_A_FUNCTION, packs=("AwsSolutions",))
    compliance.acknowledge_guard(dead_letters, "sqs_dlq_check", reasons.DEAD_LETTERS_OF_A_FUNCTION)
    return LeastPrivilegeFunction(
        scope,
        "StudioLifecycle",
        code=CODE,
        handler="studio_lifecycle_handler.lambda_handler",
        description=f"Clears the apps and spaces of Studio domain {plan.domain.name} so CloudFormation can delete them",
        statements=statements,
        key=key,
        timeout=cdk.Duration.minutes(15),
        network=plan.domain,
        dead_letter_queue=dead_letters,
        wildcard_reasons=WILDCARD_REASONS,
        why_no_reserved_concurrency=reasons.FUNCTION_CONCURRENCY,
    )


def custom_resource(
    scope: Construct, id: str, kind: str, function: LeastPrivilegeFunction, properties: dict[str, object]
) -> cdk.CfnCustomResource:
    resource = cdk.CfnCustomResource(scope, id, service_token=function.function_arn)
    resource.add_override("Type", kind)
    for name, value in properties.items():
        resource.add_property_override(name, value)
    # CloudFormation must not ask the function before its role may act.
    resource.node.add_dependency(function.policy)
    return resource


def studio_apps(
    scope: Construct,
    plan: StudioPlan,
    function: LeastPrivilegeFunction,
    domain: sagemaker.CfnDomain,
    members: list[cdk.CfnResource],
) -> cdk.CfnCustomResource:
    resource = custom_resource(
        scope,
        "StudioApps",
        "Custom::StudioApps",
        function,
        {
            "DomainId": domain.attr_domain_id,
            "UserProfiles": [user.name for user in plan.users],
            "ManagedSpaces": list(plan.spaces),
        },
    )
    for member in members:
        resource.node.add_dependency(member)
    return resource


def domain_removal(
    scope: Construct, plan: StudioPlan, function: LeastPrivilegeFunction, domain: sagemaker.CfnDomain
) -> cdk.CfnCustomResource:
    return custom_resource(
        scope,
        "StudioDomainRemoval",
        "Custom::StudioDomainRemoval",
        function,
        {"DomainId": domain.attr_domain_id, "VpcId": plan.domain.vpc_id},
    )


def sagemaker_projects(
    scope: Construct, function: LeastPrivilegeFunction, domain: sagemaker.CfnDomain, role_arns: list[str]
) -> cdk.CfnCustomResource:
    return custom_resource(
        scope,
        "SageMakerProjects",
        "Custom::SageMakerProjects",
        function,
        {"DomainId": domain.attr_domain_id, "RoleArns": role_arns},
    )
