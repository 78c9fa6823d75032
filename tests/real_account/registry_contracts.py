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
from dataclasses import dataclass, field
from typing import Any

from tests.matrix import DEV
from tests.real_account.calls import registry_read_actions
from tests.real_account.cfn import Template
from tests.real_account.contract_parts import OTHER_ACCOUNT, Contract, changed
from tests.real_account.evaluate import Request, decide
from tests.real_account.policies import Document, documents

MODULE = "sagemaker-model-package-group"
STATE_CHANGE = {"events:source": "aws.sagemaker", "events:detail-type": "SageMaker Model Package State Change"}
PULL = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability")


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


@dataclass(frozen=True)
class Caller:
    """Who calls, and the identity policies of its account that apply to it (none for a service)."""

    principal: str
    policies: tuple[dict[str, Any], ...] = ()

    @property
    def account(self) -> str | None:
        return self.principal.split(":")[4] if self.principal.startswith("arn:") else None


@dataclass(frozen=True)
class Target:
    """What is called: its ARN, the account that owns it, and its resource (or key) policy."""

    arn: str
    account: str
    policy: dict[str, Any] | None
    is_key: bool = False


@dataclass(frozen=True)
class Call:
    caller: Caller
    action: str
    target: Target
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CrossAccountContract:
    """`call` must be allowed; each of `outside` (named by what changed) must be denied."""

    who: str
    what: str
    call: Call
    outside: tuple[tuple[str, Call], ...]


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


@dataclass(frozen=True)
class Registry:
    """What the workload side reads of the registry (its metadata) and the registry's policies, resolved."""

    template: Template
    metadata: dict[str, Any]

    @classmethod
    def of(cls, template: Template) -> Registry:
        metadata = json.loads(str(template.resolve(template.raw["Outputs"]["metadata"]["Value"])))
        return cls(template, metadata)

    def resource_policy(self, kind: str) -> dict[str, Any] | None:
        """The policy of the template's one resource of `kind` (the group, the artifacts bucket, the key)."""
        for document in documents(self.template):
            if document.kind != "identity" and self.template.resources[document.logical]["Type"] == kind:
                if kind == "AWS::S3::BucketPolicy" and self.metadata["ModelArtifactsBucketArn"] not in document.targets:
                    continue  # the access-log bucket's
                return _policy(*document.statements)
        return None

    def identity_policy(self, role_logical_prefix: str) -> dict[str, Any]:
        statements = [
            statement
            for document in documents(self.template)
            if document.kind == "identity" and any(role_logical_prefix in role for role in document.roles)
            for statement in document.statements
        ]
        return _policy(*statements)


def workload_policies(registry: Registry, account: str) -> dict[str, Caller]:
    """The least a workload account's endpoint module must hold to use the registry, built from its metadata:
    the deployment role that looks the version up, CloudFormation's role that creates the model, and the
    execution role SageMaker hosts the model with."""
    metadata = registry.metadata
    group = metadata["SagemakerModelPackageGroupArn"]
    versions = group.replace(":model-package-group/", ":model-package/") + "/*"
    bucket, prefix = metadata["ModelArtifactsBucketArn"], metadata["ModelArtifactsPrefix"]
    region = group.split(":")[3]
    lookup = _policy(
        {
            "Effect": "Allow",
            "Action": ["sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"],
            "Resource": [group, versions],
        },
        {"Effect": "Allow", "Action": "sagemaker:DescribeModelPackage", "Resource": versions},
    )
    create = _policy({"Effect": "Allow", "Action": "sagemaker:CreateModel", "Resource": versions})
    execution = [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{bucket}/{prefix}*"},
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": bucket,
            "Condition": {"StringLike": {"s3:prefix": f"{prefix}*"}},
        },
    ]
    if "ModelArtifactsKmsKeyArn" in metadata:
        execution.append(
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": metadata["ModelArtifactsKmsKeyArn"],
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            }
        )
    if metadata["EcrRepositoryArns"]:
        execution.append({"Effect": "Allow", "Action": list(PULL), "Resource": metadata["EcrRepositoryArns"]})
    role = f"arn:aws:iam::{account}:role"
    return {
        "lookup": Caller(f"{role}/mlops-workload-endpoint-deployment-role", (lookup,)),
        "cloudformation": Caller(f"{role}/cdk-hnb659fds-cfn-exec-role-{account}-{region}", (create,)),
        "execution": Caller(f"{role}/mlops-workload-endpoint-ExecutionRole", (_policy(*execution),)),
    }


def elsewhere(caller: Caller) -> Caller:
    """The same role, with the same identity policies, in an account outside the mapping."""
    return Caller(caller.principal.replace(f"::{caller.account}:", f"::{OTHER_ACCOUNT}:"), caller.policies)


def group_contracts(registry: Registry, account: str) -> Iterator[CrossAccountContract]:
    """The synth-time lookup, describing a version, and creating a model from it."""
    callers = workload_policies(registry, account)
    group = registry.metadata["SagemakerModelPackageGroupArn"]
    owner = registry.template.account
    policy = registry.resource_policy("AWS::SageMaker::ModelPackageGroup")
    version = group.replace(":model-package-group/", ":model-package/") + "/7"
    other_group = group.rsplit("/", 1)[0] + "/another-group"
    other_version = version.replace(group.rsplit("/", 1)[1] + "/", "another-group/")
    reads = [
        ("lookup", "sagemaker:DescribeModelPackageGroup", group, other_group, "the group (lookup)"),
        # ListModelPackages of a group named by its ARN, allowed on the group and on its versions.
        ("lookup", "sagemaker:ListModelPackages", group, other_group, "the group's versions (lookup)"),
        ("lookup", "sagemaker:ListModelPackages", version, other_version, "the group's versions (lookup)"),
        ("lookup", "sagemaker:DescribeModelPackage", version, other_version, "describe a version"),
        ("cloudformation", "sagemaker:CreateModel", version, other_version, "create a model from a version"),
    ]
    for who, action, resource, other, what in reads:
        caller = callers[who]
        call = Call(caller, action, Target(resource, owner, policy))
        yield CrossAccountContract(
            f"workload {who} role",
            f"{action} on {what}",
            call,
            (
                ("an account outside the mapping", Call(elsewhere(caller), action, call.target)),
                ("another group", Call(caller, action, Target(other, owner, policy))),
            ),
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
        "s3:GetObject a version's model data",
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
        "s3:ListBucket a version's uncompressed model",
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
    target = Target(key, key.split(":")[4], key_policy, is_key=True)
    decrypt = Call(execution, "kms:Decrypt", target, through_s3)
    yield CrossAccountContract(
        "workload execution role",
        "kms:Decrypt a version's model data through S3",
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
        policy = _policy(*[{**statement, "Resource": repository} for statement in repository_policy["Statement"]])
        target = Target(repository, repository.split(":")[4], policy)
        other = Target(repository + "-other", target.account, None)
        for action in PULL:
            yield CrossAccountContract(
                "workload execution role",
                f"{action} (pull a version's image)",
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
    assume = Call(
        Caller("events.amazonaws.com"), "sts:AssumeRole", trust, {"aws:SourceAccount": owner, "aws:SourceArn": rule}
    )
    yield CrossAccountContract(
        "events.amazonaws.com",
        "sts:AssumeRole the forwarding role for the rule",
        assume,
        (
            (
                "another rule",
                Call(assume.caller, assume.action, trust, {**assume.context, "aws:SourceArn": rule + "-other"}),
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
    another_role = Caller(role_arn.rsplit("/", 1)[0] + "/another-role", forwarder.policies)
    yield CrossAccountContract(
        "forwarding role",
        "events:PutEvents a state change onto the target account's bus",
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
    bucket_policy = created_bucket or _policy(
        *grants.bucket_statements(plan, registry.metadata["ModelArtifactsBucketArn"])
    )
    key_policy = registry.resource_policy("AWS::KMS::Key") or _policy(
        grants.key_statement(plan, registry.metadata["ModelArtifactsBucketArn"])
    )
    bus_policy = _policy(
        grants.bus_policy_statement(
            template.account,
            f"arn:{partition_of(template.region)}:events:{template.region}:{account}:event-bus/default",
            registry.metadata.get("EventForwardingRoleArn", ""),
        )
    )
    return [
        *group_contracts(registry, account),
        *artifact_contracts(registry, account, bucket_policy=bucket_policy, key_policy=key_policy),
        *image_contracts(registry, account, _policy(grants.pull_statement(plan))),
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


# The evaluation of both sides below is ours until the maintained simulator (tests/real_account/simulator.py)
# takes over every contract; it follows IAM's cross-account evaluation logic for these policies.
PROBE = Template(case="probe", module="probe", raw={"Resources": {}})


def allowed(call: Call) -> bool:
    """Both sides: in one account, either policy may allow (a key's policy must); across accounts, the
    caller's identity policies and the resource's (or key's) policy must both allow; a Deny anywhere wins."""
    request = Request(call.caller.principal, call.action, call.target.arn, call.context)
    identity = [Document(PROBE, "Identity", "identity", tuple(policy["Statement"])) for policy in call.caller.policies]
    statements = tuple((call.target.policy or {}).get("Statement", []))
    target = (
        [Document(PROBE, "Target", "key" if call.target.is_key else "resource", statements, targets=(call.target.arn,))]
        if statements
        else []
    )
    resource, key = ([], target) if call.target.is_key else (target, [])
    if call.caller.account in (None, call.target.account):
        return decide(request, identity, resource, key)
    if call.target.is_key:  # the key policy delegates to the caller's account, whose identity policy must allow
        return decide(request, identity, [], []) and decide(request, identity, [], key)
    return decide(request, identity, [], []) and decide(request, [], resource, [])


def failures(contracts: list[CrossAccountContract]) -> list[str]:
    found = []
    for contract in contracts:
        if not allowed(contract.call):
            found.append(
                f"DENIED {contract.who}: {contract.what}: {contract.call.action} on {contract.call.target.arn}"
            )
        for neighbour, call in contract.outside:
            if allowed(call):
                found.append(
                    f"ALLOWED {neighbour}: {contract.who}: {contract.what}: {call.action} on {call.target.arn}"
                )
    return found
