"""Tests for onebyone.exercises: every check on right answers and on learners' mistakes.

The learners' correct solutions are written here with loops and matrix products in
numpy, independently of onebyone.
"""

from __future__ import annotations

import numpy as np
import pytest

from feedback import assert_right, assert_wrong
from lecture import LECTURE
from onebyone import cost, data, exercises
from onebyone.exercises import Feedback

# -- learners' answers to 01: one channel ------------------------------------------

def single_loops(image, w, b):
    out = np.zeros(image.shape)
    for i in range(image.shape[0]):
        for j in range(image.shape[1]):
            out[i, j] = image[i, j] * w + b
    return out


def single_vectorized(image, w, b):
    return w * image + b


def single_as_matmul(image, w, b):
    # the 1x1 convolution as a product of the (pixels, 1) matrix by the (1, 1) filter
    n_H, n_W = image.shape
    return (image.reshape(-1, 1) @ np.array([[w]]) + b).reshape(n_H, n_W)


# -- learners' answers to 02: the output at one pixel -------------------------------

def pixel_loops(x, W, b, i, j):
    n_C, n_F = W.shape
    out = np.zeros(n_F)
    for k in range(n_F):
        z = b[k]
        for c in range(n_C):
            z += x[i, j, c] * W[c, k]
        out[k] = max(z, 0.0)
    return out


def pixel_dot_products(x, W, b, i, j):
    fibre = x[i, j, :]
    return np.array([max(fibre @ W[:, k] + b[k], 0.0) for k in range(W.shape[1])])


def pixel_one_product(x, W, b, i, j):
    return np.maximum(x[i, j, :] @ W + b, 0)


# -- check_photo_shape --------------------------------------------------------------

class TestCheckPhotoShape:
    def test_right(self):
        assert_right(exercises.check_photo_shape((4, 5, 3)))

    def test_right_from_numpy(self):
        photo = np.zeros((4, 5, 3))
        assert_right(exercises.check_photo_shape(photo.shape))

    def test_channels_first(self):
        assert_wrong(exercises.check_photo_shape((3, 4, 5)), "channels")

    def test_width_before_height(self):
        assert_wrong(exercises.check_photo_shape((5, 4, 3)), "height")

    @pytest.mark.parametrize("answer", [(4, 5), (4, 5, 1), (4, 5, 3, 1), (20, 3), (60,), ()])
    def test_other_tuples(self, answer):
        assert_wrong(exercises.check_photo_shape(answer), "channels")

    def test_none(self):
        assert_wrong(exercises.check_photo_shape(None), "tuple", "None")

    def test_list(self):
        assert_wrong(exercises.check_photo_shape([4, 5, 3]), "tuple", "list")

    def test_string(self):
        assert_wrong(exercises.check_photo_shape("(4, 5, 3)"), "tuple", "str")

    def test_array(self):
        assert_wrong(exercises.check_photo_shape(np.array([4, 5, 3])), "tuple", "array")

    def test_tuple_holding_an_array_does_not_raise(self):
        # the checks promise never to raise; comparing this tuple with (4, 5, 3) asks
        # numpy for the truth value of a 2-element array
        feedback = exercises.check_photo_shape((np.array([4, 4]), 5, 3))
        assert_wrong(feedback)


# -- check_single_channel -----------------------------------------------------------

class TestCheckSingleChannel:
    @pytest.mark.parametrize("func", [single_loops, single_vectorized, single_as_matmul])
    def test_right(self, func):
        assert_right(exercises.check_single_channel(func))

    def test_right_with_a_lambda(self):
        assert_right(exercises.check_single_channel(lambda image, w, b: image * w + b))

    def test_right_and_prints(self, capsys):
        def noisy(image, w, b):
            print("computing", image.shape)
            return image * w + b

        assert_right(exercises.check_single_channel(noisy))

    def test_prints_instead_of_returning(self, capsys):
        def printer(image, w, b):
            print(image * w + b)

        assert_wrong(exercises.check_single_channel(printer), "None", "return")

    def test_none(self):
        assert_wrong(exercises.check_single_channel(None), "function", "None")

    @pytest.mark.parametrize(("answer", "kind"), [([[1, 2], [3, 4]], "list"), ("w*x+b", "str"),
                                                  (42, "int"), (np.ones((6, 6)), "array")])
    def test_not_callable(self, answer, kind):
        assert_wrong(exercises.check_single_channel(answer), "function", kind)

    def test_called_instead_of_passed(self):
        # the learner writes check(f(image, w, b)) instead of check(f)
        called = single_vectorized(LECTURE, 2.0, 0.0)
        assert_wrong(exercises.check_single_channel(called), "without calling")

    def test_returns_a_list(self):
        assert_wrong(exercises.check_single_channel(lambda image, w, b: (image * w + b).tolist()),
                     "numpy array", "list")

    def test_returns_a_number(self):
        assert_wrong(exercises.check_single_channel(lambda image, w, b: float(w + b)),
                     "numpy array")

    def test_wrong_shape(self):
        message = assert_wrong(
            exercises.check_single_channel(lambda image, w, b: (image * w + b)[:, :, None]),
            "shape")
        assert "(6, 6, 1)" in message and "(6, 6)" in message

    def test_flattened(self):
        message = assert_wrong(
            exercises.check_single_channel(lambda image, w, b: (image * w + b).ravel()),
            "shape")
        assert "(36)" in message or "(36,)" in message

    def test_transposed(self):
        message = assert_wrong(
            exercises.check_single_channel(lambda image, w, b: (image * w + b).T))
        # the lecture's matrix is square, so the transposed answer has the right shape:
        # the message points at a wrong value
        assert "index" in message

    def test_transposed_on_a_non_square_image(self):
        # right on square images, transposed on the others: the shape gives it away
        def sneaky(image, w, b):
            out = image * w + b
            return out if image.shape[0] == image.shape[1] else out.T

        assert_wrong(exercises.check_single_channel(sneaky), "shape")

    def test_forgot_the_bias(self):
        assert_wrong(exercises.check_single_channel(lambda image, w, b: image * w), "b=")

    def test_added_instead_of_multiplied(self):
        assert_wrong(exercises.check_single_channel(lambda image, w, b: image + w + b), "index")

    def test_raises(self):
        def broken(image, w, b):
            raise ZeroDivisionError("boom")

        assert_wrong(exercises.check_single_channel(broken), "ZeroDivisionError", "boom")

    def test_raises_a_custom_exception(self):
        class LearnerError(Exception):
            pass

        def broken(image, w, b):
            raise LearnerError("not finished")

        assert_wrong(exercises.check_single_channel(broken), "LearnerError", "not finished")

    def test_modifies_its_input_in_place(self):
        def in_place(image, w, b):
            image[...] = image * w + b
            return image

        assert_wrong(exercises.check_single_channel(in_place), "in place")
        np.testing.assert_array_equal(data.SEED_MATRIX, LECTURE)

    def test_modifies_its_input_with_augmented_assignment(self):
        def in_place(image, w, b):
            image *= w
            image += b
            return image

        assert_wrong(exercises.check_single_channel(in_place), "in place")
        np.testing.assert_array_equal(data.SEED_MATRIX, LECTURE)

    def test_wrong_signature_too_few(self):
        assert_wrong(exercises.check_single_channel(lambda image, w: image * w), "TypeError")

    def test_wrong_signature_too_many(self):
        def four(image, w, b, extra):
            return image * w + b

        assert_wrong(exercises.check_single_channel(four), "TypeError")

    def test_returns_nan(self):
        assert_wrong(exercises.check_single_channel(
            lambda image, w, b: np.full(image.shape, np.nan)), "nan")

    def test_returns_one_nan(self):
        def almost(image, w, b):
            out = image * w + b
            out[-1, -1] = np.nan
            return out

        message = assert_wrong(exercises.check_single_channel(almost), "nan")
        assert "(5, 5)" in message

    def test_returns_booleans(self):
        assert_wrong(exercises.check_single_channel(lambda image, w, b: image * w + b > 0),
                     "real numbers")

    def test_returns_complex(self):
        assert_wrong(exercises.check_single_channel(lambda image, w, b: image * w + b + 0j),
                     "real numbers")


# -- check_param_count --------------------------------------------------------------

class TestCheckParamCount:
    def test_right(self):
        # 16 filters of 1x1x32, each with one bias
        assert_right(exercises.check_param_count(16 * (1 * 1 * 32) + 16))

    @pytest.mark.parametrize("answer", [np.int64(528), 528.0])
    def test_right_other_number_types(self, answer):
        assert_right(exercises.check_param_count(answer))

    def test_weights_only(self):
        assert_wrong(exercises.check_param_count(32 * 16), "bias")

    @pytest.mark.parametrize("answer", [16, 32, 48, 529, 527.5, 0, -528, float("nan")])
    def test_other_numbers(self, answer):
        assert_wrong(exercises.check_param_count(answer), "bias")

    @pytest.mark.parametrize(("answer", "kind"), [(None, "None"), ("528", "str"),
                                                  ([528], "list"), (True, "bool")])
    def test_not_a_number(self, answer, kind):
        assert_wrong(exercises.check_param_count(answer), "number", kind)


# -- check_pixel_output (02, exercise 2) ------------------------------------------------

class TestCheckPixelOutput:
    @pytest.mark.parametrize("func", [pixel_loops, pixel_dot_products, pixel_one_product])
    def test_right(self, func):
        feedback = exercises.check_pixel_output(func)
        assert_right(feedback)
        assert "one number per filter" in feedback.message

    def test_right_with_einsum_and_prints(self, capsys):
        def pixel(x, W, b, i, j):
            z = np.einsum("c,cf->f", x[i, j], W) + b
            print("z has shape", z.shape)
            return np.where(z > 0, z, 0.0)

        assert_right(exercises.check_pixel_output(pixel))

    def test_forgot_relu(self):
        assert_wrong(exercises.check_pixel_output(lambda x, W, b, i, j: x[i, j] @ W + b),
                     "before the ReLU")

    def test_forgot_bias(self):
        message = assert_wrong(exercises.check_pixel_output(
            lambda x, W, b, i, j: np.maximum(x[i, j] @ W, 0)), "left out the bias")
        assert "before the ReLU" not in message

    def test_bias_after_relu(self):
        assert_wrong(exercises.check_pixel_output(
            lambda x, W, b, i, j: np.maximum(x[i, j] @ W, 0) + b), "after the ReLU")

    def test_row_and_column_swapped(self):
        message = assert_wrong(exercises.check_pixel_output(
            lambda x, W, b, i, j: pixel_one_product(x, W, b, j, i)), "x[i, j, :]")
        assert "pixel (4, 1)" in message

    def test_weights_transposed(self):
        # W.T has shape (n_F, n_C): the product fails, and the message says how shapes chain
        assert_wrong(exercises.check_pixel_output(
            lambda x, W, b, i, j: np.maximum(x[i, j] @ W.T + b, 0)), "ValueError", "chain",
            "one filter per column")

        def sneaky(x, W, b, i, j):  # transposed only where it fits
            return pixel_one_product(x, W.T if W.shape[0] == W.shape[1] else W, b, i, j)

        assert_wrong(exercises.check_pixel_output(sneaky), "transposed", "W[:, k]")

    def test_every_pixel(self):
        message = assert_wrong(exercises.check_pixel_output(
            lambda x, W, b, i, j: np.maximum(x @ W + b, 0)), "every pixel")
        assert "(6, 6, 8)" in message and "8 numbers" in message

    @pytest.mark.parametrize("func", [
        lambda x, W, b, i, j: max(x[i, j] @ W[:, 0] + b[0], 0.0),  # filter 0 only
        lambda x, W, b, i, j: float(pixel_one_product(x, W, b, i, j).sum()),
        lambda x, W, b, i, j: np.float64(x[i, j] @ W[:, 0]),
        lambda x, W, b, i, j: pixel_one_product(x, W, b, i, j)[:1],
    ])
    def test_one_number(self, func):
        assert_wrong(exercises.check_pixel_output(func), "one number", "(8,)")

    def test_wrong_shape(self):
        message = assert_wrong(exercises.check_pixel_output(
            lambda x, W, b, i, j: pixel_one_product(x, W, b, i, j)[None]), "shape")
        assert "(1, 8)" in message and "(8,)" in message

    def test_another_value(self):
        assert_wrong(exercises.check_pixel_output(
            lambda x, W, b, i, j: pixel_one_product(x, W, b, i, j) * 2), "index", "differ")

    def test_sigmoid_instead_of_relu(self):
        assert_wrong(exercises.check_pixel_output(
            lambda x, W, b, i, j: 1 / (1 + np.exp(-(x[i, j] @ W + b)))), "index")

    def test_none(self):
        assert_wrong(exercises.check_pixel_output(None), "function", "None")

    def test_called_instead_of_passed(self):
        x, W, b = data.random_volume(2, 2, 3), data.random_filters(3, 2), np.zeros(2)
        assert_wrong(exercises.check_pixel_output(pixel_one_product(x, W, b, 0, 1)),
                     "without calling")

    def test_returns_none(self):
        def no_return(x, W, b, i, j):
            np.maximum(x[i, j] @ W + b, 0)

        assert_wrong(exercises.check_pixel_output(no_return), "None", "return")

    def test_returns_a_list(self):
        assert_wrong(exercises.check_pixel_output(
            lambda x, W, b, i, j: pixel_one_product(x, W, b, i, j).tolist()), "numpy array",
            "list")

    def test_raises(self):
        def todo(x, W, b, i, j):
            raise NotImplementedError("write your code here")

        assert_wrong(exercises.check_pixel_output(todo), "NotImplementedError",
                     "write your code here")

    def test_modifies_its_input_in_place(self):
        def in_place(x, W, b, i, j):
            x[i, j] = np.maximum(x[i, j], 0)
            return pixel_one_product(x, W, b, i, j)

        assert_wrong(exercises.check_pixel_output(in_place), "in place")

    def test_wrong_signature(self):
        assert_wrong(exercises.check_pixel_output(
            lambda x, W, b: np.maximum(x @ W + b, 0)), "TypeError")

    def test_returns_nan(self):
        assert_wrong(exercises.check_pixel_output(
            lambda x, W, b, i, j: np.full(W.shape[1], np.nan)), "nan")

    def test_returns_booleans(self):
        assert_wrong(exercises.check_pixel_output(
            lambda x, W, b, i, j: x[i, j] @ W + b > 0), "real numbers")


# -- check_sum_rule_counterexample (03, exercise 2) ------------------------------------

def layer_of_the_exercise(p):
    # 2 filters of 1x1x2, the columns: (1, 2) and (-1, 1); no bias; then the ReLU
    return np.maximum(p @ np.array([[1.0, -1.0], [2.0, 1.0]]), 0)


class TestCheckSumRuleCounterexample:
    def test_the_layer_by_hand(self):
        np.testing.assert_array_equal(exercises.SAME_DEPTH_FILTERS, [[1, -1], [2, 1]])
        assert not exercises.SAME_DEPTH_FILTERS.flags.writeable
        p, q = np.array([1.0, 0.0]), np.array([-1.0, 0.0])
        np.testing.assert_array_equal(layer_of_the_exercise(p + q), [0, 0])
        np.testing.assert_array_equal(layer_of_the_exercise(p) + layer_of_the_exercise(q),
                                      [1, 1])

    @pytest.mark.parametrize("answer", [
        (np.array([1.0, 0.0]), np.array([-1.0, 0.0])),  # both filters' signs differ
        [np.array([0.0, 1.0]), np.array([0.0, -3.0])],
        (np.array([2, 0]), np.array([0, -1])),  # filter 0: 2 and -2; filter 1: -2 and -1
        ([1, 0], [-1, 0]),  # lists of numbers are fibres too
        (np.array([0.0, 1.0]), np.array([2.0, 0.0])),  # filter 0: 2, 2; filter 1: 1, -2
    ])
    def test_right(self, answer):
        p, q = (np.asarray(a, dtype=float) for a in answer)
        assert not np.allclose(layer_of_the_exercise(p + q),
                               layer_of_the_exercise(p) + layer_of_the_exercise(q))
        feedback = exercises.check_sum_rule_counterexample(answer)
        assert_right(feedback)
        assert "not linear" in feedback.message

    def test_found_by_search(self):
        # a learner who tries random fibres until the rule breaks
        rng = np.random.default_rng(0)
        while True:
            p, q = rng.normal(size=2), rng.normal(size=2)
            if not np.allclose(layer_of_the_exercise(p + q),
                               layer_of_the_exercise(p) + layer_of_the_exercise(q)):
                break
        assert_right(exercises.check_sum_rule_counterexample((p, q)))

    @pytest.mark.parametrize("answer", [
        (np.array([1.0, 1.0]), np.array([2.0, 3.0])),  # sums all >= 0: passed through
        (np.array([-1.0, -1.0]), np.array([-2.0, -0.5])),  # filter 0 < 0 twice, 1 > 0 twice
        (np.array([0.0, 0.0]), np.array([-1.0, 0.0])),  # a zero fibre adds nothing
        (np.array([1.0, 0.0]), np.array([1.0, 0.0])),
    ])
    def test_the_rule_holds(self, answer):
        p, q = answer
        assert np.allclose(layer_of_the_exercise(p + q),
                           layer_of_the_exercise(p) + layer_of_the_exercise(q))
        message = assert_wrong(exercises.check_sum_rule_counterexample(answer),
                               "f(p + q) = f(p) + f(q)", "positive for p and negative for q")
        assert "p @ W = " in message and "q @ W = " in message

    def test_too_small_to_tell(self):
        assert_wrong(exercises.check_sum_rule_counterexample(
            (np.array([1e-9, 0.0]), np.array([-1e-9, 0.0]))), "opposite signs", "larger")

    @pytest.mark.parametrize(("answer", "hints"), [
        (None, ("two fibres", "None")),
        (np.array([[1.0, 0.0], [-1.0, 0.0]]), ("two fibres", "array")),
        ((np.array([1.0, 0.0]),), ("two fibres",)),
        ((None, None), ("p is None",)),
        ((np.array([1.0, 0.0]), None), ("q is None",)),
        ((np.ones((6, 6, 2)), np.ones(2)), ("shape (6, 6, 2)", "(2,)")),
        ((np.ones(3), np.ones(2)), ("shape (3,)", "2 channel values")),
        ((np.array([np.nan, 1.0]), np.ones(2)), ("NaN",)),
        ((np.array([np.inf, 1.0]), np.ones(2)), ("inf",)),
        ((np.array([True, False]), np.ones(2)), ("real numbers", "bool")),
        (("ab", np.ones(2)), ("numpy array", "str")),
        (([1, [2, 3]], np.ones(2)), ("numpy array", "list")),
        ((1.0, -1.0), ("numpy array", "float")),
    ])
    def test_not_two_fibres(self, answer, hints):
        assert_wrong(exercises.check_sum_rule_counterexample(answer), *hints)

    def test_a_function_instead_of_fibres(self):
        assert_wrong(exercises.check_sum_rule_counterexample(layer_of_the_exercise),
                     "two fibres", "function")


# -- check_dense_and_conv_params (04, exercise 2) -----------------------------------------

class TestCheckDenseAndConvParams:
    # a dense layer 4,096 -> 4,096 on a 64x64 one-channel image; a 1x1 convolution 1 -> 1
    DENSE = 64 * 64 * 64 * 64 + 64 * 64  # a weight per input and output, a bias per output
    CONV = 1 * 1 * 1 * 1 + 1  # one weight, one bias

    def test_numbers_by_hand(self):
        assert (self.DENSE, self.CONV) == (16_781_312, 2)
        assert exercises.SHARING_EXERCISE == {"n_H": 64, "n_W": 64}

    @pytest.mark.parametrize("answer", [(16_781_312, 2), [16_781_312, 2],
                                        (np.int64(16_781_312), np.int64(2)),
                                        (16_781_312.0, 2.0)])
    def test_right(self, answer):
        feedback = exercises.check_dense_and_conv_params(answer)
        assert_right(feedback)
        assert "16,781,312" in feedback.message and "shares" in feedback.message

    def test_the_notebook_solution(self):
        assert_right(exercises.check_dense_and_conv_params(
            (cost.dense_params(64 * 64, 64 * 64), cost.conv_params(1, 1, 1))))

    def test_stub_of_the_notebook(self):
        assert_wrong(exercises.check_dense_and_conv_params((None, None)), "whole number",
                     "None")

    def test_swapped(self):
        assert_wrong(exercises.check_dense_and_conv_params((self.CONV, self.DENSE)), "swapped")

    @pytest.mark.parametrize(("dense", "hints"), [
        (64 * 64 * 64 * 64, ("dense layer", "weights only", "bias")),
        (64 * 64 * 64 * 64 + 1, ("dense layer", "bias of its own")),
        (64 * 64 + 1, ("dense layer", "one output")),
        (64 * 64, ("dense layer", "inputs")),
        (64 * 64 + 64, ("dense layer", "one row", "4,096")),
        (123, ("dense layer", "123 is not it", "one bias")),
        (float("nan"), ("dense layer", "not it")),
    ])
    def test_dense_layer_wrong(self, dense, hints):
        assert_wrong(exercises.check_dense_and_conv_params((dense, self.CONV)), *hints)

    @pytest.mark.parametrize(("conv", "hints"), [
        (1, ("dense layer is right", "bias")),
        (0, ("dense layer is right", "one weight and one bias")),
        (64 * 64, ("dense layer is right", "pixels", "serves them all")),
        (2 * 64 * 64, ("dense layer is right", "pixels", "shares one filter")),
        (3, ("dense layer is right", "3 is not it")),
    ])
    def test_convolution_wrong(self, conv, hints):
        assert_wrong(exercises.check_dense_and_conv_params((self.DENSE, conv)), *hints)

    @pytest.mark.parametrize(("answer", "words"), [
        (None, "two numbers"), (16_781_312, "two numbers"), ((16_781_312,), "two numbers"),
        ((16_781_312, 2, 0), "two numbers"), (np.array([16_781_312, 2]), "two numbers"),
        (("16781312", "2"), "whole number"), ((True, 2), "whole number"),
        ((16_781_312, None), "whole number"),
    ])
    def test_not_two_numbers(self, answer, words):
        assert_wrong(exercises.check_dense_and_conv_params(answer), words)


# -- every check, whatever comes ----------------------------------------------------

CHECKS = [exercises.check_photo_shape, exercises.check_single_channel,
          exercises.check_param_count, exercises.check_pixel_output,
          exercises.check_sum_rule_counterexample, exercises.check_dense_and_conv_params,
          exercises.check_nin_params]

ODD_ANSWERS = [
    None, 0, -1, 1.5, float("nan"), float("inf"), 1j, True, "", "abc", b"bytes", [], [1, 2],
    (), (1,), (None, None, None), {}, {"n_H": 4}, {4, 5, 3}, object(), np.array([]),
    np.array(528), np.zeros((4, 5, 3)), np.array([4, 5, 3]), np.nan,
    (np.int64(4), np.int64(5), np.int64(3)), ([4], [5], [3]),
    lambda: None, lambda *args: None, lambda *args: args, print, len, Exception,
]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("answer", ODD_ANSWERS,
                         ids=[f"{k}-{type(a).__name__}" for k, a in enumerate(ODD_ANSWERS)])
def test_checks_never_raise(check, answer):
    feedback = check(answer)
    assert isinstance(feedback, Feedback)
    assert repr(feedback)[0] in "✓✗"


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_feedback_is_one_line(check):
    for answer in (None, "x", 3):
        assert "\n" not in repr(check(answer))


def test_feedback_truthiness_follows_correct():
    assert Feedback(True, "fine")
    assert not Feedback(False, "not yet")
    assert repr(Feedback(True, "fine")).startswith("✓")
    assert repr(Feedback(False, "not yet")).startswith("✗")
    assert "not yet" in repr(Feedback(False, "not yet"))


# photo(max_size=48) is 48×41; three mlpconv layers of 16, 32, 10 channels that keep the
# size, 2×2 max pooling (stride 2, rounding down) between them, then GAP
TINY_NIN_RIGHT = ((48, 41, 16), (24, 20, 32), (12, 10, 10), (10,))


class TestCheckTinyNinShapes:
    def test_the_photo_size_by_hand(self):
        assert data.photo(max_size=48).shape == (48, 41, 3)

    @pytest.mark.parametrize("answer", [list(TINY_NIN_RIGHT), TINY_NIN_RIGHT,
                                        [tuple(np.int64(n) for n in s) for s in TINY_NIN_RIGHT]])
    def test_right(self, answer):
        feedback = exercises.check_tiny_nin_shapes(answer)
        assert_right(feedback)
        assert "(12, 10, 10)" in feedback.message and "halves" in feedback.message

    @pytest.mark.parametrize(("answer", "hints"), [
        (None, ("None", "a.shape for a in tiny_nin")),
        ("shapes", ("list of 4 shape tuples", "str")),
        (list(TINY_NIN_RIGHT[:3]), ("list of 4 shape tuples", "length 3")),
        ([[48, 41, 16], [24, 20, 32], [12, 10, 10], [10]], ("list of 4 shape tuples",)),
        ([(48, 41, 16), (24, 20.5, 32), (12, 10, 10), (10,)], ("whole number", "float")),
        ([(48, 41, 16), (24, 20, 32), (12, 10, 10), (True,)], ("whole number", "bool")),
        # the notebook's own x, photo(max_size=64), 64×55
        ([(64, 55, 16), (32, 27, 32), (16, 13, 10), (10,)], ("shapes for x", "48×41")),
        ([(48, 41, 16), (24, 21, 32), (12, 10, 10), (10,)],
         ("mlpconv 2", "(24, 20, 32)", "rounding down")),
        ([(48, 41, 16), (24, 20, 32), (12, 10, 10), (1, 10)], ("the scores", "(10,)")),
        ([(48, 41, 3), (24, 20, 32), (12, 10, 10), (10,)], ("mlpconv 1", "(48, 41, 16)")),
    ])
    def test_wrong(self, answer, hints):
        assert_wrong(exercises.check_tiny_nin_shapes(answer), *hints)


class TestCheckNinParams:
    # the notebook's NIN on 8×8×1 digits, GAP head; conv f×f from n_C to n_F: f·f·n_C·n_F + n_F
    #   block 1: 3×3 1 → 16: 160, 1×1 16 → 16: 272, 1×1 16 → 16: 272
    #   block 2: 3×3 16 → 16: 2,320, 1×1 16 → 16: 272, 1×1 16 → 10: 170    total 3,466
    # deeper: one more 1×1 16 → 16 in block 2: 3,466 + 272 = 3,738
    # wider: block 1's 1×1 layers 16 → 32 (544) and 32 → 32 (1,056), and block 2's 3×3
    #   now reads 32 channels: 9·32·16 + 16 = 4,624: 160 + 544 + 1,056 + 4,624 + 272 + 170
    RIGHT = (3_738, 6_826)
    BIASES = (16 + 16 + 16 + 16 + 16 + 16 + 10, 16 + 32 + 32 + 16 + 16 + 10)

    def test_numbers_by_hand(self):
        assert 160 + 544 + 1_056 + 4_624 + 272 + 170 == self.RIGHT[1]
        assert exercises.NIN_EXERCISE == {"nin": [[16, 16, 16], [16, 16, 10]],
                                          "deeper": [[16, 16, 16], [16, 16, 16, 10]],
                                          "wider": [[16, 32, 32], [16, 16, 10]]}

    @pytest.mark.parametrize("answer", [(3_738, 6_826), [3_738, 6_826],
                                        (np.int64(3_738), np.int64(6_826)), (3_738.0, 6_826.0)])
    def test_right(self, answer):
        feedback = exercises.check_nin_params(answer)
        assert_right(feedback)
        for words in ("3,738", "6,826", "272", "4,624", "2,320", "layer after"):
            assert words in feedback.message

    def test_the_notebook_solution(self):
        from onebyone import nin

        assert_right(exercises.check_nin_params(
            (nin.count_params([[16, 16, 16], [16, 16, 16, 10]]),
             nin.digit_net([[16, 32, 32], [16, 16, 10]]).n_params)))

    def test_stub_of_the_notebook(self):
        assert_wrong(exercises.check_nin_params((None, None)), "whole number", "None")

    def test_swapped(self):
        assert_wrong(exercises.check_nin_params(self.RIGHT[::-1]), "swapped", "deeper")

    @pytest.mark.parametrize("answer", [
        (3_738 - 106, 6_826 - 122),  # both
        (3_738 - 106, 6_826),
        (3_738, 6_826 - 122)])
    def test_weights_only(self, answer):
        assert self.BIASES == (106, 122)
        assert_wrong(exercises.check_nin_params(answer), "weights only", "bias")

    def test_extra_layer_counted_as_3x3(self):
        assert_wrong(exercises.check_nin_params((3_466 + 9 * 16 * 16 + 16, 6_826)),
                     "deeper network", "1×1", "272", "2,320")

    def test_deeper_is_the_notebooks_network(self):
        assert_wrong(exercises.check_nin_params((3_466, 6_826)), "deeper", "3,466",
                     "without the extra layer")

    def test_deeper_is_the_extra_layer_alone(self):
        assert_wrong(exercises.check_nin_params((272, 6_826)), "extra layer alone")

    def test_wider_forgets_the_next_3x3_convolution(self):
        forgotten = 6_826 - 4_624 + 2_320
        assert forgotten == 4_522
        assert_wrong(exercises.check_nin_params((3_738, forgotten)), "deeper network is right",
                     "next block's 3×3", "reads 32", "4,624", "2,320")

    def test_wider_is_the_notebooks_network(self):
        assert_wrong(exercises.check_nin_params((3_738, 3_466)), "deeper network is right",
                     "3,466", "32 wide")

    @pytest.mark.parametrize(("answer", "hints"), [
        ((0, 0), ("deeper network", "not it", "3,466")),
        ((3_738.5, 6_826), ("deeper network", "not it")),
        ((float("nan"), 6_826), ("deeper network", "not it")),
        ((-3_738, -6_826), ("deeper network", "not it")),
        ((3_738, 5_000), ("deeper network is right", "5000 is not it", "from 32 channels")),
        ((3_738, float("nan")), ("deeper network is right", "not it")),
    ])
    def test_other_numbers(self, answer, hints):
        assert_wrong(exercises.check_nin_params(answer), *hints)

    @pytest.mark.parametrize(("answer", "words"), [
        (None, "two numbers"), (3_738, "two numbers"), ((3_738,), "two numbers"),
        ((1, 2, 3), "two numbers"), ({"deeper": 3_738, "wider": 6_826}, "two numbers"),
        (np.array([3_738, 6_826]), "two numbers"), ("3738, 6826", "two numbers"),
        (("3738", "6826"), "whole number"), ((True, False), "whole number"),
        ((3_738, None), "whole number"), ((3_738, 1j), "whole number"),
    ])
    def test_not_two_numbers(self, answer, words):
        assert_wrong(exercises.check_nin_params(answer), words)
