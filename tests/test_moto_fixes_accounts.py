"""The emulator fixes a deployment across accounts relies on (rehearsal/moto_fixes/resource_types.py and
sagemaker.py): for each, what moto does without it and what the emulator does with it, as AWS does. When moto
alone already does what AWS does, the first assertion of that test fails: drop the fix."""

from __future__ import annotations

import json
from typing import Any

import boto3

from tests.moto_fixes_harness import ACCOUNT, REGION, client, create_stack, moto_alone, with_fixes

REGISTRY, WORKLOAD = "111111111111", "222222222222"
GROUP_ARN = f"arn:aws:sagemaker:{REGION}:{REGISTRY}:model-package-group/fraud"
READ = {
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{WORKLOAD}:root"},
    "Action": "sagemaker:DescribeModelPackage",
    "Resource": f"arn:aws:sagemaker:{REGION}:{REGISTRY}:model-package/fraud/*",
}
GROUP_POLICY = {"Version": "2012-10-17", "Statement": [READ]}


def _in(account: str, service: str) -> Any:
    """A client calling with credentials of a role of `account` (moto answers in the account of the caller)."""
    credentials = client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/caller", RoleSessionName="caller")
    keys = credentials["Credentials"]
    return boto3.client(
        service,  # type: ignore[call-overload]
        region_name=REGION,
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
    )


def test_resource_types_moto_lacks() -> None:
    bus_statement = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{REGISTRY}:role/forwarder"},
        "Action": "events:PutEvents",
        "Resource": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default",
    }
    resources = {
        "Group": {
            "Type": "AWS::SageMaker::ModelPackageGroup",
            "Properties": {"ModelPackageGroupName": "fraud", "ModelPackageGroupPolicy": GROUP_POLICY},
        },
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "artifacts"}},
        "BucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": {"Statement": [bus_statement]}},
        },
        "BusPolicy": {
            "Type": "AWS::Events::EventBusPolicy",
            "Properties": {"StatementId": "FromTheRegistry", "Statement": bus_statement},
        },
    }
    outputs = {"Group": {"Value": {"Fn::GetAtt": ["Group", "ModelPackageGroupArn"]}}}

    def observe() -> Any:
        stack = create_stack({"Resources": resources, "Outputs": outputs})
        groups = client("sagemaker").list_model_package_groups()["ModelPackageGroupSummaryList"]
        bucket_policy = json.loads(client("s3").get_bucket_policy(Bucket="artifacts")["Policy"])
        bus_policy = json.loads(client("events").describe_event_bus(Name="default")["Policy"])
        client("cloudformation").delete_stack(StackName="stack")
        after = client("sagemaker").list_model_package_groups()["ModelPackageGroupSummaryList"]
        return (
            stack["Outputs"][0]["OutputValue"],
            [group["ModelPackageGroupName"] for group in groups],
            [statement["Sid"] for statement in bus_policy["Statement"]],
            bucket_policy["Statement"][0]["Action"],
            after,
        )

    # moto skips all three types, and then fails the stack on the output that reads the group's ARN.
    assert moto_alone("resource_types_moto_lacks", observe) == (
        "AttributeError: 'NoneType' object has no attribute 'has_cfn_attr'"
    )
    assert with_fixes(observe) == (
        f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package-group/fraud",
        ["fraud"],
        ["FromTheRegistry"],
        "events:PutEvents",
        [],
    )


def test_yaml_get_att_in_sequence_form() -> None:
    template = """
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: s3:*
            Resource: !GetAtt
              - Bucket
              - Arn
            Condition: {Bool: {"aws:SecureTransport": "false"}}
"""

    def observe() -> Any:
        client("cloudformation").create_stack(StackName="stack", TemplateBody=template)
        bucket = client("s3").list_buckets()["Buckets"][0]["Name"]
        return json.loads(client("s3").get_bucket_policy(Bucket=bucket)["Policy"])["Statement"][0]["Resource"]

    failed = str(moto_alone("yaml_get_att_in_sequence_form", observe))
    assert failed.startswith(
        "ClientError: An error occurred (ValidationError) when calling the CreateStack operation: "
    )
    assert "references undefined resource ScalarNode" in failed
    assert str(with_fixes(observe)).startswith("arn:aws:s3:::stack-bucket-")


def test_bucket_policy_conditions_are_not_ignored() -> None:
    tls_only = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::artifacts", "arn:aws:s3:::artifacts/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }

    def observe() -> Any:
        s3 = client("s3")
        s3.create_bucket(Bucket="artifacts")
        s3.put_bucket_policy(Bucket="artifacts", Policy=json.dumps({"Statement": [tls_only]}))
        s3.put_object(Bucket="artifacts", Key="model.tar.gz", Body=b"model")
        return s3.get_object(Bucket="artifacts", Key="model.tar.gz")["Body"].read()

    # moto applies the TLS-only Deny to every call, its condition ignored.
    assert moto_alone("bucket_policy_conditions_are_not_ignored", observe) == (
        "ClientError: An error occurred (403) when calling the PutObject operation: Forbidden"
    )
    assert with_fixes(observe) == b"model"


def test_model_package_group_policies() -> None:
    def observe() -> Any:
        sagemaker = client("sagemaker")
        sagemaker.create_model_package_group(ModelPackageGroupName="fraud")
        sagemaker.put_model_package_group_policy(ModelPackageGroupName="fraud", ResourcePolicy=json.dumps(GROUP_POLICY))
        return json.loads(sagemaker.get_model_package_group_policy(ModelPackageGroupName="fraud")["ResourcePolicy"])

    assert moto_alone("model_package_group_policies", observe) == (
        "NotImplementedError: The put_model_package_group_policy action has not been implemented"
    )
    assert with_fixes(observe) == GROUP_POLICY


def test_model_package_groups_of_another_account_are_read_there() -> None:
    def observe() -> Any:
        registry = _in(REGISTRY, "sagemaker")
        registry.create_model_package_group(ModelPackageGroupName="fraud")
        registry.create_model_package(
            ModelPackageGroupName="fraud",
            ModelApprovalStatus="Approved",
            InferenceSpecification={
                "Containers": [{"Image": "image"}],
                "SupportedContentTypes": ["application/json"],
                "SupportedResponseMIMETypes": ["application/json"],
            },
        )
        workload = _in(WORKLOAD, "sagemaker")
        listed = workload.list_model_packages(ModelPackageGroupName=GROUP_ARN)["ModelPackageSummaryList"]
        version = workload.describe_model_package(ModelPackageName=listed[0]["ModelPackageArn"])
        group = workload.describe_model_package_group(ModelPackageGroupName=GROUP_ARN)
        own = workload.list_model_package_groups()["ModelPackageGroupSummaryList"]
        return version["ModelPackageArn"], group["ModelPackageGroupArn"], own

    # moto answers from the workload's own account: no version is found there.
    assert moto_alone("model_package_groups_of_another_account_are_read_there", observe) == (
        "IndexError: list index out of range"
    )
    assert with_fixes(observe) == (f"arn:aws:sagemaker:{REGION}:{REGISTRY}:model-package/fraud/1", GROUP_ARN, [])
