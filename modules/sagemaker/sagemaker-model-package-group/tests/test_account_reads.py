"""What the module reads in the account before anything deploys (kept.py, existing.py), against moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from mlops_platform.contract import DeploymentContext
from sagemaker_model_package_group import existing, grants, kept
from sagemaker_model_package_group.plan import RegistryPlan, plan
from sagemaker_model_package_group.settings import RegistrySettings

REGISTRY, DEV, PROD = "123456789012", "222222222222", "333333333333"  # moto's default account is the registry
CONTEXT = DeploymentContext(project="mlops", deployment="test", module="registry", account=REGISTRY, region="us-east-1")
STACK = CONTEXT.stack_name
BUCKET = "ml-models"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for variable, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}.items():
        monkeypatch.setenv(variable, value)
    with mock_aws():
        yield


def planned(**fields: Any) -> RegistryPlan:
    return plan(RegistrySettings(model_package_group_name="fraud-detector", **fields), CONTEXT)


def client(service: str) -> Any:
    return boto3.client(service, region_name="us-east-1")  # type: ignore[call-overload]


def test_a_first_deployment_finds_no_group_in_the_way(aws: None) -> None:
    kept.refuse_kept_group(client("sagemaker"), client("cloudformation"), planned(), STACK)


def test_a_group_kept_by_an_earlier_deployment_is_refused_naming_it_and_what_to_do(aws: None) -> None:
    client("sagemaker").create_model_package_group(ModelPackageGroupName="fraud-detector")
    with pytest.raises(kept.KeptGroupError) as raised:
        kept.refuse_kept_group(client("sagemaker"), client("cloudformation"), planned(), STACK)
    assert str(raised.value).startswith(
        f"parameter 'model_package_group_name': model package group fraud-detector already exists in account "
        f"{REGISTRY}, region us-east-1, outside stack {STACK}"
    )
    assert "cdk import" in str(raised.value)


class Stack:
    """A CloudFormation client whose stack holds the group, and a SageMaker client describing it."""

    def __init__(self, description: str | None) -> None:
        self.description = description

    def get_paginator(self, _: str) -> Any:
        summary = {"ResourceType": kept.GROUP_TYPE, "ResourceStatus": "UPDATE_COMPLETE"}
        return type("Pages", (), {"paginate": lambda *_, **__: [{"StackResourceSummaries": [summary]}]})()

    def describe_model_package_group(self, **_: Any) -> dict[str, Any]:
        return {"ModelPackageGroupDescription": self.description} if self.description else {}


def test_the_stacks_own_group_with_the_same_description_deploys() -> None:
    deployed = Stack("Fraud models")
    kept.refuse_kept_group(deployed, deployed, planned(model_package_group_description="Fraud models"), STACK)


@pytest.mark.parametrize(
    ("deployed", "given", "advice"),
    [("Fraud models", "Fraud detection models", "give it as 'Fraud models'"), (None, "New", "leave the parameter out")],
)
def test_a_new_description_is_refused_as_it_would_replace_the_group(
    deployed: str | None, given: str, advice: str
) -> None:
    stack = Stack(deployed)
    with pytest.raises(kept.KeptGroupError) as raised:
        kept.refuse_kept_group(stack, stack, planned(model_package_group_description=given), STACK)
    assert str(raised.value).startswith("parameter 'model_package_group_description': the description of model")
    assert advice in str(raised.value)


class Denied:
    def describe_model_package_group(self, **_: Any) -> Any:
        message = "User: arn:aws:sts::1:assumed-role/deploy/x is not authorized to perform: sagemaker:Describe..."
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": message}}, "DescribeModelPackageGroup")


def test_a_denied_read_names_the_role_the_action_and_the_modulestack() -> None:
    with pytest.raises(kept.KeptGroupError) as raised:
        kept.refuse_kept_group(Denied(), None, planned(), STACK)
    assert str(raised.value).startswith(
        "arn:aws:sts::1:assumed-role/deploy/x may not call sagemaker:DescribeModelPackageGroup"
    )
    assert "modulestack.yaml" in str(raised.value)


def test_without_credentials_the_reads_are_skipped_with_a_note(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    kept.refuse_in_region(planned(), CONTEXT)
    existing.check_in_region(planned(target_account_ids=(DEV,), model_artifacts_bucket_arn=BUCKET_ARN))
    notes = capsys.readouterr().err.splitlines()
    assert notes[0].startswith("sagemaker-model-package-group: note: did not look for an existing model package group")
    assert notes[1].startswith("sagemaker-model-package-group: note: could not check the policies of the existing")
    assert notes[2].startswith(f"sagemaker-model-package-group: note: the bucket policy of {BUCKET_ARN} must hold")
    assert '"Sid":"TargetAccountsReadModelArtifacts"' in notes[2]


def clients() -> dict[str, Any]:
    return {service: client(service) for service in ("s3", "kms", "ecr")}


def test_an_existing_bucket_that_lets_the_targets_in_passes(aws: None) -> None:
    registry = planned(target_account_ids=(DEV,), model_artifacts_bucket_arn=BUCKET_ARN)
    client("s3").create_bucket(Bucket=BUCKET)
    policy = {"Version": "2012-10-17", "Statement": grants.bucket_statements(registry, BUCKET_ARN)}
    client("s3").put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    existing.check(registry, clients())


def test_a_statement_naming_more_accounts_under_another_sid_also_holds(aws: None) -> None:
    registry = planned(target_account_ids=(DEV,), model_artifacts_bucket_arn=BUCKET_ARN)
    wider = [
        {
            **statement,
            "Sid": f"Shared{index}",
            "Principal": {"AWS": [f"arn:aws:iam::{PROD}:root", f"arn:aws:iam::{DEV}:root"]},
        }
        for index, statement in enumerate(grants.bucket_statements(registry, BUCKET_ARN))
    ]
    client("s3").create_bucket(Bucket=BUCKET)
    client("s3").put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": wider}))
    existing.check(registry, clients())


def test_an_existing_bucket_without_the_statements_is_refused_naming_the_parameter(aws: None) -> None:
    registry = planned(target_account_ids=(DEV,), model_artifacts_bucket_arn=BUCKET_ARN)
    client("s3").create_bucket(Bucket=BUCKET)
    with pytest.raises(existing.ExistingPolicyError) as raised:
        existing.check(registry, clients())
    message = str(raised.value)
    assert message.startswith(
        f"parameter 'model_artifacts_bucket_arn': the bucket policy of {BUCKET_ARN} does not let the target accounts in"
    )
    assert '"Sid":"TargetAccountsReadModelArtifacts"' in message
    assert '"Sid":"TargetAccountsListModelArtifacts"' in message


def test_a_policy_for_another_prefix_does_not_hold(aws: None) -> None:
    registry = planned(target_account_ids=(DEV,), model_artifacts_bucket_arn=BUCKET_ARN)
    elsewhere = planned(target_account_ids=(DEV,), model_artifacts_bucket_arn=BUCKET_ARN, model_artifacts_prefix="x")
    client("s3").create_bucket(Bucket=BUCKET)
    policy = {"Version": "2012-10-17", "Statement": grants.bucket_statements(elsewhere, BUCKET_ARN)}
    client("s3").put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    with pytest.raises(existing.ExistingPolicyError, match="model_artifacts_bucket_arn"):
        existing.check(registry, clients())


def test_the_existing_key_must_let_the_targets_decrypt_the_artifacts_through_s3(aws: None) -> None:
    key = client("kms").create_key()["KeyMetadata"]["Arn"]
    registry = planned(
        target_account_ids=(DEV,), model_artifacts_bucket_arn=BUCKET_ARN, model_artifacts_kms_key_arn=key
    )
    client("s3").create_bucket(Bucket=BUCKET)
    bucket_policy = {"Version": "2012-10-17", "Statement": grants.bucket_statements(registry, BUCKET_ARN)}
    client("s3").put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(bucket_policy))
    with pytest.raises(existing.ExistingPolicyError) as raised:
        existing.check(registry, clients())
    assert str(raised.value).startswith(f"parameter 'model_artifacts_kms_key_arn': the key policy of {key}")
    statement = grants.key_statement(registry, BUCKET_ARN)
    assert statement["Condition"]["StringLike"] == {
        "kms:EncryptionContext:aws:s3:arn": [BUCKET_ARN, f"{BUCKET_ARN}/fraud-detector/*"]
    }
    owner = {
        "Sid": "Owner",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{REGISTRY}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    document = {"Version": "2012-10-17", "Statement": [owner, statement]}
    client("kms").put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(document))
    existing.check(registry, clients())


def test_existing_repositories_must_let_the_targets_pull(aws: None) -> None:
    arn = client("ecr").create_repository(repositoryName="fraud-detector")["repository"]["repositoryArn"]
    registry = planned(target_account_ids=(DEV, PROD), ecr_repository_arns=(arn,))
    with pytest.raises(
        existing.ExistingPolicyError, match=r"^parameter 'ecr_repository_arns': the repository policy of"
    ):
        existing.check(registry, clients())
    document = {"Version": "2012-10-17", "Statement": [grants.pull_statement(registry)]}
    client("ecr").set_repository_policy(repositoryName="fraud-detector", policyText=json.dumps(document))
    existing.check(registry, clients())


def test_with_no_target_account_nothing_is_required_or_read() -> None:
    assert existing.required(planned(model_artifacts_bucket_arn=BUCKET_ARN)) == []
    existing.check(planned(model_artifacts_bucket_arn=BUCKET_ARN), {})
