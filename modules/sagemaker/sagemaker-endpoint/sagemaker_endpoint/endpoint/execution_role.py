"""The role the models run as: the one the module creates, with one customer-managed policy the features write
their grants into, or the one `model-execution-role-arn` gives (the module then adds nothing to it). Either way
the key policy lets it use the module's key, so a role given by ARN gets the key too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from mlops_platform import compliance
from mlops_platform.key import KEY_USE_ACTIONS, ModuleKey
from sagemaker_endpoint.grants import PolicyOwner


class ExecutionRole(PolicyOwner):
    """`role`: the role SageMaker hosts the models with; `policy`: the module's policy on it (None for a role
    given by ARN). Features grant to it (`capture.grant_write(role)`); once every grant that may name a
    wildcard resource is in, `acknowledge_wildcards` gives the rule packs each one's reason."""

    def __init__(self, scope: Construct, id: str, *, role_arn: str | None, endpoint_name: str, key: ModuleKey) -> None:
        self.policy: iam.ManagedPolicy | None = None
        self._statements: list[iam.PolicyStatement] = []
        self._reasons: dict[str, str] = {}
        self._acknowledged = False
        if role_arn:
            self.role: iam.IRole = iam.Role.from_role_arn(scope, id, role_arn, mutable=False)
        else:
            role = iam.Role(
                scope,
                id,
                assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
                description=f"Hosts the models of SageMaker endpoint {endpoint_name}",
            )
            self.role = role
            self.policy = iam.ManagedPolicy(
                scope,
                "ExecutionPolicy",
                description=f"What hosting the models of endpoint {endpoint_name} needs",
                roles=[role],
            )
        self._use_key(key)

    @property
    def role_arn(self) -> str:
        return self.role.role_arn

    def add_statements(self, statements: Sequence[iam.PolicyStatement], reasons: Mapping[str, str]) -> None:
        """Into the module's policy (a role given by ARN keeps its own policies: nothing is added to it)."""
        if self.policy is None:
            return
        if self._acknowledged and any("*" in resource for s in statements for resource in s.resources):
            raise ValueError("a statement naming a wildcard resource was granted after the acknowledgements")
        self.policy.add_statements(*statements)
        self._statements.extend(statements)
        self._reasons.update(reasons)

    def acknowledge_wildcards(self) -> None:
        """One acknowledgement per wildcard resource of the policy, with its statements' reasons."""
        self._acknowledged = True
        if self.policy is None:
            return
        stack = cdk.Stack.of(self.policy)
        for acknowledgement in compliance.wildcard_acknowledgements(self._statements, stack, self._reasons):
            cdk.Validations.of(self.policy.node.default_child).acknowledge(acknowledgement)  # type: ignore[arg-type]

    def _use_key(self, key: ModuleKey) -> None:
        # In the key policy rather than the role, so a role given by ARN gets the same access.
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ExecutionRoleUsesKey",
                principals=[self.role],
                actions=KEY_USE_ACTIONS,
                resources=["*"],
            )
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ExecutionRoleAttachesKeyToInstanceVolumes",
                principals=[self.role],
                actions=["kms:CreateGrant"],
                resources=["*"],
                conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
            )
        )
