"""The synthesized CloudFormation: a VPC-only domain encrypted with the module key, idle apps stopped,
users and spaces, the custom resources that make the domain deletable, and what the module publishes."""

from __future__ import annotations

import json
from typing import Any

REFERENCE_KEYS = {
    "StudioDomainName",
    "StudioDomainId",
    "StudioDomainArn",
    "StudioBucketName",
    "StudioDomainEFSId",
    "DataScientistRoleArn",
    "LeadDataScientistRoleArn",
    "SageMakerExecutionRoleArn",
}


def _domain(synthesized: Any) -> dict[str, Any]:
    domain: dict[str, Any] = synthesized.one("AWS::SageMaker::Domain")
    return domain


def test_the_domain_reaches_nothing_but_its_vpc(minimal: Any) -> None:
    domain = _domain(minimal)
    assert domain["AppNetworkAccessType"] == "VpcOnly"
    assert domain["VpcId"] == "vpc-0123456789abcdef0"
    assert domain["SubnetIds"] == ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
    group = {"Fn::GetAtt": ["StudioSecurityGroup", "GroupId"]}
    assert domain["DefaultUserSettings"]["SecurityGroups"] == [group]
    assert domain["DefaultSpaceSettings"]["SecurityGroups"] == [group]


def test_the_home_file_system_and_space_volumes_use_the_module_key(minimal: Any) -> None:
    [key] = minimal.resources("AWS::KMS::Key")
    assert _domain(minimal)["KmsKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    assert minimal.resources("AWS::KMS::Key")[key]["Properties"]["EnableKeyRotation"] is True


def test_idle_jupyterlab_apps_stop_after_an_hour_by_default(minimal: Any) -> None:
    domain = _domain(minimal)
    for settings in (domain["DefaultUserSettings"], domain["DefaultSpaceSettings"]):
        idle = settings["JupyterLabAppSettings"]["AppLifecycleManagement"]["IdleSettings"]
        assert idle == {"LifecycleManagement": "ENABLED", "IdleTimeoutInMinutes": 60}


def test_idle_bounds_users_may_choose_within_are_the_domains(everything: Any) -> None:
    idle = _domain(everything)["DefaultUserSettings"]["JupyterLabAppSettings"]["AppLifecycleManagement"]["IdleSettings"]
    assert idle == {
        "LifecycleManagement": "ENABLED",
        "IdleTimeoutInMinutes": 120,
        "MinIdleTimeoutInMinutes": 60,
        "MaxIdleTimeoutInMinutes": 240,
    }


def test_each_apps_session_carries_its_user_profile_name(minimal: Any) -> None:
    assert _domain(minimal)["DomainSettings"]["ExecutionRoleIdentityConfig"] == "USER_PROFILE_NAME"


def test_apps_reach_each_other_and_https_only(minimal: Any) -> None:
    group = minimal.raw["Resources"]["StudioSecurityGroup"]["Properties"]
    assert [(rule["FromPort"], rule["ToPort"], rule["CidrIp"]) for rule in group["SecurityGroupEgress"]] == [
        (443, 443, "0.0.0.0/0")
    ]
    assert "SecurityGroupIngress" not in group
    ingress = minimal.one("AWS::EC2::SecurityGroupIngress")
    egress = minimal.one("AWS::EC2::SecurityGroupEgress")
    itself = {"Fn::GetAtt": ["StudioSecurityGroup", "GroupId"]}
    assert (ingress["FromPort"], ingress["ToPort"], ingress["SourceSecurityGroupId"]) == (8192, 65535, itself)
    assert (egress["FromPort"], egress["ToPort"], egress["DestinationSecurityGroupId"]) == (8192, 65535, itself)


def test_each_user_runs_as_the_role_of_their_persona(minimal: Any) -> None:
    profiles = {
        profile["Properties"]["UserProfileName"]: profile["Properties"]["UserSettings"]["ExecutionRole"]["Fn::GetAtt"][
            0
        ]
        for profile in minimal.resources("AWS::SageMaker::UserProfile").values()
    }
    assert set(profiles) == {"ds-user-1", "lead-ds-user-1"}
    assert profiles["ds-user-1"].startswith("DataScientistRole")
    assert profiles["lead-ds-user-1"].startswith("LeadDataScientistRole")
    assert "SingleSignOnUserValue" not in json.dumps(minimal.resources("AWS::SageMaker::UserProfile"))


def test_with_identity_center_each_profile_belongs_to_the_directory_user_of_its_name(open_domain: Any) -> None:
    for profile in open_domain.resources("AWS::SageMaker::UserProfile").values():
        properties = profile["Properties"]
        assert properties["SingleSignOnUserIdentifier"] == "UserName"
        assert properties["SingleSignOnUserValue"] == properties["UserProfileName"]
    assert _domain(open_domain)["AuthMode"] == "SSO"


def test_jupyterlab_spaces_are_private_and_named_as_the_reference_names_them(everything: Any, minimal: Any) -> None:
    spaces = {
        space["Properties"]["SpaceName"]: space for space in everything.resources("AWS::SageMaker::Space").values()
    }
    assert set(spaces) == {"ds-user-1-JupyterLab-space", "lead-ds-user-1-JupyterLab-space"}
    space = spaces["ds-user-1-JupyterLab-space"]
    assert space["Properties"]["OwnershipSettings"] == {"OwnerUserProfileName": "ds-user-1"}
    assert space["Properties"]["SpaceSharingSettings"] == {"SharingType": "Private"}
    assert space["Properties"]["SpaceSettings"]["JupyterLabAppSettings"]["DefaultResourceSpec"] == {
        "InstanceType": "ml.t3.large"
    }
    assert any(dependency.startswith("Userdsuser1") for dependency in space["DependsOn"])
    assert minimal.resources("AWS::SageMaker::Space") == {}


def test_shared_spaces_get_a_name_of_their_own(open_domain: Any) -> None:
    """Sharing cannot change on a space (CloudFormation replaces it, creating the new one first)."""
    for space in open_domain.resources("AWS::SageMaker::Space").values():
        assert space["Properties"]["SpaceName"].endswith("-JupyterLab-shared")
        assert space["Properties"]["SpaceSharingSettings"] == {"SharingType": "Shared"}


def test_apps_are_cleared_before_cloudformation_deletes_any_space_or_profile(everything: Any) -> None:
    [cleanup] = everything.resources("Custom::StudioApps").values()
    members = {*everything.resources("AWS::SageMaker::UserProfile"), *everything.resources("AWS::SageMaker::Space")}
    assert members <= set(cleanup["DependsOn"])
    assert cleanup["Properties"]["UserProfiles"] == ["ds-user-1", "lead-ds-user-1"]
    assert cleanup["Properties"]["ManagedSpaces"] == ["ds-user-1-JupyterLab-space", "lead-ds-user-1-JupyterLab-space"]


def test_with_retain_efs_the_domain_is_cloudformations_to_delete_and_its_file_system_stays(
    minimal: Any,
) -> None:
    assert minimal.resources("Custom::StudioDomainRemoval") == {}
    domain = minimal.raw["Resources"]["StudioDomain"]
    assert "DeletionPolicy" not in domain


def test_without_retain_efs_the_stack_deletes_the_domain_with_its_file_system(everything: Any) -> None:
    [removal] = everything.resources("Custom::StudioDomainRemoval")
    domain = everything.raw["Resources"]["StudioDomain"]
    # CloudFormation's delete of AWS::SageMaker::Domain keeps the file system: the custom resource deletes it.
    assert domain["DeletionPolicy"] == "RetainExceptOnCreate"
    for kind in ("AWS::SageMaker::UserProfile", "AWS::SageMaker::Space"):
        for member in everything.resources(kind).values():
            assert removal in member["DependsOn"], "profiles and spaces must be gone before the domain"
    statements = everything.statements("StudioLifecyclePolicy")
    assert statements["RemoveDomain"]["Action"] == ["sagemaker:DeleteDomain", "sagemaker:DescribeDomain"]
    assert statements["DeleteNfsGroups"]["Condition"]["ArnEquals"]["ec2:Vpc"]


def test_projects_give_the_three_roles_sagemakers_templates_only_when_asked(minimal: Any, everything: Any) -> None:
    assert minimal.resources("Custom::SageMakerProjects") == {}
    assert "ShareProjectsPortfolio" not in minimal.statements("StudioLifecyclePolicy")
    [projects] = everything.resources("Custom::SageMakerProjects").values()
    roles = {role["Fn::GetAtt"][0][: -len("Role") - 8] for role in projects["Properties"]["RoleArns"]}
    assert roles == {"DataScientist", "LeadDataScientist", "Execution"}
    assert "CreateProjects" in everything.statements("LeadDataScientistPolicy")
    assert "CreateProjects" not in everything.statements("DataScientistPolicy")


def test_the_tracking_server_stores_artifacts_under_the_prefix_given(everything: Any) -> None:
    server = everything.one("AWS::SageMaker::MlflowTrackingServer")
    # The reference joins bucket and prefix without a slash (s3://mlops-artifactsmlflow/).
    assert server["ArtifactStoreUri"] == "s3://mlops-artifacts/mlflow/"
    assert server["AutomaticModelRegistration"] is False
    statements = everything.statements("MlflowTrackingServerPolicy")
    assert everything.flat_resources(statements["MlflowArtifacts"]) == [
        "arn:${AWS::Partition}:s3:::mlops-artifacts/mlflow/*"
    ]


def test_the_metadata_holds_the_reference_keys_and_ours(minimal: Any, everything: Any) -> None:
    assert set(minimal.metadata) == REFERENCE_KEYS | {
        "StudioSecurityGroupId",
        "StudioKmsKeyArn",
        "StudioUserProfileNames",
    }
    assert set(everything.metadata) == set(minimal.metadata) | {"MlflowTrackingServerArn"}
    assert minimal.metadata["StudioDomainArn"] == "${StudioDomain.DomainArn}"
    assert minimal.metadata["StudioDomainId"] == "${StudioDomain.DomainId}"
    assert minimal.metadata["StudioDomainName"] == "mlops-test-studio-studio-domain"
    assert minimal.metadata["StudioUserProfileNames"] == ["ds-user-1", "lead-ds-user-1"]


def test_the_studio_bucket_is_encrypted_with_the_module_key_and_kept(minimal: Any) -> None:
    [bucket] = [b for k, b in minimal.resources("AWS::S3::Bucket").items() if k.startswith("StudioBucket")]
    [rule] = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    [key] = minimal.resources("AWS::KMS::Key")
    assert rule["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": {"Fn::GetAtt": [key, "Arn"]},
    }
    assert bucket["DeletionPolicy"] == "RetainExceptOnCreate"
    assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert "LoggingConfiguration" in bucket["Properties"]


def test_with_isolation_the_roles_reach_only_their_domains_endpoints(minimal: Any, open_domain: Any) -> None:
    for policy in ("DataScientistPolicy", "LeadDataScientistPolicy", "ExecutionPolicy"):
        statement = minimal.statements(policy)["UseDomainEndpoints"]
        assert statement["Condition"] == {
            "StringEquals": {"aws:ResourceTag/sagemaker:domain-arn": {"Fn::GetAtt": ["StudioDomain", "DomainArn"]}}
        }
        assert "Condition" not in open_domain.statements(policy)["UseDomainEndpoints"]


def test_the_roles_trust_sagemaker_acting_for_this_account_only(minimal: Any) -> None:
    for logical, role in minimal.resources("AWS::IAM::Role").items():
        [statement] = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        if logical.startswith("StudioLifecycle"):
            assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
            continue
        assert statement["Principal"] == {"Service": "sagemaker.amazonaws.com"}
        assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": "111111111111"}
        assert "ArnLike" in statement["Condition"]


def test_the_boundary_and_path_apply_to_every_role(open_domain: Any) -> None:
    for role in open_domain.resources("AWS::IAM::Role").values():
        assert "mlops-boundary" in json.dumps(role["Properties"]["PermissionsBoundary"])
    persona_roles = [
        r for k, r in open_domain.resources("AWS::IAM::Role").items() if not k.startswith("StudioLifecycle")
    ]
    assert {role["Properties"]["Path"] for role in persona_roles} == {"/studio/"}


def test_a_synthesizer_qualifier_names_its_bootstrap(open_domain: Any) -> None:
    assert open_domain.raw["Parameters"]["BootstrapVersion"]["Default"] == "/cdk-bootstrap/team1/version"


def test_the_lifecycle_function_runs_in_the_domains_subnets_with_a_dead_letter_queue(minimal: Any) -> None:
    function = minimal.one("AWS::Lambda::Function")
    assert function["VpcConfig"]["SubnetIds"] == ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
    assert "DeadLetterConfig" in function
    assert "KmsKeyArn" in function
    assert function["Timeout"] == 900


ADMINISTRATOR = "arn:aws:iam::111111111111:role/KeyAdministrators"  # conftest's `governed` names it


def test_key_administrators_manage_the_module_key_and_never_use_it(minimal: Any, governed: Any) -> None:
    from mlops_platform.key import KEY_ADMINISTRATION_ACTIONS, KEY_USE_ACTIONS

    [key] = governed.resources("AWS::KMS::Key").values()
    [statement] = [s for s in key["Properties"]["KeyPolicy"]["Statement"] if ADMINISTRATOR in json.dumps(s)]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"AWS": ADMINISTRATOR}
    assert sorted(statement["Action"]) == sorted(KEY_ADMINISTRATION_ACTIONS)
    # Administering is not using: no encrypting, decrypting or grants (DescribeKey reads the key's settings).
    assert not set(statement["Action"]) & {*KEY_USE_ACTIONS, "kms:CreateGrant"} - {"kms:DescribeKey"}
    [default_key] = minimal.resources("AWS::KMS::Key").values()
    assert "KeyAdministrators" not in json.dumps(default_key)


def test_every_log_group_and_the_access_logs_keep_log_retention_days(minimal: Any, governed: Any) -> None:
    for days, template in ((365, minimal), (731, governed)):
        groups = template.resources("AWS::Logs::LogGroup").values()
        assert groups
        assert {group["Properties"]["RetentionInDays"] for group in groups} == {days}
        [access_logs] = [
            b for k, b in template.resources("AWS::S3::Bucket").items() if k.startswith("StudioAccessLogs")
        ]
        [rule] = access_logs["Properties"]["LifecycleConfiguration"]["Rules"]
        assert rule["ExpirationInDays"] == days
