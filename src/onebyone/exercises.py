"""Instant checks for the notebooks' exercises.

Each ``check_...`` takes the learner's answer (a value or a function), never raises, and
returns a :class:`Feedback` that Jupyter shows as one line: correct only when it is, and
otherwise a hint naming what was expected and what came. A learner's function is called
on fresh read-only copies of the inputs, so it cannot change them, and anything it
raises becomes part of the message instead of a traceback.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from onebyone import _validate as v
from onebyone import cost, data, ops


@dataclass(frozen=True)
class Feedback:
    """The verdict of a check: truthy when correct; shown as one line of text."""

    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        # ✓ and ✗ are in the common fonts, emoji are not everywhere
        return f"{'✓ Correct' if self.correct else '✗ Not yet'}: {self.message}"


class _Wrong(Exception):
    """Raised inside a check to stop at the first problem found."""


def _read_only(array: np.ndarray) -> np.ndarray:
    copy = array.copy()
    copy.flags.writeable = False
    return copy


def _call(func: object, *args: object) -> object:
    """Call the learner's function, turning what can go wrong into a :class:`_Wrong`."""
    if not callable(func):
        raise _Wrong(f"expected a function, got {v.describe(func)}. "
                     "Pass the function itself, without calling it (no parentheses).")
    args = tuple(_read_only(a) if isinstance(a, np.ndarray) else a for a in args)
    try:
        return func(*args)
    except Exception as error:  # the learner's code may raise anything: report it
        hint = ""
        if "read-only" in str(error):
            hint = " Build a new array instead of changing the input in place."
        raise _Wrong(f"your function raised {type(error).__name__}: {error}.{hint}") from None


def _as_result(answer: object, expected: np.ndarray, name: str) -> np.ndarray:
    """Check that ``answer`` is a real ndarray of the expected shape."""
    if answer is None:
        raise _Wrong(f"{name} is None. Did you forget a `return`?")
    if not isinstance(answer, np.ndarray):
        raise _Wrong(f"{name} should be a numpy array of shape {v.shape_str(expected.shape)}, "
                     f"got {v.describe(answer)}.")
    if answer.dtype == np.bool_ or answer.dtype.kind not in "iuf":
        raise _Wrong(f"{name} should hold real numbers, got dtype {answer.dtype}.")
    if answer.shape != expected.shape:
        raise _Wrong(f"{name} has shape {v.shape_str(answer.shape)} but should have shape "
                     f"{v.shape_str(expected.shape)}.")
    return answer


def _first_difference(answer: np.ndarray, expected: np.ndarray) -> str | None:
    close = np.isclose(answer, expected, rtol=1e-6, atol=1e-8)
    if close.all():
        return None
    index = tuple(int(k) for k in np.argwhere(~close)[0])
    return (f"at index {index} you have {answer[index]:.6g} but the answer is "
            f"{expected[index]:.6g} ({int((~close).sum())} of {close.size} values differ).")


def _verdict(check: Callable[[], str]) -> Feedback:
    try:
        return Feedback(True, check())
    except _Wrong as wrong:
        return Feedback(False, str(wrong))


# -- 00 ---------------------------------------------------------------------------

def check_photo_shape(answer: object) -> Feedback:
    """Check the channels-last shape of an RGB photo 4 pixels high and 5 wide."""
    expected = (4, 5, 3)

    def check() -> str:
        if not isinstance(answer, tuple):
            raise _Wrong("the answer should be a tuple such as (1, 2, 3), "
                         f"got {v.describe(answer)}.")
        odd = [n for n in answer if isinstance(n, (bool, np.bool_))
               or not isinstance(n, numbers.Integral)]
        if odd:
            raise _Wrong(f"each size should be a whole number, got {v.describe(odd[0])}.")
        if answer == expected:
            return "(n_H, n_W, n_C) = (4, 5, 3): height, width, then the 3 colour channels."
        if answer == (3, 4, 5):
            raise _Wrong("that is channels-first; this course puts the channels last.")
        if answer == (5, 4, 3):
            raise _Wrong("height (rows) comes before width (columns).")
        raise _Wrong(f"{answer} is not it: height, width, then the number of channels.")

    return _verdict(check)


# -- 01 ---------------------------------------------------------------------------

def _single_channel_cases() -> list[tuple[np.ndarray, float, float]]:
    rng = np.random.default_rng(101)
    return [(data.SEED_MATRIX, 2.0, 0.0),
            (data.SEED_MATRIX, -1.5, 4.0),
            (rng.integers(-9, 10, size=(3, 5)).astype(float), 0.5, -1.0)]


def check_single_channel(func: Callable[[np.ndarray, float, float], np.ndarray]) -> Feedback:
    """Check ``func(image, w, b)``: a 2-D image through a 1x1 filter of value ``w``, bias ``b``."""

    def check() -> str:
        for image, w, b in _single_channel_cases():
            expected = ops.conv1x1(image[:, :, None], np.array([[w]]), np.array([b]))[:, :, 0]
            answer = _as_result(_call(func, image, w, b), expected,
                                f"your function's result for an image of shape "
                                f"{v.shape_str(image.shape)}")
            problem = _first_difference(answer, expected)
            if problem:
                raise _Wrong(f"with w={w:g}, b={b:g}: {problem}")
        return "every pixel is w·x + b, on all test images."

    return _verdict(check)


# -- 02 ---------------------------------------------------------------------------

def check_param_count(answer: object) -> Feedback:
    """Check the number of parameters of 16 filters of size 1x1x32 with biases."""
    expected = cost.conv_params(1, 32, 16)

    def check() -> str:
        if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
            raise _Wrong(f"the answer should be a whole number, got {v.describe(answer)}.")
        if answer == expected:
            return f"32·16 weights + 16 biases = {expected}."
        if answer == 32 * 16:
            raise _Wrong("that counts the weights; each filter also has one bias.")
        raise _Wrong(f"{answer} is not it. Each filter has one weight per input channel "
                     "and one bias.")

    return _verdict(check)


def _layer_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    return [(data.random_volume(6, 6, 32, seed=7), data.random_filters(32, 4, seed=8),
             np.linspace(-0.5, 0.5, 4)),
            (data.random_volume(3, 5, 2, seed=9), data.random_filters(2, 3, seed=10),
             np.zeros(3))]


def check_layer(func: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]) -> Feedback:
    """Check ``func(x, w, b)`` = ReLU of the 1x1 convolution of ``x`` by ``w`` plus ``b``.

    ``x`` is ``(n_H, n_W, n_C)``, ``w`` is ``(n_C, n_F)``, ``b`` is ``(n_F,)``; the result
    should be ``(n_H, n_W, n_F)``.
    """

    def check() -> str:
        for x, w, b in _layer_cases():
            linear = ops.conv1x1(x, w, b)
            expected = ops.relu(linear)
            answer = _as_result(_call(func, x, w, b), expected,
                                f"your result for x of shape {v.shape_str(x.shape)} and "
                                f"w of shape {v.shape_str(w.shape)}")
            problem = _first_difference(answer, expected)
            if problem is None:
                continue
            if _first_difference(answer, linear) is None:
                raise _Wrong("your values are right before the ReLU: apply max(z, 0).")
            raise _Wrong(problem)
        return "ReLU(x · w + b) at every pixel."

    return _verdict(check)


# -- quizzes (shown by onebyone.widgets.quiz) --------------------------------------

class Question(NamedTuple):
    """One multiple-choice question: ``options[answer]`` is right, ``why`` says why."""

    prompt: str
    options: Sequence[str]
    answer: int
    why: str


def check_question(question: Question) -> Question:
    """Validate a question written in a notebook; return it unchanged."""
    if not isinstance(question, Question):
        raise TypeError(f"question must be a Question, got {v.describe(question)}")
    if isinstance(question.options, str) or len(question.options) < 2 \
            or not all(isinstance(o, str) and o for o in question.options):
        raise ValueError(f"options must be at least two non-empty strings, "
                         f"got {question.options!r}")
    if len(set(question.options)) != len(question.options):
        raise ValueError(f"options must differ from each other, got {question.options!r}")
    v.integer("answer", question.answer, minimum=0)
    if question.answer >= len(question.options):
        raise ValueError(f"answer must index one of the {len(question.options)} options, "
                         f"got {question.answer}")
    return question


def grade(question: Question, choice: int | None) -> Feedback:
    """The feedback for choosing ``options[choice]`` (``None``: nothing chosen yet)."""
    check_question(question)
    if choice is None:
        return Feedback(False, "choose an answer.")
    choice = v.integer("choice", choice, minimum=0)
    if choice >= len(question.options):
        raise ValueError(f"choice must index one of the {len(question.options)} options, "
                         f"got {choice}")
    if choice == question.answer:
        return Feedback(True, question.why)
    return Feedback(False, f"“{question.options[choice]}” is not it. Think again and "
                           "try another answer.")
