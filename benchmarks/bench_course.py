"""Sections 4 and 5: executing the course (and 09's training cell), and importing the package."""

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
TRAINING_NOTEBOOK, TRAINING_TARGET_S = "09_training_nin.ipynb", 15.0
TRAINING_BLOCKS, TRAINING_EPOCHS = [[16, 16, 16], [16, 16, 10]], 30

IMPORT_TIMES = """
import time
start = time.perf_counter()
import numpy, matplotlib
middle = time.perf_counter()
import onebyone
print(middle - start, time.perf_counter() - middle)
"""


def execute_seconds(nb: nbformat.NotebookNode, folder: Path = NOTEBOOKS) -> float:
    """Wall time to execute ``nb`` in a fresh kernel started in ``folder``."""
    start = time.perf_counter()
    NotebookClient(copy.deepcopy(nb), timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - start


def course_rows(quick: bool) -> list[Row]:
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if quick:
        paths = paths[:1]
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    empty.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}}
    seconds = {p.name: execute_seconds(nbformat.read(p, as_version=4)) for p in paths}
    start_up = statistics.median(execute_seconds(empty) for _ in range(3))
    # the lessons, and the notebook that trains networks, held to different targets
    lessons = [t - start_up for name, t in seconds.items() if name != TRAINING_NOTEBOOK]
    course = sum(seconds.values())
    # the largest resident set of any finished child: the biggest kernel
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows = [
        Row("4 course", f"execute all {len(paths)} notebooks (fresh kernel each)", course, "s",
            f"≤ {COURSE_TARGET_S:.0f}", verdict(quick, course <= COURSE_TARGET_S)),
        Row("4 course", "kernel start-up (an empty notebook)", start_up, "s"),
        Row("4 course", "content time per lesson beyond start-up, mean (without 09)",
            statistics.mean(lessons), "s", f"≤ {PER_NOTEBOOK_TARGET_S:.0f}",
            verdict(quick, statistics.mean(lessons) <= PER_NOTEBOOK_TARGET_S)),
    ]
    if TRAINING_NOTEBOOK in seconds:
        rows.append(Row("4 course", "09 beyond start-up (trains one network; reads its "
                                    "ablation's shipped results)",
                        seconds[TRAINING_NOTEBOOK] - start_up, "s"))
    return [*rows, *training_rows(quick), Row("4 course", "peak memory of a kernel", peak_mb, "MB")]


def training_rows(quick: bool) -> list[Row]:
    """09's training cell: the NIN on the handwritten digits, as the notebook trains it."""
    from onebyone import data, nin

    digits = data.digits()
    epochs = 1 if quick else TRAINING_EPOCHS
    net = nin.digit_net(TRAINING_BLOCKS, seed=0)
    start = time.perf_counter()
    nin.train(net, *digits.train, digits.validation, epochs=epochs, learning_rate=0.01, seed=0)
    seconds = time.perf_counter() - start
    accuracy = 100 * nin.accuracy(net, *digits.test)
    what = f"NIN {TRAINING_BLOCKS}, {net.n_params:,} parameters, {epochs} epochs"
    return [
        Row("4 course", f"09 training cell: {what}, 1,077 digits", seconds, "s",
            f"≤ {TRAINING_TARGET_S:.0f}", verdict(quick, seconds <= TRAINING_TARGET_S)),
        Row("4 course", "09 test accuracy of that NIN (450 digits, seed 0)", accuracy, "%"),
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
