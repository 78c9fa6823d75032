"""The matrix's endpoints in a workload account, serving the matrix account's registry (tests/matrix.py DEPLOYED_IN):
every call into the registry is allowed by the endpoint's own policies and the registry module's, and each
neighbour just outside it is denied (tests/real_account/endpoint_across.py; the multi-account manifest's endpoints
are checked against the registry's template in tests/test_multi_account_endpoints.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.matrix import DEPLOYED_IN, DEV
from tests.real_account.across import failures
from tests.real_account.endpoint_across import matrix_contracts

pytestmark = pytest.mark.xdist_group("matrix")


@pytest.mark.parametrize("case", sorted(DEPLOYED_IN))
def test_every_call_of_a_workload_endpoint_into_the_registry_holds_and_nothing_just_outside_it(
    deployed_templates: dict[str, Any], case: str
) -> None:
    template = deployed_templates[case]
    assert template.account == DEV
    assert failures(matrix_contracts(template)) == []


def test_a_workload_following_the_registrys_group_makes_every_cross_account_call(
    deployed_templates: dict[str, Any],
) -> None:
    calls = {(c.who, c.call.action) for c in matrix_contracts(deployed_templates["endpoint-registry-group"])}
    assert calls == {
        ("workload deployment role", "sagemaker:DescribeModelPackageGroup"),
        ("workload deployment role", "sagemaker:ListModelPackages"),
        ("workload deployment role", "sagemaker:DescribeModelPackage"),
        ("workload cloudformation role", "sagemaker:DescribeModelPackage"),
        ("workload execution role", "s3:GetObject"),
        ("workload execution role", "kms:Decrypt"),
        ("workload execution role", "ecr:BatchGetImage"),
        ("workload execution role", "ecr:GetDownloadUrlForLayer"),
        ("workload execution role", "ecr:BatchCheckLayerAvailability"),
        ("registry forwarding role", "events:PutEvents"),
    }
