"""A class at once on the loopback hub: 20 students, a hub restart, a server killed.

Every student is a hub user with a server of their own. All pull the course with
nbgitpuller, all run 01 at the same time (half answer every task right, half make a known
mistake in the first). Then the hub restarts, as in production with the proxy left running:
every server, and a kernel left open, is still there and answers through the proxy, and
every student saves more work (a note in their notebook). One student's server is killed;
the hub sees it stop, it starts again, and their last saved notebook is there. Then all
submit at the same moment, and the instructor collects and grades them all: none is lost,
every grade is right, and the work saved after the restart is in every submission.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import nbformat
import pytest

import classroom  # tools/classroom.py
from grading import jupyter_path, require_grading_kernel
from hub import INSTRUCTOR, PROXY, Hub, at_once, run_cells, running_hub, server_pid

ROOT = Path(__file__).resolve().parent.parent
STUDENTS = [f"student{k:02d}" for k in range(1, 21)]
ASSIGNMENT = "01_single_channel"
BRANCH = "class"
NOTE = "Saved after the hub restarted."
TASKS = [task for _, task in classroom.tasks(ASSIGNMENT, classroom._read(ASSIGNMENT),
                                              classroom.load_spec())]
TOTAL = sum(task.points for task in TASKS)
MISTAKE = "def one_by_one(image, w, b):\n    return w * image"


def _answers(student: str) -> dict[str, str]:
    right = classroom.solutions(ASSIGNMENT)
    wrong = STUDENTS.index(student) % 2 == 1
    return {**right, TASKS[0].check: MISTAKE} if wrong else right


def _expected_score(student: str) -> float:
    return TOTAL - TASKS[0].points if STUDENTS.index(student) % 2 else TOTAL


def _notebook_path() -> str:
    return f"{classroom.PULLED_FOLDER}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"


def _run_01(hub: Hub, student: str, token: str) -> list[list[dict]]:
    cells = [c.source for c in nbformat.read(hub.home(student) / _notebook_path(), 4).cells
             if c.cell_type == "code"]
    return run_cells(hub.server(student), token, _notebook_path(), cells)


def _save_note(hub: Hub, student: str, token: str) -> None:
    """The student saves more work, through their server's contents API (as JupyterLab
    saves), through the proxy."""
    url = f"{hub.server(student)}/api/contents/{_notebook_path()}"
    model = json.loads(hub.request("GET", url, token))
    model["content"]["cells"].append(nbformat.v4.new_markdown_cell(NOTE))
    hub.request("PUT", url, token, {"type": "notebook", "format": "json",
                                    "content": model["content"]})


def _wait(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.5)


@pytest.mark.slow
def test_a_class_of_20_at_once_survives_a_hub_restart_and_a_killed_server(tmp_path):
    if not PROXY.exists():
        pytest.fail(f"{PROXY} is missing: `python3 tools/course.py test` installs it")
    require_grading_kernel()  # the instructor grades in the grading kernel
    clone = tmp_path / "onebyone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    build = classroom.build(tmp_path / "build", [ASSIGNMENT])
    classroom.publish(build / "release", BRANCH, clone)
    link = classroom.nbgitpuller_link("http://hub.invalid", f"file://{clone}", BRANCH,
                                      notebook=ASSIGNMENT)

    with running_hub(tmp_path / "hub", STUDENTS, restarts=True) as hub:
        course = classroom.build(hub.home(INSTRUCTOR) / "course", [ASSIGNMENT])
        instructor = hub.start_server(INSTRUCTOR)
        formgrader = f"{hub.server(INSTRUCTOR)}/formgrader/api"
        hub.request("POST", f"{formgrader}/assignment/{ASSIGNMENT}/release", instructor, b"")
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            tokens = dict(zip(STUDENTS, pool.map(hub.start_server, STUDENTS), strict=True))

        # all pull, then all run 01 at the same time
        at_once(lambda s: hub.pull(s, tokens[s], link), STUDENTS)
        for student in STUDENTS:
            classroom.fill_in(hub.home(student) / _notebook_path(), _answers(student))
        ran = dict(zip(STUDENTS, at_once(lambda s: _run_01(hub, s, tokens[s]), STUDENTS),
                       strict=True))
        for student, outputs in ran.items():
            errors = [o["ename"] for cell in outputs for o in cell if o["type"] == "error"]
            assert errors == ([] if _expected_score(student) == TOTAL else ["AssertionError"]), \
                (student, errors)

        # a kernel left open; then the hub restarts, the proxy and the servers go on
        first = STUDENTS[0]
        run_cells(hub.server(first), tokens[first], _notebook_path(), ["kept = 1"],
                  shut_down=False)
        def kernel_ids() -> set[str]:
            return {kernel["id"] for kernel in json.loads(hub.request(
                "GET", f"{hub.server(first)}/api/kernels", tokens[first]))}

        kernels = kernel_ids()
        assert kernels
        # a kernel on the hub's settings: unix sockets, no port to lose in the class's race
        # (tests/test_kernel_sockets.py)
        runtime = hub.home(first) / ".local" / "share" / "jupyter" / "runtime"
        assert {json.loads((runtime / f"kernel-{kernel}.json").read_text())["transport"]
                for kernel in kernels} == {"ipc"}
        hub.restart()
        assert all(hub.api("GET", f"/users/{s}")["servers"][""]["ready"] for s in STUDENTS)
        assert kernel_ids() == kernels
        at_once(lambda s: _save_note(hub, s, tokens[s]), STUDENTS)

        # a server killed mid-work: its user's saved notebook outlives it
        killed = STUDENTS[4]
        pid = server_pid(killed)
        os.kill(pid, signal.SIGKILL)
        # what a killed server cannot remove: its kernels' socket folder (empty, as its
        # kernels were shut down)
        for folder in Path(tempfile.gettempdir()).glob(f"jupyter-kernels-{pid}-*"):
            folder.rmdir()
        _wait(lambda: not hub.api("GET", f"/users/{killed}")["servers"],
              f"the hub sees {killed}'s server stop")
        tokens[killed] = hub.start_server(killed)
        saved = json.loads(hub.request(  # as their server, started again, opens it
            "GET", f"{hub.server(killed)}/api/contents/{_notebook_path()}", tokens[killed]))
        assert saved["content"]["cells"][-1]["source"] == NOTE

        # all submit at the same moment; the instructor collects and grades them all
        form = urllib.parse.urlencode({"assignment_id": ASSIGNMENT,
                                       "course_id": classroom.COURSE_ID}).encode()
        answers = at_once(lambda s: json.loads(hub.request(
            "POST", f"{hub.server(s)}/assignments/submit", tokens[s], form)), STUDENTS)
        assert not [a for a in answers if isinstance(a, dict) and not a.get("success", True)]
        inbound = hub.exchange / classroom.COURSE_ID / "inbound"
        assert {p.name.split("+")[0] for p in inbound.iterdir()} == set(STUDENTS)
        collected = json.loads(hub.request(
            "POST", f"{formgrader}/assignment/{ASSIGNMENT}/collect", instructor, b""))
        assert collected["success"], collected
        outcomes = classroom.grade(course, ASSIGNMENT, env={
            "NBGRADER_EXCHANGE": str(hub.exchange),
            "JUPYTER_PATH": jupyter_path(tmp_path / "grading")})
        assert {o.student: o.score for o in outcomes} == {
            s: _expected_score(s) for s in STUDENTS}, [o.line() for o in outcomes]
        for student in STUDENTS:
            submitted = course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            assert nbformat.read(submitted, 4).cells[-1].source == NOTE, student
