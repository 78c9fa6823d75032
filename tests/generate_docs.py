"""`python -m tests.generate_docs` (`make docs`): every document generated from the parameter matrix.

The matrix is synthesized once, as the tests synthesize it; docs/security.md and docs/seedfarmer-iam.md
(with its execution policies) are rewritten from it, and docs/updates.md from tests/updates.py's
one-parameter updates, synthesized beside it. Tests compare each file with what the code gives.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests import iam_doc, security_doc, updates, updates_doc
from tests.matrix import MODULES, VALID, synthesize_in_one_process
from tests.repository import ROOT


def synthesize_matrix(folder: Path) -> dict[str, Any]:
    """Every valid set synthesized under `folder`, one process per module, side by side."""
    runs = []
    for module in MODULES:
        outroot = folder / module.name
        outroot.mkdir()
        cases = {name: parameters for name, (path, parameters) in VALID.items() if path == module}
        runs.append((outroot, synthesize_in_one_process(module, cases, outroot)))
    results: dict[str, Any] = {}
    for outroot, process in runs:
        output, _ = process.communicate()
        if process.returncode != 0:
            sys.exit(output[-3000:])
        results.update(json.loads((outroot / "results.json").read_text()))
    return results


def main() -> None:
    # The modules' packages, importable as pytest's pythonpath makes them (after the library's source).
    sys.path.extend(str(module) for module in MODULES if str(module) not in sys.path)
    with tempfile.TemporaryDirectory() as folder:
        updating = updates.start(Path(folder))
        results = synthesize_matrix(Path(folder))
        updates_doc.DOCUMENT.write_text(updates_doc.render(updates.finish(updating)))
        security_doc.DOCUMENT.parent.mkdir(exist_ok=True)
        security_doc.DOCUMENT.write_text(security_doc.render(security_doc.collect(results), results))
        iam_doc.write(results)
    for written in (security_doc.DOCUMENT, iam_doc.DOCUMENT, iam_doc.POLICIES, updates_doc.DOCUMENT):
        print(f"wrote {written.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
