"""`python -m e2e.seedfarmer_cli ARGS`: Seed-Farmer's own CLI, without its waits for AWS's eventual consistency.

seedfarmer.commands._stack_commands sleeps 12 s after attaching policies to a role, on every apply and
for every module, so that AWS IAM has propagated them; the emulator's IAM is consistent at once. Its
other sleep (30 s while the project policy stack is in progress) cannot happen there either, as the
emulator completes a stack before answering. Nothing else is changed: the same code runs every command.
"""

from __future__ import annotations

import sys
import time
from typing import Any


class _Consistent:
    """`time` as that module sees it: every attribute of the real one, but `sleep` returns at once."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        del seconds


def main() -> None:
    from seedfarmer.__main__ import main as seedfarmer
    from seedfarmer.commands import _stack_commands

    _stack_commands.time = _Consistent()
    sys.argv[0] = "seedfarmer"
    seedfarmer()


if __name__ == "__main__":
    main()
