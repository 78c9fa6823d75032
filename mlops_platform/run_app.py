"""`python -m mlops_platform.run_app [APP]`: run a module's app.py as `python app.py` does, with fast_node's Node.js.

Each module's deployspec gives it to `cdk deploy` and `cdk destroy` as `--app`, so a real deployment synthesizes
with the V8 flags the rehearsal and the tests use (fast_node.py says why and when they are left out). Run from
the module's folder, as Seed-Farmer runs the deployspec: that folder is the first entry of the import path, as
it is for `python app.py`.
"""

from __future__ import annotations

import os
import runpy
import sys

from mlops_platform import fast_node


def main(argv: list[str]) -> None:
    app = argv[0] if argv else "app.py"
    os.environ.update(fast_node.environment())
    sys.argv = [app, *argv[1:]]
    runpy.run_path(app, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
