"""How a feature grants access to what it owns (`grant_*` methods): to the module's execution role, or to any IAM
principal as the CDK's own grant methods do.

The execution role the module creates has one customer-managed policy, written statement by statement by the
features that need it, each statement with its sid and, where it names a wildcard resource, the reviewer's reason
(the rule packs' acknowledgement). Any other grantee (a role of the monitoring module, say) gets the statements in
its own principal policy.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence

from aws_cdk import aws_iam as iam


class PolicyOwner(ABC):
    """A grantee that writes the statements it is granted into a policy of its own (the execution role)."""

    @abstractmethod
    def add_statements(self, statements: Sequence[iam.PolicyStatement], reasons: Mapping[str, str]) -> None:
        """Add `statements`; `reasons` says, by sid, why a statement naming a wildcard resource cannot be narrower."""


Grantee = PolicyOwner | iam.IGrantable


def grant(
    grantee: Grantee, statements: Sequence[iam.PolicyStatement], reasons: Mapping[str, str] | None = None
) -> None:
    """Give `grantee` the `statements` (none: nothing to grant)."""
    if not statements:
        return
    if isinstance(grantee, PolicyOwner):
        grantee.add_statements(statements, reasons or {})
        return
    for statement in statements:
        grantee.grant_principal.add_to_principal_policy(statement)
