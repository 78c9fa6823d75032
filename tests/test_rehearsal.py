"""`make rehearse`: the repository's manifests deploy end to end in the emulator, and failures are clear."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from rehearsal.loading import RehearsalFailed
from rehearsal.report import plan
from rehearsal.result import Rehearsal, as_json
from rehearsal.run import rehearse
from tests.repository import ROOT, module_documents
from tests.test_docs import table

# The rehearsal of the default manifest is shared: keep its tests on one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("rehearsal")

FIXTURES = ROOT / "tests" / "fixtures" / "manifests"
EMPTY_SEED = FIXTURES / "empty-seed.yaml"


def _module(rehearsal: Rehearsal, group: str) -> Any:
    return next(module for modules in rehearsal.groups for module in modules if module.group == group)


def test_networking_then_endpoint_are_created_in_order(default_rehearsal: Rehearsal) -> None:
    assert [[module.group for module in group] for group in default_rehearsal.groups] == [
        ["networking"],
        ["sagemaker-endpoints"],
    ]
    for group in default_rehearsal.groups:
        for module in group:
            assert [stack.status for stack in module.stacks] == ["CREATE_COMPLETE"]


def test_endpoint_takes_vpc_and_subnets_from_the_networking_modules_real_outputs(
    default_rehearsal: Rehearsal,
) -> None:
    networking = _module(default_rehearsal, "networking")
    endpoint = _module(default_rehearsal, "sagemaker-endpoints")
    assert networking.metadata["VpcId"].startswith("vpc-")
    assert endpoint.environment["SEEDFARMER_PARAMETER_VPC_ID"] == networking.metadata["VpcId"]
    assert (
        json.loads(endpoint.environment["SEEDFARMER_PARAMETER_SUBNET_IDS"]) == networking.metadata["PrivateSubnetIds"]
    )
    assert len(networking.metadata["PrivateSubnetIds"]) == 2
    uses = default_rehearsal.consumers["networking/vpc"]
    assert {(use["key"], use["parameter"]) for use in uses} == {("VpcId", "vpc-id"), ("PrivateSubnetIds", "subnet-ids")}


def test_endpoint_serves_the_newest_approved_package_of_the_seeded_group(default_rehearsal: Rehearsal) -> None:
    endpoint = _module(default_rehearsal, "sagemaker-endpoints")
    assert endpoint.metadata["ModelPackageArn"].endswith(":model-package/demo-fraud-detector/2")


def test_environment_is_the_one_seedfarmer_builds(default_rehearsal: Rehearsal) -> None:
    endpoint = _module(default_rehearsal, "sagemaker-endpoints").environment
    assert endpoint["SEEDFARMER_PROJECT_NAME"] == "mlops"
    assert endpoint["SEEDFARMER_DEPLOYMENT_NAME"] == "demo"
    assert endpoint["SEEDFARMER_MODULE_NAME"] == "sagemaker-endpoints-endpoint"
    assert endpoint["SEEDFARMER_PARAMETER_DATA_CAPTURE_SAMPLING_PERCENTAGE"] == "20"
    assert endpoint["CDK_DEFAULT_ACCOUNT"] == default_rehearsal.account
    assert endpoint["CDK_DEFAULT_REGION"] == "us-east-1"


@pytest.mark.parametrize("group", ["networking", "sagemaker-endpoints"])
def test_published_metadata_is_what_the_module_readme_documents(default_rehearsal: Rehearsal, group: str) -> None:
    module = _module(default_rehearsal, group)
    rows = table(module_documents(ROOT / module.path), "## Outputs")
    assert sorted(module.metadata) == sorted(row[0].strip("`") for row in rows)


def test_every_resource_was_created_by_the_emulator_and_custom_resources_answered(
    default_rehearsal: Rehearsal,
) -> None:
    networking = _module(default_rehearsal, "networking").stacks[0]
    assert {outcome.status for outcome in networking.resources} == {"created"}
    assert len(networking.resources) == len(networking.template["Resources"])
    assert networking.custom_resources_answered == ["VpcRestrictDefaultSecurityGroupCustomResourceC73DA2BE"]


def test_findings_are_reported_and_written_with_templates(default_rehearsal: Rehearsal) -> None:
    folder = Path(default_rehearsal.output)
    for name in ("networking-vpc", "sagemaker-endpoints-endpoint"):
        module_folder = folder / name
        assert json.loads((module_folder / "metadata.json").read_text())
        assert "SEEDFARMER_MODULE_NAME" in json.loads((module_folder / "environment.json").read_text())
        findings = json.loads((module_folder / "findings.json").read_text())
        assert set(findings) == {"cfn_lint", "cdk_nag_acknowledged"}
        assert list(module_folder.glob("mlops-demo-*.template.json"))
    endpoint = _module(default_rehearsal, "sagemaker-endpoints")
    assert all(finding["reason"] for finding in endpoint.acknowledged)
    for group in default_rehearsal.groups:
        for module in group:
            assert module.lint == [], f"{module.group}/{module.module}: cfn-lint findings {module.lint}"
    assert json.loads((folder / "plan.json").read_text())["deployment"] == "demo"


def test_plan_reads_as_what_seedfarmer_would_build_and_wire(default_rehearsal: Rehearsal) -> None:
    text = plan(default_rehearsal)
    assert "[1.1] group networking / module vpc" in text
    assert "[2.1] group sagemaker-endpoints / module endpoint" in text
    assert "-> VpcId consumed by sagemaker-endpoints/endpoint as parameter 'vpc-id'" in text
    assert "mlops-demo-sagemaker-endpoints-endpoint  (AWS::SageMaker::Endpoint)" in text
    assert "model package group demo-fraud-detector (v1 Approved, v2 Approved, v3 PendingManualApproval" in text
    machine = as_json(default_rehearsal)
    assert machine["groups"][1][0]["metadata"]["ModelPackageArn"].endswith("/2")


def _fails(manifest: str, tmp_path: Path) -> str:
    before = set(threading.enumerate())
    with pytest.raises(RehearsalFailed) as raised:
        rehearse(FIXTURES / manifest, EMPTY_SEED, tmp_path)
    _assert_no_thread_outlives_the_emulator(before)
    return str(raised.value)


def _assert_no_thread_outlives_the_emulator(before: set[threading.Thread], grace: float = 10.0) -> None:
    """A failed rehearsal stops its emulator: every thread it started ends.

    A request-handler thread of the stopped server may still be closing its keep-alive connection for a
    moment after the server stops (the flake this test had when it compared the thread lists at once), so
    each new thread gets `grace` seconds to end; one still running after that is a leak.
    """
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=grace)
    left = [thread.name for thread in set(threading.enumerate()) - before if thread.is_alive()]
    assert left == [], f"the emulator left threads behind: {left}"


def test_an_invalid_manifest_fails_with_seedfarmers_own_message(tmp_path: Path) -> None:
    message = _fails("unknown-field.yaml", tmp_path)
    assert message.startswith("invalid manifest:")
    assert "The following keys are not allowed" in message
    assert "targetRegon" in message


def test_a_module_path_that_does_not_exist_is_named(tmp_path: Path) -> None:
    message = _fails("missing-module.yaml", tmp_path)
    assert message.splitlines()[-1] == (
        "tests/fixtures/manifests/missing-module-group.yaml:1: group 'first', module 'ghost': path "
        "'modules/does-not-exist/' holds no deployspec.yaml (the folder does not exist)"
    )


def test_a_metadata_key_the_producer_did_not_publish_lists_what_it_did(tmp_path: Path) -> None:
    message = _fails("unpublished-key.yaml", tmp_path)
    assert message == (
        "group 'second', module 'consumer', parameter 'color': module 'producer' of group 'first' published no "
        "key 'Colour'; it published: Color, QueueUrl"
    )


def test_metadata_flows_to_the_next_group(tmp_path: Path) -> None:
    result = rehearse(FIXTURES / "wired.yaml", EMPTY_SEED, tmp_path)
    consumer = result.groups[1][0]
    assert consumer.environment["SEEDFARMER_PARAMETER_COLOR"] == "green"
    assert consumer.metadata["Color"] == "green"
    assert consumer.metadata["QueueUrl"].startswith("https://")


def test_a_parameter_the_module_rejects_shows_its_own_message_and_names_the_module(tmp_path: Path) -> None:
    message = _fails("rejected-parameter.yaml", tmp_path)
    assert message.splitlines() == [
        "preflight found 1 problem before anything was built:",
        "tests/fixtures/manifests/rejected-parameter-group.yaml:10: group 'endpoints', module 'endpoint': "
        "parameter 'instance-type': "
        'is not a SageMaker instance type (ml.<family>.<size>) (got "m5.large"); for example ml.m4.xlarge',
    ]


def test_a_stack_that_fails_to_create_names_the_resource_and_the_reason(tmp_path: Path) -> None:
    message = _fails("broken-stack.yaml", tmp_path)
    assert message.startswith("module 'first/broken': stack mlops-fixture-first-broken failed to create")
    assert "BrokenPolicy (AWS::IAM::ManagedPolicy):" in message
    assert message.endswith("BrokenPolicy (AWS::IAM::ManagedPolicy): Policy statement must contain resources.")


def test_the_command_exits_non_zero_with_one_clear_line(tmp_path: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "rehearsal", str(FIXTURES / "missing-module.yaml"), "--output", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 1
    assert (
        "\ntests/fixtures/manifests/missing-module-group.yaml:1: group 'first', module 'ghost': path "
        "'modules/does-not-exist/' holds no deployspec.yaml" in process.stderr
    )
    assert "Traceback" not in process.stderr


def test_the_canary_and_autoscaling_endpoint_deploys_and_says_what_the_emulator_skipped(
    default_rehearsal: Rehearsal,
) -> None:
    endpoint = _module(default_rehearsal, "sagemaker-endpoints").stacks[0]
    config = endpoint.template["Resources"]["Endpoint"]["Properties"]["DeploymentConfig"]
    assert config["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"]["Type"] == "CANARY"
    skipped = {outcome.resource_type for outcome in endpoint.resources if outcome.status == "not emulated"}
    assert skipped == {
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        "AWS::CloudWatch::Alarm",
        "AWS::SNS::TopicPolicy",
        "AWS::SQS::QueuePolicy",
    }
    assert (
        "declared but not emulated: AWS::ApplicationAutoScaling::ScalableTarget, "
        "AWS::ApplicationAutoScaling::ScalingPolicy, AWS::CloudWatch::Alarm" in plan(default_rehearsal)
    )


def test_refresh_notifications_and_the_invoke_function_are_built_and_published(default_rehearsal: Rehearsal) -> None:
    module = _module(default_rehearsal, "sagemaker-endpoints")
    created = {outcome.resource_type for outcome in module.stacks[0].resources if outcome.status == "created"}
    assert {
        "AWS::Lambda::Function",
        "AWS::Lambda::EventSourceMapping",
        "AWS::Events::Rule",
        "AWS::SQS::Queue",
        "AWS::DynamoDB::Table",
        "AWS::SNS::Topic",
    } <= created
    assert module.metadata["NotificationTopicArn"].startswith("arn:aws:sns:us-east-1:")
    assert module.metadata["InvokeFunctionArn"].startswith("arn:aws:lambda:us-east-1:")
    assert module.metadata["InvokeFunctionName"] in module.metadata["InvokeFunctionArn"]
