"""Students cannot reach each other's work: a hub whose users are real unix accounts.

The Littlest JupyterHub starts each user's server as the user's own unix account, and
nbgrader's exchange protects submissions and feedback through the permissions between
accounts (a submission's folder has a random name in a folder nobody else may list). Here
the hub runs as root and starts every server as its user's account (tests/unix_users.py),
with the course's addition to the hub's configuration (every home private:
deploy/tljh/jupyterhub_config.d/onebyone.py); the instructor, who is not root, grades in
the grading kernel through sudo. Alice answers 01 right, Bob hands in the blank copy; then
Bob, in his own kernel, tries to reach Alice's work, the hidden tests and the gradebook by
every path he can know, and is refused, and fetching feedback gives him only his own.

Where every user's server runs as one unix account (Zero to JupyterHub's pods, all uid
1000, before each got a uid of its own: deploy/README.md), the same attempts read Alice's
submission and delete it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

import pytest

import classroom  # tools/classroom.py
import grading_kernel  # tools/grading_kernel.py
from grading import require_grading_kernel
from hub import INSTRUCTOR, PROXY, Hub, run_cells, running_hub
from unix_users import allow_sudo, unix_users

ASSIGNMENT = "01_single_channel"
TOTAL = sum(task.points for _, task in classroom.tasks(
    ASSIGNMENT, classroom._read(ASSIGNMENT), classroom.load_spec()))

PROBE = '''
import glob, json, os, shutil

def reach(pattern):
    """What can be found under a pattern, and read."""
    paths = glob.glob(pattern)
    if not paths:
        raise PermissionError("nothing found")
    return [open(path, "rb").read(20) for path in paths]

def delete(pattern):
    paths = glob.glob(pattern)
    if not paths:
        raise PermissionError("nothing found")
    for path in paths:
        shutil.rmtree(path)
    return paths

attempts = {{
    "list the exchange's submissions": lambda: os.listdir({inbound!r}),
    "read Alice's submission": lambda: reach({inbound!r} + "/{alice}+*/*.ipynb"),
    "list the exchange's feedback": lambda: os.listdir({feedback!r}),
    "list Alice's home": lambda: os.listdir({alice_home!r}),
    "read Alice's notebook": lambda: open({alice_notebook!r}).read(20),
    "read Alice's feedback": lambda: reach({alice_home!r} + "/onebyone/*/feedback/*/*.html"),
    "list the course directory": lambda: os.listdir({course!r}),
    "read the hidden tests": lambda: open({source!r}).read(20),
    "read the gradebook": lambda: open({gradebook!r}, "rb").read(20),
    "delete Alice's submission": lambda: delete({inbound!r} + "/{alice}+*"),
}}
outcome = {{}}
for name, attempt in attempts.items():
    try:
        outcome[name] = "done: " + str(attempt())[:80]
    except OSError as error:
        outcome[name] = "refused: " + type(error).__name__
print(json.dumps(outcome))
'''


def _require_proxy() -> None:
    if not PROXY.exists():
        pytest.fail(f"{PROXY} is missing: `python3 tools/course.py test` installs it")


def _post(hub: Hub, url: str, token: str, form: dict | None = None) -> dict:
    body = urllib.parse.urlencode(form).encode() if form else b""
    answer = json.loads(hub.request("POST", url, token, body) or b"{}")
    assert not (isinstance(answer, dict) and answer.get("success") is False), \
        answer.get("log", "") + answer.get("error", "")
    return answer


def _hand_in(hub: Hub, course: Path, student: str, token: str, answered: bool) -> Path:
    """The student copy in the student's ~/onebyone (as nbgitpuller puts it), answered or
    blank, then submitted through their server; the notebook."""
    notebook = hub.home(student) / classroom.PULLED_FOLDER / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook.parent.mkdir(parents=True)
    shutil.copy(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", notebook)
    if answered:
        classroom.fill_in(notebook, classroom.solutions(ASSIGNMENT))
    if hub.unix_accounts:
        shutil.chown(notebook, student, student)
        for folder in (notebook.parent, notebook.parent.parent):
            shutil.chown(folder, student, student)
    _post(hub, f"{hub.server(student)}/assignments/submit", token,
          {"assignment_id": ASSIGNMENT, "course_id": classroom.COURSE_ID})
    return notebook


def _graded_class(hub: Hub, teacher: str, alice: str, bob: str) -> tuple[Path, dict, dict]:
    """The instructor's course directory and release; Alice answers, Bob hands in the
    blank copy; the instructor collects, autogrades (in the grading kernel: through sudo
    where the instructor is an account of their own) and releases feedback, and both fetch
    theirs. The course directory, the tokens and the students' notebooks."""
    course = classroom.build(hub.home(teacher) / "course", [ASSIGNMENT])
    if hub.unix_accounts:
        subprocess.run(["chown", "-R", f"{teacher}:{teacher}", str(course)], check=True)
    tokens = {user: hub.start_server(user) for user in (teacher, alice, bob)}
    formgrader = f"{hub.server(teacher)}/formgrader/api"
    _post(hub, f"{formgrader}/assignment/{ASSIGNMENT}/release", tokens[teacher])
    notebooks = {student: _hand_in(hub, course, student, tokens[student], student == alice)
                 for student in (alice, bob)}
    _post(hub, f"{formgrader}/assignment/{ASSIGNMENT}/collect", tokens[teacher])
    for student in (alice, bob):
        _post(hub, f"{formgrader}/submission/{ASSIGNMENT}/{student}/autograde", tokens[teacher])
    for step in ("generate_feedback", "release_feedback"):
        _post(hub, f"{formgrader}/assignment/{ASSIGNMENT}/{step}", tokens[teacher])
    submissions = json.loads(hub.request("GET", f"{formgrader}/submissions/{ASSIGNMENT}",
                                         tokens[teacher]))
    assert {s["student"]: s["score"] for s in submissions} == {alice: TOTAL, bob: 0}
    for student in (alice, bob):
        _post(hub, f"{hub.server(student)}/assignments/fetch_feedback", tokens[student],
              {"assignment_id": ASSIGNMENT, "course_id": classroom.COURSE_ID})
    return course, tokens, notebooks


def _bob_tries(hub: Hub, course: Path, alice: str, bob: str, token: str,
               alice_notebook: Path) -> dict[str, str]:
    exchange = hub.exchange / classroom.COURSE_ID
    probe = PROBE.format(
        inbound=str(exchange / "inbound"), feedback=str(exchange / "feedback"), alice=alice,
        alice_home=str(hub.home(alice)), alice_notebook=str(alice_notebook),
        course=str(course), source=str(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
        gradebook=str(course / "gradebook.db"))
    (outputs,) = run_cells(hub.server(bob), token,
                           f"{classroom.PULLED_FOLDER}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb", [probe])
    text = "".join(o.get("text", "") for o in outputs if o["type"] == "stream")
    assert text, outputs
    return json.loads(text)


@pytest.mark.slow
def test_on_a_hub_of_unix_accounts_a_student_cannot_reach_anothers_work():
    _require_proxy()
    # the hub's folder: every account must reach its settings and the exchange
    folder = Path(tempfile.mkdtemp(prefix="onebyone-hub-"))
    folder.chmod(0o755)
    try:
        with unix_users(["teacher", "alice", "bob"]) as accounts:
            teacher, alice, bob = (accounts[k] for k in ("teacher", "alice", "bob"))
            allow_sudo(teacher, f"{sys.executable} {grading_kernel.__file__} -f *")
            with running_hub(folder / "hub", [alice, bob], instructor=teacher,
                             unix_accounts=True) as hub:
                course, tokens, notebooks = _graded_class(hub, teacher, alice, bob)
                tried = _bob_tries(hub, course, alice, bob, tokens[bob], notebooks[alice])
                assert all(outcome.startswith("refused") for outcome in tried.values()), tried
                pages = list(notebooks[bob].parent.glob("feedback/*/*.html"))
                assert len(pages) == 1, pages  # his own, and nobody else's
                assert "Score: 0" in pages[0].read_text(encoding="utf-8")
                assert len(list(notebooks[alice].parent.glob("feedback/*/*.html"))) == 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_where_every_server_is_one_unix_account_a_student_reads_and_deletes_anothers(tmp_path):
    """The leak that Zero to JupyterHub's one uid for every pod had: the exchange's
    permissions protect nothing between processes of one account. Every attempt succeeds
    (which also shows that the attempts above aim at the right places)."""
    _require_proxy()
    require_grading_kernel()  # the instructor's server grades in the grading kernel
    with running_hub(tmp_path / "hub", ["alice", "bob"]) as hub:
        course, tokens, notebooks = _graded_class(hub, INSTRUCTOR, "alice", "bob")
        tried = _bob_tries(hub, course, "alice", "bob", tokens["bob"], notebooks["alice"])
    assert all(outcome.startswith("done") for outcome in tried.values()), tried
    assert "alice+" in tried["list the exchange's submissions"]
