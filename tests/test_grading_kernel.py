"""Students' answers are untrusted code: the grading kernel (tools/grading_kernel.py)
contains them.

One class, autograded in one pass by nbgrader in a course directory that tools/classroom.py
built: an honest student, and a student for each attack, whose answer to the first task of
01 tries it, then gives the right answer. Each attack is first shown to work where students'
code runs with the grader's rights (the kernel python3, as before the grading kernel): it
reads the hidden tests, writes the gradebook, opens a connection, allocates 10 GiB, forks
200 processes, and the attacker still gets full marks. In the grading kernel each fails:
the attacker gets 0 for that task and feedback that names the error, the other tasks keep
their points, and the honest student's grade is the same. An answer that loops forever is
interrupted by the time limit per cell, and a process an answer leaves running ends with
its kernel. Files an answer writes where every user may (/tmp, /var/tmp, /dev/shm) stay
with the grader's rights; in the grading kernel they end with it.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import nbformat
import pytest

import classroom  # tools/classroom.py
import grading_kernel  # tools/grading_kernel.py
from grading import exported_scores, jupyter_path, require_grading_kernel

NAME = "01_single_channel"
TASKS = [task for _, task in classroom.tasks(NAME, classroom._read(NAME), classroom.load_spec())]
FIRST = TASKS[0]
TOTAL = sum(task.points for task in TASKS)
TABLE = "written_by_a_student"
TIME_LIMIT = 30
"""Seconds per cell for the class here (the course's is 15 minutes)."""

ATTACKS = {
    "reads-hidden-tests": (
        # (the marker spelt in two parts: in one, it would end the answer's feedback)
        "print('BEGIN HIDDEN' + ' TESTS' in open({source!r}).read())", "PermissionError"),
    "writes-gradebook": (
        "import sqlite3\n"
        "with sqlite3.connect({gradebook!r}, timeout=60) as db:\n"
        f"    db.execute('CREATE TABLE {TABLE} (x)')", "OperationalError"),
    "opens-socket": (
        "import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=10).close()",
        "Network is unreachable"),
    "allocates-10-gib": (
        "import numpy as np\nmemory = np.empty(10 << 30, dtype=np.uint8)", "MemoryError"),
    "forks-repeatedly": (
        "import os, time\nchildren = []\nfor _ in range(200):\n"
        "    child = os.fork()\n    if child == 0:\n        time.sleep(2)\n        os._exit(0)\n"
        "    children.append(child)\nprint(len(children), 'children')",
        "BlockingIOError"),
}
LOOP = ("loops-forever", "while True:\n    pass", "KeyboardInterrupt")
LEFT_RUNNING_FOR = f"600.{secrets.randbelow(10**9):09d}"
"""Seconds (a number of this run's own, to find the process by) that the process an
answer leaves behind would run."""
LEFT_RUNNING = ("import subprocess\n"
                f"subprocess.Popen(['sleep', '{LEFT_RUNNING_FOR}'], start_new_session=True)")
LEFT_FILES = [Path(shared) / f"onebyone-left-{secrets.token_hex(8)}"
              for shared in ("/tmp", "/var/tmp", "/dev/shm")]
"""Files that an answer writes where every user may (names of this run's own), as a
student could to hand something on, or to fill the machine's disk or memory."""
LEAVES_FILES = (f"for path in {[str(path) for path in LEFT_FILES]!r}:\n"
                "    with open(path, 'w') as file:\n        file.write('left')")


class Listener:
    """A port on 127.0.0.1 that counts the connections it is offered."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            client.close()


@pytest.fixture
def home() -> Path:
    """A folder anyone may enter, like a home on many systems (pytest's own folders are
    its user's alone): only the course directory's own permissions protect it."""
    folder = Path(tempfile.mkdtemp(prefix="onebyone-home-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _grade_class(kernel: str, attacks: dict, home: Path,
                 tmp_path: Path) -> tuple[Path, dict, Listener]:
    """Build the course directory in ``home``, hand in one notebook per student,
    autograde them all at once; the directory, each student's score and the listener the
    socket attack aims at."""
    course = classroom.build(home / "course", [NAME], kernel=kernel)
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"c.Execute.timeout = {TIME_LIMIT}\n")
    listener = Listener()
    where = {"source": str(course / "source" / NAME / f"{NAME}.ipynb"),
             "gradebook": str(course / "gradebook.db"), "port": listener.port}
    right = classroom.solutions(NAME)
    answers = {"honest": right} | {
        student: {**right, FIRST.check: f"{code.format(**where)}\n{right[FIRST.check]}"}
        for student, (code, _) in attacks.items()}
    answers["leaves-files"] = {**right, FIRST.check: f"{LEAVES_FILES}\n{right[FIRST.check]}"}
    if kernel == classroom.GRADING_KERNEL:
        answers["leaves-a-process"] = {**right, FIRST.check: f"{LEFT_RUNNING}\n"
                                                             f"{right[FIRST.check]}"}
    for student, answer in answers.items():
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        notebook = folder / f"{NAME}.ipynb"
        notebook.write_bytes((course / "release" / NAME / f"{NAME}.ipynb").read_bytes())
        classroom.fill_in(notebook, answer)
    env = {"JUPYTER_PATH": jupyter_path(tmp_path / "jupyter")}
    classroom.nbgrader(course, "autograde", NAME, env=env)
    classroom.nbgrader(course, "generate_feedback", NAME, env=env)
    scores = exported_scores(course, tmp_path / "grades.csv", env)
    assert set(scores) == set(answers), "a student's grade is missing"
    return course, scores, listener


def _answer_output(course: Path, student: str) -> str:
    """What the student's first answer cell printed when graded, errors included."""
    graded = nbformat.read(course / "autograded" / student / NAME / f"{NAME}.ipynb", 4)
    (cell,) = [cell for cell in graded.cells
               if cell.metadata.get("nbgrader", {}).get("grade_id") == f"{FIRST.check}-answer"]
    return json.dumps(cell.outputs)


def _feedback(course: Path, student: str) -> str:
    page = course / "feedback" / student / NAME / f"{NAME}.html"
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def _tables(gradebook: Path) -> set[str]:
    with sqlite3.connect(gradebook) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master")}


def _left_running() -> list[int]:
    """The processes still running that an answer left behind (not the dead ones that
    their new parent has yet to reap)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            running = not re.search(r"^State:\s+[ZX]", status.read_text(), re.M)
            command = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue  # it ended meanwhile
        if running and LEFT_RUNNING_FOR.encode() in command:
            found.append(int(status.parent.name))
    return found


def test_without_root_the_grading_kernel_refuses_and_says_why(tmp_path):
    require_grading_kernel()  # to be somebody else
    done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           sys.executable, grading_kernel.__file__, "-f", "connection.json"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 1
    assert "needs root" in done.stderr and "sudo" in done.stderr, done.stderr


def _left_files() -> list[Path]:
    return [path for path in LEFT_FILES if path.exists()]


@pytest.fixture
def left_files_removed():
    yield
    for path in _left_files():
        path.unlink()


@pytest.mark.slow
def test_with_the_graders_rights_every_attack_works_and_goes_unnoticed(home, tmp_path,
                                                                       left_files_removed):
    """The attacks are real: where answers run as the grader, each does what it tries,
    and the attacker, who also answers right, gets full marks."""
    course, scores, listener = _grade_class("python3", ATTACKS, home, tmp_path)
    assert scores == dict.fromkeys(scores, TOTAL)
    assert _left_files() == LEFT_FILES
    assert "true" in _answer_output(course, "reads-hidden-tests").lower()
    assert TABLE in _tables(course / "gradebook.db")
    assert listener.connections >= 1
    assert "Error" not in _answer_output(course, "allocates-10-gib")
    assert "200 children" in _answer_output(course, "forks-repeatedly")


@pytest.mark.slow
def test_in_the_grading_kernel_each_attack_fails_and_costs_only_its_task(home, tmp_path,
                                                                         left_files_removed):
    require_grading_kernel()
    attacks = {**ATTACKS, LOOP[0]: LOOP[1:]}
    try:
        course, scores, listener = _grade_class(classroom.GRADING_KERNEL, attacks, home,
                                                tmp_path)
        assert not _left_running(), "a process a student started outlived grading"
    finally:
        for pid in _left_running():
            os.kill(pid, signal.SIGKILL)
    assert scores["honest"] == scores["leaves-a-process"] == scores["leaves-files"] == TOTAL
    assert not _left_files(), "a file a student wrote outlived grading"
    for student, (_, error) in attacks.items():
        assert scores[student] == TOTAL - FIRST.points, student
        assert error in _answer_output(course, student), student
        assert error in _feedback(course, student), student
    assert TABLE not in _tables(course / "gradebook.db")
    assert listener.connections == 0
