"""SageMaker's instance quotas in the emulated account: seeded from the seed file, read as the module reads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from rehearsal.emulator import Emulator, emulated_account
from rehearsal.quotas import quota_code
from rehearsal.seed import Seed, ServiceQuota
from rehearsal.seeding import seed_account
from tests.matrix import ENDPOINT

pytestmark = pytest.mark.xdist_group("rehearsal")

ACCOUNT, REGION = "123456789012", "eu-central-1"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with emulated_account(ACCOUNT, REGION) as running:
        yield running


def test_a_seeded_quota_is_what_the_module_reads_and_an_unseeded_one_is_not_checked(emulator: Emulator) -> None:
    from sagemaker_endpoint.variants.quotas import endpoint_quota

    seeded = seed_account(
        emulator, Seed(service_quotas=[ServiceQuota(name="ml.g5.xlarge for endpoint usage", value=0)]), REGION
    )
    assert seeded.lines == ["SageMaker quota 'ml.g5.xlarge for endpoint usage': 0"]
    quota = endpoint_quota(emulator.client("service-quotas"), "ml.g5.xlarge")
    assert quota is not None
    assert (quota.name, quota.value) == ("ml.g5.xlarge for endpoint usage", 0)
    assert endpoint_quota(emulator.client("service-quotas"), "ml.m5.large") is None
    assert endpoint_quota(emulator.client("service-quotas", "us-east-1"), "ml.g5.xlarge") is None  # another region


def test_the_module_refuses_an_endpoint_over_the_seeded_quota_before_anything_is_built(emulator: Emulator) -> None:
    name = "ml.g5.2xlarge for endpoint usage"
    seed_account(emulator, Seed(service_quotas=[ServiceQuota(name=name, value=2)]), REGION)
    ec2 = emulator.client("ec2", REGION)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.0.0/24")["Subnet"]["SubnetId"]
    environment = {
        **Emulator.clean(dict(os.environ)),
        **emulator.environment(REGION),
        "CDK_VALIDATION": "false",
        "SEEDFARMER_PROJECT_NAME": "mlops",
        "SEEDFARMER_DEPLOYMENT_NAME": "demo",
        "SEEDFARMER_MODULE_NAME": "endpoint",
        "CDK_DEFAULT_ACCOUNT": ACCOUNT,
        "CDK_DEFAULT_REGION": REGION,
        "SEEDFARMER_PARAMETER_VPC_ID": vpc,
        "SEEDFARMER_PARAMETER_SUBNET_IDS": json.dumps([subnet]),
        "SEEDFARMER_PARAMETER_MODEL_IMAGE_URI": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/fraud:1",
        "SEEDFARMER_PARAMETER_INSTANCE_TYPE": "ml.g5.2xlarge",
        "SEEDFARMER_PARAMETER_AUTOSCALING_MAX_CAPACITY": "3",
        "SEEDFARMER_PARAMETER_AUTOSCALING_TARGET_INVOCATIONS_PER_INSTANCE": "100",
    }
    done = subprocess.run(
        [sys.executable, "app.py"], cwd=ENDPOINT, env=environment, capture_output=True, text=True, timeout=300
    )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines()[-1] == (
        "sagemaker-endpoint: parameters 'instance-type', 'autoscaling-max-capacity': endpoint mlops-demo-endpoint "
        f"may run up to 3 ml.g5.2xlarge instance(s), and this account's quota '{name}' in {REGION} is 2; request "
        f"more (aws service-quotas request-service-quota-increase --region {REGION} --service-code sagemaker "
        f"--quota-code {quota_code(name)} --desired-value 3, or the Service Quotas console), or choose an "
        "instance type or counts within the quota"
    )
