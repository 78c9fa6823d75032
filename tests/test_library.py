"""The platform library: one source at the root, a generated copy in every module folder, never edited there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.repository import MODULE_DIRS, ROOT
from tools import library_copies


def test_every_module_carries_a_current_copy_of_the_library() -> None:
    assert library_copies.module_dirs() == MODULE_DIRS
    assert len(MODULE_DIRS) >= 2
    assert library_copies.differences() == [], "edit mlops_platform/ at the root, then run `make library`"


def test_each_copy_says_in_its_first_line_that_it_is_generated_and_which_file_to_edit() -> None:
    for module in MODULE_DIRS:
        for copy in (module / "mlops_platform").rglob("*.py"):
            source = Path("mlops_platform", copy.relative_to(module / "mlops_platform")).as_posix()
            first = copy.read_text().splitlines()[0]
            assert "Generated" in first
            assert "do not edit" in first
            assert f"from {source}:" in first
            assert (ROOT / source).exists()


def test_a_copy_edited_by_hand_is_named_and_make_library_restores_it(tmp_path: Path) -> None:
    (tmp_path / "mlops_platform").mkdir()
    (tmp_path / "mlops_platform" / "contract.py").write_text('"""The contract."""\n')
    (tmp_path / "mlops_platform" / "gone.py").write_text("")
    module = tmp_path / "modules" / "demo"
    module.mkdir(parents=True)
    (module / "deployspec.yaml").write_text("deploy: {}\n")
    assert library_copies.differences(tmp_path) == [
        "modules/demo/mlops_platform/contract.py is missing",
        "modules/demo/mlops_platform/gone.py is missing",
    ]
    library_copies.write(tmp_path)
    assert library_copies.differences(tmp_path) == []

    copy = module / "mlops_platform" / "contract.py"
    copy.write_text(copy.read_text() + "EDITED = True\n")
    (tmp_path / "mlops_platform" / "gone.py").unlink()
    assert library_copies.differences(tmp_path) == [
        "modules/demo/mlops_platform/contract.py differs from its source mlops_platform/contract.py",
        "modules/demo/mlops_platform/gone.py has no source (mlops_platform/gone.py does not exist)",
    ]
    assert library_copies.write(tmp_path) == [
        "removed modules/demo/mlops_platform/gone.py",
        "wrote modules/demo/mlops_platform/contract.py",
    ]
    assert copy.read_text().endswith('"""The contract."""\n')


def test_the_check_every_install_runs_fails_naming_the_stale_copy_and_what_to_run(tmp_path: Path) -> None:
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "library_copies.py").write_bytes((ROOT / "tools" / "library_copies.py").read_bytes())
    (tmp_path / "mlops_platform").mkdir()
    (tmp_path / "mlops_platform" / "contract.py").write_text('"""The contract."""\n')
    (tmp_path / "modules" / "demo").mkdir(parents=True)
    (tmp_path / "modules" / "demo" / "deployspec.yaml").write_text("deploy: {}\n")
    check = [sys.executable, str(tmp_path / "tools" / "library_copies.py"), "--check"]
    ran = subprocess.run(check, capture_output=True, text=True, check=False)
    assert ran.returncode == 1
    assert "edit that one and run `make library`" in ran.stderr
    assert "  modules/demo/mlops_platform/contract.py is missing" in ran.stderr.splitlines()
    subprocess.run([*check[:2]], capture_output=True, check=True)
    assert subprocess.run(check, capture_output=True, check=False).returncode == 0


def test_a_module_run_as_seedfarmer_runs_it_imports_its_own_copy() -> None:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    for module in MODULE_DIRS:
        ran = subprocess.run(
            [sys.executable, "-c", "import mlops_platform.contract as c; print(c.__file__)"],
            cwd=module,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert Path(ran.stdout.strip()) == module / "mlops_platform" / "contract.py"
