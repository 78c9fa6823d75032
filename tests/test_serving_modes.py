"""manifests/examples/serving-modes.yaml: each serving mode of the endpoint module, rehearsed once, as the plan
shows it (decisions, what the emulator cannot create, the idle cost), and the module's docs/capabilities.md examples of the
modes are the rehearsed manifests' parameters."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from rehearsal.cost import estimate
from rehearsal.decisions import decisions
from rehearsal.report import plan
from rehearsal.result import Rehearsal, as_json
from rehearsal.templates import fixed_name
from tests.real_account.cfn import Template, rehearsal_templates
from tests.real_account.contracts import contracts, failures, ordering_failures
from tests.real_account.lifecycle import retained_on_failed_create
from tests.real_account.policies import documents
from tests.real_account.sar import document_findings
from tests.repository import ROOT

# Its own group: one worker rehearses it once, beside (not after) the default rehearsal's group.
pytestmark = pytest.mark.xdist_group("serving-modes")

GROUP_FILE = ROOT / "manifests" / "examples" / "serving-modes-modules.yaml"
README = ROOT / "modules" / "sagemaker" / "sagemaker-endpoint" / "docs" / "capabilities.md"
# Wired from the networking group in the manifest; the documented examples leave them out.
WIRING = {"vpc-id", "subnet-ids"}


def _modules(rehearsal: Rehearsal) -> dict[str, dict[str, Any]]:
    machine = as_json(rehearsal)
    return {module["module"]: module for group in machine["groups"] for module in group}


def test_every_serving_mode_rehearses_green(serving_rehearsal: Rehearsal) -> None:
    modules = _modules(serving_rehearsal)
    assert set(modules) >= {"to-zero", "async", "shadow"}
    for module in serving_rehearsal.groups[1]:
        assert [stack.status for stack in module.stacks] == ["CREATE_COMPLETE"], module.module
    assert modules["to-zero"]["metadata"]["InferenceComponentNames"] == [
        "mlops-serving-serving-modes-to-zero-component"
    ]
    assert modules["async"]["metadata"]["AsyncOutputS3Uri"].endswith("/async/results")
    assert modules["shadow"]["metadata"]["ShadowVariantNames"] == ["challenger"]
    numbered = re.findall(r"^\[(\d+\.\d+)\] group serving-modes / module ", plan(serving_rehearsal), re.MULTILINE)
    assert numbered == [f"2.{index}" for index in range(1, len(serving_rehearsal.groups[1]) + 1)]


def test_what_the_emulator_cannot_create_is_listed_as_not_emulated(serving_rehearsal: Rehearsal) -> None:
    modules = _modules(serving_rehearsal)
    skipped = next(line for line in modules["to-zero"]["not_checked"] if line.startswith("declared but not emulated"))
    for kind in (
        "AWS::SageMaker::InferenceComponent",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
    ):
        assert kind in skipped
    [stack] = modules["to-zero"]["stacks"]
    assert any("accepts a variant without a model" in note for note in stack["emulator_workarounds"])


def test_the_plan_shows_each_modes_decisions(serving_rehearsal: Rehearsal) -> None:
    modules = _modules(serving_rehearsal)
    to_zero, asynchronous, shadow = (modules[name]["decisions"] for name in ("to-zero", "async", "shadow"))
    assert "  variant AllTraffic: 1 x ml.m5.xlarge (managed scaling 0-4)" in to_zero
    assert any(
        line.strip().startswith("scales to zero instances when its components have no copies") for line in to_zero
    )
    assert (
        "inference component mlops-serving-serving-modes-to-zero-component on variant AllTraffic: 1 copy(ies) at "
        "deployment, each reserving 2048 MB, 1 CPU core(s)"
    ) in to_zero
    assert any(
        line.startswith(
            "autoscaling <AllTrafficComponentScalableTarget>: 0 to 8 DesiredCopyCount, tracking "
            "SageMakerInferenceComponentInvocationsPerCopy at 4"
        )
        for line in to_zero
    )
    assert "  scales to zero when idle; a step policy on an alarm adds the first unit back" in to_zero
    bucket = "s3://mlops-model-artifacts-123456789012-us-east-1"
    assert (
        f"  asynchronous: results to {bucket}/async/results, failures to {bucket}/async/failures, "
        "encrypted with <EncryptionKey1B843E66>"
    ) in asynchronous
    assert (
        "    success notices to <NotificationTopicEB7A0DF1>, error notices to <NotificationTopicEB7A0DF1>; at most 4 "
        "concurrent requests per instance"
    ) in asynchronous
    assert any(
        line.startswith(
            "autoscaling <AllTrafficScalableTarget>: 0 to 4 DesiredInstanceCount, tracking "
            "ApproximateBacklogSizePerInstance at 5"
        )
        for line in asynchronous
    )
    assert (
        "  shadow variant challenger: 1 x ml.c5.xlarge, weight 0.5 (receives a copy of 50% of production requests; "
        "its answers are discarded)"
    ) in shadow


def test_scale_to_zero_idles_at_no_instance_and_says_what_an_instance_costs(serving_rehearsal: Rehearsal) -> None:
    modules = _modules(serving_rehearsal)
    for name in ("to-zero", "async"):
        cost = modules[name]["cost"]
        assert {item["what"]: item["monthly_usd"] for item in cost["items"]}[
            "0 x ml.m5.xlarge when idle (scales to zero instances)"
        ] == 0.0
        assert (
            "ml.m5.xlarge instances while serving: $167.90 per instance-month (1 from deployment until the first "
            "scale-in)" in cost["usage_based"]
        )
    shadow = {item["what"]: item["monthly_usd"] for item in modules["shadow"]["cost"]["items"]}
    assert shadow["1 x ml.m5.large (SageMaker hosting)"] == 83.95
    assert shadow["1 x ml.c5.xlarge (SageMaker hosting)"] == 148.92  # the shadow's instances are billed too


def _readme_examples() -> dict[str, dict[str, Any]]:
    """Module name -> the parameters of the README block that follows `<!-- rehearsed: NAME -->`."""
    text = README.read_text()
    blocks = re.findall(r"<!-- rehearsed: ([a-z-]+) -->\n.*?```yaml\n(.*?)```", text, re.DOTALL)
    return {name: {item["name"]: item["value"] for item in yaml.safe_load(block)} for name, block in blocks}


def test_the_readme_examples_of_the_modes_are_the_rehearsed_manifests() -> None:
    manifests = {
        module["name"]: {item["name"]: item["value"] for item in module["parameters"] if item["name"] not in WIRING}
        for module in yaml.safe_load_all(GROUP_FILE.read_text())
    }
    examples = _readme_examples()
    assert sorted(examples) == ["async", "shadow", "to-zero"]
    for name, parameters in examples.items():
        assert parameters == manifests[name], name


def _template(variant: dict[str, Any], *extra: tuple[str, str, dict[str, Any]]) -> dict[str, Any]:
    resources: dict[str, Any] = {
        "Config": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": {"ProductionVariants": [variant]}},
        "Endpoint": {
            "Type": "AWS::SageMaker::Endpoint",
            "Properties": {"EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]}},
        },
    }
    resources.update({logical: {"Type": kind, "Properties": properties} for logical, kind, properties in extra})
    return {"Resources": resources}


VARIANT = {"VariantName": "AllTraffic", "InstanceType": "ml.m5.large", "InitialInstanceCount": 2}


def _target(minimum: int) -> tuple[str, str, dict[str, Any]]:
    resource_id = {"Fn::Join": ["", ["endpoint/", {"Fn::GetAtt": ["Endpoint", "EndpointName"]}, "/variant/AllTraffic"]]}
    properties = {
        "ResourceId": resource_id,
        "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
        "MinCapacity": minimum,
        "MaxCapacity": 4,
    }
    return ("Target", "AWS::ApplicationAutoScaling::ScalableTarget", properties)


def test_only_a_variant_that_may_reach_zero_instances_is_priced_at_zero() -> None:
    items = {item.what: item.monthly for item in estimate(_template(VARIANT, _target(1)), "us-east-1").items}
    assert items["2 x ml.m5.large (SageMaker hosting)"] == 167.9
    items = {item.what: item.monthly for item in estimate(_template(VARIANT, _target(0)), "us-east-1").items}
    assert items == {"0 x ml.m5.large when idle (scales to zero instances)": 0.0}
    managed = {**VARIANT, "ManagedInstanceScaling": {"Status": "ENABLED", "MinInstanceCount": 0, "MaxInstanceCount": 2}}
    assert [item.monthly for item in estimate(_template(managed), "us-east-1").items] == [0.0]


def test_a_target_at_zero_without_a_step_policy_is_called_out() -> None:
    lines = decisions(_template(VARIANT, _target(0)))
    assert "  scales to zero when idle; NOTHING brings it back from zero" in lines


def test_an_alarm_whose_name_is_computed_is_not_named_after_its_metric() -> None:
    alarm = {"AlarmName": {"Fn::Join": ["-", ["a", "b"]]}, "MetricName": "HasBacklogWithoutCapacity"}
    assert fixed_name("AWS::CloudWatch::Alarm", alarm) is None


SERVING_STACKS = ["networking-vpc", "serving-modes-async", "serving-modes-shadow", "serving-modes-to-zero"]


@pytest.fixture(scope="module")
def serving_templates(serving_rehearsal: Rehearsal) -> dict[str, Template]:
    templates = rehearsal_templates(serving_rehearsal)
    assert sorted(templates) == SERVING_STACKS
    return templates


@pytest.mark.parametrize("stack", SERVING_STACKS[1:])
def test_the_rehearsed_modes_pass_the_real_account_checks(serving_templates: dict[str, Template], stack: str) -> None:
    """IAM against the Service Authorization Reference, every service contract, and nothing kept by a failed
    first create, over the templates the rehearsal synthesized with the manifest's wiring."""
    template = serving_templates[stack]
    assert [finding for document in documents(template) for finding in document_findings(document)] == []
    assert failures(template) == []
    assert ordering_failures(template) == []
    assert retained_on_failed_create(template) == []


def test_the_rehearsed_async_endpoint_reads_requests_only_under_its_input_prefix(
    serving_templates: dict[str, Template],
) -> None:
    whats = {contract.what for contract in contracts(serving_templates["serving-modes-async"])}
    assert {"read an asynchronous request", "kms:GenerateDataKey to publish to the module's encrypted topic"} <= whats
