"""The emulator's resource fixes (rehearsal/moto_fixes/resources.py and hosting.py): for each, what moto does without it and
what the emulator does with it, as AWS does. When moto alone already does what AWS does, the first
assertion of that test fails: drop the fix."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

from tests.moto_fixes_harness import ACCOUNT, KEY_POLICY, client, create_stack, moto_alone, physical_id, with_fixes

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
ROLE = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": TRUST}}


def _document(action: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}


def test_kms_keys_in_cloudformation_form() -> None:
    def observe(tags: list[dict[str, str]]) -> Any:
        create_stack(
            {"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": KEY_POLICY, "Tags": tags}}}}
        )
        key = physical_id("stack", "Key")
        return client("kms").describe_key(KeyId=key)["KeyMetadata"]["KeyState"], client("kms").list_resource_tags(
            KeyId=key
        )["Tags"]

    tagged: list[dict[str, str]] = [{"Key": "team", "Value": "ml"}]
    untagged: list[dict[str, str]] = []
    fix = "kms_keys_in_cloudformation_form"
    assert moto_alone(fix, lambda: observe(tagged)) == "KeyError: 'TagKey'"
    # The policy kept as a JSON object: every call that checks it fails, DescribeKey first.
    assert moto_alone(fix, lambda: observe(untagged)) == (
        "TypeError: the JSON object must be str, bytes or bytearray, not dict"
    )
    assert with_fixes(lambda: observe(tagged)) == ("Enabled", [{"TagKey": "team", "TagValue": "ml"}])


def test_unnamed_fifo_queues_get_the_fifo_suffix() -> None:
    def observe() -> Any:
        create_stack({"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": True}}}})
        return [url.rsplit("/", 1)[-1].rsplit("-", 1)[-1][-5:] for url in client("sqs").list_queues()["QueueUrls"]]

    assert moto_alone("unnamed_fifo_queues_get_the_fifo_suffix", observe) == (
        "ClientError: An error occurred (InvalidParameterValue) when calling the CreateStack operation: "
        "Queue name must end in .fifo for FIFO queues"
    )
    assert with_fixes(observe) == [".fifo"]


def test_functions_keep_layers_published_by_other_accounts() -> None:
    powertools = "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7"

    def observe() -> Any:
        role = client("iam").create_role(RoleName="handler", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("index.py", "def handler(event, context):\n    return None\n")
        functions = client("lambda")
        functions.create_function(
            FunctionName="f", Runtime="python3.12", Role=role["Arn"], Handler="index.handler",
            Code={"ZipFile": code.getvalue()}, Layers=[powertools],
        )  # fmt: skip
        updated = functions.update_function_configuration(FunctionName="f", Layers=[powertools], Timeout=30)
        return [layer["Arn"] for layer in updated["Layers"]]

    assert moto_alone("functions_keep_layers_published_by_other_accounts", observe).endswith(
        "One or more LayerVersion does not exist ['" + powertools + "']"
    )
    assert with_fixes(observe) == [powertools]


def test_deleting_a_stack_deletes_its_managed_policies() -> None:
    policy = {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {"PolicyDocument": _document("s3:GetObject"), "Roles": [{"Ref": "Role"}]},
    }

    def observe() -> Any:
        create_stack({"Resources": {"Role": ROLE, "Policy": policy}}, "s")
        client("cloudformation").delete_stack(StackName="s")
        return [item["PolicyName"] for item in client("iam").list_policies(Scope="Local")["Policies"]]

    # The role refuses to go while the policy is attached to it, failing the deletion.
    assert moto_alone("deleting_a_stack_deletes_its_managed_policies", observe) == (
        "ClientError: An error occurred (DeleteConflict) when calling the DeleteStack operation: Cannot delete "
        "entity, must detach all policies first."
    )
    assert with_fixes(observe) == []


def test_updating_a_managed_policy_keeps_it() -> None:
    def template(action: str) -> dict[str, Any]:
        policy = {"PolicyDocument": _document(action), "Roles": [{"Ref": "Role"}]}
        return {"Resources": {"Role": ROLE, "Policy": {"Type": "AWS::IAM::ManagedPolicy", "Properties": policy}}}

    def observe() -> Any:
        create_stack(template("s3:GetObject"), "s")
        client("cloudformation").update_stack(StackName="s", TemplateBody=json.dumps(template("s3:PutObject")))
        iam = client("iam")
        actions = []
        for policy in iam.list_policies(Scope="Local")["Policies"]:
            version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
            actions.append(version["PolicyVersion"]["Document"]["Statement"][0]["Action"])
        return actions

    # moto keeps the old document (and drops the policy from the stack, still attached to the role).
    assert moto_alone("updating_a_managed_policy_keeps_it", observe) == ["s3:GetObject"]
    assert with_fixes(observe) == ["s3:PutObject"]


def _network(extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Subnet": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "us-east-1a"},
            },
            **extra,
        }
    }


def test_deleting_a_stack_deletes_its_route_tables() -> None:
    tables = {
        "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Association": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": {"Ref": "Subnet"}, "RouteTableId": {"Ref": "Table"}},
        },
    }

    def observe() -> Any:
        create_stack(_network(tables), "s")
        table = physical_id("s", "Table")
        client("cloudformation").delete_stack(StackName="s")
        return table in {item["RouteTableId"] for item in client("ec2").describe_route_tables()["RouteTables"]}

    assert "(DependencyViolation) when calling the DeleteStack operation: The vpc " in moto_alone(
        "deleting_a_stack_deletes_its_route_tables", observe
    )
    assert with_fixes(observe) is False


def test_deleting_a_stack_deletes_its_nat_gateways_vpc_endpoints_and_flow_logs() -> None:
    extra = {
        "Address": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
        "Nat": {
            "Type": "AWS::EC2::NatGateway",
            "Properties": {"SubnetId": {"Ref": "Subnet"}, "AllocationId": {"Fn::GetAtt": ["Address", "AllocationId"]}},
        },
        "Interface": {
            "Type": "AWS::EC2::VPCEndpoint",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "ServiceName": "com.amazonaws.us-east-1.sagemaker.runtime",
                "VpcEndpointType": "Interface",
                "SubnetIds": [{"Ref": "Subnet"}],
            },
        },
        "Gateway": {
            "Type": "AWS::EC2::VPCEndpoint",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "ServiceName": "com.amazonaws.us-east-1.s3",
                "VpcEndpointType": "Gateway",
                "RouteTableIds": [{"Ref": "Table"}],
            },
        },
        "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Flows": {
            "Type": "AWS::EC2::FlowLog",
            "Properties": {
                "ResourceId": {"Ref": "Vpc"},
                "ResourceType": "VPC",
                "TrafficType": "ALL",
                "LogDestinationType": "s3",
                "LogDestination": "arn:aws:s3:::flow-logs",
            },
        },
    }

    def observe() -> Any:
        client("s3").create_bucket(Bucket="flow-logs")
        create_stack(_network(extra), "s")
        try:
            client("cloudformation").delete_stack(StackName="s")
        except Exception as error:  # moto alone: the VPC's deletion fails on what is left in it
            return f"{type(error).__name__}: {error}"
        ec2 = client("ec2")
        return {
            "NAT gateways": sorted(item["State"] for item in ec2.describe_nat_gateways()["NatGateways"]),
            "VPC endpoints": sorted(item["State"].lower() for item in ec2.describe_vpc_endpoints()["VpcEndpoints"]),
            "flow logs": len(ec2.describe_flow_logs()["FlowLogs"]),
        }

    moto = moto_alone("deleting_a_stack_deletes_its_nat_gateways_vpc_endpoints_and_flow_logs", observe)
    assert moto == {"NAT gateways": ["available"], "VPC endpoints": ["available", "available"], "flow logs": 1}
    assert with_fixes(observe) == {"NAT gateways": ["deleted"], "VPC endpoints": ["deleted", "deleted"], "flow logs": 0}


def _endpoint_config(variant: dict[str, Any]) -> Any:
    sagemaker = client("sagemaker")
    sagemaker.create_model(
        ModelName="m",
        ExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/r",
        PrimaryContainer={"Image": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/m:1"},
    )
    sagemaker.create_endpoint_config(
        EndpointConfigName="c", ProductionVariants=[{"VariantName": "AllTraffic", **variant}]
    )
    return [
        item["InstanceType"]
        for item in sagemaker.describe_endpoint_config(EndpointConfigName="c")["ProductionVariants"]
    ]


def test_variants_without_a_model_host_inference_components() -> None:
    def observe() -> Any:
        return _endpoint_config({"InstanceType": "ml.m5.large"})

    assert moto_alone("variants_without_a_model_host_inference_components", observe) == "KeyError: 'ModelName'"
    assert with_fixes(observe) == ["ml.m5.large"]


def test_current_instance_types_are_accepted() -> None:
    def observe(instance_type: str) -> Any:
        return _endpoint_config({"ModelName": "m", "InstanceType": instance_type, "InitialInstanceCount": 1})

    fix = "current_instance_types_are_accepted"
    for current in ("ml.g5.xlarge", "ml.m6i.xlarge", "ml.c6i.large", "ml.inf2.xlarge"):
        assert moto_alone(fix, lambda kind=current: observe(kind)).startswith(  # type: ignore[misc]
            "ClientError: An error occurred (ValidationException) when calling the CreateEndpointConfig operation: "
            f"Value '{current}' at 'instanceType' failed to satisfy constraint: Member must satisfy enum value set"
        )
        assert with_fixes(lambda kind=current: observe(kind)) == [current]  # type: ignore[misc]
    assert "Value 'ml.m5.larg' at 'instanceType' failed" in with_fixes(lambda: observe("ml.m5.larg"))


def test_sagemaker_endpoints_keep_the_names_templates_give() -> None:
    model = {
        "ExecutionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
        "PrimaryContainer": {"Image": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/m:1"},
    }
    variant: dict[str, Any] = {"VariantName": "AllTraffic", "ModelName": {"Fn::GetAtt": ["Model", "ModelName"]}}
    variant.update(InstanceType="ml.m5.large", InitialInstanceCount=1)
    template = {
        "Resources": {
            "Model": {"Type": "AWS::SageMaker::Model", "Properties": model},
            "Config": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": {"ProductionVariants": [variant]}},
            "Endpoint": {
                "Type": "AWS::SageMaker::Endpoint",
                "Properties": {
                    "EndpointName": "served",
                    "EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]},
                },
            },
        }
    }

    def observe() -> Any:
        create_stack(template, name="a-stack")
        return [item["EndpointName"] for item in client("sagemaker").list_endpoints()["Endpoints"]]

    moto = moto_alone("sagemaker_endpoints_keep_the_names_templates_give", observe)
    assert len(moto) == 1
    assert moto[0].startswith("a-stack-Endpoint-")  # the stack and logical id, not the template's name
    assert with_fixes(observe) == ["served"]


def test_endpoints_follow_their_replaced_configuration() -> None:
    def template(instance_type: str) -> dict[str, Any]:
        model = {
            "ExecutionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
            "PrimaryContainer": {"Image": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/m:1"},
        }
        variant: dict[str, Any] = {"VariantName": "AllTraffic", "ModelName": {"Fn::GetAtt": ["Model", "ModelName"]}}
        variant.update(InstanceType=instance_type, InitialInstanceCount=1)
        config = {"Fn::GetAtt": ["Config", "EndpointConfigName"]}
        return {
            "Resources": {
                "Model": {"Type": "AWS::SageMaker::Model", "Properties": model},
                "Config": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": {"ProductionVariants": [variant]}},
                "Endpoint": {
                    "Type": "AWS::SageMaker::Endpoint",
                    "Properties": {"EndpointName": "served", "EndpointConfigName": config},
                },
            }
        }

    def observe() -> Any:
        create_stack(template("ml.m5.large"), name="s")
        client("cloudformation").update_stack(StackName="s", TemplateBody=json.dumps(template("ml.m5.xlarge")))
        sagemaker = client("sagemaker")
        config = sagemaker.describe_endpoint(EndpointName="served")["EndpointConfigName"]
        variants = sagemaker.describe_endpoint_config(EndpointConfigName=config)["ProductionVariants"]
        return [variant["InstanceType"] for variant in variants]

    moto = moto_alone("endpoints_follow_their_replaced_configuration", observe)
    assert moto.startswith(
        "ClientError: An error occurred (ValidationException) when calling the DescribeEndpointConfig"
    )
    assert with_fixes(observe) == ["ml.m5.xlarge"]


def test_studio_domains_in_cloudformation() -> None:
    template = {
        "Resources": {
            "Domain": {
                "Type": "AWS::SageMaker::Domain",
                "Properties": {
                    "DomainName": "Team-Studio",
                    "AuthMode": "IAM",
                    "AppNetworkAccessType": "VpcOnly",
                    "VpcId": "vpc-0123456789abcdef0",
                    "SubnetIds": ["subnet-0123456789abcdef0"],
                    "DefaultUserSettings": {"ExecutionRole": f"arn:aws:iam::{ACCOUNT}:role/studio"},
                },
            }
        },
        "Outputs": {
            "Id": {"Value": {"Fn::GetAtt": ["Domain", "DomainId"]}},
            "Arn": {"Value": {"Fn::GetAtt": ["Domain", "DomainArn"]}},
            "Efs": {"Value": {"Fn::GetAtt": ["Domain", "HomeEfsFileSystemId"]}},
            "Ref": {"Value": {"Ref": "Domain"}},
        },
    }

    def observe() -> Any:
        stack = create_stack(template)
        outputs = {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}
        created = [domain["DomainId"] for domain in client("sagemaker").list_domains()["Domains"]]
        client("cloudformation").delete_stack(StackName="stack")
        return stack["StackStatus"], outputs, created, client("sagemaker").list_domains()["Domains"]

    # moto skips the domain ("No Moto CloudFormation support"), then fails the stack on an output reading it.
    assert moto_alone("studio_domains_in_cloudformation", observe) == (
        "AttributeError: 'NoneType' object has no attribute 'has_cfn_attr'"
    )
    status, outputs, created, left = with_fixes(observe)
    assert status == "CREATE_COMPLETE"
    assert re.fullmatch(r"d-[a-z0-9]{12}", outputs["Id"])
    assert outputs["Ref"] == outputs["Id"]
    assert outputs["Arn"] == f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:domain/{outputs['Id']}"
    assert re.fullmatch(r"fs-[0-9a-f]{17}", outputs["Efs"])
    assert created == [outputs["Id"]]
    assert left == []
