"""`python -m e2e.fill_caches SCRATCH REQUIREMENTS...`: fill the caches the stand-in's builds share, once, online,
before the first apply; the builds then install from them offline (e2e/codebuild.py: PIP_NO_INDEX, UV_OFFLINE).

Each build still installs everything afresh, as in CodeBuild: uv into the image's Python (`pip install uv`, from
the wheel downloaded here), Seed-Farmer as a uv tool, and the module's requirements into a new venv. Only the
network round trips go: online, each build revalidated every index page with PyPI (about 2 s for Seed-Farmer's
tool alone, twelve builds a run). The same resolutions are made here, online, with the uv the builds install,
so a requirement PyPI cannot serve fails this step, not a build; and one the caches lack fails its build offline,
naming the package, never resolving something else.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

from e2e.codebuild import PYTHON_VERSION  # the image Python's


def fill(scratch: Path, requirements: list[Path]) -> None:
    cache = scratch / "cache"
    wheels, work = cache / "wheels", scratch / "filling"
    shutil.rmtree(work, ignore_errors=True)
    run([sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(wheels), "--find-links", str(wheels), "uv"])
    # The builds' uv, not this environment's: a uv of another version may keep its cache in other buckets.
    run([sys.executable, "-m", "venv", str(work / "uv")])
    pip = [str(work / "uv" / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, "--no-index", "--find-links", str(wheels), "uv"])
    uv = str(work / "uv" / "bin" / "uv")
    environment = {
        **os.environ,
        "UV_CACHE_DIR": str(cache / "uv"),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_TOOL_DIR": str(work / "tools"),
        "UV_TOOL_BIN_DIR": str(work / "bin"),
    }
    run([uv, "venv", "--quiet", "--seed", "--python", PYTHON_VERSION, str(work / "venv")], environment)
    seedfarmer = f"seed-farmer=={importlib.metadata.version('seed-farmer')}"  # as Seed-Farmer's buildspec pins it
    run([uv, "tool", "install", "--quiet", "--python", PYTHON_VERSION, seedfarmer], environment)
    requirement_files = [argument for path in requirements for argument in ("-r", str(path))]
    venv_python = str(work / "venv" / "bin" / "python")
    run([uv, "pip", "install", "--quiet", "--python", venv_python, *requirement_files], environment)
    shutil.rmtree(work, ignore_errors=True)


def run(argv: list[str], environment: dict[str, str] | None = None) -> None:
    subprocess.run(argv, env=environment, check=True)


if __name__ == "__main__":
    fill(Path(sys.argv[1]), [Path(argument) for argument in sys.argv[2:]])
