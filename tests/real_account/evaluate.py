"""A policy evaluator for one account, after IAM's documented evaluation logic.

Handles Action/NotAction, Resource/NotResource with wildcards and policy variables (`${aws:SourceIdentity}`,
from the request's context), Principal (AWS, Service, `*`), and the
condition operators the modules use, with IfExists, ForAnyValue/ForAllValues and missing context keys
(a missing key fails a positive operator and satisfies a negated one). Same-account rules: an explicit
Deny anywhere wins; otherwise an Allow in an identity policy or in the resource policy suffices; a KMS
key is the exception, where the key policy must allow the principal, or allow the account (the
`:root` statement) and an identity policy allow it too. A service principal has no identity policy.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from tests.real_account.policies import Document, as_list


@dataclass(frozen=True)
class Request:
    """One call: who makes it (a role's ARN, or a service principal), the action, the resource ARN and
    the request context (condition keys, lower-case names not required)."""

    principal: str
    action: str
    resource: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def is_service(self) -> bool:
        return self.principal.endswith(".amazonaws.com")

    @property
    def account(self) -> str | None:
        match = re.match(r"arn:aws:iam::(\d{12}):", self.principal)
        return match[1] if match else None


_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def substituted(text: str, context: dict[str, Any]) -> str | None:
    """`text` with each policy variable (`${aws:SourceIdentity}`) replaced by the request's value; None when
    the request has no value for one (IAM: an element whose variable has no value does not match)."""
    lowered = {name.lower(): value for name, value in context.items()}
    missing = [name for name in _VARIABLE.findall(text) if name.lower() not in lowered]
    if missing:
        return None
    return _VARIABLE.sub(lambda match: str(lowered[match[1].lower()]), text)


def _glob(pattern: str, value: str, *, case: bool = True) -> bool:
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.fullmatch(regex, value, 0 if case else re.IGNORECASE) is not None


def _principal_matches(principal: Any, request: Request) -> bool:
    if principal is None:
        return True  # identity policy
    if principal == "*":
        return True
    for kind, values in principal.items():
        for value in as_list(values):
            if kind == "Service" and value == request.principal:
                return True
            if kind == "AWS":
                if value == "*" or value == request.principal:
                    return True
                if request.account and value in (request.account, f"arn:aws:iam::{request.account}:root"):
                    return True
    return False


def _compare(base: str, expected: str, actual: str) -> bool:
    if base.startswith("String"):
        case = "IgnoreCase" not in base
        if "Like" in base:
            return _glob(expected, actual, case=case)
        return expected == actual if case else expected.lower() == actual.lower()
    if base.startswith("Arn"):
        return _glob(expected, actual)
    if base.startswith("Numeric"):
        op = base.removeprefix("Numeric").removeprefix("Not")
        a, e = float(actual), float(expected)
        return {
            "Equals": a == e,
            "LessThan": a < e,
            "LessThanEquals": a <= e,
            "GreaterThan": a > e,
            "GreaterThanEquals": a >= e,
        }[op]
    if base == "Bool":
        return str(expected).lower() == str(actual).lower()
    if base.startswith("IpAddress") or base.startswith("NotIpAddress"):
        return ipaddress.ip_address(actual) in ipaddress.ip_network(expected)
    raise NotImplementedError(base)


def condition_holds(operator: str, key: str, expected: Any, context: dict[str, Any]) -> bool:
    """One condition key of one operator, as IAM evaluates it."""
    qualifier, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    lowered = {name.lower(): value for name, value in context.items()}
    if base == "Null":
        return (key.lower() not in lowered) == (str(expected).lower() == "true")
    if key.lower() not in lowered:
        return if_exists or "Not" in base
    actual = [str(value) for value in as_list(lowered[key.lower()])]
    expected_values = [
        value for value in (substituted(str(item), context) for item in as_list(expected)) if value is not None
    ]
    negated = "Not" in base and base != "NotIpAddress"
    positive = base.replace("Not", "", 1) if negated else base

    def one(value: str) -> bool:
        return any(_compare(positive, wanted, value) for wanted in expected_values)

    if qualifier == "ForAllValues":
        matched = all(one(value) for value in actual)
    else:
        matched = any(one(value) for value in actual)
    return not matched if negated else matched


def statement_applies(statement: dict[str, Any], request: Request, with_principal: bool) -> bool:
    if with_principal and not _principal_matches(statement.get("Principal"), request):
        return False
    if "NotPrincipal" in statement:
        return False
    actions = as_list(statement.get("Action", statement.get("NotAction", [])))
    matched = any(_glob(action, request.action, case=False) for action in actions)
    if matched == ("NotAction" in statement):
        return False
    resources = as_list(statement.get("Resource", statement.get("NotResource", "*")))
    patterns = [pattern for pattern in (substituted(str(r), request.context) for r in resources) if pattern is not None]
    matched = any(_glob(pattern, request.resource) for pattern in patterns)
    if matched == ("NotResource" in statement):
        return False
    return all(
        condition_holds(operator, key, expected, request.context)
        for operator, conditions in statement.get("Condition", {}).items()
        for key, expected in conditions.items()
    )


def _effects(documents: list[Document], request: Request, with_principal: bool) -> set[str]:
    return {
        statement["Effect"]
        for document in documents
        for statement in document.statements
        if statement_applies(statement, request, with_principal)
    }


def decide(request: Request, identity: list[Document], resource: list[Document], key: list[Document]) -> bool:
    """Whether AWS allows `request`, given the principal's identity policies and the policies of its target."""
    request = Request(
        request.principal, request.action, request.resource, {"aws:SecureTransport": "true", **request.context}
    )
    identity = [] if request.is_service else identity
    identity_effects = _effects(identity, request, with_principal=False)
    resource_effects = _effects(resource, request, with_principal=True)
    key_effects = _effects(key, request, with_principal=True)
    if "Deny" in identity_effects | resource_effects | key_effects:
        return False
    if key:
        if "Allow" in key_effects and any(
            statement_applies(statement, request, with_principal=True)
            and statement["Effect"] == "Allow"
            and not _names_account_root(statement.get("Principal"))
            for document in key
            for statement in document.statements
        ):
            return True
        delegated = request.account is not None and any(
            _names_account_root(statement.get("Principal"), request.account)
            and statement["Effect"] == "Allow"
            and statement_applies(statement, request, with_principal=True)
            for document in key
            for statement in document.statements
        )
        return delegated and "Allow" in identity_effects
    return "Allow" in identity_effects | resource_effects


def _names_account_root(principal: Any, account: str | None = None) -> bool:
    if not isinstance(principal, dict):
        return False
    roots = [value for value in as_list(principal.get("AWS", [])) if str(value).endswith(":root")]
    return bool(roots) if account is None else f"arn:aws:iam::{account}:root" in roots
