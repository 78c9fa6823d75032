"""The reference module's own sample manifest (aiops-modules' sagemaker-endpoint README), whole: its networking
group, the sagemaker-studio group with module `studio` it reads the domain from, and the endpoint, parameters
unchanged and only the module paths ours. Its preflight passes, and a full rehearsal is green with the
domain wired into the endpoint."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import yaml

from tests.repository import ROOT
from tests.studio_cases import REFERENCE_STUDIO

FIXTURES = ROOT / "tests" / "fixtures" / "manifests"
SAMPLE = FIXTURES / "reference-sample.yaml"
SEED = FIXTURES / "reference-sample-seed.yaml"


def _entry(name: str) -> dict[str, Any]:
    entry: dict[str, Any] = yaml.safe_load((FIXTURES / name).read_text())
    return entry


def test_the_sample_keeps_the_reference_values() -> None:
    endpoint = _entry("reference-sample-endpoint.yaml")
    values = {parameter["name"]: parameter.get("value") for parameter in endpoint["parameters"]}
    assert values["sagemaker_project_id"] == values["sagemaker_project_name"] == "dummy123"
    assert values["instance_type"] == "ml.m5.large"
    assert values["permissions-boundary-name"] == "my-permissions-boundary"
    wired = {
        parameter["name"]: (
            parameter["valueFrom"]["moduleMetadata"]["group"],
            parameter["valueFrom"]["moduleMetadata"]["key"],
        )
        for parameter in endpoint["parameters"]
        if "valueFrom" in parameter
    }
    assert wired == {
        "vpc_id": ("networking", "VpcId"),
        "subnet_ids": ("networking", "PrivateSubnetIds"),
        "sagemaker-domain-id": ("sagemaker-studio", "StudioDomainId"),
        "sagemaker-domain-arn": ("sagemaker-studio", "StudioDomainArn"),
    }


def test_the_studio_group_is_the_references_own_entry_with_our_path() -> None:
    ours = _entry("reference-sample-studio.yaml")
    theirs = yaml.safe_load((REFERENCE_STUDIO / "mlflow-tracking.yaml").read_text())
    assert ours["path"] == "modules/sagemaker/sagemaker-studio"
    assert {**ours, "path": theirs["path"]} == theirs
    groups = yaml.safe_load(SAMPLE.read_text())["groups"]
    assert [group["name"] for group in groups] == ["networking", "sagemaker-studio", "sagemaker-endpoints"]
    assert ours["name"] == "studio"


def test_the_reference_sample_passes_the_rehearsal_preflight_with_our_modules() -> None:
    process = subprocess.run(
        [sys.executable, "-m", "rehearsal", "--check", str(SAMPLE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    lines = process.stdout.strip().splitlines()
    assert lines[0] == (
        "preflight passed: tests/fixtures/manifests/reference-sample.yaml: 3 module(s) in 3 group(s) accept their "
        "parameters"
    )
    # Noted, never counted as a problem: the studio entry's `server_lifecycle_name` (accepted, not used) and the
    # sample's `dummy123` project id (it only becomes a tag).
    assert [line.split(": group ")[1].split(": parameter")[0] for line in lines[1:]] == [
        "'sagemaker-studio', module 'studio'",
        "'sagemaker-endpoints', module 'endpoint'",
    ]
    assert "parameter 'server_lifecycle_name' is accepted for the reference's manifests and not used" in lines[1]
    assert lines[2].startswith("  note: tests/fixtures/manifests/reference-sample-endpoint.yaml:5: group ")
    assert "String should match pattern" not in process.stderr


def test_the_preflight_passes_in_any_account_the_domain_placeholder_naming_it() -> None:
    """The endpoint takes a domain of its own account only: the preflight's stand-in for StudioDomainArn names the
    account the studio module deploys to, whichever PRIMARY_ACCOUNT is exported."""
    import os

    process = subprocess.run(
        [sys.executable, "-m", "rehearsal", "--check", str(SAMPLE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PRIMARY_ACCOUNT": "210987654321"},
    )
    assert process.returncode == 0, process.stdout + process.stderr


@pytest.fixture(scope="module")
def rehearsed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from rehearsal.run import rehearse

    return rehearse(SAMPLE, SEED, tmp_path_factory.mktemp("reference-sample"))


def _module(rehearsal: Any, group: str) -> Any:
    return next(module for modules in rehearsal.groups for module in modules if module.group == group)


@pytest.mark.xdist_group("reference-sample")
def test_the_whole_sample_rehearses_green(rehearsed: Any) -> None:
    assert [[module.group for module in group] for group in rehearsed.groups] == [
        ["networking"],
        ["sagemaker-studio"],
        ["sagemaker-endpoints"],
    ]
    for group in rehearsed.groups:
        for module in group:
            assert [stack.status for stack in module.stacks] == ["CREATE_COMPLETE"], module.group


@pytest.mark.xdist_group("reference-sample")
def test_the_endpoint_is_tagged_with_the_domain_the_studio_module_created(rehearsed: Any) -> None:
    studio, endpoint = _module(rehearsed, "sagemaker-studio"), _module(rehearsed, "sagemaker-endpoints")
    domain_id, domain_arn = studio.metadata["StudioDomainId"], studio.metadata["StudioDomainArn"]
    assert domain_arn == f"arn:aws:sagemaker:us-east-1:{rehearsed.account}:domain/{domain_id}"
    assert endpoint.environment["SEEDFARMER_PARAMETER_SAGEMAKER_DOMAIN_ID"] == domain_id
    assert endpoint.environment["SEEDFARMER_PARAMETER_SAGEMAKER_DOMAIN_ARN"] == domain_arn
    [stack] = endpoint.stacks
    [sagemaker_endpoint] = [r for r in stack.template["Resources"].values() if r["Type"] == "AWS::SageMaker::Endpoint"]
    tags = {tag["Key"]: tag["Value"] for tag in sagemaker_endpoint["Properties"]["Tags"]}
    assert tags["sagemaker:domain-arn"] == domain_arn
    assert tags["sagemaker:domain-id"] == domain_id
    uses = rehearsed.consumers["sagemaker-studio/studio"]
    assert {(use["key"], use["parameter"]) for use in uses} == {
        ("StudioDomainId", "sagemaker-domain-id"),
        ("StudioDomainArn", "sagemaker-domain-arn"),
    }


@pytest.mark.xdist_group("reference-sample")
def test_the_studio_module_publishes_what_its_readme_documents(rehearsed: Any) -> None:
    from tests.test_docs import table

    studio = _module(rehearsed, "sagemaker-studio")
    rows = table((ROOT / studio.path / "README.md").read_text(), "## Outputs")
    assert sorted(studio.metadata) == sorted(row[0].strip("`") for row in rows)


@pytest.mark.xdist_group("reference-sample")
def test_the_plan_says_what_the_emulator_did_not_create_or_run(rehearsed: Any) -> None:
    from rehearsal.report import plan

    text = plan(rehearsed)
    [not_emulated] = [
        line for line in text.splitlines() if "sagemaker" in line.lower() and "declared but not emulated" in line
    ]
    assert "AWS::SageMaker::UserProfile" in not_emulated
    assert (
        "custom resources answered SUCCESS, handler not run: StudioDomainRemoval, StudioApps, SageMakerProjects" in text
    )
    assert "the emulator creates Studio domains in CloudFormation" in text
    assert json.dumps(rehearsed.groups[1][0].metadata["StudioUserProfileNames"]) == '["ds-user-1", "lead-ds-user-1"]'
