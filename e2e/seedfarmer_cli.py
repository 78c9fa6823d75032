"""`python -m e2e.seedfarmer_cli ARGS`: Seed-Farmer's own CLI, without its waits for AWS's eventual consistency.

seedfarmer.commands._stack_commands sleeps 12 s after attaching policies to a role, on every apply and
for every module, so that AWS IAM has propagated them; the emulator's IAM is consistent at once. Its
other sleep (30 s while the project policy stack is in progress) cannot happen there either, as the
emulator completes a stack before answering. It polls a build's status every second rather than every five
seconds. Nothing else is changed: the same code runs every command.
Every sleep skipped here, and every boto3 waiter's poll interval actually slept, is written to stderr
(`[e2e] ...`, in the step's log), so a run shows what waiting is left.
"""

from __future__ import annotations

import sys
import time
from typing import Any


class _Clock:
    """`time` as one module sees it: every attribute of the real one, `sleep` skipped or kept, and told."""

    def __init__(self, module: str, skip: bool) -> None:
        self.module = module
        self.skip = skip

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    def sleep(self, seconds: float) -> None:
        print(f"[e2e] {self.module}: {'skipped' if self.skip else 'slept'} {seconds:g} s", file=sys.stderr)
        if not self.skip:
            time.sleep(seconds)


# How often Seed-Farmer asks whether a build has ended: every 5 s in AWS, where a build takes minutes; here a
# second, where the emulator answers at once (a build's end is otherwise noticed up to 5 s late).
BUILD_POLL_SECONDS = 1.0


def main() -> None:
    import botocore.waiter
    from seedfarmer.__main__ import main as seedfarmer
    from seedfarmer.commands import _stack_commands
    from seedfarmer.services import _codebuild

    _stack_commands.time = _Clock(_stack_commands.__name__, skip=True)
    _codebuild._BUILD_WAIT_POLLING_DELAY = BUILD_POLL_SECONDS
    setattr(botocore.waiter, "time", _Clock("boto3 waiter", skip=False))  # noqa: B010 (botocore has no stubs for it)
    sys.argv[0] = "seedfarmer"
    seedfarmer()


if __name__ == "__main__":
    main()
