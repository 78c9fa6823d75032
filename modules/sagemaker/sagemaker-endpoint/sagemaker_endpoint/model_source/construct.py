"""The model source as built: a SageMaker model per variant, and `grant_read` on the artifacts it serves.

`ServedArtifacts(scope, spec=plan.artifacts).grant_read(role)` lets a role read exactly the model data objects
(and prefixes) the served models name, decrypt them with `model-artifacts-kms-key-arn` through S3 only, and pull
exactly their images: for the module's execution role, reading a registry in another account too.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from sagemaker_endpoint.grants import Grantee, grant
from sagemaker_endpoint.model_source.plan import ArtifactsSpec, Container, ModelSpec

ECR_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
WILDCARD_REASONS = {
    "ReadModelArtifacts": (
        "Reads exactly the model data the served models name; a prefix (uncompressed model data) is read whole."
    ),
    "AuthenticateToEcr": "ecr:GetAuthorizationToken supports no resource-level permissions.",
}


class ServedArtifacts:
    """The model data and images the endpoint serves (`spec`: the plan's, every package described at synth)."""

    def __init__(self, scope: Construct, *, spec: ArtifactsSpec) -> None:
        self.spec = spec
        self._stack = cdk.Stack.of(scope)

    def grant_read(self, grantee: Grantee) -> None:
        """Read the model data, decrypt it through S3 only, pull the images."""
        partition, region = self._stack.partition, self._stack.region
        statements = [
            *read_statements(self.spec, partition),
            *decrypt_statements(self.spec, partition, region),
            *pull_statements(self.spec, partition),
        ]
        grant(grantee, statements, WILDCARD_REASONS)


def read_statements(spec: ArtifactsSpec, partition: str) -> list[iam.PolicyStatement]:
    """Read the model artifacts: exactly the objects (and prefixes) the served models name."""
    statements = []
    if spec.model_data:
        objects = sorted({location.object_arn(partition) for location in spec.model_data})
        statements.append(iam.PolicyStatement(sid="ReadModelArtifacts", actions=["s3:GetObject"], resources=objects))
    # Uncompressed model data (an S3 prefix): SageMaker lists the prefix before it reads the objects. StringLike
    # (not IfExists): a listing without a prefix, or of another one, is denied.
    prefixes = sorted({(location.bucket, location.key) for location in spec.model_data_prefixes})
    if prefixes:
        statements.append(
            iam.PolicyStatement(
                sid="ListModelDataPrefixes",
                actions=["s3:ListBucket"],
                resources=sorted({f"arn:{partition}:s3:::{bucket}" for bucket, _ in prefixes}),
                conditions={"StringLike": {"s3:prefix": [f"{key}*" for _, key in prefixes]}},
            )
        )
    return statements


def decrypt_statements(spec: ArtifactsSpec, partition: str, region: str) -> list[iam.PolicyStatement]:
    """Decrypt the model data with `model-artifacts-kms-key-arn` (a registry's key, across accounts), through S3 of
    this region only, and for the served objects' encryption context only (S3 names the object, or the bucket
    with an S3 Bucket Key). An image needs no key grant: ECR decrypts a repository encrypted with KMS under
    its own grant on the key (Amazon ECR User Guide, "Encryption at rest")."""
    if not spec.kms_key_arn or not spec.model_data:
        return []
    objects = sorted({location.object_arn(partition) for location in spec.model_data})
    buckets = sorted({location.bucket_arn(partition) for location in spec.model_data})
    return [
        iam.PolicyStatement(
            sid="DecryptModelArtifactsThroughS3",
            actions=["kms:Decrypt"],
            resources=[spec.kms_key_arn],
            conditions={
                "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
                "StringLike": {"kms:EncryptionContext:aws:s3:arn": [*buckets, *objects]},
            },
        )
    ]


def pull_statements(spec: ArtifactsSpec, partition: str) -> list[iam.PolicyStatement]:
    """Pull the inference image(s): exactly the repositories the served models name, and `ecr-repo-arn`'s."""
    repositories = {repository.arn(partition) for repository in spec.repositories}
    if spec.ecr_repo_arn:
        repositories.add(spec.ecr_repo_arn)
    if not repositories:
        return []
    return [
        iam.PolicyStatement(sid="PullInferenceImages", actions=ECR_PULL_ACTIONS, resources=sorted(repositories)),
        # GetAuthorizationToken has no resource-level permissions.
        iam.PolicyStatement(sid="AuthenticateToEcr", actions=["ecr:GetAuthorizationToken"], resources=["*"]),
    ]


class Model(sagemaker.CfnModel):
    """A SageMaker model as planned (`spec`), run as `role_arn`, in the endpoint's subnets behind its security
    group when it has a network."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        spec: ModelSpec,
        role_arn: str,
        subnet_ids: list[str] | None,
        security_group_id: str | None,
    ) -> None:
        containers = [container_definition(entry) for entry in spec.containers]
        super().__init__(
            scope,
            id,
            model_name=name,
            execution_role_arn=role_arn,
            primary_container=None if spec.is_pipeline else containers[0],
            containers=containers if spec.is_pipeline else None,
            inference_execution_config=(
                sagemaker.CfnModel.InferenceExecutionConfigProperty(mode="Serial") if spec.is_pipeline else None
            ),
            vpc_config=(
                sagemaker.CfnModel.VpcConfigProperty(subnets=subnet_ids, security_group_ids=[security_group_id])
                if subnet_ids is not None and security_group_id is not None
                else None
            ),
            enable_network_isolation=spec.isolation,
        )


def container_definition(container: Container) -> sagemaker.CfnModel.ContainerDefinitionProperty:
    if container.package_arn:
        return sagemaker.CfnModel.ContainerDefinitionProperty(model_package_name=container.package_arn)
    return sagemaker.CfnModel.ContainerDefinitionProperty(
        image=container.image,
        model_data_url=container.model_data_url,
        environment=dict(container.environment) or None,
    )
