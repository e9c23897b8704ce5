"""What students really hand in, graded in one pass (tools/classroom.py ``grade``).

A class hands in 01 through nbgrader's exchange: an honest student, and one student for each
way a real submission goes wrong. The instructor collects and runs ``classroom --grade``
once: the pass completes, each student gets the grade nbgrader's rules give (a locked cell
is put back, a deleted test cell's points are lost, a notebook nbgrader cannot run is not
graded, a late one scores 0), nobody else's grade changes, and the instructor's report says
what happened to whom. Each student fetches feedback; those nbgrader could not grade read
why. A student graded once who hands in again a notebook that cannot be graded scores 0,
in the report and in the export, until they hand in one that can be.
"""

from __future__ import annotations

import html
import json
import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest

import classroom  # tools/classroom.py
from grading import as_student, exported_scores, jupyter_path, require_grading_kernel

NAME = "01_single_channel"
TASKS = [task for _, task in classroom.tasks(NAME, classroom._read(NAME), classroom.load_spec())]
FIRST = TASKS[0].check
TOTAL = sum(task.points for task in TASKS)
LOST = TOTAL - TASKS[0].points
"""The score of a student who loses the first task and answers the rest right."""
WRONG = "def one_by_one(image, w, b):\n    return w * image"


def _grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def _edit(notebook: Path, change) -> None:
    nb = nbformat.read(notebook, as_version=4)
    change(nb)
    nbformat.write(nb, notebook)


def _cell(nb, kind: str):
    (cell,) = [cell for cell in nb.cells if _grade_id(cell) == f"{FIRST}-{kind}"]
    return cell


def _edit_locked_test(nb) -> None:
    _cell(nb, "test").source = "print('✓ check_single_channel passed')"


def _delete(kind: str):
    return lambda nb: nb.cells.remove(_cell(nb, kind))


def _test_as_markdown(nb) -> None:
    test = _cell(nb, "test")
    markdown = nbformat.v4.new_markdown_cell(test.source, metadata=test.metadata)
    markdown.id = test.id
    nb.cells[nb.cells.index(test)] = markdown


def _rename(folder: Path, notebook: Path) -> None:
    notebook.rename(folder / "my work.ipynb")
    (folder / "notes.txt").write_text("my notes", encoding="utf-8")


def _break_json(folder: Path, notebook: Path) -> None:
    notebook.write_text(notebook.read_text(encoding="utf-8")[:-200], encoding="utf-8")


def _nbformat_4_4(folder: Path, notebook: Path) -> None:
    """Saved by a Jupyter of nbformat 4.4: no cell ids."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        cell.pop("id", None)
    nb["nbformat_minor"] = 4
    notebook.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _in_notebook(change):
    return lambda folder, notebook: _edit(notebook, change)


# student: (their first answer, what they do to the notebook, score, the report's words)
CLASS = {
    "honest": (None, None, TOTAL, "graded"),
    "edits-locked-test": (WRONG, _in_notebook(_edit_locked_test), LOST,
                          f"edited the locked {FIRST}-test (nbgrader put it back)"),
    "deletes-test-cell": (None, _in_notebook(_delete("test")), LOST,
                          f"deleted {FIRST}-test (its points are lost)"),
    "deletes-answer-cell": (None, _in_notebook(_delete("answer")), LOST,
                            f"deleted {FIRST}-answer"),
    "changes-cell-type": (WRONG, _in_notebook(_test_as_markdown), LOST,
                          f"made {FIRST}-test a markdown cell (nbgrader put it back)"),
    "fakes-a-check": ("print('✓ check_single_channel: correct')", None, LOST, "graded"),
    "calls-sys-exit": ("import sys\nsys.exit()", None, LOST, "graded"),
    "kills-the-kernel": ("import os\nos._exit(1)", None, 0,
                         "NOT GRADED: the kernel died while running the notebook"),
    "renames-and-adds": (None, _rename, 0,
                         f"NOT GRADED: no notebook named {NAME}.ipynb was handed in (handed "
                         f"in: my work.ipynb); rename it and submit again; also handed in: "
                         f"my work.ipynb, notes.txt"),
    "breaks-the-json": (None, _break_json, 0,
                        f"NOT GRADED: {NAME}.ipynb is not a notebook Jupyter can open "
                        f"(NotJSONError)"),
    "saves-nbformat-4-4": (None, _nbformat_4_4, TOTAL, "graded"),
    "submits-twice": (None, None, TOTAL, "graded"),
    "submits-late": (None, None, 0, "late by"),
}
NOT_GRADED = [student for student, (*_, said) in CLASS.items() if "NOT GRADED" in said]


def _hand_in(student: str, home: Path, exchange: Path, course: Path, answer: bool,
             first: str | None = None, change=None) -> None:
    """The student copy, their answers (if ``answer``: ``first`` for the first task, if
    given, and the right ones), what they do to it (``change``), then submit."""
    folder = home / NAME
    folder.mkdir(parents=True, exist_ok=True)
    notebook = folder / f"{NAME}.ipynb"
    notebook.write_bytes((course / "release" / NAME / f"{NAME}.ipynb").read_bytes())
    if answer:
        right = classroom.solutions(NAME)
        classroom.fill_in(notebook, right if first is None else {**right, FIRST: first})
    if change:
        change(folder, notebook)
    as_student(student, home, exchange, "submit", NAME)


def _feedback_text(home: Path) -> str:
    pages = list((home / NAME / "feedback").glob("*/*.html"))
    assert len(pages) == 1, pages
    return html.unescape(re.sub(r"<[^>]+>", " ", pages[0].read_text(encoding="utf-8")))


@pytest.mark.slow
def test_a_class_hands_in_everything_that_goes_wrong_and_each_gets_the_rules_grade(tmp_path):
    require_grading_kernel()
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    env = {"NBGRADER_EXCHANGE": str(exchange), "JUPYTER_PATH": jupyter_path(tmp_path)}
    course = classroom.build(tmp_path / "course", [NAME])
    classroom.nbgrader(course, "release_assignment", NAME, env=env)
    homes = {student: tmp_path / "home" / student for student in CLASS}

    for student, (first, change, *_) in CLASS.items():
        if student == "submits-twice":  # first the blank copy, then the answers
            _hand_in(student, homes[student], exchange, course, answer=False)
            time.sleep(1)  # nbgrader orders submissions by their time
        if student != "submits-late":
            _hand_in(student, homes[student], exchange, course, True, first, change)
    due = datetime.now(timezone.utc).replace(tzinfo=None)
    time.sleep(1)
    _hand_in("submits-late", homes["submits-late"], exchange, course, answer=True)
    classroom.api(course).gradebook.update_or_create_assignment(NAME, duedate=due)

    inbound = exchange / classroom.COURSE_ID / "inbound"
    assert len(list(inbound.glob(f"submits-twice+{NAME}+*"))) == 2, "both submissions kept"
    classroom.nbgrader(course, "collect", NAME, env=env)
    report = {outcome.student: outcome for outcome in classroom.grade(course, NAME, env=env)}
    assert set(report) == set(CLASS), "a student is missing from the report"
    for student, (*_, score, said) in CLASS.items():
        outcome = report[student]
        assert (outcome.score, outcome.max_score) == (score, TOTAL), outcome.line()
        assert said in outcome.line(), outcome.line()
    assert "points off (a late submission scores 0)" in report["submits-late"].line()

    classroom.nbgrader(course, "release_feedback", NAME, env=env)
    for student in ["honest", *NOT_GRADED]:
        as_student(student, homes[student], exchange, "fetch_feedback", NAME)
        text = _feedback_text(homes[student])
        if student == "honest":
            assert re.search(rf"Score:\s*{TOTAL}(\.0)?\s*/", text), text[:500]
        else:
            why = CLASS[student][3].removeprefix("NOT GRADED: ").split(";")[0]
            assert "could not be graded" in text and why in " ".join(text.split()), text

    # a student graded in full hands in again, a notebook that cannot be graded: at the next
    # collect it replaces the one before, and it scores 0 in the report and in the export
    # (not the score of the one before) until they hand in one that can be graded (the
    # instructor has extended the due date: a late submission would score 0 anyway)
    classroom.api(course).gradebook.update_or_create_assignment(
        NAME, duedate=due + timedelta(days=1))
    export = tmp_path / "grades.csv"
    for first, score, said in [(CLASS["kills-the-kernel"][0], 0, "NOT GRADED: the kernel died"),
                               (None, TOTAL, "graded")]:
        time.sleep(1)  # nbgrader orders submissions by their time
        _hand_in("honest", homes["honest"], exchange, course, True, first)
        classroom.nbgrader(course, "collect", NAME, env=env)
        again = {outcome.student: outcome for outcome in classroom.grade(course, NAME, env=env)}
        assert again["honest"].score == score and said in again["honest"].line(), \
            again["honest"].line()
        exported = exported_scores(course, export, env)
        assert exported == {student: score if student == "honest" else report[student].score
                            for student in CLASS}, exported
