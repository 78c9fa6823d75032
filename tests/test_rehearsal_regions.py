"""Any region, a literal account, and manifests with mistakes: one clear line, nothing half-written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rehearsal.loading import RehearsalFailed
from rehearsal.run import rehearse
from rehearsal.seed import SeedError, load_seed
from tests.repository import ROOT

pytestmark = pytest.mark.xdist_group("rehearsal")

FIXTURES = ROOT / "tests" / "fixtures" / "manifests"
DEFAULT_SEED = ROOT / "rehearsal" / "account.yaml"


def test_two_regions_and_a_literal_account_rehearse_without_any_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PRIMARY_ACCOUNT", raising=False)
    result = rehearse(FIXTURES / "two-regions.yaml", DEFAULT_SEED, tmp_path)
    assert result.account == "111122223333"
    assert result.regions == ["eu-west-1", "us-east-1"]
    producer, consumer = result.groups[0][0], result.groups[1][0]
    assert producer.metadata["QueueUrl"].startswith("https://sqs.us-east-1.amazonaws.com/111122223333/")
    assert consumer.metadata["QueueUrl"].startswith("https://sqs.eu-west-1.amazonaws.com/111122223333/")
    # The custom resource of a stack outside us-east-1 is answered in its own region.
    assert consumer.stacks[0].custom_resources_answered == ["Answered"]
    assert consumer.stacks[0].status == "CREATE_COMPLETE"
    # The default seed is made for the manifest's own account and each of its regions.
    assert "bucket mlops-model-artifacts-111122223333-eu-west-1 (9 objects, versioned, EventBridge)" in result.seeded
    assert "bucket mlops-model-artifacts-111122223333-us-east-1 (9 objects, versioned, EventBridge)" in result.seeded


def _failure(manifest: str, tmp_path: Path) -> str:
    with pytest.raises(RehearsalFailed) as raised:
        rehearse(FIXTURES / manifest, FIXTURES / "empty-seed.yaml", tmp_path)
    return str(raised.value)


def test_a_yaml_error_in_a_group_manifest_names_that_file_and_line(tmp_path: Path) -> None:
    assert _failure("bad-yaml.yaml", tmp_path) == (
        "invalid manifest: tests/fixtures/manifests/bad-yaml-group.yaml: not valid YAML at line 5, column 11: "
        "mapping values are not allowed here"
    )


def test_a_schema_error_in_a_group_manifest_is_blamed_on_the_group_manifest(tmp_path: Path) -> None:
    message = _failure("bad-schema.yaml", tmp_path)
    assert message.startswith(
        "invalid manifest: tests/fixtures/manifests/bad-schema-group.yaml: group 'first', module 1:"
    )
    assert "dataFile" in message
    assert "\n" not in message


def test_a_bad_manifest_is_one_line_on_the_command_line_without_a_traceback(tmp_path: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "rehearsal", str(FIXTURES / "bad-yaml.yaml"), "--output", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 1
    assert process.stderr.strip().splitlines()[-1].startswith("rehearsal failed: invalid manifest: tests/fixtures")
    assert "Traceback" not in process.stderr


def test_a_failed_rehearsal_keeps_the_last_good_output_and_sets_its_own_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REHEARSAL_CACHE")  # the cache sits in the output folder, beside the deployments
    good = rehearse(FIXTURES / "wired.yaml", FIXTURES / "empty-seed.yaml", tmp_path)
    plan_before = (Path(good.output) / "plan.json").read_text()
    with pytest.raises(RehearsalFailed):
        rehearse(FIXTURES / "unpublished-key.yaml", FIXTURES / "empty-seed.yaml", tmp_path)
    assert (Path(good.output) / "plan.json").read_text() == plan_before
    assert sorted(path.name for path in tmp_path.iterdir()) == [".cache", "fixture", "fixture.failed"]
    assert not (tmp_path / "fixture.failed" / "plan.json").exists()
    assert json.loads(plan_before)["deployment"] == "fixture"


def test_a_yaml_error_in_the_deployment_manifest_names_it_and_the_line(tmp_path: Path) -> None:
    message = _failure("bad-yaml-deployment.yaml", tmp_path)
    assert message.startswith(f"invalid manifest: {FIXTURES / 'bad-yaml-deployment.yaml'}: not valid YAML at line 5")
    assert "\n" not in message


def test_a_yaml_error_in_the_seed_file_names_it_and_the_line(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("buckets:\n  - name: [unclosed\n")
    with pytest.raises(SeedError) as raised:
        load_seed(seed, "123456789012", "us-east-1")
    assert str(raised.value).startswith(f"{seed}: not valid YAML at line 3")
