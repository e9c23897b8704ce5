"""Instant checks for the notebooks' exercises.

Each ``check_...`` takes the learner's answer (a value or a function), never raises, and
returns a :class:`Feedback` that Jupyter shows as one line: correct only when it is, and
otherwise a hint naming what was expected and what came. A learner's function is called
on fresh read-only copies of the inputs, so it cannot change them, and anything it
raises becomes part of the message instead of a traceback.

The checks are independent functions, in course order, one section per notebook, after
the machinery they share and the quizzes' :class:`Question`. One module rather than a
package (as ``viz`` and ``widgets`` are): a notebook imports its checks by name, and
each section is a few short functions that share that machinery and nothing else.
"""

from __future__ import annotations

import hashlib
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from onebyone import _validate as v
from onebyone import cost, data, nin, ops


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
    problem = (f"at index {index} you have {answer[index]:.6g} but the answer is "
               f"{expected[index]:.6g} ({int((~close).sum())} of {close.size} values differ).")
    if answer.dtype.kind in "iu" and not np.array_equal(expected, np.round(expected)):
        # e.g. np.zeros_like(image) on an integer image: every store drops the fraction
        problem += (f" Your result holds whole numbers only (dtype {answer.dtype}), which "
                    "drops every fraction: start from a float array (np.zeros(shape) is "
                    "float; np.zeros_like of an integer array is not).")
    return problem


def _real_number(answer: object, what: str) -> numbers.Real:
    """``answer`` if it is a real number (not a bool); else a :class:`_Wrong` naming ``what``."""
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        raise _Wrong(f"{what} should be a whole number, got {v.describe(answer)}.")
    return answer


def _two_counts(answer: object, what: str, expected: tuple[int, int],
                first: str) -> tuple[numbers.Real, numbers.Real]:
    """``answer`` as two real numbers; else a :class:`_Wrong` asking for ``what``, or
    saying that the two are ``expected`` swapped (``first`` names the one that comes first).
    """
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise _Wrong(f"give two numbers, {what}; got {v.describe(answer)}.")
    pair = tuple(_real_number(n, "each count") for n in answer)
    if pair != expected and pair == expected[::-1]:
        raise _Wrong(f"the two numbers are swapped: {first} comes first.")
    return pair


def _check_two_counts(answer: object, what: str, expected: tuple[int, int], first: str,
                      right: str, hints: tuple[tuple[str, dict, Callable[[object], str]], ...]
                      ) -> Feedback:
    """A check of two counts: ``right`` when ``answer`` is ``expected``; else, for the
    first count that is wrong, its ``(prefix, {mistake: hint}, fallback(count))``."""
    def check() -> str:
        pair = _two_counts(answer, what, expected, first)
        if pair == expected:
            return right
        k = 0 if pair[0] != expected[0] else 1
        prefix, mistakes, fallback = hints[k]
        raise _Wrong(prefix + (mistakes.get(pair[k]) or fallback(pair[k])))

    return _verdict(check)


def _verdict(check: Callable[[], str]) -> Feedback:
    try:
        return Feedback(True, check())
    except _Wrong as wrong:
        return Feedback(False, str(wrong))


# -- quizzes (shown by onebyone.widgets.quiz) --------------------------------------

class Question(NamedTuple):
    """One multiple-choice question: ``options[answer]`` is right, ``why`` says why."""

    prompt: str
    options: Sequence[str]
    answer: int
    why: str


def check_question(question: Question, name: str = "question") -> Question:
    """Validate a question written in a notebook; return it unchanged."""
    if not isinstance(question, Question):
        raise TypeError(f"{name} must be a Question, got {v.describe(question)}")
    if isinstance(question.options, str) or len(question.options) < 2 \
            or not all(isinstance(o, str) and o for o in question.options):
        raise ValueError(f"{name}.options must be at least two non-empty strings, "
                         f"got {question.options!r}")
    if len(set(question.options)) != len(question.options):
        raise ValueError(f"{name}.options must differ from each other, "
                         f"got {question.options!r}")
    v.integer(f"{name}.answer", question.answer, minimum=0)
    if question.answer >= len(question.options):
        raise ValueError(f"{name}.answer must index one of the {len(question.options)} "
                         f"options, got {question.answer}")
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


NEGATIVE_IMAGE_TOP = 10
"""01's "negative" of the lecture's image is ``NEGATIVE_IMAGE_TOP - x``."""


def check_negative_image(answer: object) -> Feedback:
    """Check ``(w, b)``: the 1x1 filter value and bias that turn an image ``x`` into
    ``10 - x``, its "negative" (the answer is ``w = -1``, ``b = 10``)."""
    top = NEGATIVE_IMAGE_TOP

    def check() -> str:
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            raise _Wrong(f"give two numbers, (w, b); got {v.describe(answer)}.")
        for name, value in zip(("w", "b"), answer, strict=True):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
                raise _Wrong(f"{name} should be a number, got {v.describe(value)}.")
        w, b = answer
        if (w, b) == (-1, top):
            return (f"w · x + b = {top} − x: the brightest pixel, 9, becomes 1, and the "
                    "darkest, 1, becomes 9.")
        if (w, b) == (top, -1):
            raise _Wrong("the two numbers are swapped: the filter value w comes first.")
        if (w, b) == (-1, 0):
            raise _Wrong(f"w = −1 gives −x, every value negative: the bias must lift them "
                         f"back, to {top} − x.")
        if (w, b) == (1, -top):
            raise _Wrong(f"that gives x − {top}, whose pattern is the image's own, shifted "
                         f"down: the negative needs the sign of x flipped.")
        raise _Wrong(f"with w = {w:g} and b = {b:g}, the pixel 1 becomes {w + b:g} and 9 "
                     f"becomes {9 * w + b:g}; the negative turns 1 into 9 and 9 into 1.")

    return _verdict(check)


# -- 02 ---------------------------------------------------------------------------

def check_param_count(answer: object) -> Feedback:
    """Check the number of parameters of 16 filters of size 1x1x32 with biases."""
    expected = cost.conv_params(1, 32, 16)

    def check() -> str:
        _real_number(answer, "the answer")
        if answer == expected:
            return f"32·16 weights + 16 biases = {expected}."
        if answer == 32 * 16:
            raise _Wrong("that counts the weights; each filter also has one bias.")
        raise _Wrong(f"{answer} is not it. Each filter has one weight per input channel "
                     "and one bias.")

    return _verdict(check)


def _pixel_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray, int, int]]:
    # i != j everywhere, so that x[j, i] is another pixel; sums of both signs, so that the
    # ReLU and the place of the bias show
    return [(data.random_volume(6, 6, 32, seed=7), data.random_filters(32, 8, seed=8),
             np.linspace(-0.5, 0.5, 8), 1, 4),
            # square W: the transposed W has the right shape, only its values give it away
            (data.random_volume(4, 4, 4, seed=9), data.random_filters(4, 4, seed=10),
             np.linspace(0.3, -0.3, 4), 0, 2),
            (data.random_volume(3, 5, 2, seed=11), data.random_filters(2, 3, seed=12),
             np.zeros(3), 2, 4)]


def _pixel_mistake(answer: np.ndarray, x: np.ndarray, W: np.ndarray, b: np.ndarray,
                   i: int, j: int) -> str | None:
    """A hint for the usual mistakes, when ``answer`` is one of them."""
    z = x[i, j] @ W
    candidates = [
        (z + b, "your values are right before the ReLU: apply max(z, 0) to each filter's sum."),
        (ops.relu(z), "you left out the bias: each filter k adds its own b[k] to its sum."),
        (ops.relu(z) + b, "you added the bias after the ReLU: add it to the sum first, then "
                          "apply the ReLU."),
    ]
    if j < x.shape[0] and i < x.shape[1]:
        candidates.append((ops.relu(x[j, i] @ W + b),
                           f"that is pixel ({j}, {i}): i is the row and j the column, so the "
                           "fibre is x[i, j, :]."))
    if W.shape[0] == W.shape[1]:
        candidates.append((ops.relu(x[i, j] @ W.T + b),
                           "you used W transposed: filter k is column k of W, W[:, k], "
                           "one weight per input channel."))
    for values, hint in candidates:
        if _close(answer, values):
            return hint
    return None


def check_pixel_output(func: Callable[[np.ndarray, np.ndarray, np.ndarray, int, int],
                                      np.ndarray]) -> Feedback:
    """Check ``func(x, W, b, i, j)``: the ``n_F`` numbers of a 1x1 layer's output at the
    pixel ``(i, j)``, ``ReLU(x[i, j, :] @ W[:, k] + b[k])`` for each filter ``k``.

    ``x`` is ``(n_H, n_W, n_C)``, ``W`` is ``(n_C, n_F)`` (one filter per column), ``b``
    is ``(n_F,)``; the result should be ``(n_F,)``, the output's 1x1xn_F block at
    ``(i, j)``.
    """

    def check() -> str:
        for x, W, b, i, j in _pixel_cases():
            n_H, n_W, _ = x.shape
            n_F = W.shape[1]
            where = (f"for x of shape {v.shape_str(x.shape)}, W of shape "
                     f"{v.shape_str(W.shape)} and the pixel ({i}, {j})")
            try:
                answer = _call(func, x, W, b, i, j)
            except _Wrong as wrong:
                if "matmul" in str(wrong) or "not aligned" in str(wrong):
                    raise _Wrong(f"{wrong} The shapes must chain: the fibre x[i, j, :] has "
                                 f"n_C = {W.shape[0]} values, and W is (n_C, n_F) = "
                                 f"{v.shape_str(W.shape)}, one filter per column.") from None
                raise
            expected = ops.relu(x[i, j] @ W + b)
            if isinstance(answer, np.ndarray) and answer.shape == (n_H, n_W, n_F):
                raise _Wrong(f"your result {where} has shape {v.shape_str(answer.shape)}: that "
                             f"is the output at every pixel. Return only the {n_F} numbers "
                             f"of the pixel ({i}, {j}), one per filter.")
            one_number = (isinstance(answer, numbers.Real)
                          and not isinstance(answer, (bool, np.bool_))) \
                or (isinstance(answer, np.ndarray) and answer.size == 1
                    and answer.dtype.kind in "iuf")
            if one_number and n_F > 1:
                raise _Wrong(f"your result {where} is one number, but the pixel's fibre meets "
                             f"each of the {n_F} filters: return {n_F} numbers, an array of "
                             f"shape ({n_F},).")
            answer = _as_result(answer, expected, f"your result {where}")
            problem = _first_difference(answer, expected)
            if problem is not None:
                raise _Wrong(_pixel_mistake(answer, x, W, b, i, j) or f"{where}, {problem}")
        return ("ReLU(x[i, j, :] @ W[:, k] + b[k]) for each filter k: the fibre meets every "
                "filter in a dot product, and the pixel gets one number per filter, a "
                "1×1×n_F block of the output.")

    return _verdict(check)


# -- 03: shrinking channels ----------------------------------------------------------

SHRINK_EXERCISE = {"n_H": 56, "n_W": 56, "n_C": 256, "n_F": 64}
"""The layer of the 03 exercise: 64 filters of 1x1x256 shrink 56x56x256 to 56x56x64."""


def check_shrink_multiplies(answer: object) -> Feedback:
    """Check the multiplications of the 03 exercise's layer (see ``SHRINK_EXERCISE``)."""
    n_H, n_W, n_C, n_F = (SHRINK_EXERCISE[k] for k in ("n_H", "n_W", "n_C", "n_F"))
    expected = cost.conv_multiplies(n_H, n_W, 1, n_C, n_F)
    mistakes = {
        n_C * n_F: (f"that is the work at one pixel ({n_C}·{n_F}); the filters visit all "
                    f"{n_H}·{n_W} pixels."),
        cost.conv_params(1, n_C, n_F): ("that is the number of parameters; count the "
                                        "multiplications done at every pixel."),
        n_H * n_W * n_F: (f"that counts the output values; each one is a dot product of "
                          f"{n_C} multiplications."),
        n_H * n_W * n_C: (f"that counts the input values; each one is multiplied by each of "
                          f"the {n_F} filters."),
        n_H * n_W * n_C * n_C: (f"that keeps all {n_C} channels; this layer has {n_F} "
                                "filters."),
    }

    def check() -> str:
        _real_number(answer, "the answer")
        if answer == expected:
            return (f"{n_H}·{n_W}·{n_F}·{n_C} = {expected:,}: at each of the {n_H}·{n_W} "
                    f"pixels, {n_F} dot products of {n_C} multiplications.")
        raise _Wrong(mistakes.get(answer) or
                     f"{answer} is not it. Count the pixels (n_H·n_W), times the filters "
                     "(n_F), times the multiplications of one dot product (n_C).")

    return _verdict(check)


SAME_DEPTH_FILTERS = np.array([[1.0, -1.0],
                               [2.0, 1.0]])
"""The layer of the 03 exercise in miniature: 2 filters of 1x1x2 (the columns), no bias,
then a ReLU, ``f(p) = max(p @ SAME_DEPTH_FILTERS, 0)``. Like 192 filters on 192
channels, it keeps the number of channels."""
SAME_DEPTH_FILTERS.flags.writeable = False


def _numbers(values: np.ndarray) -> str:
    return "[" + ", ".join(f"{value:.3g}" for value in values) + "]"


def _fibre(item: object, name: str) -> np.ndarray:
    """``item`` as a fibre of 2 finite real numbers; else a :class:`_Wrong` naming ``name``."""
    example = "such as np.array([1.0, -2.0])"
    if item is None:
        raise _Wrong(f"{name} is None: give {name} as a numpy array of 2 numbers, {example}.")
    fibre = item
    if isinstance(item, (list, tuple)):
        try:
            fibre = np.asarray(item)
        except ValueError:
            fibre = None
    if not isinstance(fibre, np.ndarray):
        raise _Wrong(f"{name} should be a numpy array of 2 numbers, {example}; got "
                     f"{v.describe(item)}.")
    if fibre.dtype == np.bool_ or fibre.dtype.kind not in "iuf":
        raise _Wrong(f"{name} should hold real numbers, got dtype {fibre.dtype}.")
    if fibre.shape != (2,):
        raise _Wrong(f"{name} has shape {v.shape_str(fibre.shape)}, but a fibre of this layer's "
                     "input is one pixel's 2 channel values: shape (2,).")
    if not np.isfinite(fibre).all():
        raise _Wrong(f"{name} holds NaN or inf: give 2 finite numbers.")
    return fibre.astype(float)


def check_sum_rule_counterexample(answer: object) -> Feedback:
    """Check ``(p, q)``: two fibres of 2 channel values each for which the 03 exercise's
    layer ``f(p) = max(p @ SAME_DEPTH_FILTERS, 0)`` breaks the sum rule of linear maps,
    ``f(p + q) != f(p) + f(q)``.

    That happens exactly when some filter's sum is positive for one fibre and negative
    for the other: apart, the ReLU cuts the negative one to 0; added first, it is not
    cut.
    """
    W = SAME_DEPTH_FILTERS

    def check() -> str:
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            raise _Wrong(f"give two fibres (p, q), each a numpy array of 2 numbers; got "
                         f"{v.describe(answer)}.")
        p, q = _fibre(answer[0], "p"), _fibre(answer[1], "q")
        z_p, z_q = p @ W, q @ W
        together = np.maximum((p + q) @ W, 0)
        apart = np.maximum(z_p, 0) + np.maximum(z_q, 0)
        sums = f"p @ W = {_numbers(z_p)}, q @ W = {_numbers(z_q)}"
        opposite = (z_p > 0) & (z_q < 0) | (z_p < 0) & (z_q > 0)
        if not np.allclose(together, apart, rtol=1e-6, atol=1e-6):
            k = int(np.argmax(np.abs(together - apart)))
            return (f"f(p + q) = {_numbers(together)} but f(p) + f(q) = {_numbers(apart)}: "
                    f"filter {k}'s sum is {z_p[k]:.3g} for p and {z_q[k]:.3g} for q, and the "
                    "ReLU cuts the negative one to 0 only when they are apart. The layer "
                    "keeps 2 channels, and it is not linear.")
        if opposite.any():
            k = int(np.argmax(opposite))
            raise _Wrong(f"filter {k}'s sums have opposite signs ({sums}), but f(p + q) and "
                         f"f(p) + f(q) differ too little to tell from rounding: use larger "
                         "numbers, such as 1 and -1.")
        raise _Wrong(f"here f(p + q) = f(p) + f(q) = {_numbers(together)}: no filter gives a "
                     f"positive sum for one fibre and a negative one for the other ({sums}), "
                     "so the ReLU passes both or cuts both, as a linear layer would. Choose p "
                     "and q so that a filter's sum is positive for p and negative for q.")

    return _verdict(check)


# -- 04: a 1x1 convolution as one matrix product ---------------------------------------

def _matmul_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    return [(data.random_volume(4, 5, 3, seed=41), data.random_filters(3, 2, seed=42)),
            # square w: the transposed w has the right shape, only its values give it away
            (data.random_volume(3, 3, 4, seed=43), data.random_filters(4, 4, seed=44)),
            (data.random_volume(2, 6, 5, seed=45), data.random_filters(5, 3, seed=46))]


def _matmul_mistake(answer: np.ndarray, x: np.ndarray, w: np.ndarray,
                    expected: np.ndarray) -> str | None:
    """A hint for the usual mistakes, when ``answer`` is one of them."""
    n_C = x.shape[-1]
    if w.shape[0] == w.shape[1] and _first_difference(answer, ops.conv1x1(x, w.T)) is None:
        return ("you multiplied by w transposed. w already has shape (n_C, n_F): the product "
                "is (n_H·n_W, n_C) @ (n_C, n_F), with w as it is.")
    if _first_difference(answer, ops.relu(expected)) is None:
        return ("your values are the ReLU of the answer: this is the linear 1×1 convolution, "
                "without an activation.")
    if np.allclose(np.sort(answer, axis=None), np.sort(expected, axis=None)):
        return ("the right numbers in the wrong places. The matrix has one row per pixel, "
                "x.reshape(-1, n_C), and the result goes back with .reshape(n_H, n_W, n_F), "
                "with no transpose in between.")
    channels_first = (x.reshape(n_C, -1).T @ w).reshape(expected.shape)
    if _first_difference(answer, channels_first) is None:
        return ("x.reshape(n_C, -1) mixes pixels and channels. In a channels-last array the "
                "n_C values of one pixel are next to each other, so the matrix with one row "
                "per pixel is x.reshape(-1, n_C).")
    return None


def check_conv1x1_matmul(func: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Feedback:
    """Check ``func(x, w)``: the 1x1 convolution as a reshape, one matrix product, and a
    reshape back; no bias, no activation.

    ``x`` is ``(n_H, n_W, n_C)``, ``w`` is ``(n_C, n_F)``; the result should be
    ``(n_H, n_W, n_F)``.
    """

    def check() -> str:
        for x, w in _matmul_cases():
            n_H, n_W, n_C = x.shape
            n_F = w.shape[1]
            where = (f"for x of shape {v.shape_str(x.shape)} and w of shape "
                     f"{v.shape_str(w.shape)}")
            try:
                answer = _call(func, x, w)
            except _Wrong as wrong:
                if "matmul" in str(wrong) or "not aligned" in str(wrong):
                    raise _Wrong(f"{wrong} The shapes must chain: (n_H·n_W, n_C) @ (n_C, n_F), "
                                 f"here ({n_H * n_W}, {n_C}) @ ({n_C}, {n_F}).") from None
                raise
            expected = ops.conv1x1(x, w)
            if isinstance(answer, np.ndarray) and answer.shape == (n_H * n_W, n_F):
                raise _Wrong(f"your result {where} has shape ({n_H * n_W}, {n_F}), one row per "
                             f"pixel: reshape it back to (n_H, n_W, n_F) = ({n_H}, {n_W}, {n_F}).")
            answer = _as_result(answer, expected, f"your result {where}")
            problem = _first_difference(answer, expected)
            if problem is not None:
                raise _Wrong(_matmul_mistake(answer, x, w, expected) or f"{where}, {problem}")
        return ("x.reshape(-1, n_C) @ w, reshaped back to (n_H, n_W, n_F): the whole layer "
                "in one matrix product.")

    return _verdict(check)


SHARING_EXERCISE = {"n_H": 64, "n_W": 64}
"""The image of the second 04 exercise: 64x64 pixels, one channel. A dense layer maps its
4,096 values to 4,096 outputs; a 1x1 convolution maps its 1 channel to 1."""


def check_dense_and_conv_params(answer: object) -> Feedback:
    """Check ``(n_dense, n_conv)``: the parameters (weights and biases) of the 04 exercise's
    dense layer from the 64x64 image's 4,096 values to 4,096 outputs, and of a 1x1
    convolution from 1 channel to 1 (see ``SHARING_EXERCISE``)."""
    n_H, n_W = SHARING_EXERCISE["n_H"], SHARING_EXERCISE["n_W"]
    n = n_H * n_W
    expected = (cost.dense_params(n, n), cost.conv_params(1, 1, 1))
    dense_mistakes = {
        cost.dense_params(n, n, bias=False): (
            f"{n:,}·{n:,} counts its weights only; each of its {n:,} outputs also has a "
            "bias."),
        cost.dense_params(n, n, bias=False) + 1: (
            f"each of its {n:,} outputs has a bias of its own, not one for all."),
        cost.dense_params(n, 1): (
            f"that is a dense layer with one output; this one has {n:,}, each with {n:,} "
            "weights and a bias."),
        n: f"{n:,} is the number of its inputs; count its weights and biases.",
        cost.dense_params(n_W, n_W): (
            f"that is a layer on one row of {n_W} pixels; this one sees all "
            f"{n_H}·{n_W} = {n:,} values."),
    }
    conv_mistakes = {
        1: "it has one weight, and also one bias.",
        0: "it has one weight and one bias.",
        n: (f"it does not give each of the {n:,} pixels a weight of its own: one 1×1 "
            "filter, one weight and one bias, serves them all."),
        n * expected[1]: (f"that gives each of the {n:,} pixels its own weight and bias; the "
                          "convolution shares one filter across all of them."),
    }

    return _check_two_counts(
        answer, "(n_dense, n_conv): the dense layer's parameters, then the 1×1 convolution's",
        expected, "the dense layer",
        f"{expected[0]:,} against {expected[1]}: each of the dense layer's {n:,} outputs has "
        f"its own {n:,} weights and a bias, while the 1×1 convolution shares one weight and "
        f"one bias across all {n:,} pixels.",
        (("the dense layer: ", dense_mistakes,
          lambda dense: f"{dense} is not it. Each of its {n:,} outputs has one weight per "
                        f"input value ({n:,} of them) and one bias."),
         ("the dense layer is right. The 1×1 convolution: ", conv_mistakes,
          lambda conv: f"{conv} is not it. It has one filter of 1·1·1 weights and one bias.")))


# -- 05: colour as a 1x1 convolution -------------------------------------------------

RESPONDS = 0.5
"""In :func:`check_colour_separator`, a channel responds to a colour when its value
there is at least this."""
STAYS_DARK = 0.0
"""... and stays dark on a colour when its value there is at most this (black after a
ReLU)."""
_COLOUR_NAMES = ("red", "blue")  # the colours of data.TWO_COLOURS, in order


def check_colour_separator(w: object) -> Feedback:
    """Check a 3 -> 2 bank of 1x1 filters ``w``, shape ``(3, 2)``, no bias, that tells
    the two colours of :data:`onebyone.data.TWO_COLOURS` (a red, a blue) apart.

    "Separates" means: on a pixel of the red, output channel 0 is at least
    :data:`RESPONDS` (0.5) and channel 1 at most :data:`STAYS_DARK` (0); on a pixel of
    the blue, channel 1 is at least 0.5 and channel 0 at most 0. After a ReLU, each
    channel is then bright on its own colour and black on the other.
    """

    def check() -> str:
        if w is None:
            raise _Wrong("w is None. Assign your filter bank: a numpy array of shape (3, 2).")
        if not isinstance(w, np.ndarray):
            hint = " (wrap it with np.array)" if isinstance(w, (list, tuple)) else ""
            raise _Wrong(f"w should be a numpy array of shape (3, 2), got "
                         f"{v.describe(w)}{hint}.")
        if w.dtype == np.bool_ or w.dtype.kind not in "iuf":
            raise _Wrong(f"w should hold real numbers, got dtype {w.dtype}.")
        if w.shape == (2, 3):
            raise _Wrong("w has shape (2, 3): transposed? A bank of 1×1 filters is "
                         "(n_C, n_F) = (3, 2): one row per input colour (R, G, B), one "
                         "column per output channel.")
        if w.shape != (3, 2):
            raise _Wrong(f"w has shape {v.shape_str(w.shape)} but should have shape (3, 2): "
                         "3 input channels (R, G, B) and 2 filters, one per output channel.")
        if not np.isfinite(w).all():
            raise _Wrong("w holds NaN or inf: every weight should be a finite number.")
        # out[k, c]: output channel c on a pixel of colour k
        out = ops.conv1x1(data.TWO_COLOURS[np.newaxis], w)[0]
        values = "; ".join(
            f"channel {c}: red {out[0, c]:.2f}, blue {out[1, c]:.2f}" for c in (0, 1))
        if (out[1, 0] >= RESPONDS and out[0, 1] >= RESPONDS
                and out[0, 0] <= STAYS_DARK and out[1, 1] <= STAYS_DARK):
            raise _Wrong(f"the channels are swapped ({values}): channel 0 should respond to "
                         "the red and channel 1 to the blue. Swap the columns of w.")
        for c, (own, other) in enumerate(((0, 1), (1, 0))):
            if out[own, c] < RESPONDS:
                raise _Wrong(f"channel {c} gives {out[own, c]:.2f} on the "
                             f"{_COLOUR_NAMES[own]} patch; it should respond there, with at least "
                             f"{RESPONDS} ({values}).")
            if out[other, c] > STAYS_DARK:
                raise _Wrong(f"channel {c} gives {out[other, c]:.2f} on the "
                             f"{_COLOUR_NAMES[other]} patch; it should stay at {STAYS_DARK:g} or "
                             f"below there ({values}). A negative weight on a channel that "
                             f"is strong in the {_COLOUR_NAMES[other]} helps.")
        return f"{values}: each channel lights up on its own colour only."

    return _verdict(check)


# -- 06: nonlinearity and learning ---------------------------------------------------

def _merge_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    # different sizes at every step, so that a transposed matrix shows in the shapes
    return [(data.random_filters(3, 4, seed=21), np.linspace(-1.0, 1.0, 4),
             data.random_filters(4, 2, seed=22), np.array([0.5, -0.25])),
            (data.random_filters(5, 3, seed=23), np.linspace(0.2, -0.4, 3),
             data.random_filters(3, 6, seed=24), np.linspace(-0.3, 0.3, 6))]


def _close(answer: np.ndarray, expected: np.ndarray) -> bool:
    return answer.shape == expected.shape and _first_difference(answer, expected) is None


def _pair(answer: object, what: str) -> tuple[object, object]:
    if answer is None:
        raise _Wrong(f"your function returned None. Did you forget `return {what}`?")
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise _Wrong(f"your function should return two arrays, {what}, got "
                     f"{v.describe(answer)}.")
    return answer[0], answer[1]


def check_merged_conv(func: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                                     tuple[np.ndarray, np.ndarray]]) -> Feedback:
    """Check ``func(w1, b1, w2, b2)`` -> ``(w, b)``: the one 1x1 convolution that equals
    two stacked ones without an activation, ``conv1x1(conv1x1(x, w1, b1), w2, b2)``.

    ``w1`` is ``(n_C, n_1)``, ``b1`` ``(n_1,)``, ``w2`` ``(n_1, n_F)``, ``b2`` ``(n_F,)``;
    the answer is ``w = w1 @ w2``, shape ``(n_C, n_F)``, and ``b = b1 @ w2 + b2``.
    """

    def check() -> str:
        for w1, b1, w2, b2 in _merge_cases():
            w, b = _pair(_call(func, w1, b1, w2, b2), "(w, b)")
            sizes = f"(with w1 {v.shape_str(w1.shape)} and w2 {v.shape_str(w2.shape)})"
            expected_w, expected_b = w1 @ w2, b1 @ w2 + b2
            if isinstance(w, np.ndarray) and w.shape == expected_w.shape[::-1] != w.shape[::-1]:
                raise _Wrong(f"your w has shape {v.shape_str(w.shape)} but should have shape "
                             f"{v.shape_str(expected_w.shape)} {sizes}: transposed? The "
                             "input meets w1 first, then w2.")
            w = _as_result(w, expected_w, f"your w {sizes}")
            problem = _first_difference(w, expected_w)
            if problem:
                raise _Wrong(f"w {sizes}: {problem} Each pixel is multiplied by w1, then by w2.")
            b = _as_result(b, expected_b, f"your b {sizes}")
            if _close(b, b2):
                raise _Wrong("your b is b2 alone: the first layer's bias b1 goes through the "
                             "second layer's weights too, as b1 @ w2.")
            if _close(b, b1 @ w2):
                raise _Wrong("your b is b1 @ w2: the second layer adds its own bias b2.")
            problem = _first_difference(b, expected_b)
            if problem:
                raise _Wrong(f"b {sizes}: {problem} Work out (x·w1 + b1)·w2 + b2.")
        return ("w = w1 @ w2 and b = b1 @ w2 + b2: without an activation, two 1×1 layers "
                "are one.")

    return _verdict(check)


def _gradient_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    return [(data.random_volume(4, 5, 3, seed=31), data.random_filters(3, 2, seed=32),
             np.array([0.1, -0.2]), data.random_volume(4, 5, 2, seed=33)),
            (data.random_volume(3, 2, 4, seed=34), data.random_filters(4, 3, seed=35),
             np.array([0.3, 0.0, -0.5]), data.random_volume(3, 2, 3, seed=36))]


def _mse_weight_gradient(x: np.ndarray, w: np.ndarray, b: np.ndarray,
                         y: np.ndarray) -> np.ndarray:
    z = ops.conv1x1(x, w, b)
    return ops.conv1x1_backward(x, w, 2 * (z - y) / z.size).dw


def check_weight_gradient(func: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                                         np.ndarray]) -> Feedback:
    """Check ``func(x, w, b, y)`` -> ``dw``, the gradient with respect to ``w`` of the
    mean squared error ``L = mean((conv1x1(x, w, b) - y) ** 2)``.

    ``x`` is ``(n_H, n_W, n_C)``, ``w`` ``(n_C, n_F)``, ``b`` ``(n_F,)``, ``y``
    ``(n_H, n_W, n_F)``; ``dw`` has the shape of ``w``.
    """

    def check() -> str:
        for x, w, b, y in _gradient_cases():
            expected = _mse_weight_gradient(x, w, b, y)
            sizes = f"(with x {v.shape_str(x.shape)} and w {v.shape_str(w.shape)})"
            answer = _call(func, x, w, b, y)
            if isinstance(answer, np.ndarray) and answer.shape == expected.shape[::-1]:
                raise _Wrong(f"your dw has shape {v.shape_str(answer.shape)}, but dw has the "
                             f"shape of w, {v.shape_str(w.shape)}: transposed? Try X.T @ dz.")
            answer = _as_result(answer, expected, f"your dw {sizes}")
            if _first_difference(answer, expected) is None:
                continue
            n, n_F = y.size, y.shape[-1]
            mistakes = (
                (0.5 * expected, "half the answer: the square gives a factor 2, "
                                 "d(z - y)²/dz = 2(z - y)."),
                (-expected, "the opposite sign: the error is z - y (prediction minus target)."),
                (n * expected, f"{n} times the answer: the loss is a mean over the {n} "
                               "values of z, so divide by their number."),
                (0.5 * n * expected, f"{n // 2 if n % 2 == 0 else n / 2} times the answer: "
                                     f"divide by the {n} values of z, and keep the factor 2 "
                                     "of the square."),
                (n_F * expected, f"{n_F} times the answer: N counts every value of z, "
                                 f"the {n // n_F} pixels times their {n_F} channels, "
                                 f"N = {n}."),
                (_mse_weight_gradient(x, w, np.zeros_like(b), y),
                 "the gradient of a layer without bias: z = x·w + b."),
            )
            for wrong, hint in mistakes:
                if _close(answer, wrong):
                    raise _Wrong(f"your dw {sizes} is {hint}")
            raise _Wrong(f"dw {sizes}: {_first_difference(answer, expected)} With "
                         "dz = 2(z - y)/N, dw = X.T @ dz, X the pixels as rows.")
        return "dw = X.T @ (2(z - y)/N): the gradient of the mean squared error."

    return _verdict(check)


# -- 07: bottlenecks -----------------------------------------------------------------

BOTTLENECK_EXERCISE = {"n_H": 28, "n_W": 28, "n_C": 192, "f": 3, "n_F": 128, "n_B": 96}
"""Inception (3a)'s 3x3 branch (Szegedy et al., arXiv:1409.4842, Table 1): 28x28x192,
a 1x1 convolution to 96 channels, then a 3x3 convolution to 128."""

BOTTLENECK_WIDTH_EXERCISE = {"n_H": 28, "n_W": 28, "n_C": 192, "f": 5, "n_F": 32}
"""Inception (3a)'s 5x5 branch, whose bottleneck width the 07 exercise asks for."""


def check_bottleneck_multiplies(answer: object) -> Feedback:
    """Check the multiplications of the bottleneck of ``BOTTLENECK_EXERCISE``."""
    e = BOTTLENECK_EXERCISE
    n_H, n_W, n_C, f, n_F, n_B = (e[k] for k in ("n_H", "n_W", "n_C", "f", "n_F", "n_B"))
    c = cost.bottleneck_cost(n_H, n_W, n_C, f, n_F, n_B)
    mistakes = {
        c.direct_multiplies: (f"that is the direct {f}×{f} convolution on the {n_C} "
                              f"channels; the bottleneck's {f}×{f} convolution sees only "
                              f"{n_B}, and the 1×1 convolution comes first."),
        c.reduce_multiplies: (f"that is the 1×1 convolution only; add the {f}×{f} "
                              f"convolution that follows it."),
        c.spatial_multiplies: (f"that is the {f}×{f} convolution only; add the 1×1 "
                               "convolution before it."),
        c.reduce_multiplies + c.direct_multiplies: (
            f"the {f}×{f} convolution comes after the 1×1 one, so its filters are "
            f"{f}×{f}×{n_B}, not {f}×{f}×{n_C}."),
        c.reduce_multiplies + cost.conv_multiplies(n_H, n_W, 1, n_B, n_F): (
            f"each output of the {f}×{f} convolution needs {f}·{f}·{n_B} multiplications, "
            f"not {n_B}."),
        c.bottleneck_params: "that is the number of parameters; count the multiplications.",
    }

    def check() -> str:
        _real_number(answer, "the answer")
        if answer == c.bottleneck_multiplies:
            return (f"{n_H}·{n_W}·{n_B}·{n_C} + {n_H}·{n_W}·{n_F}·{f}²·{n_B} = "
                    f"{c.reduce_multiplies:,} + {c.spatial_multiplies:,} = "
                    f"{c.bottleneck_multiplies:,}, {c.multiply_ratio:.2f}× fewer than the "
                    f"direct {c.direct_multiplies:,}.")
        raise _Wrong(mistakes.get(answer) or
                     f"{answer} is not it. Add the 1×1 convolution {n_C} → {n_B} and the "
                     f"{f}×{f} convolution {n_B} → {n_F}, each n_H·n_W·n_F·f·f·n_C.")

    return _verdict(check)


def check_bottleneck_width(answer: object) -> Feedback:
    """Check the largest ``n_B`` for which the bottleneck of ``BOTTLENECK_WIDTH_EXERCISE``
    needs at most a tenth of the direct convolution's multiplications."""
    e = BOTTLENECK_WIDTH_EXERCISE
    n_H, n_W, n_C, f, n_F = (e[k] for k in ("n_H", "n_W", "n_C", "f", "n_F"))
    costs = {n_B: cost.bottleneck_cost(n_H, n_W, n_C, f, n_F, n_B)
             for n_B in range(1, n_C + 1)}
    direct = costs[1].direct_multiplies
    expected = max(n_B for n_B, c in costs.items() if 10 * c.bottleneck_multiplies <= direct)

    def check() -> str:
        _real_number(answer, "n_B")
        if not float(answer).is_integer():
            raise _Wrong(f"n_B is a number of channels: a whole number, got {answer}.")
        n_B = int(answer)
        if n_B < 1:
            raise _Wrong(f"the bottleneck needs at least one channel, got {n_B}.")
        if n_B > n_C:
            raise _Wrong(f"{n_B} channels is wider than the input's {n_C}: no bottleneck.")
        c = costs[n_B]
        if n_B == expected:
            above = costs[n_B + 1]
            return (f"n_B = {n_B}: {c.bottleneck_multiplies:,} multiplications, "
                    f"{c.multiply_ratio:.2f}× fewer than the direct {direct:,}; one more "
                    f"channel and it is only {above.multiply_ratio:.2f}×.")
        if n_B < expected:
            raise _Wrong(f"n_B = {n_B} fits ({c.multiply_ratio:.2f}× fewer), but a wider "
                         "bottleneck fits too: find the largest.")
        raise _Wrong(f"with n_B = {n_B} the bottleneck needs {c.bottleneck_multiplies:,} "
                     f"multiplications, only {c.multiply_ratio:.2f}× fewer than the direct "
                     f"{direct:,}: more than a tenth.")

    return _verdict(check)


# -- 08: one or two 1x1 layers in an mlpconv block ----------------------------------------

MLPCONV_EXERCISE = {"n_C": 96, "f": 5, "n_F": 192}
"""The block of the 08 exercise: a 5x5 convolution from 96 to 192 channels, then one or
two 1x1 convolutions from 192 to 192 channels; every filter has a bias."""


def check_mlpconv_params(answer: object) -> Feedback:
    """Check ``(with_one, with_two)``: the parameters of the 08 exercise's mlpconv block
    with one 1x1 layer, and with two (see ``MLPCONV_EXERCISE``)."""
    n_C, f, n_F = MLPCONV_EXERCISE["n_C"], MLPCONV_EXERCISE["f"], MLPCONV_EXERCISE["n_F"]
    first = cost.conv_params(f, n_C, n_F)
    one_by_one = cost.conv_params(1, n_F, n_F)
    expected = (first + one_by_one, first + 2 * one_by_one)
    weights_only = cost.conv_params(f, n_C, n_F, bias=False) + \
        cost.conv_params(1, n_F, n_F, bias=False)
    as_if_f_by_f = first + cost.conv_params(f, n_F, n_F)
    wrong_input = cost.conv_params(f, n_F, n_F) + one_by_one

    def check() -> str:
        one, two = _two_counts(answer, "(with_one, with_two): the block's parameters with "
                               "one 1×1 layer and with two", expected,
                               "the block with one 1×1 layer")
        if (one, two) == expected:
            return (f"{expected[0]:,} and {expected[1]:,}: the second 1×1 layer adds only "
                    f"{one_by_one:,} parameters ({one_by_one / expected[0]:.1%} more), the "
                    f"{f}×{f} convolution holds most of them.")
        if one == weights_only:
            raise _Wrong("that counts the weights only: each filter also has one bias.")
        if one == one_by_one:
            raise _Wrong(f"that counts the 1×1 layers only; the block starts with its {f}×{f} "
                         "convolution, count it too.")
        if one == as_if_f_by_f:
            raise _Wrong(f"a 1×1 filter on {n_F} channels has 1·1·{n_F} weights, not "
                         f"{f}·{f}·{n_F}.")
        if one == wrong_input:
            raise _Wrong(f"the {f}×{f} convolution sees the block's input, {n_C} channels, so "
                         f"its filters are {f}×{f}×{n_C}.")
        if one == expected[0]:
            raise _Wrong(f"the first number is right. The second 1×1 layer also maps {n_F} "
                         f"channels to {n_F}: add its weights and biases once more.")
        raise _Wrong(f"{one} is not it. Add up each layer: f·f·n_C weights per filter plus one "
                     "bias, times the number of filters.")

    return _verdict(check)


TINY_NIN_EXERCISE = {"max_size": 48, "channels": (16, 32, 10), "pools": 2}
"""The 08 exercise: notebook 08's ``tiny_nin`` (three mlpconv layers that keep the height
and width, with 16, 32 and 10 channels, 2x2 max pooling with stride 2 between them,
then global average pooling) run on ``data.photo(max_size=48)``."""


def _tiny_nin_shapes(n_H: int, n_W: int) -> list[tuple[int, ...]]:
    """The shapes of what ``tiny_nin`` returns for an ``(n_H, n_W, 3)`` image."""
    shapes = []
    for k, n_C in enumerate(TINY_NIN_EXERCISE["channels"]):
        if k:  # 2x2 max pooling with stride 2 before every mlpconv but the first
            n_H, n_W = n_H // 2, n_W // 2
        shapes.append((n_H, n_W, n_C))
    return [*shapes, (TINY_NIN_EXERCISE["channels"][-1],)]


def check_tiny_nin_shapes(answer: object) -> Feedback:
    """Check the shapes of the four arrays ``tiny_nin`` returns for the 08 exercise's photo
    (see ``TINY_NIN_EXERCISE``): the three mlpconv outputs and the scores, in order."""
    n_H, n_W, _ = data.photo(max_size=TINY_NIN_EXERCISE["max_size"]).shape
    expected = _tiny_nin_shapes(n_H, n_W)
    what = "the shapes of the four arrays tiny_nin returns, in order"

    def check() -> str:
        if answer is None:
            raise _Wrong(f"give {what}, e.g. [a.shape for a in tiny_nin(small)]; got None.")
        if not isinstance(answer, (list, tuple)) or len(answer) != len(expected) \
                or not all(isinstance(shape, tuple) for shape in answer):
            raise _Wrong(f"give {what}: a list of {len(expected)} shape tuples, "
                         f"got {v.describe(answer)}"
                         + (f" of length {len(answer)}." if isinstance(answer, (list, tuple))
                            else "."))
        sizes = [n for shape in answer for n in shape]
        odd = [n for n in sizes if isinstance(n, (bool, np.bool_))
               or not isinstance(n, numbers.Integral)]
        if odd:
            raise _Wrong(f"each size should be a whole number, got {v.describe(odd[0])}.")
        shapes = [tuple(int(n) for n in shape) for shape in answer]
        if shapes == expected:
            return (f"{expected[0]} → {expected[1]} → {expected[2]} → {expected[3]}: the "
                    "mlpconv layers keep the height and width and set the channels, each "
                    "pooling halves the height and width (rounding down), and global "
                    "average pooling leaves one score per class, whatever the image size.")
        n_H_x, n_W_x, _ = data.photo(max_size=64).shape
        if shapes == _tiny_nin_shapes(n_H_x, n_W_x):
            raise _Wrong(f"those are the shapes for x, the photo of the notebook "
                         f"({n_H_x}×{n_W_x}); run tiny_nin on photo(max_size="
                         f"{TINY_NIN_EXERCISE['max_size']}), {n_H}×{n_W}.")
        k = next(k for k, (shape, right) in enumerate(zip(shapes, expected, strict=True))
                 if shape != right)
        name = "the scores" if k == len(expected) - 1 else f"mlpconv {k + 1}'s output"
        raise _Wrong(f"{name}: the shape is {expected[k]}, not {shapes[k]}. The image is "
                     f"{n_H}×{n_W}; each pooling halves the height and width, rounding down.")

    return _verdict(check)


# -- 09: max pooling's backward pass, the learning rate, the ranks of the true class -------

def _max_pool_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    """Volumes ``x`` with even height and width, no ties in a window, and gradients ``da``
    of the pooled shape; some values negative, so that a window's maximum may be < 0."""
    rng = np.random.default_rng(9)
    return [(rng.standard_normal(shape), rng.standard_normal((shape[0] // 2, shape[1] // 2,
                                                              shape[2])))
            for shape in ((4, 6, 2), (2, 2, 1), (6, 4, 3))]


def check_max_pool_backward(func: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Feedback:
    """Check ``func(x, da)``: the backward pass of 2x2 max pooling with stride 2, from
    ``da = ∂L/∂a`` of shape ``(n_H/2, n_W/2, n_C)`` to ``∂L/∂x`` of the shape of ``x``,
    ``(n_H, n_W, n_C)``; compared with :func:`ops.pool2d_backward`."""
    def check() -> str:
        for x, da in _max_pool_cases():
            expected = ops.pool2d_backward(x, da, f=2, stride=2, mode="max")
            answer = _call(func, x, da)
            if isinstance(answer, np.ndarray) and answer.shape == da.shape != x.shape:
                raise _Wrong(f"your result has the shape of the pooled output, "
                             f"{v.shape_str(da.shape)}; ∂L/∂x has the shape of x, "
                             f"{v.shape_str(x.shape)}: one gradient per input value.")
            answer = _as_result(answer, expected, "your function's result")
            spread = np.repeat(np.repeat(da, 2, axis=0), 2, axis=1)  # da on every value
            winners = expected != 0  # each window's maximum (da is never exactly 0 here)
            if np.allclose(answer, spread / 4):
                raise _Wrong("you shared each window's gradient equally among its 4 values: "
                             "that is average pooling's backward pass. Max pooling's output "
                             "is one value of the window, its maximum: it gets all of the "
                             "gradient, the 3 others get 0.")
            if np.allclose(answer, spread):
                raise _Wrong("every value of each window got the window's gradient; only the "
                             "window's maximum made the output, so only it gets the gradient, "
                             "the 3 others get 0.")
            if np.allclose(answer, winners.astype(float)):
                raise _Wrong("you put 1 at each window's maximum: put the window's gradient "
                             "da[i, j, c] there instead (the chain rule multiplies by it).")
            problem = _first_difference(answer, expected)
            if problem:
                raise _Wrong(f"for x of shape {v.shape_str(x.shape)}, {problem} Each window "
                             "passes its gradient to its own maximum, channel by channel.")
        return ("each window's gradient goes to its maximum and the 3 other values get 0: "
                "nudging a value that did not win its window does not change the output.")

    return _verdict(check)


LEARNING_RATE_EXERCISE = {"rates": (0.003, 0.01, 0.03), "epochs": 30, "trained": 0.9}
"""The 09 exercise: the digits NIN trained afresh (seed 0) for ``epochs`` epochs with each
of ``rates``. A history whose first epoch already reaches a validation accuracy of
``trained`` comes from a network that was trained before."""


def check_learning_rate(keep: object, histories: object) -> Feedback:
    """Check ``keep``, the learning rate chosen from ``histories``: ``{rate: history}``
    for each rate of ``LEARNING_RATE_EXERCISE``, each history the list of
    :class:`nin.Epoch` that ``nin.train`` returned. The right choice is the rate whose
    network ends with the best validation accuracy."""
    rates, epochs = LEARNING_RATE_EXERCISE["rates"], LEARNING_RATE_EXERCISE["epochs"]
    listed = ", ".join(map(str, rates))

    def check() -> str:
        if not isinstance(histories, dict) or sorted(histories, key=str) != sorted(rates,
                                                                                   key=str):
            got = sorted(histories, key=str) if isinstance(histories, dict) else None
            raise _Wrong(f"histories should be a dict {{rate: history}} with the rates "
                         f"{listed}, got {v.describe(histories)}"
                         + (f" with the keys {got}." if got is not None else "."))
        for rate in rates:
            history = histories[rate]
            if not isinstance(history, list) or not all(isinstance(e, nin.Epoch)
                                                        for e in history):
                raise _Wrong(f"histories[{rate}] should be the list that nin.train returns, "
                             f"got {v.describe(history)}.")
            if len(history) != epochs:
                raise _Wrong(f"histories[{rate}] has {len(history)} epochs; train {epochs}, "
                             "as the notebook does, so that the rates are compared fairly.")
            if history[0].validation_accuracy >= LEARNING_RATE_EXERCISE["trained"]:
                raise _Wrong(f"with {rate}, the validation accuracy is already "
                             f"{history[0].validation_accuracy:.1%} after the first epoch: "
                             "that network was trained before. Start each training from a "
                             "fresh nin.digit_net(blocks, seed=0).")
        for a, b in ((a, b) for k, a in enumerate(rates) for b in rates[k + 1:]):
            if histories[a] == histories[b]:
                raise _Wrong(f"the histories of {a} and {b} are the same: did both come from "
                             "one training? Give each rate its own.")
        is_number = isinstance(keep, numbers.Real) and not isinstance(keep, (bool, np.bool_))
        if not is_number or keep not in rates:
            raise _Wrong(f"keep should be one of the rates {listed}, got "
                         + (f"{keep}." if is_number else f"{v.describe(keep)}."))
        final = {rate: histories[rate][-1].validation_accuracy for rate in rates}
        ends = "; ".join(f"{rate}: {final[rate]:.1%}" for rate in rates)
        if final[keep] == max(final.values()):
            others = ", ".join(f"{histories[r][-1].loss:.3f} with {r}" for r in rates
                               if r != keep)
            return (f"keep {keep}: the validation accuracies at the end are {ends}. Its "
                    f"training loss ends at {histories[keep][-1].loss:.3f}, against "
                    f"{others}: smaller steps learn too slowly in {epochs} epochs, larger "
                    "ones overshoot.")
        lowest_loss = min(rates, key=lambda r: histories[r][-1].loss)
        if keep == lowest_loss:
            raise _Wrong(f"{keep} ends with the lowest training loss, but the loss on the "
                         "digits the network learns from rewards memorising them; choose "
                         f"by the validation accuracy at the end: {ends}.")
        raise _Wrong(f"the validation accuracies at the end are {ends}: {keep} is not the "
                     "best of them.")

    return _verdict(check)


def _true_class_ranks(net: nin.Network, images: np.ndarray,
                      labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The images the network gets wrong (their indices, in order) and the rank of each
    one's true class among its scores, 1 for the largest."""
    scores = net.scores(images)
    wrong = np.flatnonzero(scores.argmax(axis=1) != labels)
    true_scores = scores[wrong, labels[wrong]]
    return wrong, 1 + (scores[wrong] > true_scores[:, np.newaxis]).sum(axis=1)


def check_true_class_ranks(ranks: object, net: object) -> Feedback:
    """Check ``ranks``: for each test digit that ``net`` misclassifies, in the order of
    ``np.flatnonzero(net.predict(images) != labels)``, the rank of its true class among
    its scores (1 for the largest, so 2 is the second guess)."""
    def check() -> str:
        if not isinstance(net, nin.Network):
            raise _Wrong("give the trained network as the second argument, "
                         f"check_true_class_ranks(ranks, net); got {v.describe(net)}.")
        test = data.digits().test
        wrong, expected = _true_class_ranks(net, test.images, test.labels)
        n_classes = net.scores(test.images[:1]).shape[1]
        if ranks is None:
            raise _Wrong(f"ranks is None: give one rank per misclassified digit, "
                         f"{len(wrong)} of them.")
        answer = np.asarray(ranks) if isinstance(ranks, (list, tuple, np.ndarray)) else None
        if answer is None or answer.ndim != 1 or answer.dtype.kind not in "iu":
            raise _Wrong(f"ranks should be a list or 1-D array of whole numbers, one per "
                         f"misclassified digit, got {v.describe(ranks)}.")
        if len(answer) != len(wrong):
            extra = (" (one per test digit: keep only the misclassified ones, "
                     "digits.test.images[wrong])") if len(answer) == len(test.labels) else ""
            raise _Wrong(f"{len(answer)} ranks{extra}; the network misclassifies "
                         f"{len(wrong)} test digits, one rank each.")
        if np.array_equal(answer, expected - 1):
            raise _Wrong("each rank is one too small: the largest score has rank 1 (the "
                         "guess), the second largest rank 2; you counted from 0.")
        if np.array_equal(answer, n_classes + 1 - expected):
            raise _Wrong("those rank the scores from the smallest: rank 1 is the largest "
                         "score, the network's guess.")
        if (answer == 1).all():
            raise _Wrong("rank 1 is the guess, and for a misclassified digit the guess is "
                         "never the true class: rank the true label's score.")
        if not np.array_equal(answer, expected):
            k = int(np.flatnonzero(answer != expected)[0])
            raise _Wrong(f"misclassified digit {k} (test digit {wrong[k]}, label "
                         f"{test.labels[wrong[k]]}): its true class has rank {expected[k]}, "
                         f"you have {answer[k]}. Count the scores larger than the true "
                         "class's score, and add 1.")
        second, lower = int((expected == 2).sum()), expected[expected > 2]
        where = (f"at rank {lower.min()}" if lower.min() == lower.max()
                 else f"at ranks {lower.min()} to {lower.max()}") if len(lower) else ""
        return (f"of the {len(wrong)} misclassified digits, {second} have their true class "
                f"as the second guess" + (f", the other {len(lower)} {where}." if where
                                         else "."))

    return _verdict(check)


# -- 10: the feed-forward network, grouped 1x1 convolutions, a head on a canvas --------

FFN_EXERCISE = {"T": 128, "d_model": 768, "d_ff": 3072}
"""The 10 exercise's feed-forward network: BERT-base's, on a sequence of 128 tokens."""


def check_ffn_cost(answer: object) -> Feedback:
    """Check ``(params, multiplies)``: the parameters (with biases) of the 10 exercise's
    feed-forward network and its multiplications on ``T`` tokens (see ``FFN_EXERCISE``)."""
    T, d, d_ff = FFN_EXERCISE["T"], FFN_EXERCISE["d_model"], FFN_EXERCISE["d_ff"]
    ffn = cost.ffn_cost(T, d, d_ff)
    expected = (ffn.params, ffn.multiplies)
    weights = cost.ffn_cost(T, d, d_ff, bias=False).params
    param_mistakes = {
        weights: f"{weights:,} counts the weights only: the first layer has {d_ff:,} biases "
                 f"and the second {d}.",
        weights + d_ff: f"the second layer has biases too, {d} of them.",
        weights + d: f"the first layer has biases too, {d_ff:,} of them.",
        ffn.layers[0].params: f"{ffn.layers[0].params:,} is the first layer alone, "
                              f"{d} → {d_ff:,}; add the second, {d_ff:,} → {d}.",
        T * ffn.params: "the parameters do not depend on the number of tokens: the same "
                        "weights run on every token.",
    }
    multiply_mistakes = {
        ffn.multiplies // T: f"{ffn.multiplies // T:,} is one token's; the sequence has {T}.",
        ffn.multiplies // 2: "that is one layer's; each token goes through both.",
        T * T * d: "the FFN never mixes tokens: each token is multiplied by the weights on "
                   "its own.",
    }

    return _check_two_counts(
        answer, "(params, multiplies): the parameters, then the multiplications", expected,
        "the parameters",
        f"{expected[0]:,} parameters, {expected[1]:,} multiplications: two 1×1 convolutions, "
        f"{d} → {d_ff:,} and {d_ff:,} → {d}, each doing {T}·{d}·{d_ff:,} multiplications on "
        f"the {T} tokens.",
        (("the parameters: ", param_mistakes,
          lambda params: f"{params:,} is not it. Count the weights and biases of a 1×1 "
                         f"convolution {d} → {d_ff:,} and of one {d_ff:,} → {d}."),
         ("the parameters are right. The multiplications: ", multiply_mistakes,
          lambda multiplies: f"{multiplies:,} is not it. Each of the {T} tokens is a pixel; "
                             f"each layer does (its inputs)·(its outputs) multiplications "
                             f"per pixel.")))


GROUPED_EXERCISE = {"n_C": 240, "n_F": 240, "groups": (3, 8)}
"""The 10 exercise's grouped 1x1 convolution, 240 -> 240, in 3 groups and in 8."""


def check_grouped_weights(answer: object) -> Feedback:
    """Check ``(with_3, with_8)``: the weights (no biases) of the 10 exercise's 1x1
    convolution in 3 groups and in 8 (see ``GROUPED_EXERCISE``)."""
    n_C, n_F, groups = (GROUPED_EXERCISE[k] for k in ("n_C", "n_F", "groups"))
    expected = tuple(n_C * n_F // g for g in groups)
    dense = cost.conv_params(1, n_C, n_F, bias=False)

    def check() -> str:
        pair = _two_counts(answer, "(with_3, with_8): the weights in 3 groups, then in 8",
                           expected, "the count in 3 groups")
        if pair == expected:
            return (f"{expected[0]:,} and {expected[1]:,}: g blocks of ({n_C}/g)·({n_F}/g) "
                    f"weights, {n_C}·{n_F}/g in all, g times fewer than the {dense:,} of the "
                    "ordinary 1×1 convolution.")
        k = 0 if pair[0] != expected[0] else 1  # the first count that is wrong
        count, g = pair[k], groups[k]
        if count == dense:
            raise _Wrong(f"with {g} groups: {dense:,} is the ordinary 1×1 convolution; "
                         f"each group only sees its {n_C // g} input channels.")
        if count == dense // (g * g):
            raise _Wrong(f"with {g} groups: {count:,} is one group's block of "
                         f"{n_C // g}×{n_F // g}; there are {g} of them.")
        if count == dense // g + n_F:
            raise _Wrong(f"with {g} groups: that counts {n_F} biases; weights only.")
        raise _Wrong(f"with {g} groups: {count:,} is not it. Each group is a 1×1 "
                     f"convolution {n_C // g} → {n_F // g}; count its weights, {g} times.")

    return _verdict(check)


SHUFFLE_EXERCISE = {"n_C": 24, "groups": 6}
"""The 10 exercise's stack: two grouped 1x1 convolutions ``n_C -> n_C`` in ``groups``
groups, with or without a channel shuffle between them."""


def check_shuffle_reach(answer: object) -> Feedback:
    """Check ``(unshuffled, shuffled)``: how many input channels reach each output channel
    of the 10 exercise's stack (see ``SHUFFLE_EXERCISE``), without and with the shuffle.

    In the notebook's letters, ``C`` channels (``SHUFFLE_EXERCISE["n_C"]``) in ``g``
    groups. Without the shuffle, an output reads its own group's ``C / g`` inputs. With
    it, a group of the second layer reads ``C / g`` shuffled channels dealt from
    ``min(C / g, g)`` groups of the first, each carrying ``C / g`` inputs.
    """
    n_C, g = SHUFFLE_EXERCISE["n_C"], SHUFFLE_EXERCISE["groups"]
    per_group = n_C // g
    heard = min(per_group, g)  # first-layer groups a second-layer group reads from
    expected = (per_group, per_group * heard)
    unshuffled_mistakes = {
        g: f"{g} is the number of groups; each group has {n_C}/{g} = {per_group} channels.",
        1: f"1 is a depthwise convolution's; a grouped 1×1 convolution's output reads every "
           f"channel of its group, {per_group} of them.",
        n_C: f"{n_C} is an ordinary 1×1 convolution's; in groups, an output only ever sees "
             "its own group's channels.",
    }
    shuffled_mistakes = {
        n_C: f"all {n_C} would need C/g ≥ g. Here each group has {per_group} channels, "
             f"fewer than the {g} groups, so a second-layer group reads its {per_group} "
             f"shuffled channels from only {per_group} of them.",
        per_group: f"{per_group} is what reaches an output without the shuffle, or the "
                   "number of first-layer groups a second-layer group hears from with it; "
                   f"each of those groups carries {per_group} input channels.",
    }
    return _check_two_counts(
        answer, "(unshuffled, shuffled): the input channels reaching each output channel "
        "without the shuffle, then with it", expected, "the count without the shuffle",
        f"{expected[0]} and {expected[1]}: the shuffle deals each group's {per_group} "
        f"channels out to {per_group} different groups, so a second-layer group hears from "
        f"{heard} of the {g} first-layer groups, {heard}·{per_group} = {expected[1]} inputs. "
        f"Every input reaches every output only when C/g ≥ g.",
        (("without the shuffle: ", unshuffled_mistakes,
          lambda count: f"{count} is not it. A grouped 1×1 convolution's output reads the "
                        f"channels of its own group only: {n_C}/{g} of them."),
         ("without the shuffle is right. With it: ", shuffled_mistakes,
          lambda count: f"{count} is not it. A second-layer group reads {per_group} shuffled "
                        "channels: from how many first-layer groups, each carrying how many "
                        "inputs?")))


ALIGNMENT_EXERCISE = {"digit_width": 8, "digits": 5, "margins": range(6), "pool": 2}
"""The canvases of 10's exercises 4 and 5: ``digits`` digits ``digit_width`` columns
wide, each with ``margin`` blank columns on either side, for each of ``margins``; the
network pools ``pool`` x ``pool``."""


def check_pooling_alignment(answer: object) -> Feedback:
    """Check the margins of ``ALIGNMENT_EXERCISE`` that start every digit on a canvas
    column the pooling starts a pair at (an even one), as a digit alone starts."""
    e = ALIGNMENT_EXERCISE
    width, count, pool, margins = e["digit_width"], e["digits"], e["pool"], e["margins"]

    def starts(margin: int) -> list[int]:
        return [s * (width + 2 * margin) + margin for s in range(count)]

    expected = {m for m in margins if all(c % pool == 0 for c in starts(m))}
    allowed = f"{margins[0]} to {margins[-1]}"

    def check() -> str:
        listed = isinstance(answer, (list, tuple, set, frozenset, range)) \
            or (isinstance(answer, np.ndarray) and answer.ndim == 1)
        if not listed:
            raise _Wrong(f"give a list of margins from {allowed}, such as [1, 2]; got "
                         f"{v.describe(answer)}.")
        odd = [m for m in answer if isinstance(m, (bool, np.bool_))
               or not isinstance(m, numbers.Integral)]
        if odd:
            raise _Wrong(f"each margin should be a whole number, got {v.describe(odd[0])}.")
        chosen = {int(m) for m in answer}
        outside = sorted(chosen - set(margins))
        if outside:
            raise _Wrong(f"margins from {allowed} only, got {outside[0]}.")
        if chosen == expected:
            return (f"{', '.join(map(str, sorted(expected)))}: digit s starts at column "
                    f"s·({width} + 2·margin) + margin, even exactly when the margin is. "
                    f"The {pool}×{pool} pooling pairs columns (0, 1), (2, 3), …: a digit on "
                    "an odd column is paired differently from training, and the layers "
                    "after the pooling see features they never learned.")
        if chosen == set(margins) - expected:
            raise _Wrong("columns count from 0: with margin 1 the first digit's first "
                         "column is column 1, odd, and the pooling pairs it with the blank "
                         "column 0.")
        missing, extra = sorted(expected - chosen), sorted(chosen - expected)
        if extra:
            m = extra[0]
            raise _Wrong(f"margin {m} starts the digits at columns "
                         f"{', '.join(map(str, starts(m)))}: odd.")
        m = ([n for n in missing if n] or missing)[0]  # 0 is left out for its own reason
        if m == 0:
            raise _Wrong(f"margin 0 starts every digit on an even column too "
                         f"({', '.join(map(str, starts(0)))}); it reads worse for another "
                         "reason: the neighbours leak in.")
        raise _Wrong(f"margin {m} is missing: it starts the digits at columns "
                     f"{', '.join(map(str, starts(m)))}.")

    return _verdict(check)


def _window_classes(net: nin.Network, images: np.ndarray, canvas_margin: int,
                    window_margin: int) -> np.ndarray | None:
    """What the window averages of ``net``'s class maps read, digit by digit, on canvases
    of ``ALIGNMENT_EXERCISE["digits"]`` of ``images`` side by side, ``canvas_margin`` blank
    columns on either side of each, averaged over the windows the notebook's
    ``windows_of`` gives for ``window_margin``; None where those windows leave the maps."""
    e = ALIGNMENT_EXERCISE
    k, pool = e["digits"], e["pool"]
    padded = np.pad(images, ((0, 0), (0, 0), (canvas_margin, canvas_margin), (0, 0)))
    n, n_H, width, n_C = padded.shape
    canvases = padded.reshape(n // k, k, n_H, width, n_C).transpose(0, 2, 1, 3, 4)
    maps = net.class_maps(canvases.reshape(n // k, n_H, k * width, n_C))
    slot = (e["digit_width"] + 2 * window_margin) // pool
    starts = [s * slot + window_margin // pool for s in range(k)]
    stop = e["digit_width"] // pool
    if starts[-1] + stop > maps.shape[2]:
        return None
    scores = np.stack([maps[:, :, a:a + stop].mean(axis=(1, 2)) for a in starts], axis=1)
    return scores.argmax(axis=2).reshape(-1)


_last_window_classes: dict[bytes, dict[int, np.ndarray]] = {}
"""What the windows read at every margin for the last network checked, by a fingerprint
of its weights: a learner checks the same network again and again, and each margin runs it
on 90 canvases."""


def _margin_classes(net: nin.Network, images: np.ndarray) -> dict[int, np.ndarray]:
    """:func:`_window_classes` for every margin of ``ALIGNMENT_EXERCISE``, each canvas
    with its own margin's windows; remembered for the last network's weights."""
    weights = hashlib.sha256()
    for layer in net.layers:
        for value in layer.params.values():
            weights.update(np.ascontiguousarray(value).tobytes())
    key = weights.digest()
    if key not in _last_window_classes:
        _last_window_classes.clear()
        _last_window_classes[key] = {m: _window_classes(net, images, m, m)
                                     for m in ALIGNMENT_EXERCISE["margins"]}
    return _last_window_classes[key]


def check_margin_readings(readings: object, net: object) -> Feedback:
    """Check ``readings``: for each margin of ``ALIGNMENT_EXERCISE`` in order, the share of
    the test digits that the window averages of ``net``'s class maps read right, on
    canvases of five test digits side by side (the first five, the next five, …) with
    that many blank columns on either side of each digit."""
    e = ALIGNMENT_EXERCISE
    margins = e["margins"]
    count = len(margins)

    def check() -> str:
        if not isinstance(net, nin.Network):
            raise _Wrong("give the trained network as the second argument, "
                         f"check_margin_readings(readings, net); got {v.describe(net)}.")
        pools = sum(isinstance(layer, nin.MaxPool) for layer in net.layers)
        if pools != 1 or not isinstance(net.layers[-1], nin.GlobalAveragePool):
            # the windows of the notebook's windows_of fit maps pooled once, then averaged
            raise _Wrong("give the network the notebook trained, two blocks with one 2×2 "
                         f"pooling and a GAP head; this one pools {pools} time(s) and ends "
                         f"with {type(net.layers[-1]).__name__}.")
        listed = isinstance(readings, (list, tuple)) \
            or (isinstance(readings, np.ndarray) and readings.ndim == 1)
        if not listed:
            raise _Wrong(f"give a list of {count} shares, one per margin from {margins[0]} "
                         f"to {margins[-1]}; got {v.describe(readings)}.")
        if len(readings) != count:
            raise _Wrong(f"one share per margin from {margins[0]} to {margins[-1]}, {count} "
                         f"of them; got {len(readings)}.")
        for m, r in zip(margins, readings, strict=True):
            if isinstance(r, (bool, np.bool_)) or not isinstance(r, numbers.Real) \
                    or not np.isfinite(r):
                got = repr(float(r)) if isinstance(r, numbers.Real) and not isinstance(
                    r, (bool, np.bool_)) else v.describe(r)
                raise _Wrong(f"the reading for margin {m} should be a share, such as 0.5; "
                             f"got {got}.")
        given = np.array(readings, dtype=float)
        test = data.digits().test
        read = _margin_classes(net, test.images)
        expected = np.array([np.mean(read[m] == test.labels) for m in margins])
        close = 0.5 / len(test.labels)  # half a digit: a share rounded to 3 decimals passes
        off = np.flatnonzero(np.abs(given - expected) > close)
        if not len(off):
            alone = np.mean(net.predict(test.images) == test.labels)
            width, k, pool = e["digit_width"], e["digits"], e["pool"]
            grid = [m for m in margins
                    if all((s * (width + 2 * m) + m) % pool == 0 for s in range(k))]
            share = dict(zip(margins, expected, strict=True))
            shares = {m: f"{share[m]:.1%}" for m in margins}
            packed = (" With no blank columns (margin 0) the digits are on the grid, but "
                      "their neighbours leak into the windows." if 0 in grid
                      and share[0] < min(share[m] for m in grid if m) else "")
            return (f"on the pooling grid (margins {', '.join(map(str, grid))}) the window "
                    f"averages read {', '.join(shares[m] for m in grid)}; off it (margins "
                    f"{', '.join(str(m) for m in margins if m not in grid)}), "
                    f"{', '.join(shares[m] for m in margins if m not in grid)}; each digit "
                    f"alone, {alone:.1%}.{packed}")
        if given.max() > 1 and not len(np.flatnonzero(np.abs(given / 100 - expected) > close)):
            raise _Wrong("those are percentages; give shares between 0 and 1, such as 0.5 "
                         "for 50%.")
        m, given_m = margins[int(off[0])], float(given[int(off[0])])
        if np.abs(given_m - np.mean(read[m] == net.predict(test.images))) <= close:
            raise _Wrong(f"margin {m}: that is how often the windows agree with each digit "
                         "read alone; count the digits they read right, against "
                         "digits.test.labels.")
        for canvas_margin, window_margin, fix in ((m, 2, "windows_of"), (2, m, "canvas_of")):
            classes = _window_classes(net, test.images, canvas_margin, window_margin)
            if m != 2 and classes is not None \
                    and abs(given_m - np.mean(classes == test.labels)) <= close:
                raise _Wrong(f"margin {m}: that is what the windows of margin {window_margin} "
                             f"read on canvases with margin {canvas_margin}; pass the margin "
                             f"to {fix} too.")
        first = e["digits"]
        if abs(given_m - np.mean(read[m][:first] == test.labels[:first])) <= close:
            raise _Wrong(f"margin {m}: that is one canvas's reading; measure all "
                         f"{len(test.labels)} test digits, "
                         f"{len(test.labels) // first} canvases of {first}.")
        raise _Wrong(f"margin {m}: {given_m:.3f} is not what the window averages read. Put "
                     f"the {len(test.labels)} test digits in canvases of {first} with "
                     f"margin {m}, average each class map over windows_of({first}, {m}), "
                     "and compare the largest class with digits.test.labels.")

    return _verdict(check)
