"""Our modules' synthesis as their deployspecs run it, side by side with the reference module's.

The reference is aiops-modules' `sagemaker-endpoint` (awslabs/aiops-modules at REFERENCE_COMMIT), installed with
its own pins (aws-cdk-lib 2.126.0, cdk-nag 2.28.27, ...) in its own virtual environment under .bench/, and run as
its deployspec runs it: `python app.py`, its Node.js as it is. Ours run as our deployspecs run them: `python -m
mlops_platform.run_app` (app.py with the V8 flags of mlops_platform/fast_node.py). Both get the same parameters
(a VPC, two subnets, a model package ARN) and the same machine, their runs alternating so that a change of load
falls on both. Only the `--app` command is timed: the CDK CLI around it is the same work for both. In a first
deployment the CLI runs the reference's app twice (its `Vpc.from_lookup` needs a context lookup in between), ours
once; the figures count one run each, which favours the reference.

The reference's source comes from AIOPS_MODULES_GIT (a git directory or URL) when set, else this machine's mirror
of the repository when there is one, else GitHub.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.timing import Timing, timed

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / ".bench"
REFERENCE_COMMIT = "dfd7f154479654cf2b600b0f76a2f294cada32fa"
REFERENCE_MODULE = "modules/sagemaker/sagemaker-endpoint"
REFERENCE_SOURCES = ("/work/.mirror/awslabs+aiops-modules/repo", "https://github.com/awslabs/aiops-modules.git")


def sources() -> list[str]:
    chosen = os.environ.get("AIOPS_MODULES_GIT")
    return [chosen] if chosen else [source for source in REFERENCE_SOURCES if "://" in source or Path(source).exists()]


def module_files(source: str, commit: str = REFERENCE_COMMIT, path: str = REFERENCE_MODULE) -> bytes:
    """A tar archive of `path` at `commit` of the git repository `source` (a git directory or a URL)."""
    if "://" not in source:
        return _archive(["git", "--git-dir", source], commit, path)
    with tempfile.TemporaryDirectory() as scratch:
        clone = Path(scratch) / "clone"
        git = ["git", "-C", str(clone)]
        subprocess.run(["git", "init", "--quiet", "--bare", str(clone)], check=True)
        subprocess.run([*git, "fetch", "--quiet", "--depth", "1", source, commit], check=True)
        return _archive(git, commit, path)


def _archive(git: list[str], commit: str, path: str) -> bytes:
    return subprocess.run([*git, "archive", "--format=tar", commit, path], capture_output=True, check=True).stdout


def install_reference(folder: Path = BENCH / "reference", source: str | None = None) -> tuple[Path, Path]:
    """The reference module's folder and the Python of its own environment, installed once (again when its
    pinned requirements change)."""
    module = folder / REFERENCE_COMMIT[:12] / REFERENCE_MODULE
    if not (module / "app.py").is_file():
        archive = module_files(source or sources()[0])
        with tarfile.open(fileobj=io.BytesIO(archive)) as files:
            files.extractall(folder / REFERENCE_COMMIT[:12], filter="data")
    environment = folder / "venv"
    python = environment / "bin" / "python"
    requirements = (module / "requirements.txt").read_bytes()
    stamp = environment / ".requirements-sha256"
    digest = hashlib.sha256(requirements).hexdigest()
    if not (python.exists() and stamp.exists() and stamp.read_text() == digest):
        shutil.rmtree(environment, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True)
        uv = Path(sys.executable).with_name("uv")
        subprocess.run(
            [str(uv), "pip", "install", "--quiet", "--python", str(python), "-r", str(module / "requirements.txt")],
            check=True,
        )
        stamp.write_text(digest)
    return module, python


def side_by_side(
    ours: tuple[list[str], Path, dict[str, str]], reference: tuple[list[str], Path, dict[str, str]], runs: int
) -> tuple[Timing, Timing]:
    """`runs` runs of each command, alternating (ours first), each timed as benchmarks.timing.timed does."""
    mine, theirs = [], []
    load = os.getloadavg()
    for _ in range(runs):
        mine += timed(*ours, 1).seconds
        theirs += timed(*reference, 1).seconds
    return Timing(mine, load), Timing(theirs, load)


def deployspec_rows(
    parameters: dict[str, dict[str, str]], runs: int, row: Callable[..., dict[str, object]]
) -> tuple[list[dict[str, object]], float]:
    """Rows for each of our modules as its deployspec synthesizes it and for the reference beside our endpoint,
    and our endpoint's median over the reference's. `parameters`: module folder name -> environment."""
    reference_module, reference_python = install_reference()
    results = []
    ratio = 0.0
    for folder, env in parameters.items():
        command = ([sys.executable, "-m", "mlops_platform.run_app"], ROOT / folder, env)
        name = f"{Path(folder).name} as its deployspec runs it (`python -m mlops_platform.run_app`)"
        if Path(folder).name != "sagemaker-endpoint":
            results.append(row(name, timed(*command, runs)))
            continue
        ours, theirs = side_by_side(command, ([str(reference_python), "app.py"], reference_module, env), runs)
        results.append(row(name, ours, "beside the reference, runs alternating"))
        results.append(
            row(
                f"reference aiops-modules sagemaker-endpoint ({REFERENCE_COMMIT[:7]}, its pins) `python app.py`",
                theirs,
                "the same parameters",
            )
        )
        ratio = _median(ours.seconds) / _median(theirs.seconds)
    return results, ratio


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
