"""The class tests' helpers: the grading kernel's spec in a folder of their own, what it
needs, and nbgrader run as a student.

tools/grading_kernel.py starts each student's notebook as a user id of its own, in new
namespaces, which only root may do, running a Python that user can read; without these
the tests that grade skip, except where ONEBYONE_REQUIRE_HUB is set (.ci/run), where they
fail.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

import classroom  # tools/classroom.py
import grading_kernel  # tools/grading_kernel.py


def _namespaces_refused() -> bool:
    """Whether this machine refuses new network and PID namespaces (a container without
    the capability)."""
    done = subprocess.run(["unshare", "--net", "--pid", "--fork", "true"], capture_output=True)
    return done.returncode != 0


def require_grading_kernel() -> None:
    """What the grading kernel needs: root, new namespaces, and a Python that other users
    can run (the kernel's user is another)."""
    unreadable = grading_kernel.unreadable_by_others()
    reason = ("the grading kernel starts students' code as a user of its own: it needs root"
              if os.geteuid() != 0 else
              "this machine refuses new network and PID namespaces (a container needs "
              "--cap-add SYS_ADMIN)" if _namespaces_refused() else
              f"other users cannot read {unreadable}, on the way to the course's Python "
              f"(.ci/run opens it)" if unreadable else "")
    if reason:
        if os.environ.get("ONEBYONE_REQUIRE_HUB"):
            pytest.fail(f"{reason}, and ONEBYONE_REQUIRE_HUB is set")
        pytest.skip(reason)


def jupyter_path(folder: Path, sudo: bool = False) -> str:
    """A JUPYTER_PATH entry under ``folder`` holding the grading kernel's spec (started
    through sudo, with ``sudo``)."""
    grading_kernel.install(folder / "kernels", sudo=sudo)
    return str(folder)


def as_student(name: str, home: Path, exchange: Path, *args: str) -> str:
    """Run ``nbgrader ARGS`` as the student ``name``: their HOME, user and student id."""
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HOME": str(home), "USER": name, "LOGNAME": name}
    command = [str(Path(sys.executable).with_name("nbgrader")), *args,
               "--course", classroom.COURSE_ID, f"--Exchange.root={exchange}",
               f"--CourseDirectory.student_id={name}"]
    done = subprocess.run(command, cwd=home, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(args)} as {name}:\n{done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def exported_scores(course: Path, to: Path, env: dict) -> dict[str, float]:
    """``nbgrader export`` of the course directory ``course`` into ``to`` (CSV): each
    student's score (its only assignment's)."""
    classroom.nbgrader(course, "export", f"--to={to}", env=env)
    with open(to, newline="") as grades:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(grades)}
