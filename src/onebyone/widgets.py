"""Interactive explorers and quizzes for the notebooks.

Each builder returns an :class:`Explorer`, an ipywidgets ``VBox`` of sliders, a line of
text and a plot. Its callback is thin: it reads the sliders, calls a pure function of
this module (tested without a browser), and draws the result with :mod:`onebyone.viz`.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from onebyone import _validate as v
from onebyone import cost, data, ops, viz
from onebyone.exercises import Feedback, Question, check_question, grade


class Explorer(widgets.VBox):
    """Sliders, a line of text and a picture, redrawn whenever a slider moves.

    Attributes
    ----------
    controls : dict of str to widget, the sliders by name
    result : the latest value of ``compute(**slider values)``
    figure : the latest Figure drawn from ``result``
    text : HTML widget showing ``describe(result)``
    image : Image widget showing ``figure`` as PNG
    """

    def __init__(self, controls: dict[str, widgets.ValueWidget],
                 compute: Callable[..., Any], draw: Callable[[Any], Figure],
                 describe: Callable[[Any], str]) -> None:
        self.controls = controls
        self._compute, self._draw, self._describe = compute, draw, describe
        self.text = widgets.HTML()
        # an Image widget, not an Output: the PNG is rendered once, here, and a redraw
        # replaces it without clearing and re-capturing display output
        self.image = widgets.Image(format="png")
        # flex-start: show the picture at its own size instead of stretched to the width
        sliders = widgets.HBox(list(controls.values()),
                               layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([sliders, self.text, self.image],
                         layout=widgets.Layout(align_items="flex-start"))
        for control in controls.values():
            control.observe(self._redraw, names="value")
        self._redraw()

    def _redraw(self, change: object = None) -> None:
        self.result = self._compute(**{name: c.value for name, c in self.controls.items()})
        self.figure = self._draw(self.result)
        self.text.value = self._describe(self.result)
        self.image.value = viz.to_png(self.figure)


def _slider(kind: type, description: str, value: float, lo: float, hi: float,
            step: float = 1) -> widgets.ValueWidget:
    return kind(value=value, min=lo, max=hi, step=step, description=description,
                continuous_update=False, style={"description_width": "initial"})


# -- 01: one channel ---------------------------------------------------------------

class SingleChannelResult(NamedTuple):
    image: np.ndarray
    w: float
    b: float
    output: np.ndarray


def single_channel_result(w: float, b: float,
                          image: np.ndarray = data.SEED_MATRIX) -> SingleChannelResult:
    """``image`` (2-D, one channel) convolved with a 1x1 filter of value ``w``, bias ``b``."""
    image = v.real_array("image", image, ndim=(2,), layout="(n_H, n_W)")
    w, b = v.real_number("w", w), v.real_number("b", b)
    out = ops.conv1x1(image[:, :, np.newaxis], np.array([[w]]), np.array([b]))
    return SingleChannelResult(image, w, b, out[:, :, 0])


def single_channel_explorer() -> Explorer:
    """Sliders for the filter value ``w`` and bias ``b`` on the lecture's 6x6 matrix."""
    return Explorer(
        {"w": _slider(widgets.FloatSlider, "filter value w", 2.0, -3.0, 3.0, 0.5),
         "b": _slider(widgets.FloatSlider, "bias b", 0.0, -10.0, 10.0, 0.5)},
        compute=single_channel_result,
        draw=lambda r: viz.heatmap(r.image, r.output,
                                   titles=["input (6×6×1)", f"output = {r.w:g}·x + {r.b:g}"]),
        describe=lambda r: (f"first row: <code>{r.image[0].tolist()}</code> → "
                            f"<code>{np.round(r.output[0], 2).tolist()}</code>"),
    )


# -- 02: many channels -------------------------------------------------------------

class MultiChannelResult(NamedTuple):
    x: np.ndarray
    w: np.ndarray
    output: np.ndarray
    fiber: ops.FiberDot
    i: int
    j: int
    params: int
    multiplies: int


def multi_channel_result(n_C: int, n_F: int, i: int, j: int,
                         n_H: int = 6, n_W: int = 6) -> MultiChannelResult:
    """A seeded ``(n_H, n_W, n_C)`` volume through ``n_F`` 1x1 filters and a ReLU.

    Also returns, at pixel ``(i, j)``, the fibre meeting filter 0, and the layer's
    parameter and multiplication counts.
    """
    x = data.random_volume(n_H, n_W, n_C, seed=0)
    w = data.random_filters(n_C, n_F, seed=1)
    return MultiChannelResult(
        x=x, w=w, output=ops.relu(ops.conv1x1(x, w)),
        fiber=ops.fiber_dot(x, w[:, 0], i, j), i=i, j=j,
        params=cost.conv_params(1, n_C, n_F),
        multiplies=cost.conv_multiplies(n_H, n_W, 1, n_C, n_F),
    )


def describe_multi_channel(r: MultiChannelResult) -> str:
    n_H, n_W, n_C = r.x.shape
    n_F = r.w.shape[1]
    return (f"<code>{n_H}×{n_W}×{n_C}</code> ∗ {n_F} filter{'s' if n_F > 1 else ''} of "
            f"<code>1×1×{n_C}</code> → output <code>{'×'.join(map(str, r.output.shape))}"
            f"</code> · parameters {n_C}·{n_F} + {n_F} = <b>{r.params:,}</b> · "
            f"multiplications {n_H}·{n_W}·{n_F}·{n_C} = <b>{r.multiplies:,}</b>")


def multi_channel_explorer(max_channels: int = 64) -> Explorer:
    """Sliders for ``n_C``, ``n_F`` and the pixel ``(i, j)`` of a 6x6 volume."""
    return Explorer(
        {"n_C": _slider(widgets.IntSlider, "channels n_C", 32, 1, max_channels),
         "n_F": _slider(widgets.IntSlider, "filters n_F", 8, 1, max_channels),
         "i": _slider(widgets.IntSlider, "row i", 2, 0, 5),
         "j": _slider(widgets.IntSlider, "column j", 3, 0, 5)},
        compute=multi_channel_result,
        draw=lambda r: viz.fiber(r.x, r.w[:, 0], r.i, r.j),
        describe=describe_multi_channel,
    )


# -- quizzes -----------------------------------------------------------------------

def _feedback_html(feedback: Feedback) -> str:
    colour = "#1a7f37" if feedback else "#b35900"
    return f'<span style="color: {colour}">{html.escape(repr(feedback))}</span>'


class Quiz(widgets.VBox):
    """Multiple-choice questions with instant feedback; see :func:`quiz`.

    Attributes
    ----------
    questions : the questions
    choices : one RadioButtons per question
    feedback : one HTML per question, updated when its choice changes
    """

    def __init__(self, questions: Sequence[Question]) -> None:
        self.questions = [check_question(q) for q in questions]
        if not self.questions:
            raise ValueError("a quiz needs at least one question, got none")
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
