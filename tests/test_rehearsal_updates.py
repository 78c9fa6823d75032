"""Update plans: a second rehearsal plans against the last one; what is replaced, updated, and refused."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest

from rehearsal.replacement import maybe_replacing_properties, replacing_properties
from rehearsal.report import plan
from rehearsal.result import Rehearsal
from rehearsal.run import rehearse
from rehearsal.seed import SeedError, load_seed
from rehearsal.update_plan import REPLACED, UPDATED, plan_stack
from tests.repository import ROOT

pytestmark = pytest.mark.xdist_group("rehearsal")

FIXTURES = ROOT / "tests" / "fixtures" / "manifests"
SEED = ROOT / "rehearsal" / "account.yaml"
EMPTY_SEED = FIXTURES / "empty-seed.yaml"


def _endpoint(package: str, instance_type: str = "ml.m5.large", model_name: str | None = None) -> dict[str, Any]:
    model: dict[str, Any] = {
        "PrimaryContainer": {"ModelPackageName": package},
        "ExecutionRoleArn": "arn:aws:iam::1:role/r",
    }
    if model_name:
        model["ModelName"] = model_name
    variant = {"VariantName": "AllTraffic", "ModelName": {"Fn::GetAtt": ["Model", "ModelName"]}}
    return {
        "Resources": {
            "Model": {"Type": "AWS::SageMaker::Model", "Properties": model},
            "Config": {
                "Type": "AWS::SageMaker::EndpointConfig",
                "Properties": {
                    "ProductionVariants": [{**variant, "InstanceType": instance_type, "InitialInstanceCount": 1}]
                },
            },
            "Endpoint": {
                "Type": "AWS::SageMaker::Endpoint",
                "Properties": {"EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]}},
            },
            "Target": {
                "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
                "Properties": {
                    "MinCapacity": 1,
                    "MaxCapacity": 4,
                    "ResourceId": {
                        "Fn::Join": [
                            "",
                            ["endpoint/", {"Fn::GetAtt": ["Endpoint", "EndpointName"]}, "/variant/AllTraffic"],
                        ]
                    },
                },
            },
        }
    }


def test_replacing_properties_come_from_cloudformations_resource_schemas() -> None:
    assert {"PrimaryContainer", "ModelName", "VpcConfig", "ExecutionRoleArn"} <= replacing_properties(
        "AWS::SageMaker::Model"
    )
    assert replacing_properties("AWS::SageMaker::Endpoint") == {"EndpointName"}
    assert "ProductionVariants" in replacing_properties("AWS::SageMaker::EndpointConfig")
    assert "VpcId" in replacing_properties("AWS::EC2::SecurityGroup")
    assert replacing_properties("Custom::Anything") == frozenset()
    assert "Ipv6CidrBlock" in maybe_replacing_properties("AWS::EC2::Subnet")


def test_unchanged_templates_plan_no_change() -> None:
    template = _endpoint("arn:aws:sagemaker:us-east-1:1:model-package/g/2")
    assert plan_stack(template, copy.deepcopy(template), "us-east-1") == ([], [])


def test_a_new_package_replaces_model_and_config_and_updates_the_endpoint_in_place() -> None:
    changes, errors = plan_stack(
        _endpoint("arn:aws:sagemaker:us-east-1:1:model-package/g/2"),
        _endpoint("arn:aws:sagemaker:us-east-1:1:model-package/g/3"),
        "us-east-1",
    )
    actions = {change.logical_id: change.action for change in changes}
    assert actions == {"Model": REPLACED, "Config": REPLACED, "Endpoint": UPDATED}
    causes = {change.logical_id: change.causes for change in changes}
    assert causes["Model"] == [
        "PrimaryContainer/ModelPackageName: arn:aws:sagemaker:us-east-1:1:model-package/g/2 -> "
        "arn:aws:sagemaker:us-east-1:1:model-package/g/3 (create-only)"
    ]
    assert causes["Config"] == ["ProductionVariants: refers to replaced Model (create-only)"]
    assert causes["Endpoint"] == ["EndpointConfigName: refers to replaced Config"]
    assert errors == []


def test_replacing_a_custom_named_resource_under_the_same_name_is_an_error() -> None:
    _, errors = plan_stack(
        _endpoint("arn:aws:sagemaker:us-east-1:1:model-package/g/2", model_name="fixed"),
        _endpoint("arn:aws:sagemaker:us-east-1:1:model-package/g/3", model_name="fixed"),
        "us-east-1",
    )
    assert errors == [
        "Model (AWS::SageMaker::Model) must be replaced but keeps its custom name fixed: CloudFormation refuses "
        "to replace a custom-named resource; the name must change with it"
    ]


def test_changing_the_instance_type_of_an_autoscaled_variant_is_an_error() -> None:
    package = "arn:aws:sagemaker:us-east-1:1:model-package/g/2"
    _, errors = plan_stack(_endpoint(package), _endpoint(package, instance_type="ml.m5.xlarge"), "us-east-1")
    assert len(errors) == 1
    assert errors[0].startswith(
        "variant AllTraffic: instance type ml.m5.large -> ml.m5.xlarge on an autoscaled variant"
    )


def test_removing_an_autoscaled_variant_is_an_error() -> None:
    package = "arn:aws:sagemaker:us-east-1:1:model-package/g/2"
    renamed = _endpoint(package)
    renamed["Resources"]["Config"]["Properties"]["ProductionVariants"][0]["VariantName"] = "Blue"
    renamed["Resources"]["Target"]["Properties"]["ResourceId"] = "endpoint/e/variant/Blue"
    _, errors = plan_stack(_endpoint(package), renamed, "us-east-1")
    assert errors == [
        "variant AllTraffic is removed while registered with Application Auto Scaling: SageMaker fails the "
        "endpoint update; deregister the scalable target first (or deploy in two steps)"
    ]


def test_renaming_a_variant_under_a_deployment_guardrail_is_an_error() -> None:
    """SageMaker's deployment guardrails (Exclusions): a blue/green or rolling update keeps the variant names."""
    package = "arn:aws:sagemaker:us-east-1:1:model-package/g/2"
    before, after = _endpoint(package), _endpoint(package)
    for template in (before, after):
        del template["Resources"]["Target"]  # not autoscaled: the guardrail alone refuses it
        template["Resources"]["Endpoint"]["Properties"]["DeploymentConfig"] = {"BlueGreenUpdatePolicy": {}}
    after["Resources"]["Config"]["Properties"]["ProductionVariants"][0]["VariantName"] = "Blue"
    _, errors = plan_stack(before, after, "us-east-1")
    assert errors == [
        "endpoint Endpoint: variants AllTraffic -> Blue under its deployment guardrail: SageMaker requires a "
        "blue/green or rolling update to keep the variant names; keep them, or serve the new variants from another "
        "endpoint"
    ]
    del after["Resources"]["Endpoint"]["Properties"]["DeploymentConfig"]
    assert plan_stack(before, after, "us-east-1")[1] == []


def test_a_second_rehearsal_of_unchanged_inputs_plans_no_change_with_the_same_ids(tmp_path: Path) -> None:
    first = rehearse(FIXTURES / "two-regions.yaml", SEED, tmp_path)
    second = rehearse(FIXTURES / "two-regions.yaml", SEED, tmp_path)
    assert first.updates is None
    assert second.updates is not None
    assert [(update.module, update.changes, update.errors) for update in second.updates] == [
        ("first/producer", [], []),
        ("second/consumer", [], []),
    ]
    assert [module.metadata for group in first.groups for module in group] == [
        module.metadata for group in second.groups for module in group
    ]
    assert "  second/consumer: no change" in plan(second)


def test_an_unknown_step_names_the_steps_there_are() -> None:
    with pytest.raises(
        SeedError, match=r"no step .promot. in the seed file \(its steps: promote, approve, promote-prod\)"
    ):
        load_seed(SEED, "123456789012", "us-east-1").after("promot")


def test_the_promote_step_approves_version_3() -> None:
    seed = load_seed(SEED, "123456789012", "us-east-1").after("promote")
    assert [package.approval for package in seed.model_package_groups[0].packages][:3] == ["Approved"] * 3


@pytest.fixture(scope="session")
def promoted(default_rehearsal: Rehearsal, tmp_path_factory: pytest.TempPathFactory) -> Rehearsal:
    """The default deployment rehearsed again after the seed's `promote` step, against the first rehearsal."""
    output = tmp_path_factory.mktemp("promoted")
    shutil.copytree(default_rehearsal.output, output / "demo")
    return rehearse(ROOT / "manifests" / "deployment.yaml", SEED, output, step="promote")


def test_promotion_replaces_model_and_configuration_and_updates_the_endpoint_under_its_guardrail(
    promoted: Rehearsal,
) -> None:
    assert promoted.updates is not None
    networking, endpoint = promoted.updates
    assert (networking.module, networking.changes) == ("networking/vpc", [])
    actions = {change.logical_id: change.action for change in endpoint.changes}
    assert actions["Model"] == REPLACED
    assert actions["EndpointConfig"] == REPLACED
    assert actions["Endpoint"] == UPDATED
    # Everything else that changes follows the new model and configuration names (refresh wiring, policies).
    others = {change.resource_type for change in endpoint.changes if change.action == REPLACED} - {
        "AWS::SageMaker::Model",
        "AWS::SageMaker::EndpointConfig",
    }
    assert others == set()
    assert endpoint.errors == []
    assert endpoint.endpoint[1:] == [
        "endpoint <Endpoint> updated in place: blue/green canary 50 capacity percent on a new fleet, bake 600s, "
        "old fleet kept 300s; rolls back on alarm(s) mlops-demo-sagemaker-endpoints-endpoint-AllTraffic-5xx-errors, "
        "mlops-demo-sagemaker-endpoints-endpoint-AllTraffic-model-latency-p99"
    ]
    served = next(module for group in promoted.groups for module in group if module.group == "sagemaker-endpoints")
    assert served.metadata["ModelPackageArn"].endswith("/demo-fraud-detector/3")
    assert "Update plan after step 'promote'" in plan(promoted)


def test_a_promotion_plan_names_the_package_versions_and_that_seedfarmer_alone_redeploys_nothing(
    promoted: Rehearsal,
) -> None:
    assert promoted.updates is not None
    endpoint = promoted.updates[1]
    assert "model <Model>: model package demo-fraud-detector version 2 -> 3 (a newer version)" in endpoint.endpoint
    assert endpoint.seedfarmer == [
        "a real `seedfarmer apply` redeploys nothing here: the module's files and manifest entry are unchanged, so "
        "Seed-Farmer skips it; this change comes from the account, read at synthesis (a newly approved package, "
        "say). To deploy it: `seedfarmer taint module -d demo -g sagemaker-endpoints -m endpoint`, then "
        "`seedfarmer apply`"
    ]
    assert promoted.updates[0].seedfarmer == []  # networking: nothing changed
    text = plan(promoted)
    assert "  serves model package demo-fraud-detector version 3" in text
    assert "    SageMaker: model <Model>: model package demo-fraud-detector version 2 -> 3 (a newer version)" in text


def _again(promoted: Rehearsal, tmp_path: Path, step: str | None = None, reset: bool = False) -> Rehearsal:
    """The default deployment rehearsed once more, against a copy of the promoted rehearsal's output."""
    shutil.copytree(promoted.output, tmp_path / "demo")
    return rehearse(ROOT / "manifests" / "deployment.yaml", SEED, tmp_path, step=step, reset=reset)


def test_a_rehearsal_after_a_step_keeps_the_account_as_the_step_left_it(promoted: Rehearsal, tmp_path: Path) -> None:
    again = _again(promoted, tmp_path)
    assert again.steps == ["promote"]
    assert again.updates is not None
    assert [(update.module, update.changes, update.endpoint) for update in again.updates] == [
        ("networking/vpc", [], []),
        ("sagemaker-endpoints/endpoint", [], []),
    ]
    assert "then the seed's step(s) promote; promote kept from the last complete rehearsal" in plan(again)


def test_reset_starts_from_the_seed_alone_and_plans_the_rollback_as_one(promoted: Rehearsal, tmp_path: Path) -> None:
    reset = _again(promoted, tmp_path, reset=True)
    assert reset.steps == []
    assert reset.updates is not None
    assert "model <Model>: model package demo-fraud-detector version 3 -> 2 (an OLDER version: a rollback)" in (
        reset.updates[1].endpoint
    )


def test_a_step_already_applied_is_refused(promoted: Rehearsal, tmp_path: Path) -> None:
    with pytest.raises(SeedError, match=r"step 'promote' is already applied to the account of the last complete"):
        _again(promoted, tmp_path, step="promote")


def test_a_warm_rehearsal_reuses_the_synthesis_until_an_input_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REHEARSAL_CACHE")  # the output folder's own cache, cold at first
    lines: list[str] = []
    rehearse(FIXTURES / "wired.yaml", FIXTURES / "empty-seed.yaml", tmp_path)
    rehearse(FIXTURES / "wired.yaml", FIXTURES / "empty-seed.yaml", tmp_path, lines.append)
    assert sum("the last synthesis reused" in line for line in lines) == 2
    lines.clear()
    # Another seed is another account state: a synth-time lookup could read it, so nothing is reused.
    rehearse(FIXTURES / "wired.yaml", SEED, tmp_path, lines.append)
    assert not any("the last synthesis reused" in line for line in lines)


def test_a_refused_update_keeps_the_last_good_state_and_is_refused_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rehearsal.__main__ import main

    monkeypatch.setenv("ROLE_PATH", "/first/")
    assert rehearse(FIXTURES / "refusable.yaml", EMPTY_SEED, tmp_path).refused == []
    good = tmp_path / "fixture"
    kept = {name: (good / name).read_bytes() for name in ("state.json", "plan.json")}
    monkeypatch.setenv("ROLE_PATH", "/second/")
    refused = rehearse(FIXTURES / "refusable.yaml", EMPTY_SEED, tmp_path)
    assert refused.refused == [
        "NamedRole (AWS::IAM::Role) must be replaced but keeps its custom name mlops-fixture-first-producer-role: "
        "CloudFormation refuses to replace a custom-named resource; the name must change with it"
    ]
    assert refused.output == str(tmp_path / "fixture.failed")
    assert (tmp_path / "fixture.failed" / "failure.txt").read_text() == (
        "the update plan has 1 change(s) AWS would refuse\n"
    )
    assert {name: (good / name).read_bytes() for name in kept} == kept
    # The same command again plans the same refused change, against the same last good state, and fails.
    argv = [str(FIXTURES / "refusable.yaml"), "--seed", str(EMPTY_SEED), "--output", str(tmp_path)]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "ERROR (AWS would refuse): NamedRole (AWS::IAM::Role) must be replaced" in captured.out
    assert "Path: /first/ -> /second/ (create-only)" in captured.out
    assert "rehearsal failed: the update plan has 1 change(s) AWS would refuse" in captured.err
    assert {name: (good / name).read_bytes() for name in kept} == kept


def test_a_changed_property_shows_its_old_and_new_values_not_a_path_into_a_join() -> None:
    def policy(prefix: str) -> dict[str, Any]:
        resource = {"Fn::Join": ["", ["arn:aws:s3:::", {"Ref": "Bucket"}, f"/{prefix}/*"]]}
        statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}
        document = {"Version": "2012-10-17", "Statement": [statement]}
        properties = {"PolicyDocument": document, "Roles": ["r"]}
        return {"Resources": {"Policy": {"Type": "AWS::IAM::ManagedPolicy", "Properties": properties}}}

    changes, _ = plan_stack(policy("models"), policy("data"), "us-east-1")
    assert [change.causes for change in changes] == [
        ["PolicyDocument/Statement/0/Resource: arn:aws:s3:::${Bucket}/models/* -> arn:aws:s3:::${Bucket}/data/*"]
    ]
