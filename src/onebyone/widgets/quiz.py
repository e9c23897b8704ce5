"""Quizzes: questions with choices, graded on the spot."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import ipywidgets as widgets

from onebyone import _validate as v
from onebyone.exercises import Feedback, Question, check_question, grade
from onebyone.widgets._explorer import LIVE_NOTE


def _feedback_html(feedback: Feedback) -> str:
    # the verdict is in words and symbols (✓ Correct, ✗ Not yet), in bold, in the theme's
    # own text colour: nothing is said by colour alone, and it reads on light and dark
    verdict, _, message = repr(feedback).partition(": ")
    return f"<b>{html.escape(verdict)}</b>: {html.escape(message)}"


class Quiz(widgets.VBox):
    """Multiple-choice questions with instant feedback; see :func:`quiz`.

    Attributes
    ----------
    questions : the questions
    choices : one RadioButtons per question
    feedback : one HTML per question, updated when its choice changes
    """

    def __init__(self, questions: Sequence[Question]) -> None:
        self.questions = [check_question(q, f"questions[{k}]") for k, q in enumerate(questions)]
        if not self.questions:
            raise ValueError("questions must hold at least one Question, got none")
        self.choices = [widgets.RadioButtons(options=list(q.options), index=None,
                                             layout=widgets.Layout(width="auto"))
                        for q in self.questions]
        self.feedback = [widgets.HTML("<i>Choose an answer.</i>") for _ in self.questions]
        boxes = []
        for k, (question, choice, feedback) in enumerate(
                zip(self.questions, self.choices, self.feedback, strict=True)):
            choice.observe(self._grader(k), names="index")
            prompt = widgets.HTML(f"<b>{k + 1}.</b> {html.escape(question.prompt)}")
            boxes.append(widgets.VBox([prompt, choice, feedback]))
        super().__init__(boxes)

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        """As every widget, plus the questions and their options in HTML, without
        controls, for where widgets cannot run (a static page of the course)."""
        data = super()._repr_mimebundle_(**kwargs)
        items = "".join(
            f"<li><p>{html.escape(q.prompt)}</p><ol type=\"a\">"
            + "".join(f"<li>{html.escape(option)}</li>" for option in q.options)
            + "</ol></li>" for q in self.questions)
        data["text/html"] = (f'<div class="onebyone-still"><p><b>Quiz</b> (the answers are '
                             f"checked live, in JupyterLab)</p><ol>{items}</ol>"
                             f"<p>{LIVE_NOTE.replace('It is', 'The quiz is')}</p></div>")
        return data

    def _grader(self, k: int) -> Callable[[object], None]:
        def on_choice(change: object) -> None:
            self.feedback[k].value = _feedback_html(grade(self.questions[k],
                                                          self.choices[k].index))
        return on_choice


def quiz(questions: Sequence[Question]) -> Quiz:
    """A quiz: each question's options as radio buttons, graded as soon as one is chosen.

    Parameters
    ----------
    questions : sequence of :class:`onebyone.exercises.Question`
    """
    if isinstance(questions, Question) or not isinstance(questions, Sequence):
        raise TypeError(f"questions must be a list of Question, got {v.describe(questions)}")
    return Quiz(questions)
