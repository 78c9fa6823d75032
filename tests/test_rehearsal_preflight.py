"""The preflight: every module's own parameter validation, before anything is synthesized or created."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from rehearsal.loading import RehearsalFailed
from rehearsal.preflight import placeholder
from rehearsal.published_keys import published_keys
from rehearsal.run import rehearse
from tests.repository import MODULE_DIRS, ROOT, module_documents

FIXTURES = ROOT / "tests" / "fixtures" / "manifests"
EMPTY_SEED = FIXTURES / "empty-seed.yaml"


def _check(manifest: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehearsal", "--check", str(manifest), *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_passes_the_default_manifest_with_placeholders_for_metadata_not_yet_known() -> None:
    process = _check(ROOT / "manifests" / "deployment.yaml")
    assert process.returncode == 0, process.stderr
    assert process.stdout.strip() == (
        "preflight passed: manifests/deployment.yaml: 2 module(s) in 2 group(s) accept their parameters"
    )


SERVING = "tests/fixtures/manifests/preflight-errors-serving.yaml"
EVERY_PROBLEM = [
    "tests/fixtures/manifests/preflight-errors-network.yaml:4: group 'network', module 'vpc': parameter 'max-azs': "
    'must be at least 1 (got "0"); for example 2',
    # An unknown parameter does not hide the module's other errors.
    f"{SERVING}:18: group 'serving', module 'endpoint': unknown parameter 'instance-typ'; did you mean 'instance-type'?",
    f"{SERVING}:20: group 'serving', module 'endpoint': parameter 'initial-instance-count': must be at least 1 "
    '(got "0"); for example 1',
    # A wrong group reference does not stop the module's other checks: its key typo and its own validation.
    f"{SERVING}:28: group 'serving', module 'second-endpoint': parameter 'vpc-id': takes metadata from module 'vpc' "
    "of group 'netwrok', which has not been deployed before it (groups deploy in this order: network, serving)",
    f"{SERVING}:34: group 'serving', module 'second-endpoint': parameter 'subnet-ids': module 'vpc' of group "
    "'network' publishes no metadata key 'PrivateSubnetId'; did you mean 'PrivateSubnetIds'? its README's Outputs "
    "list: AvailabilityZones, IsolatedSubnetIds, PrivateSubnetIds, PublicSubnetIds, SecurityGroupId, VpcCidr, VpcId",
    f"{SERVING}:42: group 'serving', module 'second-endpoint': parameter 'instance-type': is not an instance type "
    f"SageMaker endpoints run on (ProductionVariantInstanceType in botocore {metadata.version('botocore')}, the SDK "
    'this module pins); did you mean ml.m5.large? (got "ml.m5.larg")',
]
THE_NOTE = (
    f"note: {SERVING}:22: group 'serving', module 'endpoint': parameter 'sagemaker-project-id' is 'dummy123', which "
    "does not look like a SageMaker project id such as p-abcdefghijkl; it only becomes a tag value, so it is used as given"
)


def test_check_reports_every_problem_of_every_group_at_once_with_file_and_line() -> None:
    process = _check(FIXTURES / "preflight-errors.yaml")
    assert process.returncode == 1
    lines = process.stderr.strip().splitlines()
    start = lines.index("rehearsal failed: preflight found 6 problems before anything was built:")
    assert lines[start + 1 :] == [*EVERY_PROBLEM, "and 1 note(s), not problems:", THE_NOTE]
    assert "Traceback" not in process.stderr


def test_check_json_prints_the_problems_and_notes_as_json() -> None:
    process = _check(FIXTURES / "preflight-errors.yaml", "--json")
    assert process.returncode == 1
    report = json.loads(process.stdout)
    assert (report["manifest"], report["passed"]) == ("tests/fixtures/manifests/preflight-errors.yaml", False)
    shown = [f"{item['file']}:{item['line']}: group '{item['group']}', module '{item['module']}': {item['message']}"
             for item in report["problems"]]  # fmt: skip
    assert shown == EVERY_PROBLEM
    assert [item["note"] for item in report["notes"]] == [True]
    passed = json.loads(_check(ROOT / "manifests" / "deployment.yaml", "--json").stdout)
    assert passed == {
        "manifest": "manifests/deployment.yaml",
        "passed": True,
        "modules": 2,
        "groups": 2,
        "problems": [],
        "notes": [],
    }


def test_a_typo_in_the_second_group_fails_before_the_first_group_is_built(tmp_path: Path) -> None:
    with pytest.raises(RehearsalFailed) as raised:
        rehearse(FIXTURES / "preflight-errors.yaml", EMPTY_SEED, tmp_path)
    assert "unknown parameter 'instance-typ'" in str(raised.value)
    # Nothing was synthesized: not even the staging folder of the first group's module was written.
    assert not list(tmp_path.rglob("*.template.json"))
    assert not list(tmp_path.rglob("cdk.out"))


def test_a_key_of_a_module_whose_readme_lists_no_outputs_is_checked_when_it_has_run(tmp_path: Path) -> None:
    with pytest.raises(RehearsalFailed) as raised:
        rehearse(FIXTURES / "unpublished-key.yaml", EMPTY_SEED, tmp_path)
    # The producer (tests/fixtures/modules/tiny-producer) has no README: its keys are known once it has run.
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


def test_a_placeholder_arn_names_the_producers_account() -> None:
    arn = "arn:aws:sagemaker:eu-west-1:210987654321:domain/d-0123456789ab"
    assert placeholder("StudioDomainArn", "eu-west-1", "210987654321") == arn


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda path: path.name)
def test_the_preflight_knows_every_key_each_module_of_this_repository_publishes(module_dir: Path) -> None:
    # The endpoint's README links its Outputs tables (docs/outputs.md); an unreadable table would let a
    # consumer's typo through to a deployment.
    keys = published_keys(module_dir)
    assert keys is not None, f"{module_dir.name}: the preflight finds no Outputs table"
    documented = set(re.findall(r"^\| `([A-Za-z0-9]+)` \|", module_documents(module_dir), re.MULTILINE))
    assert keys <= documented


def test_a_typo_in_a_key_of_the_endpoints_linked_outputs_page_is_refused() -> None:
    keys = published_keys(ROOT / "modules" / "sagemaker" / "sagemaker-endpoint")
    assert keys is not None
    assert {"EndpointName", "KmsKeyId", "SecurityGroupId"} <= keys
    assert "EndpointNam" not in keys
