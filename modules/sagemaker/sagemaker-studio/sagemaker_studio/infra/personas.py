"""The domain's three roles: data scientist, lead data scientist, and the domain's execution role (what
shared spaces run as). Each is a SageMaker execution role with its own managed policy, built from the
statements of studio_access.py and work_access.py; the MLflow tracking server's role is here too.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from mlops_platform import compliance
from sagemaker_studio.infra import studio_access, work_access
from sagemaker_studio.infra.scope import Scope
from sagemaker_studio.infra.wildcards import WILDCARD_REASONS
from sagemaker_studio.plan import MlflowSpec, Persona, StudioPlan

REASONS = {**compliance.WILDCARD_REASONS, **WILDCARD_REASONS}
ROLE_IDS = {"data-scientist": "DataScientist", "lead-data-scientist": "LeadDataScientist", "execution": "Execution"}


def sagemaker_principal(stack: cdk.Stack, source: str) -> iam.IPrincipal:
    """SageMaker, acting for this account and for a resource of it matching `source` only (confused deputy)."""
    return iam.ServicePrincipal("sagemaker.amazonaws.com").with_conditions(
        {
            "StringEquals": {"aws:SourceAccount": stack.account},
            "ArnLike": {"aws:SourceArn": stack.format_arn(service="sagemaker", resource=source)},
        }
    )


def execution_role(scope: Construct, id: str, *, plan: StudioPlan, description: str) -> iam.Role:
    stack = cdk.Stack.of(scope)
    return iam.Role(
        scope,
        id,
        assumed_by=sagemaker_principal(stack, "*"),
        path=plan.role_path,
        description=description,
    )


@dataclass
class Personas:
    """The roles Studio runs users' apps and jobs as; `policies` must be attached before users work."""

    roles: dict[str, iam.Role]
    policies: list[iam.ManagedPolicy]

    def role_for(self, persona: Persona | str) -> iam.Role:
        return self.roles[persona]


def persona_roles(scope: Construct, plan: StudioPlan) -> dict[str, iam.Role]:
    """The three roles, without their policies (the domain needs them first; the policies name it)."""
    descriptions = {
        "data-scientist": "Data scientists' apps and jobs in SageMaker Studio domain",
        "lead-data-scientist": "Lead data scientists' apps and jobs in SageMaker Studio domain",
        "execution": "Shared spaces' apps and jobs in SageMaker Studio domain",
    }
    return {
        persona: execution_role(scope, f"{ROLE_IDS[persona]}Role", plan=plan, description=f"{text} {plan.domain.name}")
        for persona, text in descriptions.items()
    }


def attach_policies(
    scope: Construct, roles: dict[str, iam.Role], access: Scope, mlflow_server_arn: str | None
) -> Personas:
    """Each role's managed policy: Studio, jobs, data, registry, endpoints, MLflow, projects."""
    policies = []
    for persona, role in roles.items():
        lead = persona == "lead-data-scientist"
        statements = [
            *studio_access.studio_access(access),
            *studio_access.custom_image_access(access),
            *work_access.jobs(access, role.role_arn),
            *work_access.images(access),
            *work_access.network(access),
            *work_access.data(access),
            *work_access.registry(access, lead=lead),
            *work_access.endpoints(access),
            *(work_access.mlflow(access, mlflow_server_arn) if mlflow_server_arn else []),
            *(work_access.projects(access, lead=lead) if access.plan.projects else []),
        ]
        policy = iam.ManagedPolicy(
            scope,
            f"{ROLE_IDS[persona]}Policy",
            description=f"What the {persona} role may do in Studio domain {access.plan.domain.name}",
            statements=statements,
            roles=[role],
        )
        compliance.acknowledge_wildcards(policy, statements, REASONS)
        policies.append(policy)
    return Personas(roles, policies)


def tracking_server_role(scope: Construct, plan: StudioPlan, mlflow: MlflowSpec) -> tuple[iam.Role, iam.ManagedPolicy]:
    """What SageMaker's MLflow tracking server runs as: its artifacts under their prefix, nothing else."""
    stack = cdk.Stack.of(scope)
    role = iam.Role(
        scope,
        "MlflowTrackingServerRole",
        assumed_by=sagemaker_principal(stack, f"mlflow-tracking-server/{mlflow.name}"),
        path=plan.role_path,
        description=f"MLflow tracking server {mlflow.name} of Studio domain {plan.domain.name}",
    )
    bucket = f"arn:{stack.partition}:s3:::{mlflow.bucket}"
    statements = [
        iam.PolicyStatement(
            sid="MlflowArtifacts",
            actions=["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            resources=[f"{bucket}/{mlflow.prefix}*"],
        ),
        iam.PolicyStatement(
            sid="MlflowArtifactBucket", actions=["s3:GetBucketLocation", "s3:ListBucket"], resources=[bucket]
        ),
    ]
    policy = iam.ManagedPolicy(
        scope,
        "MlflowTrackingServerPolicy",
        description=f"Read and write MLflow artifacts under s3://{mlflow.bucket}/{mlflow.prefix}",
        statements=statements,
        roles=[role],
    )
    compliance.acknowledge_wildcards(policy, statements, REASONS)
    return role, policy
