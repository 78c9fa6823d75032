"""Before each deploy, an update that would replace the deployed domain (another name, another sign-in) is
refused, naming the parameter; without a deployed stack, or without AWS to ask, nothing is refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from mlops_platform.contract import ParameterError
from sagemaker_studio.deployed import DeployedDomain, DomainChangeError, deployed_domain, refuse_replacing_the_domain
from sagemaker_studio.plan import DomainSpec, IdleSpec

PLANNED = DomainSpec(
    name="mlops-demo-studio-studio-domain",
    auth_mode="IAM",
    vpc_id="vpc-0123456789abcdef0",
    subnet_ids=("subnet-0123456789abcdef0",),
    retain_efs=True,
    docker_access=False,
    trusted_accounts=(),
    idle=IdleSpec(60, None, None),
    custom_image=None,
    space_instance_type=None,
    space_sharing="Private",
)
DEPLOYED = DeployedDomain("d-0123456789ab", "mlops-demo-studio-studio-domain", "IAM")


class Stack:
    """CloudFormation's ListStackResources for a stack holding one domain."""

    def __init__(self, domain_id: str) -> None:
        self.domain_id = domain_id

    def get_paginator(self, name: str) -> Any:
        domain_id = self.domain_id

        class Pages:
            def paginate(self, **_: Any) -> Iterator[dict[str, Any]]:
                yield {
                    "StackResourceSummaries": [
                        {
                            "ResourceType": "AWS::SageMaker::Domain",
                            "ResourceStatus": "CREATE_COMPLETE",
                            "PhysicalResourceId": domain_id,
                        }
                    ]
                }

        return Pages()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for variable, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


@pytest.mark.usefixtures("aws")
def test_the_deployed_domain_is_read_from_the_stack_and_sagemaker() -> None:
    sagemaker = boto3.client("sagemaker", region_name="us-east-1")
    arn = sagemaker.create_domain(
        DomainName="team-studio", AuthMode="SSO", DefaultUserSettings={}, SubnetIds=["subnet-1"], VpcId="vpc-1"
    )["DomainArn"]
    domain_id = arn.rsplit("/", 1)[1]
    assert deployed_domain(Stack(domain_id), sagemaker, "mlops-demo-studio") == DeployedDomain(
        domain_id, "team-studio", "SSO"
    )


@pytest.mark.usefixtures("aws")
def test_no_deployed_stack_is_nothing_to_refuse() -> None:
    cloudformation = boto3.client("cloudformation", region_name="us-east-1")
    sagemaker = boto3.client("sagemaker", region_name="us-east-1")
    assert deployed_domain(cloudformation, sagemaker, "mlops-demo-studio") is None


def test_a_new_sign_in_is_refused_naming_auth_mode() -> None:
    with pytest.raises(DomainChangeError) as raised:
        refuse_replacing_the_domain(DomainSpec(**{**vars(PLANNED), "auth_mode": "SSO"}), DEPLOYED)
    assert str(raised.value).startswith("parameter 'auth_mode': the deployed domain d-0123456789ab")
    assert "Keep 'IAM'" in str(raised.value)
    assert not isinstance(raised.value, ParameterError)  # not a bad value: a change AWS cannot make


def test_a_new_name_is_refused_naming_studio_domain_name() -> None:
    with pytest.raises(DomainChangeError, match="parameter 'studio_domain_name'"):
        refuse_replacing_the_domain(DomainSpec(**{**vars(PLANNED), "name": "renamed"}), DEPLOYED)


def test_an_update_that_keeps_name_and_sign_in_is_not_refused() -> None:
    refuse_replacing_the_domain(DomainSpec(**{**vars(PLANNED), "retain_efs": False}), DEPLOYED)
    refuse_replacing_the_domain(PLANNED, None)


def test_a_denied_read_says_what_to_grant() -> None:
    sagemaker = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(sagemaker) as stub:
        stub.add_client_error(
            "describe_domain", "AccessDeniedException", "User: arn:aws:sts::1:assumed-role/r is not authorized"
        )
        with pytest.raises(
            DomainChangeError, match="grant it cloudformation:ListStackResources and sagemaker:DescribeDomain"
        ):
            deployed_domain(Stack("d-0123456789ab"), sagemaker, "mlops-demo-studio")
