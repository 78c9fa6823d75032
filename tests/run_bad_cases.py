"""Run many bad parameter sets of one module in one process: `python run_bad_cases.py OUTROOT`.

Run from the module's folder, as Seed-Farmer runs `python app.py`. For each case of OUTROOT/cases.json
(case -> the environment Seed-Farmer would give the module) it calls the module's own `app.main()`, the
function `python app.py` runs, and records what the interpreter would have done with its outcome: a
`SystemExit` with a message is exit status 1 and that message on stderr; any other exception is a
traceback. OUTROOT/results.json holds, per case, the exit status and stderr. One interpreter and one
import of the module serve every case (a process per case costs about half a second of CPU each); each
module's own tests still run `python app.py` once as a subprocess with a bad parameter.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path


def outcome(run: Callable[[], object]) -> tuple[int, str]:
    """The exit status and stderr of `python app.py` whose `__main__` block calls `run()`."""
    stderr = io.StringIO()
    status = 0
    with contextlib.redirect_stderr(stderr):
        try:
            run()
        except SystemExit as ended:
            if isinstance(ended.code, str):
                print(ended.code, file=sys.stderr)
                status = 1
            else:
                status = ended.code or 0
        except BaseException:
            traceback.print_exc()
            status = 1
    return status, stderr.getvalue()


def main(outroot: Path) -> None:
    sys.path.insert(0, os.getcwd())
    app = importlib.import_module("app")  # the module's own app.py, from the working folder
    cases: dict[str, dict[str, str]] = json.loads((outroot / "cases.json").read_text())
    results = {}
    for name, environment in cases.items():
        os.environ.clear()
        os.environ.update(environment)
        status, stderr = outcome(app.main)
        results[name] = {"returncode": status, "stderr": stderr}
    (outroot / "results.json").write_text(json.dumps(results))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
