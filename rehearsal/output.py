"""The output folder of a deployment's rehearsal, replaced whole or not at all.

A rehearsal writes into a staging folder next to the final one. Only a rehearsal that finished with
nothing refused replaces the previous output (and with it the state the next rehearsal plans against);
one that failed or was refused is kept as `<deployment>.failed/` to read, with `failure.txt` saying why,
where no rehearsal ever looks for state.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path


def failed_folder(folder: Path) -> Path:
    return folder.with_name(folder.name + ".failed")


@contextlib.contextmanager
def staged(folder: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success it becomes `folder`, on failure `<folder>.failed`."""
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        yield staging
    except BaseException as error:
        (staging / "failure.txt").write_text(f"{str(error) or type(error).__name__}\n")
        failed = failed_folder(folder)
        shutil.rmtree(failed, ignore_errors=True)
        staging.rename(failed)
        raise
    previous = folder.with_name(folder.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if folder.exists():
        folder.rename(previous)
    staging.rename(folder)
    shutil.rmtree(previous, ignore_errors=True)
    shutil.rmtree(failed_folder(folder), ignore_errors=True)
