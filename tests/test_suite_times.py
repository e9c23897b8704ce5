"""The report of a run's time by tier (the root conftest.py's ``SuiteTimes``), from
which the README's table of the suite's time is copied."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # a pytest of its own, and a kernel
def test_a_run_reports_its_time_by_tier():
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                             "-p", "no:xdist", "tests/test_cost_data.py",
                             "notebooks/00_index.ipynb"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    output = result.stdout
    assert result.returncode == 0, output[-3000:]
    passed = int(re.search(r"(\d+) passed", output)[1])
    report = output.split("test time by tier, summed over the workers")[1]
    tiers = {name: int(count) for count, name in
             re.findall(r"^ *\d+ s +(\d+) tests?  +(.+)$", report, re.M)}
    cells = tiers.pop("notebooks: strict nbval")
    assert tiers == {"unit, property-based and widget tests": passed - cells}
    assert cells > 1
    assert re.search(r"^ *\d+ s  in all$", report, re.M)
