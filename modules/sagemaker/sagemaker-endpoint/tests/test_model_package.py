"""The synth-time lookup: the newest approved package of a group, against an emulated account (moto)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from mlops_platform.contract import DeploymentContext
from sagemaker_endpoint.locations import Repository
from sagemaker_endpoint.model_source.lookup import ModelPackageError, newest_approved_package
from sagemaker_endpoint.settings import EndpointSettings
from sagemaker_endpoint.synthesis import resolve_package

REGION = "us-east-1"
ACCOUNT = "123456789012"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/fraud-detector:1.4"


@pytest.fixture
def sagemaker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.client("sagemaker", region_name=REGION)


def _package(sagemaker: Any, group: str, status: str, version: int) -> str:
    response = sagemaker.create_model_package(
        ModelPackageGroupName=group,
        ModelApprovalStatus=status,
        InferenceSpecification={
            "Containers": [{"Image": IMAGE, "ModelDataUrl": f"s3://mlops-artifacts/{group}/{version}/model.tar.gz"}],
            "SupportedContentTypes": ["application/json"],
            "SupportedResponseMIMETypes": ["application/json"],
        },
    )
    return str(response["ModelPackageArn"])


def test_newest_approved_package_is_found_among_more_than_a_hundred(sagemaker: Any) -> None:
    sagemaker.create_model_package_group(ModelPackageGroupName="fraud-detector")
    statuses = ["Approved", "PendingManualApproval", "Rejected"]
    arns = [_package(sagemaker, "fraud-detector", statuses[index % 3], index + 1) for index in range(130)]
    # Newest packages are pending and rejected: they must not win.
    _package(sagemaker, "fraud-detector", "PendingManualApproval", 131)
    _package(sagemaker, "fraud-detector", "Rejected", 132)
    newest_approved = arns[129]  # index 129 is Approved (129 % 3 == 0)

    resolved = newest_approved_package(sagemaker, "fraud-detector", account=ACCOUNT, region=REGION)

    assert resolved.arn == newest_approved
    assert resolved.artifacts is not None
    assert resolved.artifacts.images == (IMAGE,)
    assert resolved.artifacts.model_data_urls == ("s3://mlops-artifacts/fraud-detector/130/model.tar.gz",)


def test_every_page_is_read(sagemaker: Any) -> None:
    sagemaker.create_model_package_group(ModelPackageGroupName="many")
    for index in range(250):
        _package(sagemaker, "many", "Rejected" if index else "Approved", index + 1)
    newest = _package(sagemaker, "many", "Approved", 251)
    assert newest_approved_package(sagemaker, "many", account=ACCOUNT, region=REGION).arn == newest


def test_group_without_an_approved_package_is_a_clear_error(sagemaker: Any) -> None:
    sagemaker.create_model_package_group(ModelPackageGroupName="fraud-detector")
    _package(sagemaker, "fraud-detector", "PendingManualApproval", 1)
    _package(sagemaker, "fraud-detector", "Rejected", 2)
    with pytest.raises(ModelPackageError) as raised:
        newest_approved_package(sagemaker, "fraud-detector", account=ACCOUNT, region=REGION)
    assert str(raised.value).startswith(
        "parameter 'model-package-group-name': model package group 'fraud-detector' has no approved model package "
        "in account 123456789012, region us-east-1"
    )


def test_missing_group_is_a_clear_error(sagemaker: Any) -> None:
    with pytest.raises(ModelPackageError) as raised:
        newest_approved_package(sagemaker, "no-such-group", account=ACCOUNT, region=REGION)
    assert str(raised.value) == (
        "parameter 'model-package-group-name': model package group 'no-such-group' does not exist in account "
        "123456789012, region us-east-1"
    )


def test_a_fixed_package_arn_is_described_so_the_role_is_granted_exactly_its_artifacts(sagemaker: Any) -> None:
    sagemaker.create_model_package_group(ModelPackageGroupName="fraud-detector")
    arn = _package(sagemaker, "fraud-detector", "Approved", 1)
    settings = EndpointSettings(vpc_id="vpc-0123456789abcdef0", subnet_ids=("subnet-01234567",), model_package_arn=arn)
    context = DeploymentContext(project="p", deployment="d", module="m", account=ACCOUNT, region=REGION)
    resolved = resolve_package(settings, context)
    assert resolved is not None
    assert resolved.artifacts is not None
    assert resolved.artifacts.images == (IMAGE,)
    assert resolved.artifacts.model_data_urls == ("s3://mlops-artifacts/fraud-detector/1/model.tar.gz",)


def test_a_fixed_package_that_does_not_exist_is_a_clear_error(sagemaker: Any) -> None:
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/fraud-detector/9"
    settings = EndpointSettings(vpc_id="vpc-0123456789abcdef0", subnet_ids=("subnet-01234567",), model_package_arn=arn)
    context = DeploymentContext(project="p", deployment="d", module="m", account=ACCOUNT, region=REGION)
    with pytest.raises(ModelPackageError) as raised:
        resolve_package(settings, context)
    assert str(raised.value) == (
        f"parameter 'model-package-arn': model package {arn} does not exist (or is not shared with this account)"
    )


def test_without_credentials_a_package_cannot_be_described_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("mlops_platform.aws_reads.credentials_found", lambda: False)
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/fraud-detector/3"
    settings = EndpointSettings(vpc_id="vpc-0123456789abcdef0", subnet_ids=("subnet-01234567",), model_package_arn=arn)
    context = DeploymentContext(project="p", deployment="d", module="m", account=ACCOUNT, region=REGION)
    with pytest.raises(
        ModelPackageError, match="parameter 'model-package-arn': the module describes the model package"
    ):
        resolve_package(settings, context)


def test_a_group_is_resolved_through_boto3(sagemaker: Any) -> None:
    sagemaker.create_model_package_group(ModelPackageGroupName="fraud-detector")
    arn = _package(sagemaker, "fraud-detector", "Approved", 1)
    settings = EndpointSettings(
        vpc_id="vpc-0123456789abcdef0", subnet_ids=("subnet-01234567",), model_package_group_name="fraud-detector"
    )
    context = DeploymentContext(project="p", deployment="d", module="m", account=ACCOUNT, region=REGION)
    resolved = resolve_package(settings, context)
    assert resolved is not None
    assert resolved.arn == arn


@pytest.mark.parametrize(
    ("image", "arn"),
    [
        (IMAGE, f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/fraud-detector"),
        (
            "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference@sha256:abc",
            "arn:aws:ecr:eu-west-1:763104351884:repository/pytorch-inference",
        ),
        (
            f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/team/model",
            f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/team/model",
        ),
        ("docker.io/library/python:3.12", None),
    ],
)
def test_image_uris_map_to_their_repository(image: str, arn: str | None) -> None:
    repository = Repository.of_image(image)
    assert (repository.arn() if repository else None) == arn


def test_a_denied_lookup_is_one_line_naming_the_action_the_role_and_what_to_grant() -> None:
    from botocore.exceptions import ClientError

    role = "arn:aws:sts::111111111111:assumed-role/mlops-demo-deployment/session"

    class DeniedList:
        def describe_model_package_group(self, **_: Any) -> dict[str, Any]:
            return {}

        def get_paginator(self, _: str) -> Any:
            message = f"User: {role} is not authorized to perform: sagemaker:ListModelPackages on resource: *"
            error = ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}}, "ListModelPackages")

            class Pages:
                def paginate(self, **_: Any) -> Any:
                    raise error

            return Pages()

    with pytest.raises(ModelPackageError) as raised:
        newest_approved_package(DeniedList(), "fraud", account="111111111111", region="us-east-1")  # type: ignore[arg-type]
    message = str(raised.value)
    assert "\n" not in message
    assert role in message
    assert "grant it sagemaker:ListModelPackages" in message
    assert "'model-package-group-name'" in message


REGISTRY_GROUP = "arn:aws:sagemaker:us-east-1:222222222222:model-package-group/fraud-detector"


class RegistryOfAnotherAccount:
    """SageMaker as a workload account sees a registry's group: only by the group's ARN (a name would be looked
    up in the workload's own registry), each call recorded; `denied` answers as a group policy without it."""

    def __init__(self, denied: bool = False) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.denied = denied

    def _refuse(self, operation: str) -> None:
        from botocore.exceptions import ClientError

        message = f"User: arn:aws:sts::111111111111:assumed-role/dev-deployment/s is not authorized to perform: sagemaker:{operation}"
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}}, operation)

    def describe_model_package_group(self, **request: Any) -> dict[str, Any]:
        self.calls.append(("DescribeModelPackageGroup", request))
        if self.denied:
            self._refuse("DescribeModelPackageGroup")
        return {"ModelPackageGroupName": "Fraud-Detector", "ModelPackageGroupArn": REGISTRY_GROUP}

    def get_paginator(self, _: str) -> Any:
        outer = self

        class Pages:
            def paginate(self, **request: Any) -> Any:
                outer.calls.append(("ListModelPackages", request))
                version = REGISTRY_GROUP.replace("-group/", "/") + "/4"
                yield {
                    "ModelPackageSummaryList": [
                        {"ModelPackageArn": version, "ModelApprovalStatus": "Approved", "CreationTime": 1}
                    ]
                }

        return Pages()

    def describe_model_package(self, **request: Any) -> dict[str, Any]:
        self.calls.append(("DescribeModelPackage", request))
        container = {"Image": IMAGE.replace(ACCOUNT, "222222222222"), "ModelDataUrl": "s3://registry/fraud/4/m.tar.gz"}
        return {"InferenceSpecification": {"Containers": [container]}}


def test_a_registrys_group_is_looked_up_by_its_arn_and_named_as_sagemaker_names_it() -> None:
    registry = RegistryOfAnotherAccount()
    resolved = newest_approved_package(
        registry,  # type: ignore[arg-type]
        REGISTRY_GROUP,
        account="222222222222",
        region=REGION,
        caller="111111111111",
    )
    assert [(call, request.get("ModelPackageGroupName")) for call, request in registry.calls[:2]] == [
        ("DescribeModelPackageGroup", REGISTRY_GROUP),
        ("ListModelPackages", REGISTRY_GROUP),
    ]
    assert resolved.arn.endswith(":model-package/fraud-detector/4")
    assert resolved.group_name == "Fraud-Detector"  # what its state change events carry


def test_a_registry_that_does_not_share_its_group_is_named_with_both_sides_to_grant() -> None:
    with pytest.raises(ModelPackageError) as raised:
        newest_approved_package(
            RegistryOfAnotherAccount(denied=True),  # type: ignore[arg-type]
            REGISTRY_GROUP,
            account="222222222222",
            region=REGION,
            caller="111111111111",
        )
    message = str(raised.value)
    assert message.startswith(
        f"parameter 'model-package-group-name': model package group '{REGISTRY_GROUP}' cannot be read in account "
        "222222222222, region us-east-1: "
    )
    assert "grant it sagemaker:DescribeModelPackageGroup (the module's modulestack.yaml does" in message
    assert (
        "the group's resource policy in account 222222222222 must allow account 111111111111 too (the "
        "sagemaker-model-package-group module's target_account_ids)"
    ) in message


def test_a_group_arn_of_another_account_reaches_sagemaker_as_the_arn(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlops_platform import aws_reads

    registry = RegistryOfAnotherAccount()
    monkeypatch.setattr(aws_reads, "credentials_found", lambda: True)
    monkeypatch.setattr(aws_reads, "client", lambda service, region: registry)
    settings = EndpointSettings(
        vpc_id="vpc-0123456789abcdef0", subnet_ids=("subnet-01234567",), model_package_group_name=REGISTRY_GROUP
    )
    context = DeploymentContext(project="p", deployment="d", module="m", account="111111111111", region=REGION)
    resolved = resolve_package(settings, context)
    assert resolved is not None
    assert resolved.group_name == "Fraud-Detector"
    assert registry.calls[0] == ("DescribeModelPackageGroup", {"ModelPackageGroupName": REGISTRY_GROUP})
