"""The Node.js process behind the CDK's Python bindings, started with two V8 flags that halve a synthesis's CPU.

Every `python app.py` starts a Node.js process (jsii) that runs aws-cdk-lib. With validation on, the CDK
checks each template with a WebAssembly build of the CloudFormation validator (8.9 MB), compiled again in
every process. V8 compiles it with its baseline compiler (Liftoff), then once more with its optimizing
compiler in background threads, and collects garbage on helper threads; in a process that lives for a
few seconds, both cost more CPU than they save. `--liftoff-only` and `--single-threaded-gc` turn them off:
a networking synthesis took 8.6 CPU-seconds and 5.7 s before, 4.2 and 4.1 s after (docs/benchmarks.md has
the current figures). The flags change how V8 compiles and collects, not what the code computes: the
templates are the same bytes.

jsii starts `$JSII_NODE` (default `node`) with its own arguments; rehearsal/jsii-node adds the flags. The
rehearsal's module syntheses, the test suite and the end-to-end run's builds (e2e/codebuild.py) use it; a
real deploy (the deployspecs in CodeBuild) runs the CDK as it is. A JSII_NODE the user set is kept, and a
Node.js that does not know the flags (it refuses to start) is used without them.
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

WRAPPER = Path(__file__).with_name("jsii-node")


@functools.cache
def _wrapper_starts() -> bool:
    try:
        return subprocess.run([str(WRAPPER), "-e", ""], capture_output=True, check=False, timeout=60).returncode == 0
    except OSError:  # no Node.js on PATH: jsii will say so itself
        return False


def environment() -> dict[str, str]:
    """JSII_NODE for a process's environment: the user's own, else the wrapper, else nothing (the module's text)."""
    chosen = os.environ.get("JSII_NODE")
    if chosen:
        return {"JSII_NODE": chosen}
    return {"JSII_NODE": str(WRAPPER)} if _wrapper_starts() else {}
