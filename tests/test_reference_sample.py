"""The reference module's own sample manifest (aiops-modules' sagemaker-endpoint README), parameters
unchanged, wired to this repository's networking module: its preflight passes."""

from __future__ import annotations

import subprocess
import sys

import yaml

from tests.repository import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "manifests"
SAMPLE = FIXTURES / "reference-sample.yaml"


def test_the_sample_keeps_the_reference_values() -> None:
    endpoint = yaml.safe_load((FIXTURES / "reference-sample-endpoint.yaml").read_text())
    values = {parameter["name"]: parameter.get("value") for parameter in endpoint["parameters"]}
    assert values["sagemaker_project_id"] == values["sagemaker_project_name"] == "dummy123"
    assert values["instance_type"] == "ml.m5.large"
    wired = {
        parameter["name"]: parameter["valueFrom"]["moduleMetadata"]["key"]
        for parameter in endpoint["parameters"]
        if "valueFrom" in parameter
    }
    assert wired == {"vpc_id": "VpcId", "subnet_ids": "PrivateSubnetIds"}


def test_the_reference_sample_passes_the_rehearsal_preflight_with_our_networking_module() -> None:
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
        "preflight passed: tests/fixtures/manifests/reference-sample.yaml: 2 module(s) in 2 group(s) accept their "
        "parameters"
    )
    # The sample's `dummy123` project id is noted (it only becomes a tag), never counted as a problem.
    assert [line.split(": group ")[1].split(": parameter")[0] for line in lines[1:]] == [
        "'sagemaker-endpoints', module 'endpoint'"
    ]
    assert lines[1].startswith("  note: tests/fixtures/manifests/reference-sample-endpoint.yaml:5: group ")
    assert "String should match pattern" not in process.stderr
