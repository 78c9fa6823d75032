"""The model package group module's contracts: the calls a workload account makes into the registry account,
and the registry's own deployment role's reads.

Across accounts AWS allows a call only when both sides do: the caller's identity policies in its account,
and the resource's policy (the group's, the bucket's, the key's, the repository's, the event bus's) in the
other. The registry's side is what its template holds, or, for an existing bucket, key or repository, the
statements the module requires of its policy (grants.py, checked before deploy). The workload's side is the
least its endpoint module must hold (`workload_policies`: what the endpoint is given to hold, built from
the registry's metadata as the endpoint reads it). Each call has neighbours just outside it that must be
denied: an account outside the mapping, another group, another prefix, a call not through S3, another bus.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from rehearsal.iam_simulator import Call, Caller, Target, policy
from tests.matrix import DEV
from tests.real_account.across import CrossAccountContract
from tests.real_account.calls import registry_read_actions
from tests.real_account.cfn import Template
from tests.real_account.contract_parts import OTHER_ACCOUNT, Contract, Request, changed
from tests.real_account.workload import PULL, Registry, elsewhere, workload_policies

MODULE = "sagemaker-model-package-group"
STATE_CHANGE = {"events:source": "aws.sagemaker", "events:detail-type": "SageMaker Model Package State Change"}


def deployment_role(template: Template) -> Iterator[Contract]:
    """The reads before each deploy (kept.py, existing.py), with the registry's modulestack."""
    role = f"arn:aws:iam::{template.account}:role/{template.parameter('RoleName')}"
    stack = "-".join(template.parameter(name) for name in ("ProjectName", "DeploymentName", "ModuleName"))
    region, account = template.region, template.account
    resources = {
        "cloudformation:ListStackResources": f"arn:aws:cloudformation:{region}:{account}:stack/{stack}/0a1b2c3d",
        "sagemaker:DescribeModelPackageGroup": f"arn:aws:sagemaker:{region}:{account}:model-package-group/fraud",
        "s3:GetBucketPolicy": template.parameter("ModelArtifactsBucketArn"),
        "kms:GetKeyPolicy": template.parameter("ModelArtifactsKmsKeyArn"),
        "ecr:GetRepositoryPolicy": next(iter(json.loads(template.parameter("EcrRepositoryArns") or "[]")), ""),
    }
    for action in sorted(registry_read_actions()):
        resource = resources[action]
        if not resource:
            continue  # the modulestack grants it only when the parameter names something
        call = Request(role, action, resource)
        if action.startswith("s3:"):
            outside = changed(call, resource=resource + "-other")
        elif action == "cloudformation:ListStackResources":
            outside = changed(call, resource=resource.replace(f"/{stack}/", f"/{stack}-other/"))
        else:
            outside = changed(call, resource=resource.replace(f":{region}:", ":eu-central-2:"))
        yield Contract("deployment role", f"{action} (before each deploy)", call, outside)


def group_contracts(registry: Registry, account: str) -> Iterator[CrossAccountContract]:
    """The synth-time lookup, describing a version, and creating a model from it."""
    callers = workload_policies(registry, account)
    group = registry.metadata["SagemakerModelPackageGroupArn"]
    owner = registry.template.account
    group_policy = registry.resource_policy("AWS::SageMaker::ModelPackageGroup")
    version = group.replace(":model-package-group/", ":model-package/") + "/7"
    other_group = group.rsplit("/", 1)[0] + "/another-group"
    other_version = version.replace(group.rsplit("/", 1)[1] + "/", "another-group/")
    reads = [
        ("lookup", "sagemaker:DescribeModelPackageGroup", group, other_group, "the group (lookup)"),
        # ListModelPackages is authorized on model packages (the Service Authorization Reference lists no
        # other resource type for it): the versions of the group named by its ARN.
        ("lookup", "sagemaker:ListModelPackages", version, other_version, "the group's versions (lookup)"),
        ("lookup", "sagemaker:DescribeModelPackage", version, other_version, "describe a version"),
        ("cloudformation", "sagemaker:DescribeModelPackage", version, other_version, "the version a model is made of"),
    ]
    for who, action, resource, other, what in reads:
        caller = callers[who]
        call = Call(caller, action, Target(resource, owner, group_policy))
        yield CrossAccountContract(
            f"workload {who} role",
            what,
            call,
            (
                ("an account outside the mapping", Call(elsewhere(caller), action, call.target)),
                ("another group", Call(caller, action, Target(other, owner, group_policy))),
            ),
        )
    cloudformation = callers["cloudformation"]
    model = Target(f"arn:aws:sagemaker:{group.split(':')[3]}:{account}:model/endpoint-model-0a1b2c3d", account)
    elsewhere_model = Target(model.arn.replace(f":{account}:", f":{OTHER_ACCOUNT}:"), OTHER_ACCOUNT)
    yield CrossAccountContract(
        "workload cloudformation role",
        "create the model in its own account",
        Call(cloudformation, "sagemaker:CreateModel", model),
        (("a model in another account", Call(cloudformation, "sagemaker:CreateModel", elsewhere_model)),),
    )


def artifact_contracts(
    registry: Registry, account: str, *, bucket_policy: dict[str, Any] | None, key_policy: dict[str, Any] | None
) -> Iterator[CrossAccountContract]:
    """The execution role reads a version's artifacts, and decrypts them through S3."""
    execution = workload_policies(registry, account)["execution"]
    owner = registry.template.account
    bucket, prefix = registry.metadata["ModelArtifactsBucketArn"], registry.metadata["ModelArtifactsPrefix"]
    objects = Target(f"{bucket}/{prefix}7/model.tar.gz", owner, bucket_policy)
    context = {"s3:ResourceAccount": owner}
    call = Call(execution, "s3:GetObject", objects, context)
    yield CrossAccountContract(
        "workload execution role",
        "read a version's model data",
        call,
        (
            ("an account outside the mapping", Call(elsewhere(execution), "s3:GetObject", objects, context)),
            (
                "another prefix",
                Call(execution, "s3:GetObject", Target(f"{bucket}/other/model.tar.gz", owner, bucket_policy), context),
            ),
        ),
    )
    listing = Call(
        execution, "s3:ListBucket", Target(bucket, owner, bucket_policy), {**context, "s3:prefix": f"{prefix}7/"}
    )
    yield CrossAccountContract(
        "workload execution role",
        "list a version's uncompressed model",
        listing,
        (
            (
                "an account outside the mapping",
                Call(elsewhere(execution), listing.action, listing.target, listing.context),
            ),
            ("another prefix", Call(execution, listing.action, listing.target, {**context, "s3:prefix": "other/"})),
            ("no prefix", Call(execution, listing.action, listing.target, context)),
        ),
    )
    key = registry.metadata.get("ModelArtifactsKmsKeyArn")
    if key is None:
        return
    region = key.split(":")[3]
    through_s3 = {"kms:ViaService": f"s3.{region}.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": objects.arn}
    target = Target(key, key.split(":")[4], key_policy)
    decrypt = Call(execution, "kms:Decrypt", target, through_s3)
    yield CrossAccountContract(
        "workload execution role",
        "decrypt a version's model data through S3",
        decrypt,
        (
            ("an account outside the mapping", Call(elsewhere(execution), "kms:Decrypt", target, through_s3)),
            ("not through S3", Call(execution, "kms:Decrypt", target, {})),
        ),
    )


def image_contracts(
    registry: Registry, account: str, repository_policy: dict[str, Any]
) -> Iterator[CrossAccountContract]:
    """The execution role pulls a version's image from a repository of the registry."""
    execution = workload_policies(registry, account)["execution"]
    for repository in registry.metadata["EcrRepositoryArns"]:
        granted = policy(*[{**statement, "Resource": repository} for statement in repository_policy["Statement"]])
        target = Target(repository, repository.split(":")[4], granted)
        other = Target(repository + "-other", target.account, None)
        for action in PULL:
            yield CrossAccountContract(
                "workload execution role",
                "pull a version's image",
                Call(execution, action, target),
                (
                    ("an account outside the mapping", Call(elsewhere(execution), action, target)),
                    ("a repository not granted", Call(execution, action, other)),
                ),
            )


def event_contracts(registry: Registry, account: str, bus_policy: dict[str, Any]) -> Iterator[CrossAccountContract]:
    """EventBridge takes the forwarding role for the rule, and the role puts the event on the target's bus."""
    metadata = registry.metadata
    if "EventForwardingRoleArn" not in metadata:
        return
    owner = registry.template.account
    role_arn, rule = metadata["EventForwardingRoleArn"], metadata["SagemakerModelPackageGroupEventRuleArn"]
    [(logical, role)] = registry.template.of_type("AWS::IAM::Role")
    trust = Target(role_arn, owner, role["Properties"]["AssumeRolePolicyDocument"])
    events = Caller("events.amazonaws.com", source_account=owner, source_arn=rule)
    assume = Call(events, "sts:AssumeRole", trust)
    yield CrossAccountContract(
        "events.amazonaws.com",
        "take the forwarding role for the rule",
        assume,
        (
            (
                "another rule",
                Call(Caller(events.principal, source_account=owner, source_arn=rule + "-other"), assume.action, trust),
            ),
        ),
    )
    forwarder = Caller(role_arn, (registry.identity_policy(logical),))
    region = rule.split(":")[3]
    bus = Target(f"arn:aws:events:{region}:{account}:event-bus/default", account, bus_policy)
    [(_, forwarding)] = registry.template.of_type("AWS::Events::Rule")
    if bus.arn not in [target["Arn"] for target in forwarding["Properties"]["Targets"]]:
        return  # forward_events_to_target_accounts: false
    deliver = Call(forwarder, "events:PutEvents", bus, dict(STATE_CHANGE))
    another_role = Caller(role_arn.rsplit("/", 1)[0] + "/another-role", forwarder.identity_policies)
    yield CrossAccountContract(
        "forwarding role",
        "put a state change on the target account's bus",
        deliver,
        (
            (
                "a bus outside the mapping",
                Call(
                    forwarder,
                    "events:PutEvents",
                    Target(bus.arn.replace(account, OTHER_ACCOUNT), OTHER_ACCOUNT, bus_policy),
                    dict(STATE_CHANGE),
                ),
            ),
            ("another role of the registry", Call(another_role, "events:PutEvents", bus, dict(STATE_CHANGE))),
            (
                "another source",
                Call(forwarder, "events:PutEvents", bus, {**STATE_CHANGE, "events:source": "com.example"}),
            ),
        ),
    )


def cross_account(template: Template, account: str = DEV) -> list[CrossAccountContract]:
    """Every call a workload `account` makes into the registry `template`, with both sides' policies."""
    from sagemaker_model_package_group import grants
    from sagemaker_model_package_group.plan import partition_of

    registry = Registry.of(template)
    if account not in registry.metadata["TargetAccountIds"]:
        return []
    plan = _plan_of(registry)
    created_bucket = registry.resource_policy("AWS::S3::BucketPolicy")
    bucket_policy = created_bucket or policy(
        *grants.bucket_statements(plan, registry.metadata["ModelArtifactsBucketArn"])
    )
    key_policy = registry.resource_policy("AWS::KMS::Key") or policy(
        grants.key_statement(plan, registry.metadata["ModelArtifactsBucketArn"])
    )
    bus_policy = policy(
        grants.bus_policy_statement(
            template.account,
            f"arn:{partition_of(template.region)}:events:{template.region}:{account}:event-bus/default",
            registry.metadata.get("EventForwardingRoleArn", ""),
        )
    )
    return [
        *group_contracts(registry, account),
        *artifact_contracts(registry, account, bucket_policy=bucket_policy, key_policy=key_policy),
        *image_contracts(registry, account, policy(grants.pull_statement(plan))),
        *event_contracts(registry, account, bus_policy),
    ]


def _plan_of(registry: Registry) -> Any:
    """The registry's plan, for the statements the module requires of existing resources (grants.py)."""
    from sagemaker_model_package_group.plan import ArtifactsSpec, GroupSpec, RegistryPlan, partition_of

    metadata, template = registry.metadata, registry.template
    group = metadata["SagemakerModelPackageGroupArn"]
    return RegistryPlan(
        account=template.account,
        region=template.region,
        partition=partition_of(template.region),
        targets=tuple(metadata["TargetAccountIds"]),
        group=GroupSpec(
            metadata["SagemakerModelPackageGroupName"],
            None,
            group,
            group.replace(":model-package-group/", ":model-package/") + "/*",
        ),
        artifacts=ArtifactsSpec(
            metadata["ModelArtifactsBucketArn"],
            metadata.get("ModelArtifactsKmsKeyArn"),
            metadata["ModelArtifactsPrefix"],
        ),
        repositories=tuple(metadata["EcrRepositoryArns"]),
        forwarding=None,
        retain=True,
    )
