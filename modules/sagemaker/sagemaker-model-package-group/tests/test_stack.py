"""The synthesized template: the group and its policy, the artifacts and their grants, the forwarding rule."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aws_cdk.assertions import Match, Template

REGISTRY, DEV, PROD = "111111111111", "222222222222", "333333333333"
GROUP_ARN = f"arn:aws:sagemaker:us-east-1:{REGISTRY}:model-package-group/fraud-detector"
PACKAGES_ARN = f"arn:aws:sagemaker:us-east-1:{REGISTRY}:model-package/fraud-detector/*"
DEV_BUS = f"arn:aws:events:us-east-1:{DEV}:event-bus/default"
PROD_BUS = f"arn:aws:events:us-east-1:{PROD}:event-bus/default"
Synth = Callable[..., Any]


def roots(*accounts: str) -> list[str]:
    return [f"arn:aws:iam::{account}:root" for account in accounts]


def group_policy(synthesize: Synth, **fields: Any) -> Any:
    return synthesize(**fields).one("AWS::SageMaker::ModelPackageGroup")["Properties"].get("ModelPackageGroupPolicy")


def test_the_group_lets_the_target_accounts_look_up_describe_and_create_models_from_its_versions(
    synthesize: Synth,
) -> None:
    policy = group_policy(synthesize, target_account_ids=(DEV, PROD))
    assert policy["Statement"] == [
        {
            "Sid": "TargetAccountsReadTheGroupAndItsVersions",
            "Effect": "Allow",
            "Principal": {"AWS": roots(DEV, PROD)},
            "Action": [
                "sagemaker:DescribeModelPackage",
                "sagemaker:DescribeModelPackageGroup",
                "sagemaker:ListModelPackages",
            ],
            "Resource": [GROUP_ARN, PACKAGES_ARN],
        },
        {
            "Sid": "TargetAccountsCreateModelsFromItsVersions",
            "Effect": "Allow",
            "Principal": {"AWS": roots(DEV, PROD)},
            "Action": ["sagemaker:CreateModel"],
            "Resource": PACKAGES_ARN,
        },
    ]


def test_a_target_named_twice_or_the_registry_itself_is_one_principal_of_the_policies(synthesize: Synth) -> None:
    """aiops-modules #397/#402: dev and prod mapped to one account made AWS refuse the policy
    ("Duplicate principal"); a target that is the registry needs no grant at all."""
    template = synthesize(target_account_ids=(DEV, DEV, REGISTRY))
    [group] = template.resources("AWS::SageMaker::ModelPackageGroup").values()
    principals = [statement["Principal"] for statement in group["Properties"]["ModelPackageGroupPolicy"]["Statement"]]
    assert principals == [{"AWS": roots(DEV)}] * 2
    granted = [
        statement["Principal"]
        for statement in [*artifact_statements(template).values(), *key_statements(template)]
        if statement.get("Sid", "").startswith("TargetAccounts")
    ]
    assert granted == [{"AWS": roots(DEV)[0]}] * 3
    [rule] = template.resources("AWS::Events::Rule").values()
    assert [target["Arn"] for target in rule["Properties"]["Targets"]] == [DEV_BUS]


def test_only_the_registry_itself_as_target_grants_nothing_and_forwards_nothing(synthesize: Synth) -> None:
    template = synthesize(target_account_ids=(REGISTRY,))
    assert group_policy(synthesize, target_account_ids=(REGISTRY,)) is None
    assert template.resources("AWS::Events::Rule") == {}
    assert "TargetAccounts" not in template.text


def test_names_with_capitals_are_granted_on_the_lower_case_arns_sagemaker_gives_them(synthesize: Synth) -> None:
    policy = group_policy(synthesize, model_package_group_name="Fraud-Detector", target_account_ids=(DEV,))
    assert policy["Statement"][0]["Resource"] == [GROUP_ARN, PACKAGES_ARN]
    properties = synthesize(model_package_group_name="Fraud-Detector").one("AWS::SageMaker::ModelPackageGroup")
    assert properties["Properties"]["ModelPackageGroupName"] == "Fraud-Detector"


def artifacts_bucket(template: Any) -> str:
    bucket: str
    [bucket] = [
        logical for logical in template.resources("AWS::S3::Bucket") if logical.startswith("ModelArtifactsBucket")
    ]
    return bucket


def artifact_statements(template: Any) -> dict[str, Any]:
    """The artifacts bucket's policy statements, by Sid."""
    [policy] = [
        policy
        for policy in template.resources("AWS::S3::BucketPolicy").values()
        if policy["Properties"]["Bucket"] == {"Ref": artifacts_bucket(template)}
    ]
    return {statement.get("Sid", ""): statement for statement in policy["Properties"]["PolicyDocument"]["Statement"]}


def key_statements(template: Any) -> list[Any]:
    statements: list[Any] = template.one("AWS::KMS::Key")["Properties"]["KeyPolicy"]["Statement"]
    return statements


def test_the_target_accounts_read_the_artifacts_under_the_prefix_only(synthesize: Synth) -> None:
    template = synthesize(target_account_ids=(DEV,), model_artifacts_prefix="models/fraud/")
    statements = artifact_statements(template)
    bucket = artifacts_bucket(template)
    arn = {"Fn::GetAtt": [bucket, "Arn"]}
    assert statements["TargetAccountsReadModelArtifacts"] == {
        "Sid": "TargetAccountsReadModelArtifacts",
        "Effect": "Allow",
        "Principal": {"AWS": roots(DEV)[0]},
        "Action": "s3:GetObject",
        "Resource": {"Fn::Join": ["", [arn, "/models/fraud/*"]]},
    }
    assert statements["TargetAccountsListModelArtifacts"]["Condition"] == {
        "StringLike": {"s3:prefix": "models/fraud/*"}
    }
    assert statements["TargetAccountsListModelArtifacts"]["Resource"] == arn


def test_the_target_accounts_decrypt_only_through_s3_of_this_region(synthesize: Synth) -> None:
    statements = key_statements(synthesize(target_account_ids=(DEV,)))
    [statement] = [s for s in statements if s.get("Sid", "").startswith("Target")]
    assert statement == {
        "Sid": "TargetAccountsDecryptModelArtifactsThroughS3",
        "Effect": "Allow",
        "Principal": {"AWS": roots(DEV)[0]},
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
    }


def test_the_artifacts_bucket_is_private_encrypted_versioned_and_logged(synthesize: Synth) -> None:
    template = Template.from_json(synthesize().raw)
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {
                        "BucketKeyEnabled": True,
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": Match.any_value(),
                        },
                    }
                ]
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            "LoggingConfiguration": {"DestinationBucketName": Match.any_value(), "LogFilePrefix": "model-artifacts/"},
            "PublicAccessBlockConfiguration": Match.object_like({"RestrictPublicBuckets": True}),
            "NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}},
        },
    )


def test_approvals_and_rejections_go_to_each_target_accounts_default_bus_and_the_given_bus(synthesize: Synth) -> None:
    central = "arn:aws:events:eu-west-1:444444444444:event-bus/ml-central"
    template = synthesize(target_account_ids=(PROD, DEV), target_event_bus_arn=central)
    [rule] = template.resources("AWS::Events::Rule").values()
    properties = rule["Properties"]
    assert properties["Name"] == "mlops-test-registry-group-package-state"
    assert properties["EventPattern"] == {
        "source": ["aws.sagemaker"],
        "detail-type": ["SageMaker Model Package State Change"],
        "detail": {"ModelPackageGroupName": ["fraud-detector"], "ModelApprovalStatus": ["Approved", "Rejected"]},
    }
    assert [(target["Id"], target["Arn"]) for target in properties["Targets"]] == [
        ("444444444444-ml-central", central),
        (f"{DEV}-default", DEV_BUS),
        (f"{PROD}-default", PROD_BUS),
    ]
    [policy] = template.resources("AWS::IAM::ManagedPolicy").values()
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Sid": "PutEventsOnTheTargetBuses",
            "Effect": "Allow",
            "Action": "events:PutEvents",
            "Resource": [central, DEV_BUS, PROD_BUS],
        }
    ]


def test_only_this_rule_of_this_account_may_take_the_forwarding_role(synthesize: Synth) -> None:
    role = synthesize(target_account_ids=(DEV,)).one("AWS::IAM::Role")
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Condition": {
                "StringEquals": {
                    "aws:SourceAccount": REGISTRY,
                    "aws:SourceArn": f"arn:aws:events:us-east-1:{REGISTRY}:rule/mlops-test-registry-group-package-state",
                }
            },
        }
    ]


def test_the_reference_behaviour_without_forwarding_sends_only_to_the_given_bus(synthesize: Synth) -> None:
    bus = f"arn:aws:events:us-east-1:{DEV}:event-bus/ml"
    template = synthesize(target_account_ids=(DEV,), target_event_bus_arn=bus, forward_events_to_target_accounts=False)
    [rule] = template.resources("AWS::Events::Rule").values()
    assert [target["Arn"] for target in rule["Properties"]["Targets"]] == [bus]
    assert (
        synthesize(forward_events_to_target_accounts=False, target_account_ids=(DEV,)).resources("AWS::Events::Rule")
        == {}
    )


def test_an_existing_bucket_and_key_are_named_not_created(synthesize: Synth) -> None:
    key = f"arn:aws:kms:us-east-1:{REGISTRY}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    template = synthesize(
        target_account_ids=(DEV,), model_artifacts_bucket_arn="arn:aws:s3:::ml-models", model_artifacts_kms_key_arn=key
    )
    assert template.resources("AWS::S3::Bucket") == {}
    assert template.resources("AWS::KMS::Key") == {}
    metadata = template.metadata
    assert metadata["ModelArtifactsBucketArn"] == "arn:aws:s3:::ml-models"
    assert metadata["ModelArtifactsKmsKeyArn"] == key
    assert "ModelArtifactsKmsKeyArn" not in synthesize(model_artifacts_bucket_arn="arn:aws:s3:::ml-models").metadata


def test_retain_on_delete_keeps_the_group_artifacts_and_key_but_not_after_a_failed_first_create(
    synthesize: Synth,
) -> None:
    kept = synthesize(target_account_ids=(DEV,))
    dropped = synthesize(target_account_ids=(DEV,), retain_on_delete=False)
    for kind in ("AWS::SageMaker::ModelPackageGroup", "AWS::S3::Bucket", "AWS::KMS::Key"):
        assert {r.get("DeletionPolicy") for r in kept.resources(kind).values()} == {"RetainExceptOnCreate"}, kind
        assert {r.get("DeletionPolicy") for r in dropped.resources(kind).values()} == {"Delete"}, kind


def test_the_permissions_boundary_bounds_the_forwarding_role(synthesize: Synth) -> None:
    role = synthesize(target_account_ids=(DEV,), permissions_boundary_name="mlops-boundary").one("AWS::IAM::Role")
    assert role["Properties"]["PermissionsBoundary"] == {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::{REGISTRY}:policy/mlops-boundary"]]
    }


def test_the_project_and_the_given_tags_are_on_the_group(synthesize: Synth) -> None:
    group = synthesize(sagemaker_project_id="123123", sagemaker_project_name="test", tags={"team": "ml"})
    tags = {tag["Key"]: tag["Value"] for tag in group.one("AWS::SageMaker::ModelPackageGroup")["Properties"]["Tags"]}
    assert tags == {
        "sagemaker:deployment-stage": "mlops-test-registry-group",
        "sagemaker:project-id": "123123",
        "sagemaker:project-name": "test",
        "seedfarmer:deployment": "test",
        "seedfarmer:module": "registry-group",
        "seedfarmer:project": "mlops",
        "team": "ml",
    }


def test_the_metadata_names_the_group_its_grants_and_the_rule(synthesize: Synth) -> None:
    repository = f"arn:aws:ecr:us-east-1:{REGISTRY}:repository/fraud-detector"
    metadata = synthesize(target_account_ids=(PROD, DEV), ecr_repository_arns=(repository,)).metadata
    assert metadata == {
        "SagemakerModelPackageGroupArn": "${ModelPackageGroup.ModelPackageGroupArn}",
        "SagemakerModelPackageGroupName": "fraud-detector",
        "SagemakerModelPackageGroupEventRuleArn": "${SageMakerModelPackageStateChangeRuleA5F84E1C.Arn}",
        "EventForwardingRoleArn": "${SageMakerModelPackageStateChangeTargetRoleE8C27862.Arn}",
        "RegistryAccountId": REGISTRY,
        "TargetAccountIds": [DEV, PROD],
        "ModelArtifactsBucketArn": "${ModelArtifactsBucket2C3831B7.Arn}",
        "ModelArtifactsPrefix": "fraud-detector/",
        "ModelArtifactsKmsKeyArn": "${ModelArtifactsKey31EDFDE5.Arn}",
        "EcrRepositoryArns": [repository],
    }


def test_the_same_inputs_give_the_same_bytes(synthesize: Synth, tmp_path: Path) -> None:
    from mlops_platform.contract import DeploymentContext
    from sagemaker_model_package_group.settings import RegistrySettings
    from sagemaker_model_package_group.synthesis import build_app

    context = DeploymentContext(
        project="mlops", deployment="test", module="registry-group", account=REGISTRY, region="us-east-1"
    )
    settings = RegistrySettings(model_package_group_name="fraud-detector", target_account_ids=(PROD, DEV))
    [stack] = build_app(settings, context, str(tmp_path)).synth().stacks
    again = synthesize(target_account_ids=(DEV, PROD)).raw
    assert json.dumps(stack.template, sort_keys=True) == json.dumps(again, sort_keys=True)


ADMINISTRATOR = f"arn:aws:iam::{REGISTRY}:role/KeyAdministrators"


def _statements_naming(key: dict[str, Any], principal: str) -> list[dict[str, Any]]:
    return [s for s in key["Properties"]["KeyPolicy"]["Statement"] if principal in json.dumps(s.get("Principal"))]


def test_key_administrators_manage_the_artifacts_key_and_never_use_it(synthesize: Synth) -> None:
    from mlops_platform.key import KEY_ADMINISTRATION_ACTIONS, KEY_USE_ACTIONS

    key = synthesize(key_administrator_arns=(ADMINISTRATOR,)).one("AWS::KMS::Key")
    [statement] = _statements_naming(key, ADMINISTRATOR)
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"AWS": ADMINISTRATOR}
    assert sorted(statement["Action"]) == sorted(KEY_ADMINISTRATION_ACTIONS)
    # Administering is not using: no encrypting, decrypting or grants (DescribeKey reads the key's settings).
    assert not set(statement["Action"]) & {*KEY_USE_ACTIONS, "kms:CreateGrant"} - {"kms:DescribeKey"}
    assert _statements_naming(synthesize().one("AWS::KMS::Key"), "KeyAdministrators") == []


def test_the_access_logs_are_kept_log_retention_days_and_the_stack_has_no_log_group(synthesize: Synth) -> None:
    for days, template in ((365, synthesize()), (731, synthesize(log_retention_days=731))):
        [access_logs] = [b for k, b in template.resources("AWS::S3::Bucket").items() if "AccessLogs" in k]
        [rule] = access_logs["Properties"]["LifecycleConfiguration"]["Rules"]
        assert rule["ExpirationInDays"] == days
        assert template.resources("AWS::Logs::LogGroup") == {}
