"""The benchmarks run (quick mode): they are measured by hand, never timed in tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from onebyone import widgets

_SPEC = importlib.util.spec_from_file_location(
    "benchmarks_run", Path(__file__).resolve().parent.parent / "benchmarks" / "run.py")
benchmarks = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(benchmarks)


def test_quick_run_measures_every_explorer(capsys):
    rows = benchmarks.main(["--quick"])
    explorers = [n for n in dir(widgets) if n.endswith("_explorer")]
    assert len(rows) == len(explorers) >= 2
    assert all(ms > 0 for _, ms, _ in rows)
    printed = capsys.readouterr().out
    for explorer in explorers:
        assert explorer in printed
