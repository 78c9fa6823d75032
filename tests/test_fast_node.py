"""mlops_platform/fast_node.py and run_app.py: the V8 flags reach every synthesis, a real deployment's among them,
and change its cost, not its output; a Node.js that refuses them is used as it is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlops_platform import fast_node
from tests.matrix import NETWORKING, module_environment

# Every Node.js flag the script passes is one this machine's Node.js starts with.
SHOW_JSII_NODE = "import os\nprint(os.environ.get('JSII_NODE', 'plain node'))\n"


def _environment(tmp_path: Path, **changes: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("JSII_NODE", "CDK_VALIDATION")}
    return {**env, "XDG_CACHE_HOME": str(tmp_path / "cache"), **changes}


def _run_app(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m mlops_platform.run_app` in `folder`, as a deployspec's `cdk deploy --app` runs it."""
    root = Path(fast_node.__file__).parents[1]
    env = {**env, "PYTHONPATH": str(root)}  # the library; a module folder holds its own copy
    return subprocess.run(
        [sys.executable, "-m", "mlops_platform.run_app"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_a_deployment_synthesizes_through_the_flags_and_writes_the_same_template(tmp_path: Path) -> None:
    """The networking module as its deployspec runs it, with CDK validation on, against plain `python app.py`."""
    env = _environment(tmp_path, **module_environment({}, "vpc"))
    flagged = _run_app(NETWORKING, {**env, "CDK_OUTDIR": str(tmp_path / "with")})
    assert flagged.returncode == 0, flagged.stderr[-2000:]
    plain = subprocess.run(
        [sys.executable, "app.py"],
        cwd=NETWORKING,
        env={**env, "CDK_OUTDIR": str(tmp_path / "plain")},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert plain.returncode == 0, plain.stderr[-2000:]
    [with_flags] = (tmp_path / "with").glob("*.template.json")
    assert with_flags.read_bytes() == (tmp_path / "plain" / with_flags.name).read_bytes()
    assert "AWS::EC2::VPC" in {
        resource["Type"] for resource in json.loads(with_flags.read_text())["Resources"].values()
    }
    assert (tmp_path / "cache" / "mlops-platform" / "jsii-node").read_text() == fast_node.SCRIPT


def test_run_app_points_jsii_at_the_script_when_node_accepts_the_flags(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SHOW_JSII_NODE)
    ran = _run_app(tmp_path, _environment(tmp_path))
    assert ran.stdout.strip() == str(tmp_path / "cache" / "mlops-platform" / "jsii-node")


def test_a_node_that_refuses_the_flags_is_used_without_them(tmp_path: Path) -> None:
    fake = tmp_path / "bin" / "node"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\necho "node: bad option: $1" >&2\nexit 9\n')
    fake.chmod(0o755)
    (tmp_path / "app.py").write_text(SHOW_JSII_NODE)
    ran = _run_app(tmp_path, _environment(tmp_path, PATH=f"{fake.parent}{os.pathsep}{os.environ['PATH']}"))
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "plain node"


def test_a_jsii_node_the_user_set_is_kept(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SHOW_JSII_NODE)
    ran = _run_app(tmp_path, _environment(tmp_path, JSII_NODE="/opt/node22/bin/node"))
    assert ran.stdout.strip() == "/opt/node22/bin/node"
    assert fast_node.environment({"JSII_NODE": "/opt/node22/bin/node"}) == {"JSII_NODE": "/opt/node22/bin/node"}


def test_an_unwritable_cache_folder_leaves_plain_node(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    assert fast_node.environment({"XDG_CACHE_HOME": str(blocked), "PATH": os.environ["PATH"]}) == {}


def test_an_app_that_exits_with_an_error_ends_run_app_the_same_way(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        'import sys\nif __name__ == "__main__":\n    sys.exit("networking: parameter bad")\n'
    )
    ran = _run_app(tmp_path, _environment(tmp_path))
    assert ran.returncode == 1
    assert ran.stderr.strip() == "networking: parameter bad"


def test_the_suite_synthesizes_through_the_script() -> None:
    # conftest.py points JSII_NODE at the script: a Node.js on this machine accepts its flags.
    assert os.environ.get("JSII_NODE", "").endswith("mlops-platform/jsii-node")
    assert os.access(os.environ["JSII_NODE"], os.X_OK)


@pytest.mark.parametrize(
    "folder",
    ["modules/networking", "modules/sagemaker/sagemaker-endpoint", "modules/sagemaker/sagemaker-model-monitoring"],
)
def test_each_module_runs_app_py_through_the_library_copy_it_carries(folder: str) -> None:
    module = Path(fast_node.__file__).parents[1] / folder
    assert (module / "mlops_platform" / "run_app.py").is_file()
    assert "python -m mlops_platform.run_app" in (module / "deployspec.yaml").read_text()
