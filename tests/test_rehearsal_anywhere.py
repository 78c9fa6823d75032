"""From any folder, for a company's own project: the `rehearse` entry point and `git::` module paths."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.repository import ROOT

pytestmark = pytest.mark.xdist_group("rehearsal")

DEPLOYMENT = """\
name: acme
toolchainRegion: eu-west-1
groups:
  - name: queues
    path: manifests/queues.yaml
targetAccountMappings:
  - alias: primary
    accountId: "444455556666"
    default: true
    regionMappings:
      - region: eu-west-1
        default: true
"""


@pytest.fixture(scope="module")
def entry_point(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make install`'s `rehearse` script, written into a scratch bin folder whose python is this one."""
    bin_folder = tmp_path_factory.mktemp("venv") / "bin"
    bin_folder.mkdir()
    (bin_folder / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (bin_folder / "python").chmod(0o755)
    subprocess.run(["make", "-s", f"BIN={bin_folder}", f"{bin_folder}/rehearse"], cwd=ROOT, check=True)
    return bin_folder / "rehearse"


def _company_project(folder: Path, module_path: str) -> Path:
    """A company deployment repository of its own: seedfarmer.yaml, manifests, no module code."""
    (folder / "manifests").mkdir(parents=True)
    (folder / "seedfarmer.yaml").write_text("project: acme\n")
    (folder / "manifests" / "deployment.yaml").write_text(DEPLOYMENT)
    (folder / "manifests" / "queues.yaml").write_text(f"name: queue\npath: {module_path}\n")
    (folder / "seed.yaml").write_text("buckets: []\n")
    return folder


def _module_repository(folder: Path) -> Path:
    """A module repository on this machine, tagged v1, holding the test double module."""
    repository = folder / "modules-repo.git"
    shutil.copytree(ROOT / "tests" / "fixtures" / "modules" / "tiny-producer", repository / "modules" / "tiny")
    for command in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "."],
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "v1"],
        ["git", "tag", "v1"],
    ):
        subprocess.run(command, cwd=repository, check=True)
    return repository


def test_outside_a_project_check_names_what_is_missing_and_never_checks_this_repository(
    entry_point: Path, tmp_path: Path
) -> None:
    process = subprocess.run([str(entry_point), "--check"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert process.returncode == 1
    assert process.stderr.strip() == (
        f"rehearsal failed: no manifest given, and no manifests/deployment.yaml in {tmp_path} (nor a Seed-Farmer "
        "project around it); name the deployment manifest to rehearse"
    )


def test_inside_a_project_check_finds_its_manifest_from_a_subfolder_and_names_it(
    entry_point: Path, tmp_path: Path
) -> None:
    project = _company_project(tmp_path / "company", "tests/none")
    (project / "docs").mkdir()
    process = subprocess.run(
        [str(entry_point), "--check"], cwd=project / "docs", capture_output=True, text=True, check=False
    )
    # The manifest found is the project's own: its one module's path does not exist, and that is the problem.
    assert process.returncode == 1
    assert "manifests/queues.yaml:1: group 'queues', module 'queue': path 'tests/none' holds no deployspec.yaml" in (
        process.stderr
    )


def test_help_names_the_command_as_it_was_run(entry_point: Path, tmp_path: Path) -> None:
    process = subprocess.run([str(entry_point), "--help"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert process.stdout.startswith(f"usage: {entry_point}")
    assert process.stdout.split()[2] == "[-h]"
    assert "python -m rehearsal" not in process.stdout


def test_a_company_project_with_a_file_git_path_rehearses_from_its_own_folder(
    entry_point: Path, tmp_path: Path
) -> None:
    repository = _module_repository(tmp_path / "source")
    project = _company_project(tmp_path / "company", f"git::file://{repository}//modules/tiny?ref=v1")
    # No --seed: the project has no rehearsal/account.yaml and its manifest needs nothing pre-existing.
    process = subprocess.run([str(entry_point), "--json"], cwd=project, capture_output=True, text=True, check=False)
    assert process.returncode == 0, process.stderr
    assert '"account": "444455556666"' in process.stdout
    assert '"seeded": []' in process.stdout
    assert "https://sqs.eu-west-1.amazonaws.com/444455556666/acme-acme-queues-queue-Queue-" in process.stdout
    assert (project / ".rehearsal" / "acme" / "plan.json").is_file()
    assert (project / "seedfarmer.gitmodules").is_dir()


def test_a_git_path_that_needs_the_network_is_one_clear_error(entry_point: Path, tmp_path: Path) -> None:
    project = _company_project(tmp_path, "git::https://github.com/acme/modules.git//modules/tiny?ref=v1")
    process = subprocess.run(
        [str(entry_point), "--check", "--seed", "seed.yaml"], cwd=project, capture_output=True, text=True, check=False
    )
    assert process.returncode == 1
    assert process.stderr.strip() == (
        "rehearsal failed: invalid manifest: group 'queues', module 'queue': path "
        "git::https://github.com/acme/modules.git//modules/tiny?ref=v1 needs the network to clone, and the rehearsal "
        "runs offline; clone it once and point the path at the clone (git::file:///path/to/repo.git//folder?ref=...)"
    )


def test_a_ref_the_repository_lacks_is_one_error_with_gits_whole_reason(entry_point: Path, tmp_path: Path) -> None:
    repository = _module_repository(tmp_path / "source")
    project = _company_project(tmp_path / "company", f"git::file://{repository}//modules/tiny?ref=v0.2.0")
    process = subprocess.run(
        [str(entry_point), "--check", "--seed", "seed.yaml"], cwd=project, capture_output=True, text=True, check=False
    )
    assert process.returncode == 1
    [line] = process.stderr.strip().splitlines()
    assert line.startswith(
        f"rehearsal failed: invalid manifest: group 'queues', module 'queue': path git::file://{repository}"
    )
    assert "couldn't find remote ref v0.2.0" in line  # git's reason, not cut off
    assert line.endswith(
        "?ref= must name a tag, branch or commit the repository has (git ls-remote <repository> lists its tags and "
        "branches)"
    )


def test_a_commit_pins_a_module_as_a_tag_does(entry_point: Path, tmp_path: Path) -> None:
    repository = _module_repository(tmp_path / "source")
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repository, capture_output=True, text=True, check=True)
    project = _company_project(
        tmp_path / "company", f"git::file://{repository}//modules/tiny?ref={commit.stdout.strip()}"
    )
    process = subprocess.run(
        [str(entry_point), "--check", "--seed", "seed.yaml"], cwd=project, capture_output=True, text=True, check=False
    )
    assert process.returncode == 0, process.stderr
