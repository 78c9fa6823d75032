"""Settings every test process shares; each module's package is importable through pyproject's `pythonpath`."""

from __future__ import annotations

import os
from typing import Any

import pytest

from mlops_platform import fast_node

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# Every synthesis of the run (in the test processes, the matrix's and the rehearsal's) starts Node.js with two V8
# flags that halve its CPU and leave its templates as they are (mlops_platform/fast_node.py).
os.environ.update(fast_node.environment())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Stop when `--dist loadgroup` would not group: pytest-xdist marks a grouped test by appending
    `@<group>` to its node id, and a pytest that keeps node ids elsewhere drops the mark silently. The
    suite would still pass, but every expensive session fixture (the matrix, the rehearsal) would then
    be built once on each worker, doubling its time on two cores."""
    if not config.getoption("loadgroup", default=False):
        return
    ungrouped = [item.nodeid for item in items if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if ungrouped:
        raise pytest.UsageError(
            f"pytest-xdist's --dist loadgroup did not group {len(ungrouped)} tests (first: {ungrouped[0]}): "
            "this pytest is not one pytest-xdist supports; see the pin in requirements-dev.txt"
        )


E2E_GROUP = "e2e"  # tests/test_e2e.py's xdist_group: one `python -m e2e`, minutes long


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup`, except that the end-to-end group starts first, on its own worker: its few tests
    share one run of several minutes, and xdist would otherwise queue the groups by their number of tests,
    so that run would start last and the suite would wait for it alone. None (xdist's own) otherwise."""
    if config.getoption("dist", default="no") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling  # type: ignore[import-untyped]

    class EndToEndFirst(LoadGroupScheduling):  # type: ignore[misc]
        def _assign_work_unit(self, node: Any) -> None:
            if E2E_GROUP in self.workqueue:
                self.workqueue.move_to_end(E2E_GROUP, last=False)
            super()._assign_work_unit(node)

    return EndToEndFirst(config, log)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than the machine has cores. The end-to-end worker mostly waits (on its builds,
    on Seed-Farmer and the CDK polling the emulator), and a core it leaves idle is taken by another worker: on
    two cores, three workers ran the suite about 15 s sooner from a fresh clone (6 min 43 s against 6 min 58 s)."""
    return (os.cpu_count() or 1) + 1
