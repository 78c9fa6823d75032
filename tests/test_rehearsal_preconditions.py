"""Account preconditions, checked in the emulated account: subnets in the VPC, a package to serve, EventBridge."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rehearsal.emulator import Emulator, emulated_account
from rehearsal.loading import RehearsalFailed
from rehearsal.preconditions import after_synthesis, before_synthesis
from rehearsal.run import rehearse
from tests.repository import ROOT

pytestmark = pytest.mark.xdist_group("rehearsal")

FIXTURES = ROOT / "tests" / "fixtures" / "manifests"
WHERE = "group 'g', module 'm'"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with emulated_account("123456789012", "us-east-1") as running:
        yield running


def _parameters(vpc: str, subnets: list[str], group: str | None = None) -> dict[str, str]:
    environment = {
        "SEEDFARMER_PARAMETER_VPC_ID": vpc,
        "SEEDFARMER_PARAMETER_SUBNET_IDS": str(subnets).replace("'", '"'),
    }
    if group:
        environment["SEEDFARMER_PARAMETER_MODEL_PACKAGE_GROUP_NAME"] = group
    return environment


def test_a_subnet_of_another_vpc_is_an_error(emulator: Emulator) -> None:
    ec2 = emulator.client("ec2")
    ours = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    theirs = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    inside = ec2.create_subnet(VpcId=ours, CidrBlock="10.1.0.0/24")["Subnet"]["SubnetId"]
    outside = ec2.create_subnet(VpcId=theirs, CidrBlock="10.2.0.0/24")["Subnet"]["SubnetId"]
    assert before_synthesis(emulator, "us-east-1", WHERE, _parameters(ours, [inside])) == []
    assert before_synthesis(emulator, "us-east-1", WHERE, _parameters(ours, [inside, outside])) == [
        f"{WHERE}: parameter 'subnet-ids': subnet {outside} is in {theirs}, not in vpc-id {ours}"
    ]


def test_a_group_without_an_approved_package_is_an_error(emulator: Emulator) -> None:
    sagemaker = emulator.client("sagemaker")
    sagemaker.create_model_package_group(ModelPackageGroupName="pending-only")
    sagemaker.create_model_package(
        ModelPackageGroupName="pending-only",
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/image:1"}],
            "SupportedContentTypes": ["application/json"],
            "SupportedResponseMIMETypes": ["application/json"],
        },
    )
    vpc = emulator.client("ec2").create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    problems = before_synthesis(emulator, "us-east-1", WHERE, _parameters(vpc, [], "pending-only"))
    assert problems == [
        f"{WHERE}: parameter 'model-package-group-name': group pending-only has no Approved package to serve; "
        "approve one, or add one to the seed file (--seed FILE)"
    ]


def _rule_on(bucket: str) -> dict[str, Any]:
    pattern = {"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": [bucket]}}}
    return {"Resources": {"Uploads": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": pattern}}}}


def test_a_refresh_on_a_bucket_that_does_not_send_to_eventbridge_is_an_error(emulator: Emulator) -> None:
    s3 = emulator.client("s3")
    s3.create_bucket(Bucket="quiet-bucket")
    s3.put_bucket_notification_configuration(
        Bucket="quiet-bucket",
        NotificationConfiguration={
            "QueueConfigurations": [
                {"QueueArn": "arn:aws:sqs:us-east-1:123456789012:elsewhere", "Events": ["s3:ObjectRemoved:*"]}
            ]
        },
    )
    [problem] = after_synthesis(emulator, "us-east-1", WHERE, _rule_on("quiet-bucket"))
    assert problem.startswith(
        f"{WHERE}: rule Uploads waits for uploads to bucket quiet-bucket, but the bucket does not"
    )
    assert "README.md, 'Turn on EventBridge for a bucket'" in problem
    # The README's get / merge / put keeps the bucket's other notifications and adds EventBridge.
    configuration = s3.get_bucket_notification_configuration(Bucket="quiet-bucket")
    configuration.pop("ResponseMetadata")
    s3.put_bucket_notification_configuration(
        Bucket="quiet-bucket", NotificationConfiguration={**configuration, "EventBridgeConfiguration": {}}
    )
    assert after_synthesis(emulator, "us-east-1", WHERE, _rule_on("quiet-bucket")) == []
    assert "QueueConfigurations" in s3.get_bucket_notification_configuration(Bucket="quiet-bucket")


def test_what_the_manifest_names_but_the_account_lacks_is_listed_before_synthesis(tmp_path: Path) -> None:
    with pytest.raises(RehearsalFailed) as raised:
        rehearse(FIXTURES / "missing-account-resources.yaml", FIXTURES / "empty-seed.yaml", tmp_path)
    where = "group 'endpoints', module 'endpoint'"
    assert str(raised.value).splitlines() == [
        "the account is not ready for this manifest:",
        f"{where}: parameter 'vpc-id': VPC vpc-0123456789abcdef0 does not exist in account 123456789012 us-east-1",
        f"{where}: parameter 'subnet-ids': subnet subnet-0123456789abcdef0 does not exist in us-east-1",
        f"{where}: parameter 'model-package-group-name': model package group not-registered does not exist; "
        "add it to the seed file (--seed FILE, 'model_package_groups'; see rehearsal/account.yaml)",
    ]
    assert not list(tmp_path.rglob("*.template.json"))


def test_the_readme_turns_on_eventbridge_with_a_get_merge_put_that_keeps_other_notifications() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Turn on EventBridge for a bucket", 1)[1].split("###", 1)[0]
    commands = [line for line in section.splitlines() if line.startswith(("aws ", "jq "))]
    assert commands[0].startswith("aws s3api get-bucket-notification-configuration")
    assert commands[1].startswith("jq -s '(.[0] // {}) + {EventBridgeConfiguration: {}}'")
    assert commands[2].startswith("aws s3api put-bucket-notification-configuration")
    assert "file://notification-with-eventbridge.json" in section
