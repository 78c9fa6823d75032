"""The IAM simulator every service contract is decided by (rehearsal/iam_simulator.py).

Each test pins a rule of AWS's documented evaluation logic that the contracts rely on, so a version of
`@cloud-copilot/iam-simulate` that evaluated it differently fails here first. Several are rules our
former single-account evaluator got wrong: it allowed a call into another account on the caller's
identity policy alone, took a resource policy naming an account as a grant to each of its roles, let a
key policy naming a role of another account suffice, ignored NotPrincipal, permissions boundaries and
policy variables, and failed ForAllValues on an absent key.
"""

from __future__ import annotations

import doctest
from typing import Any

import pytest

from rehearsal import iam_simulator as simulator
from rehearsal.iam_simulator import Call, Caller, SimulationError, Target, policy, simulate

REGISTRY, DEV, OUTSIDE = "111111111111", "222222222222", "999999999999"
ROLE = f"arn:aws:iam::{REGISTRY}:role/endpoint"
DEV_ROLE = f"arn:aws:iam::{DEV}:role/endpoint"
OBJECT = "arn:aws:s3:::models/fraud/model.tar.gz"
READ = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::models/*"}
KEY = f"arn:aws:kms:us-east-1:{REGISTRY}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DECRYPT = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}


def results(*calls: Call) -> list[str]:
    return [verdict.result for verdict in simulate(calls)]


def granting(principal: str, statement: dict[str, Any]) -> dict[str, Any]:
    return policy({**statement, "Principal": {"AWS": principal}})


def test_the_documented_example_allows_the_mapped_account_and_denies_one_outside_the_mapping() -> None:
    outcome = doctest.testmod(simulator)
    assert outcome.attempted >= 5
    assert outcome.failed == 0


def test_across_accounts_both_the_resource_policy_and_the_callers_identity_policy_must_allow() -> None:
    """IAM User Guide, "Cross-account policy evaluation logic"."""
    bucket = Target(OBJECT, REGISTRY, granting(f"arn:aws:iam::{DEV}:root", READ))
    assert results(
        Call(Caller(DEV_ROLE, (policy(READ),)), "s3:GetObject", bucket),
        Call(Caller(DEV_ROLE), "s3:GetObject", bucket),
        Call(Caller(DEV_ROLE, (policy(READ),)), "s3:GetObject", Target(OBJECT, REGISTRY)),
    ) == ["Allowed", "ImplicitlyDenied", "ImplicitlyDenied"]


def test_in_one_account_either_side_suffices_but_naming_the_account_only_delegates_to_identity_policies() -> None:
    """IAM User Guide, "Policy evaluation for requests within a single account" and the Principal element
    (an account principal delegates to the account's identity policies)."""
    assert results(
        Call(Caller(ROLE, (policy(READ),)), "s3:GetObject", Target(OBJECT, REGISTRY)),
        Call(Caller(ROLE), "s3:GetObject", Target(OBJECT, REGISTRY, granting(ROLE, READ))),
        Call(Caller(ROLE), "s3:GetObject", Target(OBJECT, REGISTRY, granting(f"arn:aws:iam::{REGISTRY}:root", READ))),
    ) == ["Allowed", "Allowed", "ImplicitlyDenied"]


def test_an_explicit_deny_wins_and_requests_are_taken_over_tls() -> None:
    insecure = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    others = {"Effect": "Deny", "NotPrincipal": {"AWS": f"arn:aws:iam::{REGISTRY}:role/other"}, "Action": "s3:*"}
    reader = Caller(ROLE, (policy(READ),))
    assert results(
        Call(reader, "s3:GetObject", Target(OBJECT, REGISTRY, policy(insecure))),
        Call(reader, "s3:GetObject", Target(OBJECT, REGISTRY, policy(insecure)), {"aws:SecureTransport": "false"}),
        Call(reader, "s3:GetObject", Target(OBJECT, REGISTRY, policy({**others, "Resource": "*"}))),
    ) == ["Allowed", "ExplicitlyDenied", "ExplicitlyDenied"]


def test_an_absent_key_fails_positive_operators_and_passes_negated_if_exists_and_for_all_values_ones() -> None:
    """IAM User Guide, condition operators: "...IfExists", negated operators and ForAllValues on a key the
    request does not carry."""

    def reading_if(operator: str, key: str, value: Any) -> Call:
        statement = {**READ, "Condition": {operator: {key: value}}}
        return Call(Caller(ROLE, (policy(statement),)), "s3:GetObject", Target(OBJECT, REGISTRY))

    assert results(
        reading_if("StringEquals", "aws:SourceAccount", REGISTRY),
        reading_if("StringEqualsIfExists", "aws:SourceAccount", REGISTRY),
        reading_if("StringNotEquals", "aws:SourceAccount", REGISTRY),
        reading_if("ForAllValues:StringEquals", "aws:TagKeys", ["team"]),
    ) == ["ImplicitlyDenied", "Allowed", "Allowed", "Allowed"]


def test_a_key_policy_must_allow_the_role_or_its_account_and_another_account_needs_both_sides() -> None:
    """AWS KMS Developer Guide, "Key policies" (no IAM policy grants a key without the key policy) and
    "Allowing users in other accounts to use a KMS key"."""
    to_account = Target(KEY, REGISTRY, granting(f"arn:aws:iam::{REGISTRY}:root", DECRYPT))
    to_dev = Target(KEY, REGISTRY, granting(f"arn:aws:iam::{DEV}:root", DECRYPT))
    to_dev_role = Target(KEY, REGISTRY, granting(DEV_ROLE, DECRYPT))
    assert results(
        Call(Caller(ROLE, (policy(DECRYPT),)), "kms:Decrypt", to_account),
        Call(Caller(ROLE), "kms:Decrypt", to_account),
        Call(Caller(ROLE, (policy(DECRYPT),)), "kms:Decrypt", Target(KEY, REGISTRY)),
        Call(Caller(ROLE), "kms:Decrypt", Target(KEY, REGISTRY, granting(ROLE, DECRYPT))),
        Call(Caller(DEV_ROLE, (policy(DECRYPT),)), "kms:Decrypt", to_dev),
        Call(Caller(DEV_ROLE), "kms:Decrypt", to_dev_role),
        Call(Caller("events.amazonaws.com", source_account=REGISTRY), "kms:Decrypt", to_account),
    ) == [
        "Allowed",
        "ImplicitlyDenied",
        "ImplicitlyDenied",
        "Allowed",
        "Allowed",
        "ImplicitlyDenied",
        "ImplicitlyDenied",
    ]


def test_a_key_policy_for_the_callers_account_through_a_service_reads_kms_caller_account() -> None:
    """The form of AWS managed keys' policies: any principal of the account, through one service."""
    through_s3 = {
        **DECRYPT,
        "Principal": {"AWS": "*"},
        "Condition": {"StringEquals": {"kms:CallerAccount": REGISTRY, "kms:ViaService": "s3.us-east-1.amazonaws.com"}},
    }
    key = Target(KEY, REGISTRY, policy(through_s3))
    via = {"kms:ViaService": "s3.us-east-1.amazonaws.com"}
    assert results(
        Call(Caller(ROLE, (policy(DECRYPT),)), "kms:Decrypt", key, via),
        Call(Caller(ROLE, (policy(DECRYPT),)), "kms:Decrypt", key),
        Call(Caller(DEV_ROLE, (policy(DECRYPT),)), "kms:Decrypt", key, via),
    ) == ["Allowed", "ImplicitlyDenied", "ImplicitlyDenied"]


def test_the_library_drops_kms_encryption_context_keys_and_the_bridge_puts_them_back() -> None:
    """The bridge's one correction (simulate.mjs). CloudWatch Logs encrypts a log group with
    `kms:EncryptionContext:aws:logs:arn` naming the group (CloudWatch Logs User Guide, "Encrypt log data
    in CloudWatch Logs using AWS Key Management Service"); the Service Authorization Reference lists
    `kms:EncryptionContext:${EncryptionContextKey}` for GenerateDataKey. The library (0.1.173) drops the
    key, so a key policy for one log group denies that group. When this test fails on the library's own
    verdict, a release fixed it: remove the correction."""
    group = f"arn:aws:logs:us-east-1:{REGISTRY}:log-group:/aws/sagemaker/Endpoints/fraud"
    logs = {
        "Effect": "Allow",
        "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
        "Action": "kms:GenerateDataKey",
        "Resource": "*",
        "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": group}},
    }
    key = Target(KEY, REGISTRY, policy(logs))
    service = Caller("logs.us-east-1.amazonaws.com")
    own, other = ({"kms:EncryptionContext:aws:logs:arn": arn} for arn in (group, group + "-other"))
    [library] = simulate([Call(service, "kms:GenerateDataKey", key, own)], corrected=False)
    assert (library.result, library.ignored_context_keys) == (
        "ImplicitlyDenied",
        ("kms:EncryptionContext:aws:logs:arn",),
    )
    verdicts = simulate([Call(service, "kms:GenerateDataKey", key, context) for context in (own, other)])
    assert [(verdict.result, verdict.ignored_context_keys) for verdict in verdicts] == [
        ("Allowed", ()),
        ("ImplicitlyDenied", ()),
    ]
    assert verdicts[0].corrected_context_keys == ("kms:EncryptionContext:aws:logs:arn",)


def test_the_correction_leaves_keys_the_action_does_not_carry_dropped() -> None:
    listing = {**DECRYPT, "Condition": {"StringEquals": {"s3:prefix": "fraud/"}}}
    context = {"kms:EncryptionContext:aws:s3:arn": OBJECT, "s3:prefix": "fraud/"}
    [verdict] = simulate(
        [
            Call(
                Caller(ROLE, (policy(listing),)),
                "kms:Decrypt",
                Target(KEY, REGISTRY, policy({**DECRYPT, "Principal": {"AWS": ROLE}})),
                context,
            )
        ]
    )
    assert (verdict.ignored_context_keys, verdict.corrected_context_keys) == (
        ("s3:prefix",),
        ("kms:EncryptionContext:aws:s3:arn",),
    )


def test_a_service_principal_is_allowed_by_the_resource_policy_alone_for_its_source() -> None:
    topic = f"arn:aws:sns:us-east-1:{REGISTRY}:approvals"
    rule = f"arn:aws:events:us-east-1:{REGISTRY}:rule/approved"
    publish = {
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": topic,
        "Condition": {"StringEquals": {"aws:SourceAccount": REGISTRY}, "ArnEquals": {"aws:SourceArn": rule}},
    }
    target = Target(topic, REGISTRY, policy(publish))
    assert results(
        Call(Caller("events.amazonaws.com", source_account=REGISTRY, source_arn=rule), "sns:Publish", target),
        Call(
            Caller("events.amazonaws.com", source_account=OUTSIDE, source_arn=rule.replace(REGISTRY, OUTSIDE)),
            "sns:Publish",
            target,
        ),
        Call(
            Caller("events.amazonaws.com", source_account=REGISTRY, source_arn=rule),
            "sns:Publish",
            Target(topic, REGISTRY),
        ),
    ) == ["Allowed", "ImplicitlyDenied", "ImplicitlyDenied"]


def test_a_permissions_boundary_limits_what_the_identity_policies_grant() -> None:
    """IAM User Guide, "Permissions boundaries for IAM entities"."""
    listing = policy({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"})
    assert results(
        Call(Caller(ROLE, (policy(READ),), boundary=policy(READ)), "s3:GetObject", Target(OBJECT, REGISTRY)),
        Call(Caller(ROLE, (policy(READ),), boundary=listing), "s3:GetObject", Target(OBJECT, REGISTRY)),
    ) == ["Allowed", "ImplicitlyDenied"]


def test_resource_tags_and_policy_variables_reach_the_conditions() -> None:
    """Studio's domain resource isolation: a role of the domain reaches only resources tagged with it."""
    domain = f"arn:aws:sagemaker:us-east-1:{REGISTRY}:domain/d-abc"
    app = f"arn:aws:sagemaker:us-east-1:{REGISTRY}:app/d-abc/alice/jupyterlab/default"
    isolated = {
        "Effect": "Allow",
        "Action": "sagemaker:DescribeApp",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceTag/sagemaker:domain-arn": domain}},
    }
    scientist = Caller(ROLE, (policy(isolated),))
    own = {**READ, "Resource": "arn:aws:s3:::models/${aws:PrincipalAccount}/*"}
    assert results(
        Call(scientist, "sagemaker:DescribeApp", Target(app, REGISTRY, tags={"sagemaker:domain-arn": domain})),
        Call(scientist, "sagemaker:DescribeApp", Target(app, REGISTRY, tags={"sagemaker:domain-arn": domain + "2"})),
        Call(Caller(ROLE, (policy(own),)), "s3:GetObject", Target(f"arn:aws:s3:::models/{REGISTRY}/m", REGISTRY)),
        Call(Caller(ROLE, (policy(own),)), "s3:GetObject", Target(f"arn:aws:s3:::models/{DEV}/m", REGISTRY)),
    ) == ["Allowed", "ImplicitlyDenied", "Allowed", "ImplicitlyDenied"]


def test_a_context_key_the_action_does_not_carry_is_dropped_and_reported() -> None:
    listing = {**READ, "Condition": {"StringLike": {"s3:prefix": "fraud/*"}}}
    [verdict] = simulate(
        [Call(Caller(ROLE, (policy(listing),)), "s3:GetObject", Target(OBJECT, REGISTRY), {"s3:prefix": "fraud/"})]
    )
    assert (verdict.result, verdict.ignored_context_keys) == ("ImplicitlyDenied", ("s3:prefix",))


@pytest.mark.parametrize(
    ("action", "resource", "refusal"),
    [("s3:GetObjekt", OBJECT, "invalid.action"), ("s3:GetObject", "arn:aws:s3:::models", "no.resource.types")],
)
def test_an_unknown_action_or_a_resource_the_action_does_not_take_is_an_error(
    action: str, resource: str, refusal: str
) -> None:
    with pytest.raises(SimulationError, match=refusal):
        simulate([Call(Caller(ROLE, (policy(READ),)), action, Target(resource, REGISTRY))])


def test_one_node_process_answers_every_batch_of_the_session() -> None:
    call = Call(Caller(ROLE, (policy(READ),)), "s3:GetObject", Target(OBJECT, REGISTRY))
    simulate([call])
    [bridge] = simulator._bridges
    assert results(*[call] * 50) == ["Allowed"] * 50
    assert simulator._bridges == [bridge]
    assert bridge.process.poll() is None
