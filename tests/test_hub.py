"""A class on JupyterHub, on this machine: the instructor and two students, each with their
own server and HOME, on a hub started on loopback (tests/hub.py).

The students open the course through an nbgitpuller link that pulls the student copies
from a file:// clone of this repository; a student runs notebook 01 in their server's
kernel and its exercise checks pass; both submit through nbgrader's exchange; the
instructor collects and autogrades through the formgrader's API, and the grades are right;
then an update to the course reaches a student who has edited a notebook, and the edit
stays.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
from pathlib import Path

import nbformat
import pytest

import classroom  # tools/classroom.py
from grading import require_grading_kernel
from hub import INSTRUCTOR, PROXY, run_cells, running_hub

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "01_single_channel"
PULLED = ["00_index", ASSIGNMENT, "02_multi_channel"]
"""The notebooks the class's branch holds here (every notebook would only take longer)."""
BRANCH = "student"
UPDATE = "An update from your instructor."


def _require_proxy() -> None:
    if not PROXY.exists():
        if os.environ.get("ONEBYONE_REQUIRE_HUB"):
            pytest.fail(f"{PROXY} is missing, and ONEBYONE_REQUIRE_HUB is set")
        pytest.skip("the hub's proxy is not installed: npm is missing (tools/course.py test)")


def _publish(course: Path, clone: Path) -> str:
    return classroom.publish(course / "release", BRANCH, clone)


def _text_of(outputs: list[dict]) -> str:
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                   + "\n".join(o.get("traceback", [])) for o in outputs)


@pytest.mark.slow
def test_a_class_on_a_hub_pulls_runs_submits_is_graded_and_gets_updates(tmp_path):
    _require_proxy()
    require_grading_kernel()  # the instructor's server grades in the grading kernel
    clone = tmp_path / "onebyone"  # the course's repository, as a hub would reach it
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    build = classroom.build(tmp_path / "build", PULLED)
    _publish(build, clone)
    link = classroom.nbgitpuller_link("http://hub.invalid", f"file://{clone}", BRANCH,
                                      notebook=ASSIGNMENT)

    with running_hub(tmp_path / "hub", ["alice", "bob"]) as hub:
        # the instructor: a course directory in their home, then their server
        course = classroom.build(hub.home(INSTRUCTOR) / "course", PULLED)
        instructor = hub.start_server(INSTRUCTOR)
        formgrader = f"{hub.server(INSTRUCTOR)}/formgrader/api"
        hub.request("POST", f"{formgrader}/assignment/{ASSIGNMENT}/release", instructor, b"")

        # the students: log in, pull the course, run 01, submit
        tokens = {student: hub.start_server(student) for student in ("alice", "bob")}
        for student, token in tokens.items():
            hub.pull(student, token, link)
        notebook = {s: hub.home(s) / classroom.PULLED_FOLDER / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
                    for s in tokens}
        right = classroom.solutions(ASSIGNMENT)
        first = next(iter(right))
        classroom.fill_in(notebook["alice"], right)
        classroom.fill_in(notebook["bob"], {**right, first: "def one_by_one(image, w, b):\n"
                                                             "    return w * image"})
        cells = [c for c in nbformat.read(notebook["alice"], as_version=4).cells
                 if c.cell_type == "code"]
        outputs = run_cells(hub.server("alice"), tokens["alice"],
                            f"{classroom.PULLED_FOLDER}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
                            [c.source for c in cells])
        errors = [o for cell in outputs for o in cell if o["type"] == "error"]
        assert not errors, errors[0]
        checks = [_text_of(out) for c, out in zip(cells, outputs, strict=True)
                  if c.metadata.get("nbgrader", {}).get("grade")]
        assert len(checks) == len(right) and all("✓ Correct" in text for text in checks)

        for student, token in tokens.items():
            answer = json.loads(hub.request(
                "POST", f"{hub.server(student)}/assignments/submit", token,
                urllib.parse.urlencode({"assignment_id": ASSIGNMENT,
                                        "course_id": classroom.COURSE_ID}).encode()))
            assert not (isinstance(answer, dict) and not answer.get("success", True)), answer

        # the instructor collects and autogrades
        collected = json.loads(hub.request(
            "POST", f"{formgrader}/assignment/{ASSIGNMENT}/collect", instructor, b""))
        assert collected["success"], collected
        for student in tokens:
            result = json.loads(hub.request(
                "POST", f"{formgrader}/submission/{ASSIGNMENT}/{student}/autograde",
                instructor, b""))
            assert result["success"], result
        submissions = json.loads(hub.request("GET", f"{formgrader}/submissions/{ASSIGNMENT}",
                                             instructor))
        scores = {s["student"]: (s["score"], s["max_score"]) for s in submissions}
        total = sum(task.points for _, task in classroom.tasks(
            ASSIGNMENT, classroom._read(ASSIGNMENT), classroom.load_spec()))
        lost = classroom.load_spec()[first]["points"]
        assert scores == {"alice": (total, total), "bob": (total - lost, total)}
        assert course.is_dir()

        # an update of the course reaches alice, whose answers in 01 stay
        for name in (ASSIGNMENT, "02_multi_channel"):
            copy = build / "release" / name / f"{name}.ipynb"
            nb = nbformat.read(copy, as_version=4)
            nb.cells.insert(1, nbformat.v4.new_markdown_cell(UPDATE))
            nbformat.write(nb, copy)
        _publish(build, clone)
        hub.pull("alice", tokens["alice"], link)
        pulled = hub.home("alice") / classroom.PULLED_FOLDER
        assert UPDATE in (pulled / "02_multi_channel" / "02_multi_channel.ipynb").read_text()
        kept = nbformat.read(notebook["alice"], as_version=4)
        answer_cells = "\n".join(c.source for c in kept.cells)
        assert all(solution in answer_cells for solution in right.values()), \
            "the student's answers were lost in the update"


def test_the_nbgitpuller_link_pulls_the_branch_into_onebyone_and_opens_the_notebook():
    link = classroom.nbgitpuller_link("https://hub.example.edu/", "https://github.com/o/onebyone",
                                      "student-copies", notebook="03_shrinking_channels")
    parts = urllib.parse.urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == \
        "https://hub.example.edu/hub/user-redirect/git-pull"
    assert urllib.parse.parse_qs(parts.query) == {
        "repo": ["https://github.com/o/onebyone"], "branch": ["student-copies"],
        "targetpath": ["onebyone"],
        "urlpath": ["lab/tree/onebyone/03_shrinking_channels/03_shrinking_channels.ipynb"]}
    with pytest.raises(ValueError, match="hub should be the hub's address"):
        classroom.nbgitpuller_link("hub.example.edu", "r", "b")
    with pytest.raises(ValueError, match="app should be 'lab' or 'tree', got 'notebook'"):
        classroom.nbgitpuller_link("https://h", "r", "b", app="notebook")


def test_the_binder_link_starts_the_courses_environment_and_pulls_the_branch_into_it():
    link = classroom.binder_link("o/onebyone", "https://github.com/o/onebyone", "student-copies")
    parts = urllib.parse.urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == \
        "https://mybinder.org/v2/gh/o/onebyone/HEAD"
    (pull,) = urllib.parse.parse_qs(parts.query)["urlpath"]
    path, query = pull.split("?")
    assert path == "git-pull"
    assert urllib.parse.parse_qs(query) == {
        "repo": ["https://github.com/o/onebyone"], "branch": ["student-copies"],
        "targetpath": ["onebyone"], "urlpath": ["lab/tree/onebyone/00_index/00_index.ipynb"]}
    with pytest.raises(ValueError, match="environment should be a GitHub repository"):
        classroom.binder_link("https://github.com/o/onebyone", "r", "b")
    binder = (ROOT / "binder" / "requirements.txt").read_text()
    assert "nbgitpuller==" in binder  # Binder's image can pull
