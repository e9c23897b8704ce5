"""Quizzes: Question, grade and the quiz widget (no browser); and every quiz of the course.

A quiz must not give its answer away. Over all the course's questions, no position of the
right option holds more than 40% of them ("always the second" must not score well), and
in no question is the right option 1.5 times as long as the longest wrong one (the one
with the most explanation is not the giveaway). The questions are read by running each
quiz cell with a stand-in for ``widgets.quiz`` that only records them.
"""

from __future__ import annotations

import json
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


# -- every quiz of the course: the right answer is neither in one place nor the longest --

NOTEBOOKS = nav.course_notebooks()
MOST_IN_ONE_PLACE = 0.4
"""No answer position may hold more than this share of the course's questions."""
LONGEST_RATIO = 1.5
"""The right option must be shorter than this many times the longest wrong one."""


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


def stands_out_by_length(question: Question) -> bool:
    """Whether the right option is at least ``LONGEST_RATIO`` times the longest wrong one."""
    wrong = [len(o) for k, o in enumerate(question.options) if k != question.answer]
    return len(question.options[question.answer]) >= LONGEST_RATIO * max(wrong)


def crowded_positions(answers: list[int]) -> dict[int, float]:
    """The answer positions holding more than ``MOST_IN_ONE_PLACE`` of ``answers``."""
    return {position: count / len(answers) for position, count in Counter(answers).items()
            if count > MOST_IN_ONE_PLACE * len(answers)}


COURSE = {path.stem: quiz_questions(path) for path in NOTEBOOKS}
QUESTIONS = [pytest.param(q, id=f"{stem}-q{k}")
             for stem, questions in COURSE.items() for k, q in enumerate(questions, start=1)]


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=lambda p: p.stem)
def test_every_lesson_has_a_quiz_of_real_questions(path):
    questions = COURSE[path.stem]
    assert len(questions) >= 3, f"{path.name}: a quiz of at least 3 questions"
    for question in questions:
        check_question(question)  # what widgets.quiz refuses, refused here too
        assert len(question.options) >= 3, f"a right answer and two mistakes: {question.prompt}"


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_right_option_does_not_stand_out_by_length(question):
    right = question.options[question.answer]
    longest_wrong = max((o for k, o in enumerate(question.options) if k != question.answer),
                        key=len)
    assert not stands_out_by_length(question), (
        f"the right option ({len(right)} characters) is at least {LONGEST_RATIO}× the longest "
        f"wrong one ({len(longest_wrong)}): {right!r} against {longest_wrong!r}")


def test_answer_positions_are_spread_over_the_course():
    answers = [q.answer for questions in COURSE.values() for q in questions]
    by_notebook = {stem: [q.answer for q in questions]
                   for stem, questions in COURSE.items() if questions}
    assert not crowded_positions(answers), (
        f"over the course's {len(answers)} questions, the right option's position "
        f"(0 = first) is {dict(sorted(Counter(answers).items()))}: no position may hold more "
        f"than {MOST_IN_ONE_PLACE:.0%}. By notebook: {by_notebook}")


def test_the_checks_catch_a_quiz_that_gives_its_answer_away():
    """The two checks above can fail: on made-up questions with the faults they look for."""
    long_right = Question("?", ["no", "not this", "the right answer, and why it is right"],
                          answer=2, why="")
    assert stands_out_by_length(long_right)
    assert not stands_out_by_length(long_right._replace(answer=0))
    assert not stands_out_by_length(SHAPE)
    assert crowded_positions([1, 1, 1, 0, 2]) == {1: 0.6}
    assert crowded_positions([0, 1, 2, 3, 1]) == {}
    assert crowded_positions([0, 1, 1, 2, 3]) == {}  # 40% exactly is allowed
    assert crowded_positions([1, 1, 0]) == {1: pytest.approx(2 / 3)}


def test_quiz_questions_are_read_from_the_quiz_cell(tmp_path):
    notebook = {"cells": [
        {"cell_type": "markdown", "source": ["widgets.quiz( in prose is no quiz"]},
        {"cell_type": "code", "source": [
            "from onebyone.exercises import Question\n",
            "widgets.quiz([Question('Shape?', ['a', 'b', 'c'], answer=2, why='c.')])"]}]}
    path = tmp_path / "99_made_up.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    assert quiz_questions(path) == [Question("Shape?", ["a", "b", "c"], 2, "c.")]
