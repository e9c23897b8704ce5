"""Sections 4 and 5: executing the course, and importing the package."""

from __future__ import annotations

import copy
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from bench_common import Row, verdict

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PER_NOTEBOOK_TARGET_S, COURSE_TARGET_S, IMPORT_TARGET_S = 2.0, 60.0, 0.3

IMPORT_TIMES = """
import time
start = time.perf_counter()
import numpy, matplotlib
middle = time.perf_counter()
import onebyone
print(middle - start, time.perf_counter() - middle)
"""


def _execute_seconds(nb: nbformat.NotebookNode) -> float:
    """Wall time to execute ``nb`` in a fresh kernel started in notebooks/."""
    start = time.perf_counter()
    NotebookClient(copy.deepcopy(nb), timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return time.perf_counter() - start


def course_rows(quick: bool) -> list[Row]:
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if quick:
        paths = paths[:1]
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    empty.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}}
    course = sum(_execute_seconds(nbformat.read(p, as_version=4)) for p in paths)
    baseline = sum(_execute_seconds(empty) for _ in paths)
    beyond = (course - baseline) / len(paths)
    # the largest resident set of any finished child: the biggest kernel
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return [
        Row("4 course", f"execute all {len(paths)} notebooks (fresh kernel each)", course, "s",
            f"≤ {COURSE_TARGET_S:.0f}", verdict(quick, course <= COURSE_TARGET_S)),
        Row("4 course", "same number of empty notebooks (kernel start-up)", baseline, "s"),
        Row("4 course", "content time per notebook beyond start-up", beyond, "s",
            f"≤ {PER_NOTEBOOK_TARGET_S:.0f}", verdict(quick, beyond <= PER_NOTEBOOK_TARGET_S)),
        Row("4 course", "peak memory of a kernel", peak_mb, "MB"),
    ]


def import_rows(quick: bool) -> list[Row]:
    runs = [subprocess.run([sys.executable, "-c", IMPORT_TIMES], capture_output=True,
                           text=True, check=True).stdout.split()
            for _ in range(2 if quick else 9)]
    base = statistics.median(float(r[0]) for r in runs)
    extra = statistics.median(float(r[1]) for r in runs)
    return [Row("5 import", "import numpy + matplotlib", base, "s"),
            Row("5 import", "import onebyone, beyond numpy + matplotlib", extra, "s",
                f"≤ {IMPORT_TARGET_S}", verdict(quick, extra <= IMPORT_TARGET_S))]
