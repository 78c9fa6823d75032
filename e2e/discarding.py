"""What finished builds of the CodeBuild stand-in (e2e/codebuild.py) leave to delete: their HOMEs and image Pythons,
tens of thousands of small files each, moved aside to the scratch folder's discarded/ and deleted in the background
while Seed-Farmer carries on, rather than while it waits for a build to return."""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

DISCARDED = "discarded"  # the scratch folder where finished builds' HOME and image Python wait to be deleted


def discard(scratch: Path) -> None:
    """Delete what finished builds left in the scratch folder's discarded/ (their HOMEs and image Pythons)."""
    shutil.rmtree(scratch / DISCARDED, ignore_errors=True)


@contextlib.contextmanager
def discarding(scratch: Path, every: float = 1.0) -> Iterator[None]:
    """For the length of a `with` block, delete what finished builds discard, in a thread, as they discard it
    (tens of thousands of small files per build); the rest is deleted when the block ends."""
    stopped = threading.Event()

    def delete() -> None:
        while not stopped.wait(every):
            folder = scratch / DISCARDED
            for discarded in sorted(folder.iterdir()) if folder.is_dir() else []:
                shutil.rmtree(discarded, ignore_errors=True)

    thread = threading.Thread(target=delete, name="discarding", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopped.set()
        thread.join()
        discard(scratch)
