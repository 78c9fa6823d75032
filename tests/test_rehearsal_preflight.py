"""The preflight: every module's own parameter validation, before anything is synthesized or created."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rehearsal.loading import RehearsalFailed
from rehearsal.preflight import placeholder
from rehearsal.run import rehearse
from tests.repository import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "manifests"
EMPTY_SEED = FIXTURES / "empty-seed.yaml"


def _check(manifest: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehearsal", "--check", str(manifest)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_passes_the_default_manifest_with_placeholders_for_metadata_not_yet_known() -> None:
    process = _check(ROOT / "manifests" / "deployment.yaml")
    assert process.returncode == 0, process.stderr
    assert process.stdout.strip() == "preflight passed: 2 module(s) in 2 group(s) accept their parameters"


def test_check_reports_every_problem_of_every_group_at_once_one_line_each() -> None:
    process = _check(FIXTURES / "preflight-errors.yaml")
    assert process.returncode == 1
    lines = process.stderr.strip().splitlines()
    assert lines[-4:] == [
        "rehearsal failed: preflight found 3 problems before anything was built:",
        "group 'network', module 'vpc': parameter 'max-azs': must be at least 1 (got \"0\"); for example 2",
        "group 'serving', module 'endpoint': unknown parameter 'instance-typ'; did you mean 'instance-type'?",
        "group 'serving', module 'second-endpoint': parameter 'initial-instance-count': "
        'must be at least 1 (got "0"); for example 1',
    ]
    assert "Traceback" not in process.stderr


def test_a_typo_in_the_second_group_fails_before_the_first_group_is_built(tmp_path: Path) -> None:
    with pytest.raises(RehearsalFailed) as raised:
        rehearse(FIXTURES / "preflight-errors.yaml", EMPTY_SEED, tmp_path)
    assert "unknown parameter 'instance-typ'" in str(raised.value)
    # Nothing was synthesized: not even the staging folder of the first group's module was written.
    assert not list(tmp_path.rglob("*.template.json"))
    assert not list(tmp_path.rglob("cdk.out"))


def test_a_key_the_producer_will_not_publish_is_found_only_when_it_runs(tmp_path: Path) -> None:
    with pytest.raises(RehearsalFailed) as raised:
        rehearse(FIXTURES / "unpublished-key.yaml", EMPTY_SEED, tmp_path)
    # A key the producer will not publish is only known once it has run: not a preflight problem.
    assert "preflight" not in str(raised.value)


@pytest.mark.parametrize(
    ("key", "shape"),
    [
        ("VpcId", "vpc-0123456789abcdef0"),
        ("PrivateSubnetIds", ["subnet-0023456789abcdef0", "subnet-0123456789abcdef0"]),
        ("SecurityGroupId", "sg-0123456789abcdef0"),
        ("AvailabilityZones", ["eu-west-1a", "eu-west-1b"]),
        ("VpcCidr", "10.0.0.0/16"),
        ("DataCaptureS3Uri", "s3://placeholder-bucket/placeholder"),
        ("DataCaptureKmsKeyArn", "arn:aws:kms:eu-west-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab"),
        ("DataCaptureJsonContentTypes", ["application/json"]),
        ("Color", "placeholder-Color"),
    ],
)
def test_placeholders_have_the_shape_of_real_values(key: str, shape: object) -> None:
    assert placeholder(key, "eu-west-1") == shape


@pytest.mark.parametrize(
    ("key", "parameters", "value"),
    [
        ("DataCaptureSamplingPercentage", {"data-capture-sampling-percentage": "20"}, 20),
        ("DataCaptureSamplingPercentage", {"data-capture-samping-percentage": "5"}, 5),
        ("DataCaptureSamplingPercentage", {}, 0),
        (
            "DataCaptureS3Uri",
            {"model-artifacts-bucket-arn": "arn:aws:s3:::artifacts", "data-capture-prefix": "capture/fraud"},
            "s3://artifacts/capture/fraud",
        ),
        ("VpcId", {"vpc-cidr": "10.0.0.0/16"}, None),
    ],
)
def test_capture_keys_are_what_the_endpoints_parameters_will_publish(
    key: str, parameters: dict[str, str], value: object
) -> None:
    from rehearsal.preflight import echoed

    assert echoed(key, parameters) == value
