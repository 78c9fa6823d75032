"""The endpoint's cross-account contracts: each call a workload account's endpoint makes into a registry account,
and the registry's delivery of its approvals onto the workload's bus, with both sides' policies.

The workload's side is read from the endpoint's own templates: its modulestack (the deployment role's synth-time
lookup), the CDK execution policy (CloudFormation describing the version), its execution role's policy, and the
statement it adds to its default event bus. The registry's side is the registry module's: read from its template
(`Registry.of`), or, for a registry the matrix only names, built from the statements the registry module puts on
what it creates or requires of what it is given (grants.py). Each call has neighbours just outside it that must be
denied: an account outside the mapping, another group, another prefix, a call not through S3, a repository not
granted, another role of the registry, another source.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tests.real_account.across import CrossAccountContract
from tests.real_account.cfn import Template
from tests.real_account.contract_parts import (
    AWS_IMAGE_ACCOUNTS,
    AWS_IMAGE_REPOSITORY_POLICY,
    OTHER_ACCOUNT,
    caller_in,
    cdk_execution_role,
    first_of,
    role_arn_of,
    target_in,
)
from tests.real_account.simulator import Call, Caller, Target, policy
from tests.real_account.workload import PULL, Registry, elsewhere

STATE_CHANGE = {"events:source": "aws.sagemaker", "events:detail-type": "SageMaker Model Package State Change"}


@dataclass(frozen=True)
class RegistrySide:
    """What the registry account holds: its group's, bucket's, key's and repositories' policies, and the role its
    rule forwards state changes as (with that role's identity policies)."""

    account: str
    group_arn: str
    group_policy: Mapping[str, Any] | None
    bucket_policy: Mapping[str, Any] | None
    key_arn: str | None = None
    key_policy: Mapping[str, Any] | None = None
    repository_policy: Mapping[str, Any] | None = None  # the pull statement every repository of the registry holds
    forwarder: Caller | None = None

    @property
    def versions(self) -> str:
        return self.group_arn.replace(":model-package-group/", ":model-package/")


@dataclass(frozen=True)
class Served:
    """What the workload's endpoint serves of the registry: a version, its images and model data."""

    version: str
    images: tuple[str, ...]
    data: tuple[str, ...]


def contracts(
    endpoint: Template, modulestack: Template, registry: RegistrySide, served: Served
) -> list[CrossAccountContract]:
    """Every call of `endpoint` (and its deployment role's `modulestack`) into `registry`, and the registry's
    delivery onto the endpoint's bus when the endpoint lets it in."""
    return [
        *lookup(modulestack, registry, served),
        *cloudformation(endpoint, registry, served),
        *artifacts(endpoint, registry, served),
        *images(endpoint, registry, served),
        *delivery(endpoint, registry),
    ]


def _another_group(arn: str) -> str:
    group = arn.split(":model-package", 1)[1].split("/")[1]
    return arn.replace(f"/{group}", "/another-group", 1)


def lookup(modulestack: Template, registry: RegistrySide, served: Served) -> Iterator[CrossAccountContract]:
    """The deployment role's synth-time reads: the group and its versions (following the group by its ARN), or
    the fixed version, under the registry's group policy."""
    role = f"arn:aws:iam::{modulestack.account}:role/{modulestack.parameter('RoleName')}"
    caller = caller_in(modulestack, role)
    reads = [("sagemaker:DescribeModelPackage", served.version, "describe the version it serves")]
    if "RegistryModelPackageLookup" in modulestack.resources:
        reads += [
            ("sagemaker:DescribeModelPackageGroup", registry.group_arn, "the group (synth-time lookup)"),
            ("sagemaker:ListModelPackages", served.version, "the group's versions (synth-time lookup)"),
        ]
    for action, resource, what in reads:
        target = Target(resource, registry.account, registry.group_policy)
        other = Target(_another_group(resource), registry.account, registry.group_policy)
        yield CrossAccountContract(
            "workload deployment role",
            what,
            Call(caller, action, target),
            (
                ("an account outside the mapping", Call(elsewhere(caller), action, target)),
                ("another group", Call(caller, action, other)),
            ),
        )


def cloudformation(endpoint: Template, registry: RegistrySide, served: Served) -> Iterator[CrossAccountContract]:
    """CloudFormation (the CDK's execution role) reads the version its model is created from."""
    caller = caller_in(endpoint, f"arn:aws:iam::{endpoint.account}:role/{cdk_execution_role(endpoint)}")
    target = Target(served.version, registry.account, registry.group_policy)
    action = "sagemaker:DescribeModelPackage"
    yield CrossAccountContract(
        "workload cloudformation role",
        "the version its model is created from",
        Call(caller, action, target),
        (
            ("an account outside the mapping", Call(elsewhere(caller), action, target)),
            (
                "another group",
                Call(caller, action, Target(_another_group(served.version), registry.account, registry.group_policy)),
            ),
        ),
    )


def _execution(endpoint: Template) -> Caller:
    role = first_of(endpoint, "AWS::IAM::Role", "ExecutionRole")
    assert role is not None, f"{endpoint.case}: no execution role"
    return caller_in(endpoint, role_arn_of(endpoint, role))


def artifacts(endpoint: Template, registry: RegistrySide, served: Served) -> Iterator[CrossAccountContract]:
    """The execution role reads the version's model data, and decrypts it through S3 with the registry's key."""
    execution = _execution(endpoint)
    context = {"s3:ResourceAccount": registry.account}
    for url in served.data:
        bucket, _, key = url.removeprefix("s3://").partition("/")
        objects = Target(f"arn:aws:s3:::{bucket}/{key}", registry.account, registry.bucket_policy)
        other = Target(
            f"arn:aws:s3:::{bucket}/other/{key.rsplit('/', 1)[-1]}", registry.account, registry.bucket_policy
        )
        yield CrossAccountContract(
            "workload execution role",
            "read the version's model data",
            Call(execution, "s3:GetObject", objects, context),
            (
                ("an account outside the mapping", Call(elsewhere(execution), "s3:GetObject", objects, context)),
                ("another prefix", Call(execution, "s3:GetObject", other, context)),
            ),
        )
        if registry.key_arn is None:
            continue
        key_target = Target(registry.key_arn, registry.account, registry.key_policy)
        through_s3 = {
            "kms:ViaService": f"s3.{endpoint.region}.amazonaws.com",
            "kms:EncryptionContext:aws:s3:arn": objects.arn,
        }
        yield CrossAccountContract(
            "workload execution role",
            "decrypt the version's model data through S3",
            Call(execution, "kms:Decrypt", key_target, through_s3),
            (
                ("an account outside the mapping", Call(elsewhere(execution), "kms:Decrypt", key_target, through_s3)),
                ("not through S3", Call(execution, "kms:Decrypt", key_target, {})),
                (
                    "another object's encryption context",
                    Call(
                        execution,
                        "kms:Decrypt",
                        key_target,
                        {**through_s3, "kms:EncryptionContext:aws:s3:arn": other.arn},
                    ),
                ),
            ),
        )


def images(endpoint: Template, registry: RegistrySide, served: Served) -> Iterator[CrossAccountContract]:
    """The execution role pulls the version's image: from a repository of the registry (whose policy holds the
    registry's pull statement), or from AWS's image accounts (which let any account pull)."""
    execution = _execution(endpoint)
    for image in served.images:
        host, _, path = image.partition("/")
        account, region = host.split(".")[0], host.split(".")[3]
        repository = f"arn:aws:ecr:{region}:{account}:repository/{path.split(':')[0].split('@')[0]}"
        aws_image = account in AWS_IMAGE_ACCOUNTS
        if aws_image:
            granted: Mapping[str, Any] | None = AWS_IMAGE_REPOSITORY_POLICY
        elif registry.repository_policy is not None:
            # A repository policy names no Resource: the repository is the resource.
            granted = policy(
                *[{**statement, "Resource": repository} for statement in registry.repository_policy["Statement"]]
            )
        else:
            granted = None
        target, other = Target(repository, account, granted), Target(repository + "-other", account, granted)
        for action in PULL:
            neighbours = [("a repository not granted", Call(execution, action, other))]
            if not aws_image:
                neighbours.insert(0, ("an account outside the mapping", Call(elsewhere(execution), action, target)))
            yield CrossAccountContract(
                "workload execution role",
                f"pull the version's image ({'an AWS image' if aws_image else 'a repository of the registry'})",
                Call(execution, action, target),
                tuple(neighbours),
            )


def delivery(endpoint: Template, registry: RegistrySide) -> Iterator[CrossAccountContract]:
    """The registry's forwarding role puts a state change on the workload's default bus, whose policy is the
    statement the endpoint adds (registry-event-forwarding-role-arn)."""
    if registry.forwarder is None or first_of(endpoint, "AWS::Events::EventBusPolicy") is None:
        return
    bus = f"arn:aws:events:{endpoint.region}:{endpoint.account}:event-bus/default"
    target = target_in(endpoint, bus)
    forwarder = registry.forwarder
    another_role = Caller(forwarder.principal.rsplit("/", 1)[0] + "/another-role", forwarder.identity_policies)
    outside = Target(bus.replace(endpoint.account, OTHER_ACCOUNT), OTHER_ACCOUNT, target.policy)
    yield CrossAccountContract(
        "registry forwarding role",
        "put a state change of the group on the workload's default bus",
        Call(forwarder, "events:PutEvents", target, dict(STATE_CHANGE)),
        (
            ("a bus outside the mapping", Call(forwarder, "events:PutEvents", outside, dict(STATE_CHANGE))),
            ("another role of the registry", Call(another_role, "events:PutEvents", target, dict(STATE_CHANGE))),
            (
                "another source",
                Call(forwarder, "events:PutEvents", target, {**STATE_CHANGE, "events:source": "com.example"}),
            ),
        ),
    )


def registry_of_template(template: Template) -> RegistrySide:
    """The registry's side as its template holds it (the sagemaker-model-package-group module synthesized); its
    repositories, which it is given, hold the pull statement it requires of them (grants.py)."""
    from sagemaker_model_package_group import grants

    registry = Registry.of(template)
    metadata = registry.metadata
    forwarder = None
    if "EventForwardingRoleArn" in metadata:
        [(logical, _)] = template.of_type("AWS::IAM::Role")
        forwarder = Caller(metadata["EventForwardingRoleArn"], (registry.identity_policy(logical),))
    plan = _plan(
        template.account,
        template.region,
        metadata["SagemakerModelPackageGroupArn"],
        tuple(metadata["TargetAccountIds"]),
        (
            metadata["ModelArtifactsBucketArn"],
            metadata.get("ModelArtifactsKmsKeyArn"),
            metadata["ModelArtifactsPrefix"],
        ),
    )
    return RegistrySide(
        account=template.account,
        group_arn=metadata["SagemakerModelPackageGroupArn"],
        group_policy=registry.resource_policy("AWS::SageMaker::ModelPackageGroup"),
        bucket_policy=registry.resource_policy("AWS::S3::BucketPolicy"),
        key_arn=metadata.get("ModelArtifactsKmsKeyArn"),
        key_policy=registry.resource_policy("AWS::KMS::Key"),
        repository_policy=policy(grants.pull_statement(plan)) if metadata["EcrRepositoryArns"] else None,
        forwarder=forwarder,
    )


def registry_of_grants(
    *,
    account: str,
    region: str,
    group: str,
    targets: tuple[str, ...],
    bucket: str,
    prefix: str,
    key: str | None,
    forwarder_arn: str | None,
) -> RegistrySide:
    """A registry the matrix only names (an existing bucket, key and repositories given to the registry module):
    its policies are the statements the registry module puts on its group and requires of what it is given."""
    from sagemaker_model_package_group import grants

    group_arn = f"arn:aws:sagemaker:{region}:{account}:model-package-group/{group}"
    plan = _plan(account, region, group_arn, targets, (bucket, key, prefix))
    # The registry's forwarding role may put events on the target accounts' default buses only (its TargetPolicy).
    buses = [f"arn:aws:events:{region}:{target}:event-bus/default" for target in targets]
    allowed = policy({"Effect": "Allow", "Action": "events:PutEvents", "Resource": buses})
    forwarder = Caller(forwarder_arn, (allowed,)) if forwarder_arn else None
    return RegistrySide(
        account=account,
        group_arn=group_arn,
        group_policy=grants.group_policy(plan),
        bucket_policy=policy(*grants.bucket_statements(plan, bucket)),
        key_arn=key,
        key_policy=policy(grants.key_statement(plan, bucket)) if key else None,
        repository_policy=policy(grants.pull_statement(plan)),
        forwarder=forwarder,
    )


def _plan(
    account: str, region: str, group_arn: str, targets: tuple[str, ...], artifacts: tuple[str, str | None, str]
) -> Any:
    """The registry module's plan for the statements of grants.py."""
    from sagemaker_model_package_group.plan import ArtifactsSpec, GroupSpec, RegistryPlan

    name = group_arn.rsplit("/", 1)[1]
    versions = group_arn.replace(":model-package-group/", ":model-package/") + "/*"
    return RegistryPlan(
        account=account,
        region=region,
        partition="aws",
        targets=targets,
        group=GroupSpec(name, None, group_arn, versions),
        artifacts=ArtifactsSpec(*artifacts),
        repositories=(),
        forwarding=None,
        retain=True,
    )


def matrix_contracts(template: Template) -> list[CrossAccountContract]:
    """The cross-account contracts of a matrix case that deploys to a workload account (tests/matrix.py
    DEPLOYED_IN), serving the matrix account's registry: its group or fixed package, the matrix's image and model
    data (tests/synthesize_cases.py), under the registry module's statements for the matrix's artifacts bucket and
    the key and forwarding role the case names."""
    from tests.matrix import ACCOUNT, BUCKET, DATA, GROUP, IMAGE, PACKAGE, REGION, VALID
    from tests.real_account.cfn import endpoint_modulestack

    parameters = VALID[template.case][1]
    group_arn = str(parameters.get("model-package-group-name", ""))
    package = str(parameters.get("model-package-arn", ""))
    version = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{GROUP}/1" if group_arn else package
    registry = registry_of_grants(
        account=ACCOUNT,
        region=REGION,
        group=version.split(":model-package/", 1)[1].split("/")[0],
        targets=(template.account,),
        bucket=BUCKET,
        prefix=DATA.removeprefix("s3://").split("/")[1] + "/",
        key=str(parameters.get("model-artifacts-kms-key-arn", "")) or None,
        forwarder_arn=str(parameters.get("registry-event-forwarding-role-arn", "")) or None,
    )
    modulestack = endpoint_modulestack(
        f"{template.case}-modulestack", account=template.account, group=group_arn, package=package
    )
    assert package in ("", PACKAGE)
    return contracts(template, modulestack, registry, Served(version, (IMAGE,), (DATA,)))
