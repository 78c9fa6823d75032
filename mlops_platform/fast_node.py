"""The Node.js behind the CDK's Python bindings, started with two V8 flags that halve a synthesis's CPU.

Every synthesis starts a Node.js process (jsii) that runs aws-cdk-lib. With validation on, the CDK checks each
template with a WebAssembly build of the CloudFormation validator (8.9 MB), compiled again in every process.
V8 compiles it with its baseline compiler (Liftoff), then once more with its optimizing compiler in background
threads, and collects garbage on helper threads; in a process that lives for a few seconds, both cost more CPU
than they save. `--liftoff-only` and `--single-threaded-gc` turn them off: a networking synthesis took 8.6
CPU-seconds and 5.7 s before, 4.2 and 4.1 s after (docs/benchmarks.md has the current figures). The flags change
how V8 compiles and collects, not what the code computes: the templates are the same bytes.

jsii starts `$JSII_NODE` (default `node`) with its own arguments, and Node.js refuses these flags in
NODE_OPTIONS, so `environment()` points JSII_NODE at a two-line shell script that adds them, written once into
the user's cache folder. A JSII_NODE the user set is kept; a Node.js that refuses the flags (it does not start
with them) is used as it is. `python -m mlops_platform.run_app` (each module's deployspec) runs app.py with it;
the rehearsal, the tests and `make bench` use it too.
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

FLAGS = ("--liftoff-only", "--single-threaded-gc")
SCRIPT = (
    f'#!/bin/sh\n# Node.js for jsii with V8 flags (mlops_platform/fast_node.py).\nexec node {" ".join(FLAGS)} "$@"\n'
)


def cache_folder(environ: Mapping[str, str]) -> Path:
    """Where the script lives: the user's cache folder ($XDG_CACHE_HOME, else ~/.cache)."""
    base = environ.get("XDG_CACHE_HOME") or os.path.join(environ.get("HOME") or str(Path.home()), ".cache")
    return Path(base) / "mlops-platform"


def wrapper(folder: Path) -> Path | None:
    """The script in `folder`, written (atomically) unless it is there already; None when it cannot be."""
    path = folder / "jsii-node"
    try:
        if not (path.is_file() and path.read_text() == SCRIPT and os.access(path, os.X_OK)):
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, prefix=".jsii-node-") as written:
                written.write(SCRIPT)
            os.chmod(written.name, 0o755)  # noqa: S103 (a script anyone may run, as node itself)
            os.replace(written.name, path)
    except OSError:
        return None
    return path


@functools.cache
def starts(path: Path, path_variable: str) -> bool:
    """Whether the script starts Node.js (found on `path_variable`) with the flags."""
    try:
        started = subprocess.run(
            [str(path), "-e", ""],
            capture_output=True,
            check=False,
            timeout=60,
            env={**os.environ, "PATH": path_variable},
        )
    except (OSError, subprocess.SubprocessError):  # no Node.js on PATH: jsii will say so itself
        return False
    return started.returncode == 0


def environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """JSII_NODE for a process's environment: the user's own, else the script, else nothing (plain `node`)."""
    environ = os.environ if environ is None else environ
    chosen = environ.get("JSII_NODE")
    if chosen:
        return {"JSII_NODE": chosen}
    path = wrapper(cache_folder(environ))
    if path is None or not starts(path, environ.get("PATH", "")):
        return {}
    return {"JSII_NODE": str(path)}
