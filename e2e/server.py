"""The emulator for `make e2e`: moto's server, with the emulator fixes, in a process of ours on a free loopback port.

`python -m e2e.server URL_FILE` starts it, writes its URL to URL_FILE and serves until SIGTERM;
`emulator(scratch, account)` runs that process for the length of a `with` block.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 120


class EmulatorFailed(Exception):
    """The emulator did not start; the message holds the tail of its log."""


def serve(url_file: Path) -> None:
    """Serve until SIGTERM or SIGINT, with moto's fixes applied, Lambda functions recorded but not run."""
    # Requests are not logged; an error inside the emulator is, with its traceback, in .e2e/logs/emulator.log.
    logging.basicConfig(level=logging.ERROR, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    from moto.core.config import default_user_config
    from moto.server import ThreadedMotoServer

    from rehearsal import moto_fixes

    moto_fixes.apply()
    default_user_config["lambda"]["use_docker"] = False  # no container runtime: functions are not run
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    if os.environ.get("E2E_SCRATCH"):  # the emulator of `make e2e`: CodeBuild's builds run on this machine
        from e2e import codebuild_service

        codebuild_service.install(Path(os.environ["E2E_SCRATCH"]), f"http://{host}:{port}")
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    partial = url_file.with_suffix(".partial")
    partial.write_text(f"http://{host}:{port}\n")
    partial.replace(url_file)  # whoever waits for the file reads a whole URL
    stopped.wait()
    server.stop()


@contextlib.contextmanager
def emulator(scratch: Path) -> Iterator[str]:
    """Start the emulator process, yield its URL, and always stop it. It answers each request in the account of
    its credentials: no MOTO_ACCOUNT_ID pins one (e2e/world.py)."""
    url_file = scratch / "emulator.url"
    url_file.unlink(missing_ok=True)
    log = scratch / "logs" / "emulator.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    environment = {key: value for key, value in os.environ.items() if key != "MOTO_ACCOUNT_ID"}
    environment |= {"PYTHONPATH": str(ROOT), "E2E_SCRATCH": str(scratch)}
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "e2e.server", str(url_file)], env=environment, stdout=output, stderr=output
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not url_file.is_file():
            if process.poll() is not None or time.monotonic() > deadline:
                raise EmulatorFailed(f"the emulator did not start; its log ({log}):\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        yield url_file.read_text().strip()
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
