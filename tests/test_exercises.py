"""Tests for onebyone.exercises: every check on right answers and on learners' mistakes.

The learners' correct solutions are written here with loops and matrix products in
numpy, independently of onebyone.
"""

from __future__ import annotations

import numpy as np
import pytest

from feedback import assert_right, assert_wrong
from lecture import LECTURE
from onebyone import cost, data, exercises, nin
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

    def test_an_integer_result_is_named_as_the_cause(self):
        # np.zeros_like on the lecture's integer image keeps int: -1.5·1 + 4 = 2.5 is stored as 2
        def zeros_like(image, w, b):
            out = np.zeros_like(image)
            out[...] = w * image + b
            return out

        assert_wrong(exercises.check_single_channel(zeros_like), "2.5", "whole numbers",
                     f"dtype {data.SEED_MATRIX.dtype}", "float array")
        # a float result that is wrong gets no word about dtypes
        message = assert_wrong(exercises.check_single_channel(lambda image, w, b: image * w),
                               "at index")
        assert "whole numbers" not in message

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


# -- check_negative_image -----------------------------------------------------------

class TestCheckNegativeImage:
    @pytest.mark.parametrize("answer", [(-1, 10), [-1, 10], (-1.0, 10.0),
                                        (np.int64(-1), np.float64(10))])
    def test_right(self, answer):
        assert_right(exercises.check_negative_image(answer))

    def test_the_answer_makes_the_negative_of_the_lecture_image(self):
        w, b = -1, exercises.NEGATIVE_IMAGE_TOP
        negative = w * LECTURE + b
        assert negative.max() == 10 - LECTURE.min() and negative.min() == 10 - LECTURE.max()
        assert_right(exercises.check_negative_image((w, b)))

    @pytest.mark.parametrize(("answer", "hints"), [
        ((10, -1), ("swapped",)),
        ((-1, 0), ("−x", "bias")),
        ((1, -10), ("x − 10", "sign")),
        ((-1, 9), ("becomes 8", "becomes 0")),
        ((0.5, 2), ("becomes 2.5", "becomes 6.5")),
    ])
    def test_mistakes(self, answer, hints):
        assert_wrong(exercises.check_negative_image(answer), *hints)

    @pytest.mark.parametrize(("answer", "hints"), [
        (None, ("two numbers", "None")),
        ((None, None), ("w", "None")),
        (-1, ("two numbers", "int")),
        ((-1, 10, 0), ("two numbers",)),
        ((-1, "10"), ("b", "str")),
        ((True, 10), ("w", "bool")),
    ])
    def test_not_two_numbers(self, answer, hints):
        assert_wrong(exercises.check_negative_image(answer), *hints)


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
          exercises.check_max_pool_backward, exercises.check_shuffle_reach,
          exercises.check_pooling_alignment]

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


# -- learners' answers to 09: max pooling's backward pass ----------------------------

def max_pool_backward_loops(x, da):
    dx = np.zeros(x.shape)
    for i in range(da.shape[0]):
        for j in range(da.shape[1]):
            for c in range(x.shape[2]):
                window = x[2 * i:2 * i + 2, 2 * j:2 * j + 2, c]
                di, dj = np.unravel_index(np.argmax(window), window.shape)
                dx[2 * i + di, 2 * j + dj, c] = da[i, j, c]
    return dx


def max_pool_backward_mask(x, da):
    n_H, n_W, n_C = x.shape
    windows = x.reshape(n_H // 2, 2, n_W // 2, 2, n_C)
    is_max = windows == windows.max(axis=(1, 3), keepdims=True)
    return (is_max * da[:, np.newaxis, :, np.newaxis, :]).reshape(x.shape)


def max_pool_backward_average(x, da):  # average pooling's backward pass
    return np.repeat(np.repeat(da, 2, axis=0), 2, axis=1) / 4


def max_pool_backward_everywhere(x, da):  # the window's gradient to all its values
    return np.repeat(np.repeat(da, 2, axis=0), 2, axis=1)


def max_pool_backward_ones(x, da):  # 1 at the maximum, da forgotten
    return max_pool_backward_mask(x, np.ones(da.shape))


def max_pool_backward_minimum(x, da):  # the gradient to the window's minimum
    return -max_pool_backward_loops(-x, -da)


def max_pool_backward_largest_magnitude(x, da):  # the maximum of |x|, not of x
    n_H, n_W, n_C = x.shape
    windows = np.abs(x).reshape(n_H // 2, 2, n_W // 2, 2, n_C)
    is_max = windows == windows.max(axis=(1, 3), keepdims=True)
    return (is_max * da[:, np.newaxis, :, np.newaxis, :]).reshape(x.shape)


def max_pool_backward_in_place(x, da):
    x[...] = 0
    return x


class TestCheckMaxPoolBackward:
    def test_the_cases_have_negative_maxima_and_no_ties(self):
        cases = exercises._max_pool_cases()
        assert any((max_pool_backward_mask(x, np.ones(da.shape)) * x < 0).any()
                   for x, da in cases)  # a window whose maximum is negative
        for x, da in cases:
            assert (max_pool_backward_mask(x, np.ones(da.shape)).sum(axis=(0, 1))
                    == da.shape[0] * da.shape[1]).all()  # one maximum per window
            assert (da != 0).all()

    @pytest.mark.parametrize("func", [max_pool_backward_loops, max_pool_backward_mask])
    def test_right(self, func):
        feedback = exercises.check_max_pool_backward(func)
        assert_right(feedback)
        assert "maximum" in feedback.message

    @pytest.mark.parametrize(("func", "hints"), [
        (max_pool_backward_average, ("average pooling", "maximum", "3 others get 0")),
        (max_pool_backward_everywhere, ("every value", "only the window's maximum")),
        (max_pool_backward_ones, ("put 1", "da[i, j, c]")),
        (max_pool_backward_minimum, ("index", "its own maximum")),
        (max_pool_backward_largest_magnitude, ("index", "its own maximum")),
        (lambda x, da: da, ("shape of the pooled output", "shape of x")),
        (lambda x, da: np.zeros((3, 3, 2)), ("shape",)),
        (lambda x, da: None, ("None", "return")),
        (lambda x, da: [[0.0]], ("numpy array", "list")),
        (lambda x, da: 1 / 0, ("ZeroDivisionError",)),
        (max_pool_backward_in_place, ("read-only", "new array")),
        (lambda x: x, ("TypeError",)),
        (None, ("expected a function",)),
        ("max_pool_backward", ("expected a function",)),
    ])
    def test_wrong(self, func, hints):
        assert_wrong(exercises.check_max_pool_backward(func), *hints)


# -- check_learning_rate ------------------------------------------------------------

def history(final_accuracy, final_loss, first_accuracy=0.2, epochs=30):
    """A made-up history of nin.train: accuracy rising from first_accuracy to
    final_accuracy, loss falling from 2.3 to final_loss."""
    from onebyone import nin

    return [nin.Epoch(k + 1, float(loss), float(accuracy)) for k, (loss, accuracy) in
            enumerate(zip(np.geomspace(2.3, final_loss, epochs),
                          np.linspace(first_accuracy, final_accuracy, epochs), strict=True))]


# like the notebook's runs: 0.003 learns too slowly, 0.03 overshoots
HISTORIES = {0.003: history(0.904, 0.17), 0.01: history(0.981, 0.012),
             0.03: history(0.915, 0.11)}


class TestCheckLearningRate:

    def test_the_exercise(self):
        assert exercises.LEARNING_RATE_EXERCISE["rates"] == (0.003, 0.01, 0.03)
        assert exercises.LEARNING_RATE_EXERCISE["epochs"] == 30

    def test_right(self):
        feedback = exercises.check_learning_rate(0.01, HISTORIES)
        assert_right(feedback)
        for words in ("keep 0.01", "98.1%", "90.4%", "91.5%", "0.012", "0.170", "0.110"):
            assert words in feedback.message

    def test_right_is_the_best_final_validation_accuracy_whatever_the_rate(self):
        histories = {**HISTORIES, 0.03: history(0.99, 0.005)}
        assert_right(exercises.check_learning_rate(0.03, histories))
        assert_wrong(exercises.check_learning_rate(0.01, histories), "99.0%", "not the best")

    def test_real_trainings(self, monkeypatch):
        from onebyone import nin

        # what the notebook's solution does, in 2 epochs instead of 30 (the check reads
        # the number of epochs from LEARNING_RATE_EXERCISE)
        monkeypatch.setitem(exercises.LEARNING_RATE_EXERCISE, "epochs", 2)
        digits = data.digits()
        histories = {rate: nin.train(nin.digit_net([[16, 16, 16], [16, 16, 10]], seed=0),
                                     *digits.train, digits.validation, epochs=2,
                                     learning_rate=rate, seed=0)
                     for rate in exercises.LEARNING_RATE_EXERCISE["rates"]}
        best = max(histories, key=lambda rate: histories[rate][-1].validation_accuracy)
        assert_right(exercises.check_learning_rate(best, histories))
        worst = min(histories, key=lambda rate: histories[rate][-1].validation_accuracy)
        assert_wrong(exercises.check_learning_rate(worst, histories))

    def test_chosen_by_the_training_loss(self):
        histories = {**HISTORIES, 0.03: history(0.95, 0.001)}
        assert_wrong(exercises.check_learning_rate(0.03, histories), "lowest training loss",
                     "memorising", "validation accuracy", "98.1%")

    def test_a_network_trained_before(self):
        histories = {**HISTORIES, 0.03: history(0.97, 0.01, first_accuracy=0.975)}
        assert_wrong(exercises.check_learning_rate(0.01, histories), "0.03", "97.5%",
                     "trained before", "fresh nin.digit_net")

    def test_one_training_given_twice(self):
        histories = {**HISTORIES, 0.03: HISTORIES[0.003]}
        assert_wrong(exercises.check_learning_rate(0.01, histories), "0.003 and 0.03",
                     "same")

    def test_too_few_epochs(self):
        histories = {**HISTORIES, 0.003: history(0.5, 1.0, epochs=10)}
        assert_wrong(exercises.check_learning_rate(0.01, histories), "histories[0.003]",
                     "10 epochs", "train 30")

    @pytest.mark.parametrize(("histories", "hints"), [
        (None, ("dict", "0.003, 0.01, 0.03", "None")),
        ([1, 2, 3], ("dict", "list")),
        ({0.01: HISTORIES[0.01]}, ("dict", "keys [0.01]")),
        ({**HISTORIES, 0.1: HISTORIES[0.01]}, ("dict", "0.1")),
        ({**HISTORIES, 0.01: None}, ("histories[0.01]", "nin.train returns", "None")),
        ({**HISTORIES, 0.01: [0.9] * 30}, ("histories[0.01]", "nin.train returns")),
    ])
    def test_not_histories(self, histories, hints):
        assert_wrong(exercises.check_learning_rate(0.01, histories), *hints)

    @pytest.mark.parametrize(("keep", "hints"), [
        (None, ("one of the rates", "None")), ("0.01", ("one of the rates", "str")),
        (0.02, ("one of the rates", "0.02")), (True, ("one of the rates", "bool")),
        (float("nan"), ("one of the rates",)), ([0.01], ("one of the rates", "list")),
    ])
    def test_not_a_rate(self, keep, hints):
        assert_wrong(exercises.check_learning_rate(keep, HISTORIES), *hints)

    def test_wrong_rate(self):
        assert_wrong(exercises.check_learning_rate(0.003, HISTORIES), "not the best",
                     "0.01: 98.1%")

    @pytest.mark.parametrize("answer", ODD_ANSWERS)
    def test_never_raises(self, answer):
        for feedback in (exercises.check_learning_rate(answer, HISTORIES),
                         exercises.check_learning_rate(0.01, answer)):
            assert isinstance(feedback, Feedback) and "\n" not in repr(feedback)


# -- check_true_class_ranks ----------------------------------------------------------

def true_class_ranks_sorted(net, images, labels):
    """A learner's answer: sort each misclassified digit's scores, find its label."""
    scores = net.scores(images)
    wrong = np.flatnonzero(scores.argmax(axis=1) != labels)
    order = np.argsort(-scores[wrong], axis=1)  # classes from the largest score down
    return [int(np.flatnonzero(row == label)[0]) + 1
            for row, label in zip(order, labels[wrong], strict=True)]


@pytest.fixture(scope="module")
def net():
    # a briefly trained NIN: it misclassifies many digits, at many ranks
    from onebyone import nin

    digits = data.digits()
    net = nin.digit_net([[16, 16, 16], [16, 16, 10]], seed=0)
    nin.train(net, *digits.train, digits.validation, epochs=1, learning_rate=0.01)
    return net


@pytest.fixture(scope="module")
def right(net):
    test = data.digits().test
    ranks = true_class_ranks_sorted(net, test.images, test.labels)
    assert len(ranks) > 20 and len(set(ranks)) > 3  # enough mistakes to tell answers apart
    return np.array(ranks)


class TestCheckTrueClassRanks:
    @pytest.mark.parametrize("as_type", [list, tuple, np.array])
    def test_right(self, net, right, as_type):
        feedback = exercises.check_true_class_ranks(as_type(right.tolist()), net)
        assert_right(feedback)
        second = int((right == 2).sum())
        assert f"of the {len(right)} misclassified digits, {second} have" in feedback.message
        assert f"{right.max()}." in feedback.message

    def test_counted_from_0(self, net, right):
        assert_wrong(exercises.check_true_class_ranks(right - 1, net), "one too small",
                     "from 0")

    def test_ranked_from_the_smallest(self, net, right):
        assert_wrong(exercises.check_true_class_ranks(11 - right, net), "from the smallest")

    def test_every_rank_1(self, net, right):
        assert_wrong(exercises.check_true_class_ranks(np.ones_like(right), net), "guess",
                     "never the true class")

    def test_one_per_test_digit(self, net):
        assert_wrong(exercises.check_true_class_ranks(np.full(450, 2), net), "450 ranks",
                     "misclassified ones")

    def test_one_rank_off(self, net, right):
        answer = right.copy()
        answer[4] = right[4] % 10 + 1
        assert_wrong(exercises.check_true_class_ranks(answer, net), "misclassified digit 4",
                     f"rank {right[4]}", f"you have {answer[4]}")

    @pytest.mark.parametrize(("ranks", "hints"), [
        (None, ("None", "one rank per misclassified digit")),
        (2, ("list or 1-D array", "int")), ("2, 2", ("list or 1-D array", "str")),
        ([2.0, 3.0], ("whole numbers",)), (np.ones((2, 2), int), ("1-D",)),
        ([2, 3], ("2 ranks", "misclassifies")),
    ])
    def test_not_ranks(self, net, ranks, hints):
        assert_wrong(exercises.check_true_class_ranks(ranks, net), *hints)

    def test_not_a_network(self, right):
        assert_wrong(exercises.check_true_class_ranks(right, None), "trained network",
                     "second argument", "None")

    @pytest.mark.parametrize("answer", ODD_ANSWERS)
    def test_never_raises(self, net, answer):
        for feedback in (exercises.check_true_class_ranks(answer, net),
                         exercises.check_true_class_ranks([2], answer)):
            assert isinstance(feedback, Feedback) and "\n" not in repr(feedback)


# -- check_margin_readings ----------------------------------------------------------

def margin_reading(net, canvas_margin, window_margin=None, against=None, digits=450):
    """A learner's measurement, as 10 builds it: the test digits five to a canvas,
    ``canvas_margin`` blank columns on either side of each, the class maps averaged over
    each digit's window (placed for ``window_margin``), the share read right (or in
    agreement with ``against``) over the first ``digits`` test digits."""
    test = data.digits().test
    window_margin = canvas_margin if window_margin is None else window_margin
    slot = 4 + window_margin
    read = []
    for k in range(0, digits, 5):
        padded = np.pad(test.images[k:k + 5], ((0, 0), (0, 0), (canvas_margin,) * 2, (0, 0)))
        maps = net.class_maps(np.concatenate(list(padded), axis=1)[np.newaxis])[0]
        for s in range(5):
            start = s * slot + window_margin // 2
            read.append(maps[:, start:start + 4].mean(axis=(0, 1)).argmax())
    return float(np.mean(np.array(read) == (test.labels if against is None else against)[:digits]))


@pytest.fixture(scope="module")
def readings(net):
    shares = [margin_reading(net, m) for m in range(6)]
    assert len(set(np.round(shares, 3))) > 2  # the margins read differently
    return shares


HALF_A_DIGIT = 0.5 / 450


class TestCheckMarginReadings:
    @pytest.mark.parametrize("as_type", [list, tuple, np.array,
                                         lambda r: [round(x, 3) for x in r]])
    def test_right(self, net, readings, as_type):
        feedback = exercises.check_margin_readings(as_type(readings), net)
        assert_right(feedback)
        assert f"{readings[2]:.1%}, {readings[4]:.1%}" in feedback.message  # on the grid

    def test_percentages(self, net, readings):
        assert_wrong(exercises.check_margin_readings([100 * r for r in readings], net),
                     "percentages", "between 0 and 1")

    def test_agreement_with_the_digit_alone(self, net, readings):
        alone = net.predict(data.digits().test.images)
        agreed = [margin_reading(net, m, against=alone) for m in range(6)]
        m = next(m for m in range(6) if abs(agreed[m] - readings[m]) > HALF_A_DIGIT)
        assert_wrong(exercises.check_margin_readings(agreed, net), f"margin {m}",
                     "agree with each digit", "labels")

    def test_windows_left_at_margin_2(self, net, readings):
        # the margin passed to canvas_of only: margin 2's windows, off the digits
        answer = readings[:3] + [margin_reading(net, m, window_margin=2) for m in (3, 4, 5)]
        assert abs(answer[3] - readings[3]) > HALF_A_DIGIT
        assert_wrong(exercises.check_margin_readings(answer, net), "margin 3",
                     "windows of margin 2", "pass the margin to windows_of")

    def test_canvas_left_at_margin_2(self, net, readings):
        answer = [margin_reading(net, 2, window_margin=m) for m in (0, 1)] + readings[2:]
        assert abs(answer[0] - readings[0]) > HALF_A_DIGIT
        assert_wrong(exercises.check_margin_readings(answer, net), "margin 0",
                     "canvases with margin 2", "pass the margin to canvas_of")

    def test_one_canvas_only(self, net, readings):
        answer = [margin_reading(net, m, digits=5) for m in range(6)]
        assert abs(answer[0] - readings[0]) > HALF_A_DIGIT
        assert_wrong(exercises.check_margin_readings(answer, net), "margin 0",
                     "one canvas", "450 test digits")

    @pytest.mark.parametrize("margin", [1, 4])
    def test_one_reading_off_by_a_digit(self, net, readings, margin):
        answer = list(readings)
        answer[margin] += 1 / 450
        assert_wrong(exercises.check_margin_readings(answer, net), f"margin {margin}",
                     "not what the window averages read", f"windows_of(5, {margin})")

    def test_the_same_reading_for_every_margin(self, net, readings):
        assert_wrong(exercises.check_margin_readings([readings[2]] * 6, net), "margin 0")

    @pytest.mark.parametrize(("answer", "hints"), [
        (None, ("a list of 6 shares", "None")), (0.5, ("a list of 6 shares", "float")),
        ("0.9, 0.5", ("a list of 6 shares", "str")), (np.ones((2, 3)), ("a list of 6",)),
        ([0.5] * 5, ("one share per margin", "got 5")),
        ([None] * 6, ("margin 0", "share", "None")), (["0.5"] * 6, ("margin 0", "str")),
        ([0.5, True, 0.5, 0.5, 0.5, 0.5], ("margin 1", "bool")),
        ([0.5, 0.5, float("nan"), 0.5, 0.5, 0.5], ("margin 2", "nan")),
    ])
    def test_not_six_shares(self, net, answer, hints):
        assert_wrong(exercises.check_margin_readings(answer, net), *hints)

    def test_a_network_changed_in_place_is_measured_again(self, net, readings):
        import copy

        changed = copy.deepcopy(net)
        assert_right(exercises.check_margin_readings(readings, changed))
        last_conv = [layer for layer in changed.layers if "b" in layer.params][-1]
        last_conv.params["b"][0] += 1e6  # every window now reads class 0
        assert_wrong(exercises.check_margin_readings(readings, changed), "margin 0")
        zeros = np.mean(data.digits().test.labels == 0)
        assert_right(exercises.check_margin_readings([zeros] * 6, changed))

    def test_not_a_network(self, readings):
        assert_wrong(exercises.check_margin_readings(readings, None), "trained network",
                     "second argument", "None")

    @pytest.mark.parametrize(("blocks", "head", "hints"), [
        ([[16, 16, 16], [16, 16, 16]], "dense", ("GAP head", "pools 1 time", "Dense")),
        ([[4], [4], [10]], "gap", ("one 2×2 pooling", "pools 2 time")),
    ])
    def test_another_network_gets_feedback_not_a_traceback(self, readings, blocks, head,
                                                            hints):
        # the windows fit maps pooled once and averaged: other networks are named, not run
        other = nin.digit_net(blocks, head=head, seed=0)
        assert_wrong(exercises.check_margin_readings(readings, other), *hints)

    @pytest.mark.parametrize("answer", ODD_ANSWERS)
    def test_never_raises(self, net, answer):
        for feedback in (exercises.check_margin_readings(answer, net),
                         exercises.check_margin_readings([0.5] * 6, answer)):
            assert isinstance(feedback, Feedback) and "\n" not in repr(feedback)
