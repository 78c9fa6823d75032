"""The capture's grants as another construct of the app uses them: `grant_read` for a role that analyses what the
endpoint captured (a monitoring job's), `grant_write` for a role SageMaker captures with."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Template

from sagemaker_endpoint.capture.construct import DataCapture
from sagemaker_endpoint.capture.plan import CaptureSpec, TextContentTypes

BUCKET_ARN = "arn:aws:s3:::mlops-artifacts"
SPEC = CaptureSpec(
    bucket_arn=BUCKET_ARN,
    bucket="mlops-artifacts",
    prefix="data-capture/fraud-detector",
    sampling_percentage=20,
    content_types=TextContentTypes((), ("application/json",)),
)


def _statements(grants: str) -> tuple[dict[str, dict[str, Any]], str]:
    stack = cdk.Stack(cdk.App(), "Grants", env=cdk.Environment(account="111111111111", region="eu-central-1"))
    key = kms.Key(stack, "Key")
    role = iam.Role(stack, "Analyst", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    capture = DataCapture(spec=SPEC, key=key)
    getattr(capture, grants)(role)
    template = Template.from_stack(stack).to_json()
    [policy] = [value for value in template["Resources"].values() if value["Type"] == "AWS::IAM::Policy"]
    [key_id] = [name for name, value in template["Resources"].items() if value["Type"] == "AWS::KMS::Key"]
    return {statement["Sid"]: statement for statement in policy["Properties"]["PolicyDocument"]["Statement"]}, key_id


def test_grant_read_lets_a_role_list_get_and_decrypt_the_captured_data_under_its_prefix_only() -> None:
    statements, key_id = _statements("grant_read")
    assert set(statements) == {"ReadDataCapture", "ListDataCapture", "DecryptDataCapture"}
    assert statements["ReadDataCapture"]["Action"] == "s3:GetObject"
    assert statements["ReadDataCapture"]["Resource"] == f"{BUCKET_ARN}/data-capture/fraud-detector/*"
    listing = statements["ListDataCapture"]
    assert (listing["Action"], listing["Resource"]) == ("s3:ListBucket", BUCKET_ARN)
    # StringLike without IfExists: a listing of the whole bucket (no prefix) or of another prefix is denied.
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["data-capture/fraud-detector/*"]}}
    decrypt = statements["DecryptDataCapture"]
    assert decrypt["Action"] == "kms:Decrypt"
    assert decrypt["Resource"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": "s3.eu-central-1.amazonaws.com"}}


def test_grant_write_lets_a_role_put_objects_under_the_prefix_and_read_nothing() -> None:
    statements, _ = _statements("grant_write")
    assert list(statements) == ["WriteDataCapture"]
    assert statements["WriteDataCapture"]["Action"] == "s3:PutObject"
    assert statements["WriteDataCapture"]["Resource"] == f"{BUCKET_ARN}/data-capture/fraud-detector/*"
