"""Section 7 (``--classroom``): autograding a class with nbgrader (tools/classroom.py).

Every simulated student submits the solutions of every assignment; nbgrader's
``autograde`` then grades them, as an instructor runs it: one command per assignment,
which grades its submissions one after another, each in the grading kernel
(tools/grading_kernel.py; as root, as on a hub through sudo). Beside it, the same
notebooks executed once each in a fresh kernel, and the same grading split over two
processes at a time.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat

from bench_common import Row, verdict
from bench_course import execute_seconds

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import classroom
import grading_kernel

STUDENTS = 4
OVERHEAD_TARGET = 1.5
"""Autograding a submission against executing its notebook: grading may add the start of
nbgrader and its gradebook's bookkeeping, not a second execution."""


def _submit(course: Path, names: list[str], students: list[str]) -> None:
    """Place each student's submission of each assignment (the solutions filled in) where
    ``nbgrader collect`` would."""
    for name in names:
        answered = course / "answered" / f"{name}.ipynb"
        if not answered.exists():
            answered.parent.mkdir(exist_ok=True)
            shutil.copy(course / "release" / name / f"{name}.ipynb", answered)
            classroom.fill_in(answered, classroom.solutions(name))
        for student in students:
            folder = course / "submitted" / student / name
            folder.mkdir(parents=True)
            shutil.copy(answered, folder / f"{name}.ipynb")
            (folder / "timestamp.txt").write_text("2026-12-01 12:00:00.000000 UTC")


def _grade(course: Path, names: list[str], pattern: str) -> None:
    for name in names:
        classroom.nbgrader(course, "autograde", name, f"--student={pattern}")


def _full_marks(course: Path, names: list[str], students: list[str]) -> bool:
    """Whether the gradebook gives every submission its full points."""
    classroom.nbgrader(course, "export", "--to=grades.csv")
    with open(course / "grades.csv", newline="") as grades:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(grades)}
    return all(float(rows[n, s]["score"]) == float(rows[n, s]["max_score"]) > 0
               for n in names for s in students)


@contextmanager
def grading_kernel_on_path(folder: Path) -> Iterator[None]:
    """The grading kernel's spec in ``folder``, on JUPYTER_PATH for nbgrader's runs."""
    grading_kernel.install(folder / "kernels")
    before = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            del os.environ["JUPYTER_PATH"]
        else:
            os.environ["JUPYTER_PATH"] = before


def classroom_rows(quick: bool) -> list[Row]:
    names = ["01_single_channel"] if quick else classroom.notebook_names()
    per_group = 1 if quick else STUDENTS // 2
    serial_students = [f"s{k}" for k in range(2 * per_group)]
    pair_students = [f"{g}{k}" for g in "ab" for k in range(per_group)]
    with tempfile.TemporaryDirectory() as tmp, grading_kernel_on_path(Path(tmp) / "jupyter"):
        course = classroom.build(Path(tmp) / "course", names)
        executing = sum(execute_seconds(nbformat.read(path, as_version=4), path.parent)
                        for path in (course / "source" / name / f"{name}.ipynb"
                                     for name in names))
        _submit(course, names, serial_students + pair_students)
        start = time.perf_counter()
        _grade(course, names, "s*")
        serial = time.perf_counter() - start
        start = time.perf_counter()
        processes = [subprocess.Popen([sys.executable, __file__, str(course), group, *names])
                     for group in ("a*", "b*")]
        finished = all(p.wait() == 0 for p in processes)
        parallel = time.perf_counter() - start
        complete = finished and _full_marks(course, names, serial_students + pair_students)
    submissions = len(serial_students) * len(names)
    overhead = serial / (len(serial_students) * executing)
    what = f"{len(serial_students)} students × {len(names)} assignments"
    return [
        Row("7 classroom", f"execute the {len(names)} assignments with their solutions "
                           "(fresh kernel each)", executing, "s"),
        Row("7 classroom", f"autograde {what}, one after another", serial, "s"),
        Row("7 classroom", "autograde, per submission", serial / submissions, "s"),
        Row("7 classroom", "overhead: autograding a submission / executing it", overhead, "×",
            f"≤ {OVERHEAD_TARGET}", verdict(quick, overhead <= OVERHEAD_TARGET)),
        Row("7 classroom", f"autograde {what} in two processes at a time, every grade "
                           "recorded" if complete else "in two processes: grades LOST",
            parallel, "s", "all grades", verdict(quick, complete)),
    ]


if __name__ == "__main__":  # one of the two grading processes
    _grade(Path(sys.argv[1]), sys.argv[3:], sys.argv[2])
