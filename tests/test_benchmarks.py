"""The benchmarks run (quick mode): they are measured by hand, never timed in tests."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

from onebyone import widgets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import run  # benchmarks/run.py, with its sibling modules on the path


@pytest.mark.slow
def test_quick_run_covers_every_section_and_every_explorer(capsys):
    rows = run.main(["--quick"])
    assert {row.section[0] for row in rows} == set("12345")
    redraws = [row for row in rows if row.section == "3 widgets"]
    assert [row.name.split()[1] for row in redraws] == list(widgets.explorers())
    assert all(math.isfinite(row.value) and row.ok is None for row in rows)  # no verdicts
    # ratios and times are positive; differences of times (the course beyond start-up)
    # may not be in quick mode, which runs one short notebook
    assert all(row.value > 0 for row in rows if row.section[0] in "123")
    printed = capsys.readouterr().out
    assert printed.startswith("Machine: ")
    assert printed.count("\n| ") == len(rows) + 2  # the header, the rule, then the rows


@pytest.mark.slow
def test_quick_classroom_run_grades_every_submission():
    rows = run.main(["--quick", "--classroom"])
    classroom = [row for row in rows if row.section == "7 classroom"]
    assert len(classroom) == 5 and all(row.value > 0 for row in classroom)
    assert "every grade recorded" in classroom[-1].name  # two processes lost no grade


@pytest.mark.slow
def test_quick_hub_run_measures_a_students_server_a_class_at_once_and_sizes_a_class(capsys):
    from grading import require_grading_kernel
    from test_hub import _require_proxy

    _require_proxy()
    require_grading_kernel()  # the class is graded in the grading kernel
    rows = run.main(["--quick", "--hub"])
    hub = [row for row in rows if row.section == "8 hub"]
    assert len(hub) == 4 and all(row.value > 0 for row in hub)
    one_at_a_time, _, _, all_kept = (row.value for row in hub)
    assert all_kept >= one_at_a_time * 0.9  # kernels left running hold their memory
    printed = capsys.readouterr().out
    assert "| 300 |" in printed
    together = [row for row in rows if row.section == "8 hub, a class at once"]
    assert len(together) == 8 and all(row.value > 0 for row in together)
    assert "to all graded" in together[-1].name  # none lost, every grade right
