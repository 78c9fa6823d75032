"""What the endpoint module builds, read from the synthesized CloudFormation."""

from __future__ import annotations

import re
from typing import Any

from aws_cdk.assertions import Match

METADATA_KEYS = [
    "ModelExecutionRoleArn",
    "ModelName",
    "ModelPackageArn",
    "EndpointName",
    "EndpointUrl",
    "KmsKeyId",
    "SecurityGroupId",
    "VariantNames",
    "AlarmNames",
    "NotificationTopicArn",
    "InvokeFunctionArn",
    "InvokeFunctionName",
    "DataCaptureS3Uri",
    "DataCaptureSamplingPercentage",
    "DataCaptureKmsKeyArn",
    "DataCaptureCsvContentTypes",
    "DataCaptureJsonContentTypes",
    "SubnetIds",
]
SAGEMAKER_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")


def _metadata_keys(stack: Any) -> list[str]:
    text = "".join(part if isinstance(part, str) else "TOKEN" for part in stack.metadata_parts)
    return re.findall(r'"(\w+)":', text)


def test_a_package_arn_builds_model_config_and_endpoint(synthesize: Any) -> None:
    stack = synthesize()
    model = stack.one("AWS::SageMaker::Model")
    assert model["PrimaryContainer"] == {
        "ModelPackageName": "arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/3"
    }
    assert model["EnableNetworkIsolation"] is True
    assert model["VpcConfig"]["Subnets"] == ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
    assert model["VpcConfig"]["SecurityGroupIds"] == [{"Fn::GetAtt": ["EndpointSecurityGroup", "GroupId"]}]
    config = stack.one("AWS::SageMaker::EndpointConfig")
    assert config["ProductionVariants"] == [
        {
            "InitialInstanceCount": 1,
            "InitialVariantWeight": 1,
            "InstanceType": "ml.m4.xlarge",
            "ModelName": {"Fn::GetAtt": ["Model", "ModelName"]},
            "VariantName": "AllTraffic",
        }
    ]
    endpoint = stack.one("AWS::SageMaker::Endpoint")
    assert endpoint["EndpointName"] == "mlops-test-sagemaker-endpoint"
    assert endpoint["EndpointConfigName"] == {"Fn::GetAtt": ["EndpointConfig", "EndpointConfigName"]}


def test_metadata_output_has_the_reference_keys_then_the_additions(synthesize: Any) -> None:
    stack = synthesize()
    assert list(stack.raw["Outputs"]) == ["metadata"]
    assert _metadata_keys(stack) == METADATA_KEYS
    text = stack.metadata_text
    assert '"ModelPackageArn":"arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/3"' in text
    assert (
        '"EndpointUrl":"https://runtime.sagemaker.us-east-1.${AWS::URLSuffix}/endpoints/${Endpoint.EndpointName}'
        '/invocations"'
    ) in text
    assert '"EndpointName":"${Endpoint.EndpointName}"' in text


def test_names_are_valid_sagemaker_names_and_hash_what_defines_them(synthesize: Any) -> None:
    stack = synthesize()
    model_name = stack.one("AWS::SageMaker::Model")["ModelName"]
    config_name = stack.one("AWS::SageMaker::EndpointConfig")["EndpointConfigName"]
    assert re.fullmatch(r"mlops-test-sagemaker-endpoint-model-[0-9a-f]{8}", model_name)
    assert re.fullmatch(r"mlops-test-sagemaker-endpoint-config-[0-9a-f]{8}", config_name)
    assert all(SAGEMAKER_NAME.match(name) for name in (model_name, config_name))


def test_the_same_inputs_synthesize_the_same_bytes(synthesize: Any) -> None:
    first = synthesize().text
    synthesize.__globals__["_cache"].clear()
    assert synthesize().text == first


def test_a_new_package_renames_model_and_config_but_not_the_endpoint(synthesize: Any) -> None:
    old = synthesize()
    new = synthesize(model_package_arn="arn:aws:sagemaker:us-east-1:111111111111:model-package/fraud-detector/4")
    for kind, name in (
        ("AWS::SageMaker::Model", "ModelName"),
        ("AWS::SageMaker::EndpointConfig", "EndpointConfigName"),
    ):
        assert old.one(kind)[name] != new.one(kind)[name]
        assert list(old.resources(kind)) == list(new.resources(kind)), "logical ids stay, so the endpoint updates"
    assert old.one("AWS::SageMaker::Endpoint")["EndpointName"] == new.one("AWS::SageMaker::Endpoint")["EndpointName"]


def test_a_variant_change_renames_only_the_config(synthesize: Any) -> None:
    old = synthesize()
    new = synthesize(instance_type="ml.c5.xlarge")
    assert old.one("AWS::SageMaker::Model")["ModelName"] == new.one("AWS::SageMaker::Model")["ModelName"]
    assert (
        old.one("AWS::SageMaker::EndpointConfig")["EndpointConfigName"]
        != new.one("AWS::SageMaker::EndpointConfig")["EndpointConfigName"]
    )


def test_security_group_has_no_ingress_and_https_egress_only(synthesize: Any) -> None:
    group = synthesize().one("AWS::EC2::SecurityGroup")
    assert group["VpcId"] == "vpc-0123456789abcdef0"
    assert "SecurityGroupIngress" not in group
    assert group["SecurityGroupEgress"] == [
        {
            "CidrIp": "0.0.0.0/0",
            "Description": "HTTPS to AWS services (VPC and S3 endpoints)",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443,
        }
    ]


def test_key_rotates_and_encrypts_storage_logs_and_nothing_is_unencrypted(synthesize: Any) -> None:
    stack = synthesize()
    stack.template.has_resource_properties(
        "AWS::KMS::Key", {"EnableKeyRotation": True, "Description": Match.string_like_regexp("Encrypts")}
    )
    stack.template.has_resource_properties("AWS::KMS::Alias", {"AliasName": "alias/mlops-test-sagemaker-endpoint"})
    key_arn = {"Fn::GetAtt": [Match.string_like_regexp("^EncryptionKey"), "Arn"]}
    stack.template.has_resource_properties("AWS::SageMaker::EndpointConfig", {"KmsKeyId": key_arn})
    stack.template.has_resource_properties(
        "AWS::Logs::LogGroup",
        {
            "LogGroupName": "/aws/sagemaker/Endpoints/mlops-test-sagemaker-endpoint",
            "KmsKeyId": key_arn,
            "RetentionInDays": 365,
        },
    )


def test_key_policy_lets_the_execution_role_use_it_and_logs_only_for_the_endpoint_log_group(synthesize: Any) -> None:
    stack = synthesize()
    key = stack.flat(stack.one("AWS::KMS::Key"))
    statements = {statement.get("Sid"): statement for statement in key["KeyPolicy"]["Statement"]}
    role = {"AWS": "${ExecutionRole605A040B.Arn}"}
    assert statements["ExecutionRoleUsesKey"]["Principal"] == role
    assert statements["ExecutionRoleUsesKey"]["Action"] == [
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
    ]
    grant = statements["ExecutionRoleAttachesKeyToInstanceVolumes"]
    assert grant["Principal"] == role
    assert grant["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}
    logs = statements["CloudWatchLogsUseForEndpointLogGroupOnly"]
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert logs["Condition"] == {
        "ArnEquals": {
            "kms:EncryptionContext:aws:logs:arn": "arn:${AWS::Partition}:logs:us-east-1:111111111111:log-group:"
            "/aws/sagemaker/Endpoints/mlops-test-sagemaker-endpoint"
        }
    }


def test_instances_with_local_storage_get_no_storage_key(synthesize: Any) -> None:
    stack = synthesize(instance_type="ml.g5.xlarge")
    assert "KmsKeyId" not in stack.one("AWS::SageMaker::EndpointConfig")
    assert "KmsKeyId" in synthesize(instance_type="ml.c5.xlarge").one("AWS::SageMaker::EndpointConfig")


def test_execution_role_is_scoped_to_this_endpoint(synthesize: Any) -> None:
    stack = synthesize()
    stack.template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [Match.object_like({"Principal": {"Service": "sagemaker.amazonaws.com"}})]
            }
        },
    )
    actions = [
        action
        for statement in stack.policy_statements
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    ]
    assert not any(action.endswith("*") for action in actions), "no wildcard actions"
    group = "arn:${AWS::Partition}:logs:us-east-1:111111111111:log-group:/aws/sagemaker/Endpoints/mlops-test-sagemaker-endpoint"
    assert stack.statement("WriteEndpointLogs")["Resource"] == [group, f"{group}:log-stream:*"]
    interfaces = stack.statement("ManageInterfacesInEndpointVpc")
    assert interfaces["Resource"] == "arn:${AWS::Partition}:ec2:us-east-1:111111111111:network-interface/*"
    assert interfaces["Condition"] == {
        "ArnEquals": {"ec2:Vpc": "arn:${AWS::Partition}:ec2:us-east-1:111111111111:vpc/vpc-0123456789abcdef0"}
    }
    create = stack.statement("CreateInterfacesInEndpointSubnets")["Resource"]
    assert create == [
        "arn:${AWS::Partition}:ec2:us-east-1:111111111111:subnet/subnet-0123456789abcdef0",
        "arn:${AWS::Partition}:ec2:us-east-1:111111111111:subnet/subnet-0123456789abcdef1",
        "arn:${AWS::Partition}:ec2:us-east-1:111111111111:security-group/${EndpointSecurityGroup.GroupId}",
    ]
    assert stack.statement("PublishEndpointMetrics")["Condition"] == {
        "StringEquals": {"cloudwatch:namespace": "/aws/sagemaker/Endpoints"}
    }
    # The role's policy is attached before SageMaker creates the model with it.
    depends = stack.raw["Resources"]["Model"]["DependsOn"]
    assert any(name.startswith("ExecutionPolicy") for name in depends)


def test_a_fixed_arn_is_granted_exactly_the_artifact_and_image_of_its_described_package(synthesize: Any) -> None:
    stack = synthesize()
    read = stack.statement("ReadModelArtifacts")
    assert read["Resource"] == "arn:${AWS::Partition}:s3:::mlops-artifacts/fraud-detector/3/model.tar.gz"
    assert "Condition" not in read
    pull = stack.statement("PullInferenceImages")
    assert pull["Resource"] == "arn:${AWS::Partition}:ecr:us-east-1:111111111111:repository/fraud-detector"
    assert not any("*" in str(s["Resource"]) for s in stack.policy_statements if s["Sid"].startswith(("Read", "Pull")))


def test_the_repository_parameter_adds_a_repository_and_the_bucket_parameter_grants_no_wider_read(
    synthesize: Any,
) -> None:
    stack = synthesize(
        model_artifacts_bucket_arn="arn:aws:s3:::mlops-artifacts",
        ecr_repo_arn="arn:aws:ecr:us-east-1:111111111111:repository/shared-runtime",
    )
    assert stack.statement("ReadModelArtifacts")["Resource"] == (
        "arn:${AWS::Partition}:s3:::mlops-artifacts/fraud-detector/3/model.tar.gz"
    )
    assert stack.statement("PullInferenceImages")["Resource"] == [
        "arn:${AWS::Partition}:ecr:us-east-1:111111111111:repository/fraud-detector",
        "arn:aws:ecr:us-east-1:111111111111:repository/shared-runtime",
    ]


def test_a_group_scopes_access_to_the_exact_artifact_and_image(synthesize: Any, described_package: Any) -> None:
    stack = synthesize(package=described_package, model_package_group_name="fraud-detector")
    assert stack.one("AWS::SageMaker::Model")["PrimaryContainer"] == {"ModelPackageName": described_package.arn}
    read = stack.statement("ReadModelArtifacts")["Resource"]
    assert read == "arn:${AWS::Partition}:s3:::mlops-artifacts/fraud-detector/7/model.tar.gz"
    pull = stack.statement("PullInferenceImages")["Resource"]
    assert pull == "arn:${AWS::Partition}:ecr:us-east-1:111111111111:repository/fraud-detector"
    assert f'"ModelPackageArn":"{described_package.arn}"' in stack.metadata_text


def test_data_capture_writes_inputs_and_outputs_encrypted_to_the_bucket(synthesize: Any) -> None:
    stack = synthesize(
        model_artifacts_bucket_arn="arn:aws:s3:::mlops-artifacts",
        data_capture_sampling_percentage=25,
        data_capture_prefix="capture/fraud",
    )
    capture = stack.one("AWS::SageMaker::EndpointConfig")["DataCaptureConfig"]
    assert capture["EnableCapture"] is True
    assert capture["InitialSamplingPercentage"] == 25
    assert capture["DestinationS3Uri"] == "s3://mlops-artifacts/capture/fraud"
    assert capture["KmsKeyId"]["Fn::GetAtt"][0].startswith("EncryptionKey")
    assert [option["CaptureMode"] for option in capture["CaptureOptions"]] == ["Input", "Output"]
    assert stack.statement("WriteDataCapture")["Resource"] == "arn:aws:s3:::mlops-artifacts/capture/fraud/*"


def test_data_capture_is_off_by_default(synthesize: Any) -> None:
    stack = synthesize()
    assert "DataCaptureConfig" not in stack.one("AWS::SageMaker::EndpointConfig")
    assert not any(statement.get("Sid") == "WriteDataCapture" for statement in stack.policy_statements)


def test_a_given_role_is_used_and_no_role_is_created(synthesize: Any) -> None:
    role_arn = "arn:aws:iam::111111111111:role/team/FraudModelRole"
    stack = synthesize(model_execution_role_arn=role_arn)
    stack.template.resource_count_is("AWS::IAM::Role", 0)
    stack.template.resource_count_is("AWS::IAM::ManagedPolicy", 0)
    assert stack.one("AWS::SageMaker::Model")["ExecutionRoleArn"] == role_arn
    key = stack.one("AWS::KMS::Key")
    grants = [
        statement for statement in key["KeyPolicy"]["Statement"] if statement.get("Sid") == "ExecutionRoleUsesKey"
    ]
    assert grants[0]["Principal"] == {"AWS": role_arn}
    assert f'"ModelExecutionRoleArn":"{role_arn}"' in stack.metadata_text


def test_permissions_boundary_applies_to_every_role(synthesize: Any) -> None:
    stack = synthesize(permissions_boundary_name="mlops-boundary")
    roles = stack.resources("AWS::IAM::Role")
    assert roles
    for role in roles.values():
        boundary = stack.flat(role["Properties"]["PermissionsBoundary"])
        assert boundary == "arn:${AWS::Partition}:iam::111111111111:policy/mlops-boundary"


def test_network_isolation_can_be_turned_off(synthesize: Any) -> None:
    stack = synthesize(enable_network_isolation=False)
    assert stack.one("AWS::SageMaker::Model")["EnableNetworkIsolation"] is False


def test_sagemaker_project_and_domain_tags_reach_every_taggable_resource(synthesize: Any) -> None:
    stack = synthesize(
        sagemaker_project_id="p-abcdefghijkl",
        sagemaker_project_name="fraud",
        sagemaker_domain_id="d-abcdefghijkl",
        sagemaker_domain_arn="arn:aws:sagemaker:us-east-1:111111111111:domain/d-abcdefghijkl",
        tags={"cost-center": "ml"},
    )
    expected = [
        {"Key": "sagemaker:domain-arn", "Value": "arn:aws:sagemaker:us-east-1:111111111111:domain/d-abcdefghijkl"},
        {"Key": "sagemaker:domain-id", "Value": "d-abcdefghijkl"},
        {"Key": "sagemaker:project-id", "Value": "p-abcdefghijkl"},
        {"Key": "sagemaker:project-name", "Value": "fraud"},
        {"Key": "cost-center", "Value": "ml"},
        {"Key": "seedfarmer:module", "Value": "sagemaker-endpoint"},
    ]
    for kind in (
        "AWS::SageMaker::Model",
        "AWS::SageMaker::EndpointConfig",
        "AWS::SageMaker::Endpoint",
        "AWS::KMS::Key",
        "AWS::IAM::Role",
        "AWS::EC2::SecurityGroup",
        "AWS::Logs::LogGroup",
    ):
        tags = stack.one(kind)["Tags"]
        for tag in expected:
            assert tag in tags, f"{kind} lacks {tag}"


def test_three_rule_packs_pass_and_each_acknowledgement_sits_on_the_resource_it_concerns(synthesize: Any) -> None:
    stack = synthesize()
    reports = {report["pluginName"]: report for report in stack.report["pluginReports"]}
    assert sorted(reports) == ["AwsSolutions", "HIPAA.Security", "NIST.800.53.R5"]
    for report in reports.values():
        assert report["violations"] == []
        for finding in report["suppressedViolations"]:
            paths = [construct["constructPath"] for construct in finding["violatingConstructs"]]
            assert paths == [finding["acknowledgedAt"]], finding["ruleName"]
            assert len(finding["reason"]) > 40
    wildcards = [f["acknowledgedAt"] for f in reports["AwsSolutions"]["suppressedViolations"]]
    assert set(wildcards) == {"mlops-test-sagemaker-endpoint/ExecutionPolicy/Resource"}


def test_every_log_group_is_kept_for_log_retention_days_and_key_administrators_may_manage_the_key(
    synthesize: Any,
) -> None:
    admin = "arn:aws:iam::111111111111:role/KeyAdministrators"
    stack = synthesize(log_retention_days=1827, key_administrator_arns=(admin,), invoke_function=True)
    groups = stack.resources("AWS::Logs::LogGroup").values()
    assert len(groups) == 2  # the endpoint's and the invoke function's
    assert {group["Properties"]["RetentionInDays"] for group in groups} == {1827}
    [key] = stack.resources("AWS::KMS::Key").values()
    [statement] = [s for s in key["Properties"]["KeyPolicy"]["Statement"] if s.get("Sid") == "KeyAdministrators"]
    assert statement["Principal"] == {"AWS": admin}
    assert not {"kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"} & set(statement["Action"])
