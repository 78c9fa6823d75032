"""`make bench` says how loaded the machine was beside every figure it records."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from benchmarks.__main__ import Timing, e2e_rows, module_count, render, row, timed
from tests.repository import ROOT


def test_each_recorded_figure_carries_the_load_average_before_its_runs() -> None:
    figures = [row("networking `python app.py` (defaults)", Timing([4.0, 4.5, 5.0], (1.25, 0.5, 0.25)))]
    report = render(figures, {"networking": 1.1}, 0.01, 4.5, 18.0, 100.0, {"our module code": 1.0})
    assert "| what | median (s) | spread (s) | runs | load before (1 / 5 / 15 min) | note |" in report
    assert "| networking `python app.py` (defaults) | 4.50 | 1.00 | 3 | 1.25 / 0.50 / 0.25 |  |" in report


def test_timing_samples_the_machines_load_average() -> None:
    timing = timed([sys.executable, "-c", "pass"], ROOT, {}, 2)
    assert len(timing.seconds) == 2
    assert len(timing.load) == 3
    assert all(value >= 0 for value in timing.load)


def test_each_step_and_build_phase_of_make_e2e_carries_the_load_it_began_under() -> None:
    report = {
        "steps": [
            {"name": "seedfarmer apply (first deployment)", "seconds": 61.5, "load": [2.5, 2.0, 1.5]},
            {"name": "nothing was redeployed", "seconds": 0.0, "load": [2.5, 2.0, 1.5]},
        ],
        "builds": [
            {
                "folder": "01-demo-networking-vpc",
                "kind": "deploy",
                "load": [3.0, 2.25, 1.75],
                "phases": {"install": 9.0, "build": 20.0},
                "cdk": {"synth": 12.5, "deploy": 0.8},
            },
            {
                "folder": "05-demo-networking-vpc",
                "kind": "destroy",
                "load": [1.0, 1.0, 1.0],
                "phases": {"install": 8.0, "build": 11.5},
                "cdk": {},
                "commands": [{"command": 'cdk destroy --force --app "python app.py"', "seconds": 11.25}],
            },
        ],
    }
    rendered = render(e2e_rows(report), {}, 0.01, 4.5, 18.0, 100.0, {}, e2e=170.0)
    assert (
        "| `make e2e` step: seedfarmer apply (first deployment) | 61.50 | 0.00 | 1 | 2.50 / 2.00 / 1.50 |" in rendered
    )
    assert "nothing was redeployed" not in rendered  # a check that took no time is no figure
    for phase, seconds in (("install", "9.00"), ("synth", "12.50"), ("deploy", "0.80")):
        row_text = (
            f"| `make e2e` build 01-demo-networking-vpc (deploy): {phase} | {seconds} | 0.00 | 1 | 3.00 / 2.25 / 1.75 |"
        )
        assert row_text in rendered
    destroyed = "| `make e2e` build 05-demo-networking-vpc (destroy): cdk destroy (synth and delete) | 11.25 |"
    assert destroyed in rendered
    assert "(destroy): synth" not in rendered  # `cdk destroy` reports no synthesis time: no made-up zero
    assert "| the single-account e2e warm at most 3 minutes | 170 s | met |" in rendered


def test_the_rehearsal_across_accounts_is_held_per_module_against_the_single_accounts() -> None:
    figures = [row("`make rehearse` warm", Timing([20.0], (0.1, 0.2, 0.3)))]
    met = render(figures, {}, 0.01, 4.5, 20.0, 100.0, {}, per_module=(10.0, 14.0), e2e_across=280.0)
    assert (
        "| the rehearsal across three accounts warm, per module, at most 1.5 x the single account's | "
        "14.0 s against 10.0 s = 1.40 x | met |"
    ) in met
    assert "| `make e2e` across accounts warm (no target of its own) | 280 s | |" in met
    missed = render(figures, {}, 0.01, 4.5, 20.0, 100.0, {}, per_module=(10.0, 16.0))
    assert "16.0 s against 10.0 s = 1.60 x | missed |" in missed


def test_the_rows_of_each_e2e_run_name_the_run() -> None:
    report = {"steps": [{"name": "seedfarmer destroy multi", "seconds": 97.0, "load": [4.5, 5.0, 6.0]}], "builds": []}
    assert e2e_rows(report, "three accounts")[0]["name"] == "`make e2e` (three accounts) step: seedfarmer destroy multi"


def test_the_fresh_clone_runs_are_held_against_their_targets() -> None:
    figures = [
        row("`make test` from a fresh clone, empty caches: every test (CI's run)", Timing([301.0], (0.1, 0.2, 0.3)))
    ]
    fresh = {"without the end-to-end test": 170.0, "every test (CI's run)": 301.0}
    report = render(figures, {}, 0.01, 4.5, 18.0, 100.0, {}, fresh=fresh)
    assert "| `make test` from a fresh clone, without the end-to-end test, at most 3 minutes | 170 s | met |" in report
    assert "| `make test` from a fresh clone, every test (CI's run), at most 6 minutes | 301 s | met |" in report
    late = render(figures, {}, 0.01, 4.5, 18.0, 100.0, {}, fresh={"without the end-to-end test": 181.0})
    assert "| `make test` from a fresh clone, without the end-to-end test, at most 3 minutes | 181 s | missed |" in late


def test_the_endpoint_is_held_against_the_reference_module() -> None:
    report = render([], {}, 0.01, 4.5, 18.0, 100.0, {}, against_reference=0.62)
    assert (
        "| sagemaker-endpoint as its deployspec synthesizes it at most 0.8 x the reference module's | 0.62 x | met |"
        in (report)
    )
    assert "0.8 x the reference" not in render([], {}, 0.01, 4.5, 18.0, 100.0, {})  # not measured: no verdict


def test_the_reference_module_comes_from_git_at_its_pinned_commit(tmp_path: Path) -> None:
    from benchmarks.reference import module_files

    repository = tmp_path / "aiops-modules"
    module = repository / "modules" / "sagemaker" / "sagemaker-endpoint"
    module.mkdir(parents=True)
    (module / "app.py").write_text("print('reference')\n")
    git = ["git", "-C", str(repository), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "--quiet"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "pinned"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    (module / "app.py").write_text("print('later')\n")
    subprocess.run([*git, "commit", "--quiet", "-am", "later"], check=True)
    archive = module_files(str(repository / ".git"), commit)
    with tarfile.open(fileobj=io.BytesIO(archive)) as files:
        member = files.extractfile("modules/sagemaker/sagemaker-endpoint/app.py")
        assert member is not None
        assert member.read() == b"print('reference')\n"


def test_ours_and_the_reference_run_alternately_under_the_same_load(tmp_path: Path) -> None:
    from benchmarks.reference import side_by_side

    log = tmp_path / "order"
    append = "import sys; open(sys.argv[1], 'a').write(sys.argv[2])"
    env: dict[str, str] = {}
    ours = ([sys.executable, "-c", append, str(log), "o"], ROOT, env)
    theirs = ([sys.executable, "-c", append, str(log), "r"], ROOT, env)
    mine, reference = side_by_side(ours, theirs, 3)
    assert log.read_text() == "ororor"
    assert len(mine.seconds) == len(reference.seconds) == 3
    assert mine.load == reference.load


@pytest.mark.parametrize("manifest", ["manifests/deployment.yaml", "manifests/multi-account/deployment.yaml"])
def test_the_per_module_figure_counts_the_modules_seedfarmer_loads(
    manifest: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rehearsal.manifests import load_deployment

    accounts = {"PRIMARY_ACCOUNT": "123456789012", "REGISTRY_ACCOUNT": "111111111111", "DEV_ACCOUNT": "222222222222"}
    for variable, value in {**accounts, "PROD_ACCOUNT": "333333333333", "PRIMARY_REGION": "us-east-1"}.items():
        monkeypatch.setenv(variable, value)
    loaded = sum(len(group.modules) for group in load_deployment(ROOT / manifest).groups)
    assert module_count(manifest) == loaded
