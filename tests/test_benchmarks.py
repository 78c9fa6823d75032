"""`make bench` says how loaded the machine was beside every figure it records."""

from __future__ import annotations

import sys

from benchmarks.__main__ import Timing, render, row, timed
from tests.repository import ROOT


def test_each_recorded_figure_carries_the_load_average_before_its_runs() -> None:
    figures = [row("networking `python app.py` (defaults)", Timing([4.0, 4.5, 5.0], (1.25, 0.5, 0.25)))]
    report = render(figures, {"networking": 1.1}, 0.01, 4.5, 18.0, 100.0, {"our module code": 1.0})
    assert "| what | median (s) | spread (s) | runs | load before (1 / 5 / 15 min) | note |" in report
    assert "| networking `python app.py` (defaults) | 4.50 | 1.00 | 3 | 1.25 / 0.50 / 0.25 |  |" in report


def test_timing_samples_the_machines_load_average() -> None:
    timing = timed([sys.executable, "-c", "pass"], ROOT, {}, 2)
    assert len(timing.seconds) == 2
    assert len(timing.load) == 3
    assert all(value >= 0 for value in timing.load)
