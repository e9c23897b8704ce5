"""Quizzes: Question, grade and the quiz widget (no browser); and every quiz of the course.

A quiz must not give its answer away by where the right option stands or by how long it
is (the reverse cue: what a learner who guesses blind would exploit). Over the course,
no place, counted from the first option or from the last, holds the right option in more
than 35% of the questions; nor, among the questions with the same number of options, in
more than an even spread needs; nor in more than half of one notebook's questions. In no
question is the right option the longest by a wide margin (1.5 times every other) or the
shortest by one (every other 1.5 times as long). The questions are read by running each
quiz cell with a stand-in for ``widgets.quiz`` that only records them.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import ipywidgets
import pytest

import nav  # tools/nav.py, importable through tests/conftest.py
from onebyone import widgets
from onebyone.exercises import Question, check_question, grade

SHAPE = Question("What shape?", ["6×6×1", "6×6×32", "1×1×32"], answer=1, why="one per channel.")
COUNT = Question("How many?", ["264", "256"], answer=0, why="weights and biases.")


def test_right_choice_is_correct_and_explains_why():
    feedback = grade(SHAPE, 1)
    assert feedback and feedback.correct
    assert repr(feedback) == "✓ Correct: one per channel."


@pytest.mark.parametrize("choice", [0, 2])
def test_wrong_choice_names_the_option_and_keeps_the_answer_hidden(choice):
    feedback = grade(SHAPE, choice)
    assert not feedback
    assert SHAPE.options[choice] in feedback.message
    assert SHAPE.why not in feedback.message and SHAPE.options[1] not in feedback.message


def test_no_choice_asks_for_one():
    assert not grade(SHAPE, None)
    assert "choose" in grade(SHAPE, None).message


@pytest.mark.parametrize(("choice", "error", "match"), [
    (3, ValueError, "choice must index one of the 3 options, got 3"),
    (-1, ValueError, "choice must be >= 0, got -1"),
    (1.0, TypeError, "choice must be an integer"),
    ("1", TypeError, "choice must be an integer"),
])
def test_bad_choice(choice, error, match):
    with pytest.raises(error, match=match):
        grade(SHAPE, choice)


@pytest.mark.parametrize(("question", "error", "match"), [
    (Question("?", ["only one"], 0, ""), ValueError, "at least two"),
    (Question("?", "ab", 0, ""), ValueError, "at least two"),
    (Question("?", ["a", "a"], 0, ""), ValueError, "differ"),
    (Question("?", ["a", ""], 0, ""), ValueError, "non-empty"),
    (Question("?", ["a", "b"], 2, ""), ValueError, "answer must index one of the 2 options"),
    (Question("?", ["a", "b"], True, ""), TypeError, "answer must be an integer"),
    (("?", ["a", "b"], 0, ""), TypeError, "question(s\\[0\\])? must be a Question, got a tuple"),
])
def test_badly_written_questions_are_refused(question, error, match):
    with pytest.raises(error, match=match):
        grade(question, 0)
    with pytest.raises(error, match=match):
        widgets.quiz([question])


def test_quiz_grades_each_question_as_soon_as_it_is_answered():
    quiz = widgets.quiz([SHAPE, COUNT])
    assert isinstance(quiz, ipywidgets.VBox)
    assert [c.options for c in quiz.choices] == [tuple(SHAPE.options), tuple(COUNT.options)]
    assert all(c.index is None for c in quiz.choices)
    untouched = quiz.feedback[1].value
    quiz.choices[0].index = 0
    assert "✗" in quiz.feedback[0].value and "6×6×1" in quiz.feedback[0].value
    quiz.choices[0].index = 1
    assert "✓" in quiz.feedback[0].value and SHAPE.why in quiz.feedback[0].value
    assert quiz.feedback[1].value == untouched
    quiz.choices[1].index = 0
    assert "✓" in quiz.feedback[1].value


def test_quiz_escapes_html_in_questions():
    quiz = widgets.quiz([Question("is 1 < 2 & 3 > 2?", ["<b>yes</b>", "no"], 0, "x < y")])
    quiz.choices[0].index = 0
    assert "<b>yes</b>" not in quiz.children[0].children[0].value
    assert "x &lt; y" in quiz.feedback[0].value


@pytest.mark.parametrize(("questions", "error"), [
    ([], ValueError), (None, TypeError), (SHAPE, TypeError), ("SHAPE", TypeError),
])
def test_quiz_needs_a_list_of_questions(questions, error):
    with pytest.raises(error, match="question"):
        widgets.quiz(questions)


# -- every quiz of the course: the right answer neither stands in one place nor out ----

NOTEBOOKS = nav.course_notebooks()
MOST_IN_ONE_PLACE = 0.35
"""No place of the right option may hold more than this share of the course's questions,
nor of the questions with the same number of options when they can be spread that evenly.

A learner who guesses blind always picks the same place: the first option, the second
..., or the last. Places are counted from the first option and also from the last, as
"the last" is a different place in a question of three options (the third) than in one
of four (the fourth), yet one habit of a quiz writer (the right answer kept for the end)
and one guess. The questions with the same number of options are checked as well, because
a blind guesser sees how many options there are: "the last of three" must not score
either, however the four-option questions are spread. In a group of ``n`` questions of
``k`` options, one place must hold at least ``ceil(n / k)`` of them, which can be more
than 35% (3 of 8 three-option questions); that many is allowed, no more."""
MOST_IN_ONE_NOTEBOOK = 0.5
"""... and no place may hold more than this share of one notebook's questions (4 to 6
questions: 35% would forbid even 2 of 5)."""
WIDE_MARGIN = 1.5
"""The right option must be neither ``WIDE_MARGIN`` times as long as every wrong one (the
one with the most explanation) nor shorter than each by that factor (the wrong ones with
an ": explanation" tail)."""
FORMULA = re.compile(r"[-−+]?[\d.,·×()\s/]+")
"""An option that is a number or a product of numbers (``6,176 · 784``, ``−0.4``,
``6×6×8``): its length is its digits, and it says nothing in words."""


def quiz_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells
            if c["cell_type"] == "code" and "widgets.quiz(" in "".join(c["source"])]


def quiz_questions(path: Path) -> list[Question]:
    """The Questions that ``path``'s quiz cells pass to ``widgets.quiz``: each cell run
    with a stand-in for the widget, which only records them."""
    asked: list = []
    for cell in quiz_cells(path):
        namespace = {"widgets": SimpleNamespace(quiz=asked.extend)}
        exec(compile("".join(cell["source"]), f"{path.name}, its quiz", "exec"), namespace)
    return asked


def stands_out_by_length(question: Question) -> str | None:
    """How the right option stands out by its length: ``"longest"`` (at least
    ``WIDE_MARGIN`` times every wrong one), ``"shortest"`` (every wrong one at least
    ``WIDE_MARGIN`` times as long), or None. Options that are all numbers
    (:data:`FORMULA`) do not stand out: their lengths are their digits."""
    if all(FORMULA.fullmatch(o) for o in question.options):
        return None
    right = len(question.options[question.answer])
    wrong = [len(o) for k, o in enumerate(question.options) if k != question.answer]
    if right >= WIDE_MARGIN * max(wrong):
        return "longest"
    if min(wrong) >= WIDE_MARGIN * right:
        return "shortest"
    return None


def places(question: Question) -> list[str]:
    """The places of the right option a blind guess can aim at: counted from the first
    option (``"1st"``, ``"2nd"`` ...) and, for the last option, ``"last"`` too."""
    ordinal = ["1st", "2nd", "3rd"][question.answer] if question.answer < 3 \
        else f"{question.answer + 1}th"
    return [ordinal, "last"] if question.answer == len(question.options) - 1 else [ordinal]


def crowded_places(questions: list[Question], share: float = MOST_IN_ONE_PLACE,
                   even: int = 1) -> dict[str, str]:
    """The places holding the right option of more than ``share`` of ``questions``, and
    more than ``even`` of them: each with its count, as "5 of 12"."""
    counts = Counter(place for q in questions for place in places(q))
    allowed = max(math.floor(share * len(questions)), even)
    return {place: f"{count} of {len(questions)}" for place, count in sorted(counts.items())
            if count > allowed}


COURSE = {path.stem: quiz_questions(path) for path in NOTEBOOKS}
QUESTIONS = [pytest.param(q, id=f"{stem}-q{k}")
             for stem, questions in COURSE.items() for k, q in enumerate(questions, start=1)]


def _where(questions: list[Question]) -> str:
    """Where the right options of ``questions`` stand, notebook by notebook, as "place of
    options", for a failing test's message."""
    by_notebook = {stem: [f"{q.answer + 1} of {len(q.options)}" for q in asked if q in questions]
                   for stem, asked in COURSE.items()}
    return "; ".join(f"{stem[:2]}: {', '.join(found)}" for stem, found in by_notebook.items()
                     if found)


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=lambda p: p.stem)
def test_every_lesson_has_a_quiz_of_real_questions(path):
    questions = COURSE[path.stem]
    assert len(questions) >= 3, f"{path.name}: a quiz of at least 3 questions"
    for question in questions:
        check_question(question)  # what widgets.quiz refuses, refused here too
        assert len(question.options) >= 3, f"a right answer and two mistakes: {question.prompt}"


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_right_option_does_not_stand_out_by_length(question):
    lengths = {o: len(o) for o in question.options}
    assert not (how := stands_out_by_length(question)), (
        f"the right option is the {how} by a wide margin ({WIDE_MARGIN}×): "
        f"{question.options[question.answer]!r} among {lengths}")


def test_answer_places_are_spread_over_the_course():
    questions = [q for found in COURSE.values() for q in found]
    assert not (crowded := crowded_places(questions)), (
        f"over the course's questions, the right option is too often {crowded} (places "
        f"by notebook, as 'place of options': {_where(questions)})")


def test_answer_places_are_spread_among_questions_with_as_many_options():
    questions = [q for found in COURSE.values() for q in found]
    for k in sorted({len(q.options) for q in questions}):
        group = [q for q in questions if len(q.options) == k]
        assert not (crowded := crowded_places(group, even=math.ceil(len(group) / k))), (
            f"among the {len(group)} questions of {k} options, the right option is too "
            f"often {crowded} (by notebook: {_where(group)})")


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=lambda p: p.stem)
def test_answer_places_are_spread_within_each_quiz(path):
    questions = COURSE[path.stem]
    assert not (crowded := crowded_places(questions, MOST_IN_ONE_NOTEBOOK)), (
        f"{path.name}: the right option is too often {crowded} "
        f"({[f'{q.answer + 1} of {len(q.options)}' for q in questions]})")


def test_the_checks_catch_a_quiz_that_gives_its_answer_away():
    """The checks above can fail: on made-up questions with the faults they look for."""
    long_right = Question("?", ["no", "not this", "the right answer, and why it is right"],
                          answer=2, why="")
    assert stands_out_by_length(long_right) == "longest"
    assert stands_out_by_length(long_right._replace(answer=1)) is None
    short_right = Question("?", ["0", "192, one weight per channel", "12,288, one per value"],
                           answer=0, why="")
    assert stands_out_by_length(short_right) == "shortest"
    assert stands_out_by_length(short_right._replace(answer=1)) is None
    assert stands_out_by_length(Question("?", ["264", "264 · 100 · 100", "32 · 100"], 0, ""
                                         )) is None, "numbers: no words to give it away"
    assert stands_out_by_length(SHAPE) is None

    def asked(*answers: int, options: int = 4) -> list[Question]:
        return [Question("?", [str(k) for k in range(options)], a, "") for a in answers]

    assert places(asked(3)[0]) == ["4th", "last"] and places(asked(2, options=3)[0]) == [
        "3rd", "last"]
    assert crowded_places(asked(1, 1, 0, 2, 3)) == {"2nd": "2 of 5"}  # 2 > floor(1.75)
    assert crowded_places(asked(0, 1, 2, 3, 0, 1, 2, 3, 0, 1)) == {}  # 3 of 10: 30%
    # the last of three and the last of four: one place for a blind guess
    mixed = [*asked(3, 0, 1, 3), *asked(2, 0, 2, 1, options=3)]
    assert crowded_places(mixed) == {"last": "4 of 8"}
    # an even spread is allowed where 35% cannot be reached: 3 of 8, not 4 of 8
    assert crowded_places(asked(0, 0, 0, 1, 1, 1, 2, 2, options=3), even=3) == {}
    assert crowded_places(asked(2, 2, 2, 2, 0, 0, 1, 1, options=3), even=3) == {
        "3rd": "4 of 8", "last": "4 of 8"}


def test_quiz_questions_are_read_from_the_quiz_cell(tmp_path):
    notebook = {"cells": [
        {"cell_type": "markdown", "source": ["widgets.quiz( in prose is no quiz"]},
        {"cell_type": "code", "source": [
            "from onebyone.exercises import Question\n",
            "widgets.quiz([Question('Shape?', ['a', 'b', 'c'], answer=2, why='c.')])"]}]}
    path = tmp_path / "99_made_up.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    assert quiz_questions(path) == [Question("Shape?", ["a", "b", "c"], 2, "c.")]
