"""The instructor's edition (tools/classroom.py), end to end with real nbgrader.

The course directory is built from the self-study notebooks; the student copies must hold
no solution, no folded solution and no hidden test. Then a class on one machine: the
instructor releases two assignments into an exchange (a temp dir), three students with
their own HOME and student id fetch them, fill them in and submit; the instructor
collects, autogrades and releases feedback, and each student fetches their own. Finally
every assignment's source passes nbgrader's validation and every student copy fails it.

The source's validation is also where two things about the self-study notebooks are
checked: each folded solution passes its exercise's check (the source's solution cell is
the folded solution, its test cell the check), and every notebook runs from a folder other
than ``notebooks/`` (nbgrader runs the copies in the course directory).
"""

from __future__ import annotations

import csv
import html
import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest

import classroom  # tools/classroom.py
from grading import as_student, jupyter_path, require_grading_kernel

ROOT = Path(__file__).resolve().parent.parent
NAMES = classroom.notebook_names()
SPEC = classroom.load_spec()
TASKS = {name: [task for _, task in classroom.tasks(name, classroom._read(name), SPEC)]
         for name in NAMES}
LOOP = ["01_single_channel"]
"""The assignments the class works through: the first notebook's, quick to grade (each
nbgrader command takes seconds to start; the validation below covers every assignment)."""

MISTAKES = {
    "check_single_channel": ("def one_by_one(image, w, b):\n    return w * image",
                             "with w=-1.5, b=4: at index (0, 0)"),
}
"""A known mistake for the first task of each assignment of the loop, and what its check
says about it: the wrong submission makes it and answers the other tasks right."""


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return classroom.build(tmp_path_factory.mktemp("classroom") / "course")


def _cells(path: Path) -> list:
    return nbformat.read(path, as_version=4).cells


def _graded(cell, kind: str) -> str | None:
    """The task's check if ``cell`` is its ``kind`` cell ("answer" or "test"), else None."""
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
    return grade_id.removesuffix(f"-{kind}") if grade_id.endswith(f"-{kind}") else None


def _text(path: Path) -> str:
    return "\n".join(cell.source for cell in _cells(path))


# -- the course directory -------------------------------------------------------------

def test_every_notebook_is_an_assignment_and_every_exercise_a_task(course):
    assert sorted(p.name for p in (course / "source").iterdir()) == NAMES
    assert sorted(p.name for p in (course / "release").iterdir()) == NAMES
    checks = [task.check for name in NAMES for task in TASKS[name]]
    assert len(checks) == len(set(checks)) == 24
    assert sorted(checks) == sorted(k for k in SPEC if k.startswith("check_"))
    for name in NAMES:
        cells = _cells(course / "release" / name / f"{name}.ipynb")
        tests = {_graded(c, "test"): c.metadata.nbgrader for c in cells if _graded(c, "test")}
        assert list(tests) == [task.check for task in TASKS[name]]
        for task in TASKS[name]:
            assert tests[task.check]["points"] == task.points > 0
            assert tests[task.check]["locked"]


def test_a_students_answer_cell_is_the_learners_own_cell(course):
    """The student copy asks exactly what the self-study notebook asks; its test is the
    instant check, without the hidden tests."""
    for name in NAMES:
        cells = _cells(course / "release" / name / f"{name}.ipynb")
        answers = {_graded(c, "answer"): c.source.rstrip() for c in cells if _graded(c, "answer")}
        tests = {_graded(c, "test"): c.source for c in cells if _graded(c, "test")}
        for task in TASKS[name]:
            assert answers[task.check] == task.stub
            assert tests[task.check] == task.visible_test()
            assert task.visible_test().startswith(f"from onebyone.exercises import {task.check}")


def _self_study_lines(name: str) -> set[str]:
    """Every line a learner sees in the self-study notebook outside its folded solutions."""
    nb = classroom._read(name)
    text = "\n".join(classroom.FOLDED_SOLUTION.sub("", classroom._source(c)) for c in nb["cells"])
    return {line.strip() for line in text.split("\n")}


def test_no_solution_and_no_hidden_test_reaches_a_student_copy(course):
    """The leak test: every line of a solution and of a hidden test that the self-study
    notebook does not show anyway is missing from the student copy."""
    for name in NAMES:
        student = _text(course / "release" / name / f"{name}.ipynb")
        student_lines = {line.strip() for line in student.split("\n")}
        shown = _self_study_lines(name)
        secret = {line.strip() for task in TASKS[name] for line in
                  (task.solution + "\n" + task.hidden).split("\n")} - shown - {""}
        assert len(secret) >= len(TASKS[name]), name  # the test has something to find
        assert not secret & student_lines, f"{name} leaks {sorted(secret & student_lines)}"
        for marker in ("BEGIN SOLUTION", "HIDDEN TESTS", "<details>", "Solution</summary>"):
            assert marker not in student, f"{name} holds {marker!r}"
        source = _text(course / "source" / name / f"{name}.ipynb")
        assert all(line in {s.strip() for s in source.split("\n")} for line in secret)


def test_student_copies_link_only_to_each_other(course):
    release = course / "release"
    for name in NAMES:
        path = release / name / f"{name}.ipynb"
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", _text(path)):
            if not target.startswith(("http://", "https://")):
                assert (path.parent / target).resolve().is_file(), f"{name} links to {target}"
                assert (path.parent / target).resolve().is_relative_to(release), target


def test_the_student_copy_speaks_of_the_class_not_of_self_study(course):
    changes = SPEC["student_text"]
    assert changes
    for change in changes:
        name = change["notebook"]
        self_study = "\n".join(classroom._source(c) for c in classroom._read(name)["cells"])
        assert change["self_study"] in self_study, \
            f"{name} no longer says what tasks.toml replaces: {change['self_study']!r}"
        student = _text(course / "release" / name / f"{name}.ipynb")
        assert change["self_study"].strip() not in student
        assert change["student"].strip() in student


def test_the_tasks_file_names_only_exercises_the_notebooks_have(tmp_path, monkeypatch):
    spec = {**SPEC, "check_nothing": {"points": 1, "hidden": ""}}
    monkeypatch.setattr(classroom, "load_spec", lambda: spec)
    with pytest.raises(ValueError, match="check_nothing"):
        classroom.write_sources(tmp_path)


def test_an_exercise_without_its_folded_solution_is_refused():
    nb = json.loads(json.dumps(classroom._read("05_colour_as_1x1")))
    for cell in nb["cells"]:
        cell["source"] = classroom.FOLDED_SOLUTION.sub("", classroom._source(cell))
    with pytest.raises(ValueError, match=r"05_colour_as_1x1, cell \d+: the next cell should "
                                         r"fold one ```python block of the solution; found 0"):
        classroom.tasks("05_colour_as_1x1", nb, SPEC)


def test_the_student_copies_are_published_on_a_branch(course, tmp_path):
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "course"], check=True)
    first = classroom.publish(course / "release", "student", repo)
    assert classroom.publish(course / "release", "student", repo) == first  # unchanged
    files = subprocess.run([*git, "ls-tree", "-r", "--name-only", "student"], check=True,
                           capture_output=True, text=True).stdout.split()
    assert files == [f"{name}/{name}.ipynb" for name in NAMES]
    shown = subprocess.run([*git, "show", f"student:{LOOP[0]}/{LOOP[0]}.ipynb"], check=True,
                           capture_output=True, text=True).stdout
    assert shown == (course / "release" / LOOP[0] / f"{LOOP[0]}.ipynb").read_text()
    (course / "release" / "extra.txt").write_text("an update")
    try:
        second = classroom.publish(course / "release", "student", repo)
    finally:
        (course / "release" / "extra.txt").unlink()
    parents = subprocess.run([*git, "rev-parse", f"{second}^"], check=True,
                             capture_output=True, text=True).stdout.strip()
    assert parents == first  # an update is a new commit on top: nbgitpuller can merge it


# -- a class on one machine -----------------------------------------------------------

@pytest.mark.slow
def test_a_class_fetches_submits_is_graded_and_gets_feedback(course, tmp_path):
    require_grading_kernel()
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    env = {"NBGRADER_EXCHANGE": str(exchange),  # read by the course's config
           "JUPYTER_PATH": jupyter_path(tmp_path / "jupyter")}  # the grading kernel

    def instructor(*args: str) -> str:
        return classroom.nbgrader(course, *args, env=env)

    for name in LOOP:
        instructor("release_assignment", name)

    homes = {student: tmp_path / "home" / student for student in ("alice", "bob", "carol")}
    for student, home in homes.items():
        as_student(student, home, exchange, "fetch_assignment", *LOOP)
    for name in LOOP:
        right = classroom.solutions(name)
        first = TASKS[name][0].check
        classroom.fill_in(homes["alice"] / name / f"{name}.ipynb", right)
        classroom.fill_in(homes["bob"] / name / f"{name}.ipynb",
                          {**right, first: MISTAKES[first][0]})
        for student, home in homes.items():  # carol submits the blank copy
            as_student(student, home, exchange, "submit", name)

    for name in LOOP:
        for step in ("collect", "autograde", "generate_feedback", "release_feedback"):
            instructor(step, name)
    instructor("export", f"--to={tmp_path / 'grades.csv'}")
    with open(tmp_path / "grades.csv", newline="") as grades:
        scores = {(row["assignment"], row["student_id"]): (float(row["score"]),
                                                          float(row["max_score"]))
                  for row in csv.DictReader(grades)}
    for name in LOOP:
        total = sum(task.points for task in TASKS[name])
        first = TASKS[name][0].points
        assert scores[name, "alice"] == (total, total)
        assert scores[name, "bob"] == (total - first, total)
        assert scores[name, "carol"] == (0, total)

    for student, home in homes.items():
        as_student(student, home, exchange, "fetch_feedback", *LOOP)
        for name in LOOP:
            (page,) = (home / name / "feedback").glob(f"*/{name}.html")  # one, their own
            text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
            mistake = MISTAKES[TASKS[name][0].check][1]
            assert (mistake in text) == (student == "bob"), (student, name)
            if student == "carol":
                assert "is None" in text or "returned None" in text, "the blank copy's message"
            hidden = {line.strip() for task in TASKS[name] for line in task.hidden.split("\n")}
            assert not {line.strip() for line in text.split("\n")} & (hidden - {""}), \
                "the feedback shows the hidden tests"
            score = scores[name, student][0]
            assert re.search(rf"Score:\s*{score:g}(\.0)?\s*/", text), (student, name, score)


def _validate(path: Path, invert: bool, kernel: str | None = None) -> dict:
    from nbgrader.validator import Validator
    from traitlets.config import Config

    config = Config()
    config.Execute.timeout = 900
    if kernel:
        config.Execute.kernel_name = kernel
    return Validator(config=config, invert=invert).validate(str(path))


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_the_source_passes_validation_and_the_student_copy_fails_it(name, course, tmp_path,
                                                                    monkeypatch):
    """nbgrader's validation both ways (its command exits 0 even when tests fail, so its
    Validator is asked): the instructor's source passes every test in the grading kernel,
    within its limits, as a student's right answers must; the student copy, as given (and
    as a student validates it, in their own kernel), passes none."""
    require_grading_kernel()
    monkeypatch.setenv("JUPYTER_PATH", jupyter_path(tmp_path))
    assert _validate(course / "source" / name / f"{name}.ipynb", invert=False,
                     kernel=classroom.GRADING_KERNEL) == {}
    assert _validate(course / "release" / name / f"{name}.ipynb", invert=True) == {}
