"""Quizzes: Question, grade and the quiz widget (no browser)."""

from __future__ import annotations

import ipywidgets
import pytest

from onebyone import widgets
from onebyone.exercises import Question, grade

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
