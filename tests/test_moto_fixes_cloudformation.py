"""The emulator's CloudFormation fixes (rehearsal/moto_fixes/cloudformation.py): for each, what moto does
without it and what the emulator does with it, as AWS does. When moto alone already does what AWS does, the
first assertion of that test fails: drop the fix."""

from __future__ import annotations

import json
from typing import Any

from tests.moto_fixes_harness import KEY_POLICY, client, create_stack, moto_alone, physical_id, with_fixes

QUEUE = {"Type": "AWS::SQS::Queue"}


def test_change_sets_publish_outputs_and_exports() -> None:
    template = {
        "Resources": {"Queue": QUEUE},
        "Outputs": {"Url": {"Value": {"Ref": "Queue"}, "Export": {"Name": "url"}}},
    }

    def observe() -> Any:
        cloudformation = client("cloudformation")
        body = json.dumps(template)
        cloudformation.create_change_set(StackName="s", ChangeSetName="c", ChangeSetType="CREATE", TemplateBody=body)
        cloudformation.execute_change_set(StackName="s", ChangeSetName="c")
        outputs = cloudformation.describe_stacks(StackName="s")["Stacks"][0].get("Outputs", [])
        return [output["OutputKey"] for output in outputs], [
            item["Name"] for item in cloudformation.list_exports()["Exports"]
        ]

    assert moto_alone("change_sets_publish_outputs_and_exports", observe) == ([], [])
    assert with_fixes(observe) == (["Url"], ["url"])


def test_a_change_set_without_changes_fails_instead_of_raising() -> None:
    template = json.dumps({"Parameters": {"P": {"Type": "String"}}, "Resources": {"Queue": QUEUE}})
    given = [{"ParameterKey": "P", "ParameterValue": "x"}]

    def observe() -> Any:
        cloudformation = client("cloudformation")
        cloudformation.create_stack(StackName="s", TemplateBody=template, Parameters=given)
        cloudformation.create_change_set(
            StackName="s", ChangeSetName="c", ChangeSetType="UPDATE", TemplateBody=template, Parameters=given
        )
        return cloudformation.describe_change_set(StackName="s", ChangeSetName="c")["Status"]

    assert moto_alone("a_change_set_without_changes_fails_instead_of_raising", observe) == (
        "ClientError: An error occurred (ValidationError) when calling the CreateChangeSet operation: "
        "No updates are to be performed."
    )
    assert with_fixes(observe) == "FAILED"


def test_change_sets_are_named_within_their_stack() -> None:
    def observe() -> Any:
        cloudformation = client("cloudformation")
        for stack in ("first", "second"):
            cloudformation.create_stack(StackName=stack, TemplateBody=json.dumps({"Resources": {"Queue": QUEUE}}))
        changed = json.dumps({"Resources": {"Queue": QUEUE, "Other": QUEUE}})
        cloudformation.create_change_set(
            StackName="first", ChangeSetName="c", ChangeSetType="UPDATE", TemplateBody=changed
        )
        return cloudformation.describe_change_set(StackName="second", ChangeSetName="c")["StackName"]

    assert moto_alone("change_sets_are_named_within_their_stack", observe) == "first"  # another stack's
    assert with_fixes(observe) == (
        "ChangeSetNotFoundException: An error occurred (ChangeSetNotFound) when calling the DescribeChangeSet "
        "operation: ChangeSet [c] does not exist"
    )


def test_previous_values_are_the_values_given() -> None:
    parameter = {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/cdk-bootstrap/version"}

    def observe() -> Any:
        client("ssm").put_parameter(Name="/cdk-bootstrap/version", Value="30", Type="String")
        cloudformation = client("cloudformation")
        create_stack({"Parameters": {"Version": parameter}, "Resources": {"Queue": QUEUE}}, "s")
        changed = json.dumps({"Parameters": {"Version": parameter}, "Resources": {"Queue": QUEUE, "Other": QUEUE}})
        cloudformation.create_change_set(
            StackName="s",
            ChangeSetName="c",
            ChangeSetType="UPDATE",
            TemplateBody=changed,
            Parameters=[{"ParameterKey": "Version", "UsePreviousValue": True}],
        )
        cloudformation.execute_change_set(StackName="s", ChangeSetName="c")
        return cloudformation.describe_stacks(StackName="s")["Stacks"][0]["StackStatus"]

    # moto reuses "30", the value resolved from the SSM parameter, as the parameter's name, and finds none.
    assert moto_alone("previous_values_are_the_values_given", observe) == (
        "AttributeError: 'NoneType' object has no attribute 'value'"
    )
    assert with_fixes(observe) == "UPDATE_COMPLETE"


def test_no_exports_of_outputs_whose_condition_is_false() -> None:
    template = {
        "Conditions": {"Never": {"Fn::Equals": ["a", "b"]}},
        "Resources": {"Queue": {**QUEUE, "Condition": "Never"}, "Kept": QUEUE},
        "Outputs": {
            "Name": {
                "Condition": "Never",
                "Value": {"Ref": "Queue"},
                "Export": {"Name": {"Fn::GetAtt": ["Queue", "QueueName"]}},
            }
        },
    }

    def observe() -> Any:
        return create_stack(template)["StackStatus"], client("cloudformation").list_exports()["Exports"]

    assert moto_alone("no_exports_of_outputs_whose_condition_is_false", observe) == (
        "ClientError: An error occurred (ValidationError) when calling the CreateStack operation: Template error: "
        "instance of Fn::GetAtt references undefined resource Queue"
    )
    assert with_fixes(observe) == ("CREATE_COMPLETE", [])


def test_no_outputs_of_resources_not_emulated() -> None:
    template = {
        "Resources": {"Project": {"Type": "AWS::CodeBuild::Project", "Properties": {}}, "Queue": QUEUE},
        "Outputs": {
            "Project": {"Value": {"Fn::Join": ["", [{"Fn::GetAtt": ["Project", "Arn"]}]]}},
            "Url": {"Value": {"Ref": "Queue"}},
        },
    }

    def observe() -> Any:
        stack = create_stack(template)
        return stack["StackStatus"], [output["OutputKey"] for output in stack.get("Outputs", [])]

    assert moto_alone("no_outputs_of_resources_not_emulated", observe) == (
        "ValidationError: ValidationError: Template error: instance of Fn::GetAtt references undefined resource Project"
    )
    assert with_fixes(observe) == ("CREATE_COMPLETE", ["Url"])


def test_template_urls_on_the_loopback_address_are_path_style() -> None:
    def observe() -> Any:
        s3 = client("s3")
        s3.create_bucket(Bucket="templates")
        s3.put_object(Bucket="templates", Key="stack.json", Body=json.dumps({"Resources": {"Queue": QUEUE}}))
        cloudformation = client("cloudformation")
        cloudformation.create_stack(StackName="s", TemplateURL="http://127.0.0.1:5000/templates/stack.json")
        return cloudformation.describe_stacks(StackName="s")["Stacks"][0]["StackStatus"]

    assert moto_alone("template_urls_on_the_loopback_address_are_path_style", observe) == (
        "ClientError: An error occurred (NoSuchBucket) when calling the CreateStack operation: "
        "The specified bucket does not exist"
    )
    assert with_fixes(observe) == "CREATE_COMPLETE"


def test_resources_kept_except_on_create_are_kept_on_delete() -> None:
    key = {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": KEY_POLICY}, "UpdateReplacePolicy": "Retain"}
    group = {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/kept/audit"}}
    template = {
        "Resources": {
            "Key": {**key, "DeletionPolicy": "RetainExceptOnCreate"},
            "Group": {**group, "DeletionPolicy": "RetainExceptOnCreate"},
            "Deleted": {**key, "DeletionPolicy": "Delete"},
        }
    }

    def observe() -> Any:
        create_stack(template, "s")
        kept, deleted = physical_id("s", "Key"), physical_id("s", "Deleted")
        client("cloudformation").delete_stack(StackName="s")
        keys = {item["KeyId"] for item in client("kms").list_keys()["Keys"]}
        groups = [group["logGroupName"] for group in client("logs").describe_log_groups()["logGroups"]]
        return kept.split("/")[-1] in keys, deleted.split("/")[-1] in keys, groups

    assert moto_alone("resources_kept_except_on_create_are_kept_on_delete", observe) == (False, False, [])
    assert with_fixes(observe) == (True, False, ["/kept/audit"])
