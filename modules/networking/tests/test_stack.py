"""What the networking module builds, read from the synthesized CloudFormation."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Match

METADATA_KEYS = {
    "VpcId",
    "VpcCidr",
    "AvailabilityZones",
    "PublicSubnetIds",
    "PrivateSubnetIds",
    "IsolatedSubnetIds",
    "SecurityGroupId",
}


def _subnets(tier: str, stack: Any) -> list[str]:
    return [
        key
        for key, value in stack.resources("AWS::EC2::Subnet").items()
        if {"Key": "aws-cdk:subnet-name", "Value": tier} in value["Properties"]["Tags"]
    ]


def _joined(value: Any) -> str:
    """A CloudFormation string value with Fn::Join flattened and each Ref shown as ${Name}."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return "${" + str(value["Ref"]) + "}"
    separator, parts = value["Fn::Join"]
    return str(separator).join(_joined(part) for part in parts)


def _metadata_text(stack: Any) -> str:
    """The metadata output with every token replaced by a marker, as the JSON text CloudFormation will hold."""
    parts = stack.metadata["Fn::Join"][1]
    return "".join(part if isinstance(part, str) else '"TOKEN"'[1:-1] for part in parts)


def test_default_vpc_has_three_tiers_over_two_zones_with_one_nat(synthesize: Any) -> None:
    stack = synthesize()
    stack.template.has_resource_properties("AWS::EC2::VPC", {"CidrBlock": "10.0.0.0/16"})
    assert len(_subnets("Public", stack)) == 2
    assert len(_subnets("Private", stack)) == 2
    assert len(_subnets("Isolated", stack)) == 2
    stack.template.resource_count_is("AWS::EC2::NatGateway", 1)
    stack.template.resource_count_is("AWS::EC2::InternetGateway", 1)


def test_public_subnets_do_not_hand_out_public_addresses(synthesize: Any) -> None:
    stack = synthesize()
    for key in _subnets("Public", stack):
        assert stack.raw["Resources"][key]["Properties"]["MapPublicIpOnLaunch"] is False


def test_zones_are_resolved_by_cloudformation_not_looked_up_at_synth(synthesize: Any) -> None:
    stack = synthesize(max_azs=3)
    zones = sorted(
        str(value["Properties"]["AvailabilityZone"]) for value in stack.resources("AWS::EC2::Subnet").values()
    )
    assert "{'Fn::Select': [2, {'Fn::GetAZs': 'us-east-1'}]}" in zones
    assert not any("dummy" in zone for zone in zones)


def test_three_zones_give_three_subnets_per_tier(synthesize: Any) -> None:
    stack = synthesize(max_azs=3)
    assert [len(_subnets(tier, stack)) for tier in ("Public", "Private", "Isolated")] == [3, 3, 3]


def test_no_nat_gateways_means_no_private_tier(synthesize: Any) -> None:
    stack = synthesize(nat_gateways=0)
    stack.template.resource_count_is("AWS::EC2::NatGateway", 0)
    assert _subnets("Private", stack) == []
    assert len(_subnets("Public", stack)) == 2
    assert '"PrivateSubnetIds":[]' in _metadata_text(stack)


def test_closed_vpc_has_no_internet_gateway_nat_or_public_subnets(synthesize: Any) -> None:
    stack = synthesize(nat_gateways=0, internet_accessible=False)
    stack.template.resource_count_is("AWS::EC2::InternetGateway", 0)
    stack.template.resource_count_is("AWS::EC2::NatGateway", 0)
    stack.template.resource_count_is("AWS::EC2::VPCGatewayAttachment", 0)
    assert _subnets("Public", stack) == []
    assert _subnets("Private", stack) == []
    assert len(_subnets("Isolated", stack)) == 2
    text = _metadata_text(stack)
    assert '"PublicSubnetIds":[]' in text
    assert '"PrivateSubnetIds":[]' in text


def test_flow_logs_go_to_an_encrypted_log_group_with_retention(synthesize: Any) -> None:
    stack = synthesize()
    stack.template.has_resource_properties(
        "AWS::EC2::FlowLog", {"ResourceType": "VPC", "TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs"}
    )
    stack.template.has_resource_properties(
        "AWS::Logs::LogGroup",
        {
            "LogGroupName": "/seedfarmer/mlops-test-networking-vpc/vpc-flow-logs",
            "RetentionInDays": 365,
            "KmsKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^FlowLogKey"), "Arn"]},
        },
    )
    stack.template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


def test_flow_log_key_serves_only_its_own_log_group(synthesize: Any) -> None:
    key = next(iter(synthesize().resources("AWS::KMS::Key").values()))
    logs_statement = next(
        statement
        for statement in key["Properties"]["KeyPolicy"]["Statement"]
        if statement.get("Sid") == "CloudWatchLogsUseForThisLogGroupOnly"
    )
    assert logs_statement["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    condition = _joined(logs_statement["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"])
    assert condition == (
        "arn:${AWS::Partition}:logs:us-east-1:111111111111:log-group:/seedfarmer/mlops-test-networking-vpc/vpc-flow-logs"
    )
    assert condition.endswith("log-group:/seedfarmer/mlops-test-networking-vpc/vpc-flow-logs")


def test_flow_logs_can_be_turned_off(synthesize: Any) -> None:
    stack = synthesize(flow_logs=False)
    stack.template.resource_count_is("AWS::EC2::FlowLog", 0)
    stack.template.resource_count_is("AWS::Logs::LogGroup", 0)


def test_default_endpoints_are_what_a_private_sagemaker_endpoint_needs(synthesize: Any) -> None:
    stack = synthesize()
    names = sorted(
        _joined(value["Properties"]["ServiceName"]) for value in stack.resources("AWS::EC2::VPCEndpoint").values()
    )
    assert names == sorted(
        ["com.amazonaws.${AWS::Region}.s3", "com.amazonaws.${AWS::Region}.dynamodb"]
        + [
            f"com.amazonaws.us-east-1.{service}"
            for service in (
                "sagemaker.api",
                "sagemaker.runtime",
                "sts",
                "sqs",
                "logs",
                "monitoring",
                "ecr.api",
                "ecr.dkr",
                "kms",
            )
        ]
    )
    stack.template.has_resource_properties(
        "AWS::EC2::VPCEndpoint", {"ServiceName": Match.any_value(), "VpcEndpointType": "Gateway"}
    )
    stack.template.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {"ServiceName": "com.amazonaws.us-east-1.sagemaker.runtime", "PrivateDnsEnabled": True},
    )


def test_endpoint_security_group_admits_https_from_the_vpc_only(synthesize: Any) -> None:
    stack = synthesize()
    group = next(iter(stack.resources("AWS::EC2::SecurityGroup").values()))["Properties"]
    assert group["SecurityGroupIngress"] == [
        {
            "CidrIp": "10.0.0.0/16",
            "Description": "HTTPS from the VPC",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443,
        }
    ]
    assert all(rule["CidrIp"] == "255.255.255.255/32" for rule in group["SecurityGroupEgress"])


def test_custom_endpoint_list_replaces_the_default(synthesize: Any) -> None:
    stack = synthesize(vpc_endpoints=("sqs", "sts"))
    stack.template.resource_count_is("AWS::EC2::VPCEndpoint", 4)  # and the S3 and DynamoDB gateways


def test_metadata_output_has_exactly_the_published_keys(synthesize: Any) -> None:
    stack = synthesize()
    assert list(stack.raw["Outputs"]) == ["metadata"]
    text = _metadata_text(stack)
    for key in METADATA_KEYS:
        assert f'"{key}":' in text
    assert text.count('":') == len(METADATA_KEYS)
    assert '"VpcCidr":"10.0.0.0/16"' in text


def test_tags_reach_every_taggable_resource(synthesize: Any) -> None:
    stack = synthesize(tags={"team": "ml-platform"})
    stack.template.has_resource_properties(
        "AWS::EC2::VPC",
        {
            "Tags": Match.array_with(
                [{"Key": "seedfarmer:deployment", "Value": "test"}, {"Key": "team", "Value": "ml-platform"}]
            )
        },
    )
    stack.template.has_resource_properties(
        "AWS::KMS::Key", {"Tags": Match.array_with([{"Key": "team", "Value": "ml-platform"}])}
    )


def test_the_same_inputs_synthesize_the_same_bytes(synthesize: Any) -> None:
    first = synthesize(max_azs=3).text
    synthesize.__globals__["_cache"].clear()
    assert synthesize(max_azs=3).text == first


ADMIN = "arn:aws:iam::111111111111:role/KeyAdministrators"


def test_a_permissions_boundary_bounds_every_role_the_cdks_own_included(synthesize: Any) -> None:
    roles = synthesize(permissions_boundary_name="ml-boundary").resources("AWS::IAM::Role")
    assert len(roles) == 2  # the flow-log delivery role and the CDK's default-security-group provider role
    for role in roles.values():
        assert role["Properties"]["PermissionsBoundary"] == {
            "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::111111111111:policy/ml-boundary"]]
        }
    assert all("PermissionsBoundary" not in r["Properties"] for r in synthesize().resources("AWS::IAM::Role").values())


def test_named_key_administrators_may_manage_the_key_but_not_use_it(synthesize: Any) -> None:
    [key] = synthesize(key_administrator_arns=(ADMIN,)).resources("AWS::KMS::Key").values()
    [statement] = [s for s in key["Properties"]["KeyPolicy"]["Statement"] if s.get("Sid") == "KeyAdministrators"]
    assert statement["Principal"] == {"AWS": ADMIN}
    assert {"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"} <= set(statement["Action"])
    assert not {"kms:Decrypt", "kms:Encrypt", "kms:CreateGrant", "kms:*"} & set(statement["Action"])
    [key] = synthesize().resources("AWS::KMS::Key").values()
    assert not any(s.get("Sid") == "KeyAdministrators" for s in key["Properties"]["KeyPolicy"]["Statement"])


def test_log_retention_is_a_parameter(synthesize: Any) -> None:
    [group] = synthesize(log_retention_days=731).resources("AWS::Logs::LogGroup").values()
    assert group["Properties"]["RetentionInDays"] == 731
