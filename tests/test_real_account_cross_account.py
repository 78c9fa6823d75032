"""Both sides of a cross-account call, read from two templates (contract_parts.caller_in and target_in).

A registry account's template holds the resource side (bucket, key, repository and model package group
policies), a workload account's the caller's identity policies and its event bus policy. The same
workload template resolved in an account outside the mapping is each call's denied neighbour: this is
how the cross-account service contracts read the modules' templates.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from rehearsal.iam_simulator import Call, simulate
from tests.real_account.cfn import Template
from tests.real_account.contract_parts import caller_in, target_in

REGISTRY, DEV, OUTSIDE = "111111111111", "222222222222", "999999999999"
REGION = "us-east-1"
DEV_ROOT = {"AWS": f"arn:aws:iam::{DEV}:root"}
KEY = f"arn:aws:kms:{REGION}:{REGISTRY}:key/artifactskey-0000"
REPOSITORY = f"arn:aws:ecr:{REGION}:{REGISTRY}:repository/fraud-detector"
PACKAGES = f"arn:aws:sagemaker:{REGION}:{REGISTRY}:model-package/fraud-detector"
PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]


def _allow(action: Any, resource: Any, **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def _registry() -> dict[str, Any]:
    account_root = {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
    via_s3 = {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}}
    objects = {"Fn::Join": ["", [{"Fn::GetAtt": ["ArtifactsBucket", "Arn"]}, "/models/*"]]}
    group_policy = {"Statement": [_allow("sagemaker:DescribeModelPackage", f"{PACKAGES}/*", Principal=DEV_ROOT)]}
    resources = {
        "ArtifactsBucket": ("AWS::S3::Bucket", {"BucketName": "registry-models"}),
        "ArtifactsBucketPolicy": (
            "AWS::S3::BucketPolicy",
            {
                "Bucket": {"Ref": "ArtifactsBucket"},
                "PolicyDocument": {"Statement": [_allow("s3:GetObject", objects, Principal=DEV_ROOT)]},
            },
        ),
        "ArtifactsKey": (
            "AWS::KMS::Key",
            {
                "KeyPolicy": {
                    "Statement": [
                        _allow("kms:*", "*", Principal=account_root),
                        _allow("kms:Decrypt", "*", Principal=DEV_ROOT, Condition=via_s3),
                    ]
                }
            },
        ),
        "Images": (
            "AWS::ECR::Repository",
            {
                "RepositoryName": "fraud-detector",
                "RepositoryPolicyText": json.dumps({"Statement": [{**_allow(PULL, "*"), "Principal": DEV_ROOT}]}),
            },
        ),
        "Group": (
            "AWS::SageMaker::ModelPackageGroup",
            {"ModelPackageGroupName": "Fraud-Detector", "ModelPackageGroupPolicy": group_policy},
        ),
        "ForwardRole": ("AWS::IAM::Role", {"RoleName": "forward-approvals"}),
        "ForwardPolicy": (
            "AWS::IAM::Policy",
            {
                "Roles": [{"Ref": "ForwardRole"}],
                "PolicyDocument": {
                    "Statement": [_allow("events:PutEvents", f"arn:aws:events:{REGION}:{DEV}:event-bus/default")]
                },
            },
        ),
    }
    return {"Resources": {name: {"Type": kind, "Properties": props} for name, (kind, props) in resources.items()}}


def _workload() -> dict[str, Any]:
    reads = [
        _allow("s3:GetObject", "arn:aws:s3:::registry-models/models/*"),
        _allow("kms:Decrypt", KEY),
        _allow(PULL, REPOSITORY),
        _allow("sagemaker:DescribeModelPackage", f"{PACKAGES}/*"),
    ]
    bus = {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"}
    resources = {
        "EndpointRole": ("AWS::IAM::Role", {"RoleName": "endpoint-execution"}),
        "EndpointPolicy": (
            "AWS::IAM::Policy",
            {"Roles": [{"Ref": "EndpointRole"}], "PolicyDocument": {"Statement": reads}},
        ),
        "ApprovalsFromRegistry": (
            "AWS::Events::EventBusPolicy",
            {
                "EventBusName": "default",
                "StatementId": "approvals-from-registry",
                "Statement": _allow("events:PutEvents", bus, Principal={"AWS": f"arn:aws:iam::{REGISTRY}:root"}),
            },
        ),
    }
    return {"Resources": {name: {"Type": kind, "Properties": props} for name, (kind, props) in resources.items()}}


@pytest.fixture(scope="module")
def templates() -> dict[str, Template]:
    return {
        "registry": Template(case="registry", module="registry", raw=_registry(), account=REGISTRY, region=REGION),
        "dev": Template(case="dev", module="workload", raw=_workload(), account=DEV, region=REGION),
        "outside": Template(case="outside", module="workload", raw=_workload(), account=OUTSIDE, region=REGION),
    }


READS = [
    ("s3:GetObject", "arn:aws:s3:::registry-models/models/fraud/3/model.tar.gz", {}),
    ("kms:Decrypt", KEY, {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}),
    ("ecr:BatchGetImage", REPOSITORY, {}),
    ("sagemaker:DescribeModelPackage", f"{PACKAGES}/3", {}),
]


@pytest.mark.parametrize(("action", "resource", "context"), READS, ids=[action for action, _, _ in READS])
def test_the_mapped_account_reads_the_registry_and_an_account_outside_the_mapping_does_not(
    templates: dict[str, Template], action: str, resource: str, context: dict[str, str]
) -> None:
    target = target_in(templates["registry"], resource)
    calls = [
        Call(caller_in(templates[side], f"arn:aws:iam::{account}:role/endpoint-execution"), action, target, context)
        for side, account in (("dev", DEV), ("outside", OUTSIDE))
    ]
    assert [verdict.result for verdict in simulate(calls)] == ["Allowed", "ImplicitlyDenied"]


def test_the_registry_forwards_approvals_onto_the_mapped_bus_only(templates: dict[str, Template]) -> None:
    forwarder = caller_in(templates["registry"], f"arn:aws:iam::{REGISTRY}:role/forward-approvals")
    calls = [
        Call(
            forwarder,
            "events:PutEvents",
            target_in(templates[side], f"arn:aws:events:{REGION}:{account}:event-bus/default"),
        )
        for side, account in (("dev", DEV), ("outside", OUTSIDE))
    ]
    assert [verdict.result for verdict in simulate(calls)] == ["Allowed", "ImplicitlyDenied"]


def test_a_key_read_outside_s3_is_denied_across_accounts(templates: dict[str, Template]) -> None:
    """The key policy lets the dev account decrypt only through S3 (kms:ViaService)."""
    caller = caller_in(templates["dev"], f"arn:aws:iam::{DEV}:role/endpoint-execution")
    [verdict] = simulate([Call(caller, "kms:Decrypt", target_in(templates["registry"], KEY))])
    assert verdict.result == "ImplicitlyDenied"


def test_the_endpoint_deployment_role_describes_a_fixed_package_the_registry_shares_and_no_other() -> None:
    """modulestack.yaml's FixedModelPackageRead grants the workload's side of describing a fixed
    model-package-arn of a registry account; the registry's model package group policy grants the other."""
    from tests.real_account.cfn import modulestack_templates

    [fixed] = [template for template in modulestack_templates() if template.case == "modulestack-fixed-package"]
    package = f"{PACKAGES}/3"
    raw = json.loads(json.dumps(fixed.raw))
    raw["Parameters"]["ModelPackageArn"]["Default"] = package
    role = f"arn:aws:iam::{DEV}:role/{raw['Parameters']['RoleName']['Default']}"
    deployment = Template(case="dev-modulestack", module="sagemaker-endpoint", raw=raw, account=DEV, region=REGION)
    registry = Template(case="registry", module="registry", raw=_registry(), account=REGISTRY, region=REGION)
    calls = [
        Call(caller_in(deployment, role), "sagemaker:DescribeModelPackage", target_in(registry, resource))
        for resource in (package, f"arn:aws:sagemaker:{REGION}:{OUTSIDE}:model-package/fraud-detector/3")
    ]
    assert [verdict.result for verdict in simulate(calls)] == ["Allowed", "ImplicitlyDenied"]
