"""Tests for onebyone.widgets, without a browser: sliders are moved from Python."""

from __future__ import annotations

import io
import math
import re

import ipywidgets
import matplotlib.image
import numpy as np
import pytest
from matplotlib.figure import Figure

from onebyone import controls, data, viz, widgets
from test_volume_figures import face_numbers

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_valid_png(png: bytes, fig: Figure) -> None:
    """``png`` is a PNG that decodes to an image of the figure's size."""
    assert isinstance(png, (bytes, memoryview))  # ipywidgets.Image keeps a memoryview
    png = bytes(png)
    assert png.startswith(PNG_SIGNATURE)
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    width, height = fig.get_size_inches() * fig.dpi
    assert pixels.shape[:2] == (round(height), round(width))


def descendants(widget) -> list:
    """Every widget inside ``widget``, depth first."""
    found = []
    for child in getattr(widget, "children", ()):
        found.append(child)
        found.extend(descendants(child))
    return found


def relu_conv1x1(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """ReLU of a 1x1 convolution, one pixel at a time (independent of onebyone.ops)."""
    n_H, n_W, _ = x.shape
    out = np.empty((n_H, n_W, w.shape[1]))
    for i in range(n_H):
        for j in range(n_W):
            out[i, j] = np.maximum(x[i, j] @ w, 0.0)
    return out


def suptitle(fig: Figure) -> str:
    if hasattr(fig, "get_suptitle"):  # matplotlib >= 3.8
        return fig.get_suptitle()
    return fig._suptitle.get_text() if fig._suptitle is not None else ""


def bar_heights(ax) -> np.ndarray:
    segments = np.array(ax.collections[0].get_segments())
    return segments[:, 1, 1]


# -- pure functions ----------------------------------------------------------------

class TestSingleChannelResult:
    def test_default_image_is_the_lecture_matrix(self):
        result = widgets.single_channel_result(3.0, 1.0)
        np.testing.assert_array_equal(result.image, data.SEED_MATRIX)
        np.testing.assert_allclose(result.output, 3.0 * data.SEED_MATRIX + 1.0)
        assert result.output.shape == (6, 6)
        assert result.w == 3.0 and result.b == 1.0

    @pytest.mark.parametrize(("w", "b"), [(-3.0, 10.0), (0.0, -10.0), (0.5, 0.0), (2, -1)])
    def test_every_pixel_is_w_x_plus_b(self, w, b):
        image = np.arange(12, dtype=float).reshape(3, 4) - 5
        result = widgets.single_channel_result(w, b, image)
        for (i, j), value in np.ndenumerate(image):
            assert result.output[i, j] == pytest.approx(w * value + b)

    def test_input_is_not_modified(self):
        image = np.arange(6, dtype=float).reshape(2, 3)
        before = image.copy()
        widgets.single_channel_result(2.0, 1.0, image)
        np.testing.assert_array_equal(image, before)

    @pytest.mark.parametrize(("kwargs", "error", "name"), [
        ({"w": None, "b": 0.0}, TypeError, "w"),
        ({"w": "2", "b": 0.0}, TypeError, "w"),
        ({"w": True, "b": 0.0}, TypeError, "w"),
        ({"w": 1.0, "b": None}, TypeError, "b"),
        ({"w": 1.0, "b": 1j}, TypeError, "b"),
        ({"w": 1.0, "b": 0.0, "image": [[1, 2], [3, 4]]}, TypeError, "image"),
        ({"w": 1.0, "b": 0.0, "image": None}, TypeError, "image"),
        ({"w": 1.0, "b": 0.0, "image": np.ones((2, 2, 1))}, ValueError, "image"),
        ({"w": 1.0, "b": 0.0, "image": np.ones(4)}, ValueError, "image"),
        ({"w": 1.0, "b": 0.0, "image": np.ones((2, 2), dtype=bool)}, TypeError, "image"),
        ({"w": 1.0, "b": 0.0, "image": np.ones((0, 2))}, ValueError, "image"),
    ])
    def test_bad_input(self, kwargs, error, name):
        with pytest.raises(error, match=rf"^{name} "):
            widgets.single_channel_result(**kwargs)


class TestMultiChannelResult:
    @pytest.mark.parametrize(("n_C", "n_F", "i", "j"), [(32, 8, 2, 3), (1, 1, 0, 0),
                                                        (3, 64, 5, 5), (64, 5, 0, 5)])
    def test_shapes_counts_output_and_fibre(self, n_C, n_F, i, j):
        r = widgets.multi_channel_result(n_C, n_F, i, j)
        assert r.x.shape == (6, 6, n_C)
        assert r.w.shape == (n_C, n_F)
        assert r.output.shape == (6, 6, n_F)
        np.testing.assert_allclose(r.output, relu_conv1x1(r.x, r.w), atol=1e-12)
        assert (r.output >= 0).all()
        assert r.params == n_C * n_F + n_F
        assert r.multiplies == 36 * n_F * n_C
        assert (r.i, r.j) == (i, j)
        np.testing.assert_array_equal(r.fiber.values, r.x[i, j, :])
        np.testing.assert_array_equal(r.fiber.weights, r.w[:, 0])
        np.testing.assert_allclose(r.fiber.products, r.x[i, j, :] * r.w[:, 0])
        total = math.fsum(r.x[i, j, c] * r.w[c, 0] for c in range(n_C))
        assert r.fiber.total == pytest.approx(total, abs=1e-12)
        assert r.fiber.activation == pytest.approx(max(total, 0.0), abs=1e-12)

    def test_other_image_size(self):
        r = widgets.multi_channel_result(4, 3, 1, 4, n_H=3, n_W=5)
        assert r.x.shape == (3, 5, 4)
        assert r.output.shape == (3, 5, 3)
        assert r.multiplies == 3 * 5 * 3 * 4

    def test_slices_of_one_volume_and_one_bank(self):
        largest = widgets.multi_channel_result(256, 256, 0, 0)
        r = widgets.multi_channel_result(5, 3, 1, 2, n_H=4, n_W=5)
        np.testing.assert_array_equal(r.x, largest.x[:4, :5, :5])
        np.testing.assert_array_equal(r.w, largest.w[:5, :3])
        assert r.x.shape == (4, 5, 5) and r.w.shape == (5, 3)

    @pytest.mark.parametrize(("kwargs", "name"), [(dict(n_C=257), "n_C"),
                                                  (dict(n_F=257), "n_F"),
                                                  (dict(n_H=7), "n_H"), (dict(n_W=7), "n_W")])
    def test_at_most_the_largest_volume_and_bank(self, kwargs, name):
        with pytest.raises(ValueError, match=rf"^{name} must be at most"):
            widgets.multi_channel_result(**{"n_C": 4, "n_F": 2, "i": 0, "j": 0, **kwargs})

    def test_same_arguments_same_volume(self):
        a = widgets.multi_channel_result(8, 4, 1, 1)
        b = widgets.multi_channel_result(8, 4, 3, 2)
        np.testing.assert_array_equal(a.x, b.x)
        np.testing.assert_array_equal(a.w, b.w)

    def test_volume_is_not_trivial(self):
        r = widgets.multi_channel_result(16, 4, 0, 0)
        assert np.unique(r.x).size == r.x.size
        assert (r.output > 0).any() and (r.output == 0).any()  # the ReLU did something

    @pytest.mark.parametrize(("args", "error", "name"), [
        ((0, 4, 0, 0), ValueError, "n_C"),
        ((4, 0, 0, 0), ValueError, "n_F"),
        ((2.5, 4, 0, 0), TypeError, "n_C"),
        ((None, 4, 0, 0), TypeError, "n_C"),
        ((4, 4, 6, 0), ValueError, "i"),
        ((4, 4, 0, -1), ValueError, "j"),
        ((4, 4, 1.0, 0), TypeError, "i"),
    ])
    def test_bad_input(self, args, error, name):
        with pytest.raises(error, match=rf"^{name} "):
            widgets.multi_channel_result(*args)


# -- explorers ---------------------------------------------------------------------

@pytest.fixture
def single():
    return widgets.single_channel_explorer()


@pytest.fixture
def multi():
    return widgets.multi_channel_explorer()


def slider_values(explorer) -> dict[str, float]:
    return {name: control.value for name, control in explorer.controls.items()}


def assert_face(fig: Figure, k: int, values: np.ndarray) -> None:
    """Box k of a volume diagram shows ``values`` on its front face, as written there."""
    whole = np.all(values == np.round(values))  # whole numbers, else two decimals
    assert face_numbers(fig, k, (*values.shape, 1)) == {
        ij: f"{value:.0f}" if whole else f"{value:.2f}" for ij, value in np.ndenumerate(values)}


def caption(fig: Figure, k: int) -> str:
    (text,) = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == f"caption{k}"]
    return text


class TestSingleChannelExplorer:
    def test_is_a_vbox_of_sliders_text_and_image(self, single):
        assert isinstance(single, ipywidgets.VBox)
        assert set(single.controls) == {"w", "b"}
        inside = descendants(single)
        for control in single.controls.values():
            assert isinstance(control, controls.FloatSlider)
            assert control in inside
        assert single.line in inside
        assert single.image in inside

    def test_first_drawing_matches_the_initial_sliders(self, single):
        w, b = single.controls["w"].value, single.controls["b"].value
        np.testing.assert_allclose(single.result.output, w * data.SEED_MATRIX + b)
        assert isinstance(single.figure, Figure)
        assert_valid_png(single.image.value, single.figure)

    def test_moving_w_recomputes_and_redraws(self, single):
        b = single.controls["b"].value
        old_figure, old_png = single.figure, bytes(single.image.value)
        single.controls["w"].value = 3.0
        expected = 3.0 * data.SEED_MATRIX + b
        np.testing.assert_allclose(single.result.output, expected)
        assert single.result.w == 3.0
        assert isinstance(single.figure, Figure)
        assert single.figure is not old_figure
        # the figure shows the new output, next to the unchanged input
        assert_face(single.figure, 0, data.SEED_MATRIX)
        assert_face(single.figure, 1, np.array([[3]]))
        assert_face(single.figure, 2, expected)
        assert caption(single.figure, 2) == f"output 3·x + {b:g}"
        assert bytes(single.image.value) != old_png
        assert_valid_png(single.image.value, single.figure)
        # the picture is the new figure, not a stale one
        assert bytes(single.image.value) == viz.to_png(single.figure)
        first_row = str([float(v) for v in np.round(expected[0], 2)])
        assert first_row in single.text

    def test_moving_b_recomputes_and_redraws(self, single):
        w = single.controls["w"].value
        old_figure, old_png, old_text = single.figure, bytes(single.image.value), single.text
        single.controls["b"].value = -2.5
        expected = w * data.SEED_MATRIX - 2.5
        np.testing.assert_allclose(single.result.output, expected)
        assert single.figure is not old_figure
        assert_face(single.figure, 2, expected)
        assert caption(single.figure, 2) == f"output {w:g}·x + -2.5"
        assert bytes(single.image.value) != old_png
        assert single.text != old_text
        assert str([float(v) for v in np.round(expected[0], 2)]) in single.text

    def test_two_moves_in_a_row(self, single):
        single.controls["w"].value = -1.5
        single.controls["b"].value = 4.0
        np.testing.assert_allclose(single.result.output, -1.5 * data.SEED_MATRIX + 4.0)

    def test_slider_extremes(self, single):
        for name, control in single.controls.items():
            for value in (control.min, control.max):
                old_figure = single.figure
                control.value = value
                assert single.figure is not old_figure, f"{name}={value} did not redraw"
                w, b = slider_values(single).values()
                np.testing.assert_allclose(single.result.output, w * data.SEED_MATRIX + b)
                assert_valid_png(single.image.value, single.figure)


class TestMultiChannelExplorer:
    def test_is_a_vbox_of_sliders_text_and_image(self, multi):
        assert isinstance(multi, ipywidgets.VBox)
        assert set(multi.controls) == {"n_C", "n_F", "i", "j"}
        inside = descendants(multi)
        for control in multi.controls.values():
            assert isinstance(control, controls.IntSlider)
            assert control in inside
        assert multi.line in inside
        assert multi.image in inside

    def test_pixel_sliders_cover_the_image(self, multi):
        n_H, n_W, _ = multi.result.x.shape
        assert (multi.controls["i"].min, multi.controls["i"].max) == (0, n_H - 1)
        assert (multi.controls["j"].min, multi.controls["j"].max) == (0, n_W - 1)

    def test_max_channels(self):
        explorer = widgets.multi_channel_explorer(max_channels=16)
        assert explorer.controls["n_C"].max == 16
        assert explorer.controls["n_F"].max == 16
        explorer.controls["n_C"].value = 16
        assert explorer.result.x.shape == (6, 6, 16)

    def test_moving_n_F_recomputes_but_filter_0_stays(self, multi):
        n_C = multi.controls["n_C"].value
        old_figure, old_png, old_text = multi.figure, bytes(multi.image.value), multi.text
        n_F = multi.controls["n_F"].value + 5
        multi.controls["n_F"].value = n_F
        r = multi.result
        assert r.output.shape == (6, 6, n_F)
        assert r.params == n_C * n_F + n_F
        assert r.multiplies == 36 * n_F * n_C
        np.testing.assert_allclose(r.output, relu_conv1x1(r.x, r.w), atol=1e-12)
        assert multi.figure is not old_figure
        # the picture is the fibre meeting filter 0, which more filters leave as it was
        assert bytes(multi.image.value) == old_png
        assert_valid_png(multi.image.value, multi.figure)
        assert multi.text != old_text
        assert f"6×6×{n_F}" in multi.text
        assert f"{n_C * n_F + n_F:,}" in multi.text
        assert f"{36 * n_F * n_C:,}" in multi.text

    def test_moving_n_C_changes_the_volume_and_the_fibre(self, multi):
        n_F = multi.controls["n_F"].value
        old_figure, old_png = multi.figure, bytes(multi.image.value)
        multi.controls["n_C"].value = 5
        r = multi.result
        assert r.x.shape == (6, 6, 5)
        assert r.w.shape == (5, n_F)
        assert r.params == 5 * n_F + n_F
        assert multi.figure is not old_figure
        assert bytes(multi.image.value) != old_png
        i, j = multi.controls["i"].value, multi.controls["j"].value
        values, weights, products = (bar_heights(ax) for ax in multi.figure.axes)
        np.testing.assert_array_equal(values, r.x[i, j, :])
        np.testing.assert_array_equal(weights, r.w[:, 0])
        np.testing.assert_allclose(products, r.x[i, j, :] * r.w[:, 0])
        assert "6×6×5" in multi.text
        assert f"{5 * n_F + n_F:,}" in multi.text

    def test_moving_the_pixel_moves_the_fibre(self, multi):
        old_figure, old_png = multi.figure, bytes(multi.image.value)
        multi.controls["i"].value = 4
        multi.controls["j"].value = 1
        r = multi.result
        assert (r.i, r.j) == (4, 1)
        np.testing.assert_array_equal(r.fiber.values, r.x[4, 1, :])
        np.testing.assert_array_equal(r.fiber.weights, r.w[:, 0])
        assert multi.figure is not old_figure
        assert bytes(multi.image.value) != old_png
        np.testing.assert_array_equal(bar_heights(multi.figure.axes[0]), r.x[4, 1, :])
        title = suptitle(multi.figure)
        assert "pixel (4, 1)" in title
        total = math.fsum(r.x[4, 1, c] * r.w[c, 0] for c in range(r.x.shape[2]))
        match = re.search(r"=\s*(-?\d+\.\d+)\s*→\s*ReLU\s*=\s*(-?\d+\.\d+)", title)
        assert match, title
        assert float(match.group(1)) == pytest.approx(total, abs=5e-4)
        assert float(match.group(2)) == pytest.approx(max(total, 0.0), abs=5e-4)

    def test_slider_extremes(self, multi):
        for name, control in multi.controls.items():
            for value in (control.min, control.max):
                old_figure = multi.figure
                control.value = value
                assert multi.figure is not old_figure, f"{name}={value} did not redraw"
                values = slider_values(multi)
                r = multi.result
                n_C, n_F = values["n_C"], values["n_F"]
                assert r.x.shape == (6, 6, n_C)
                assert r.output.shape == (6, 6, n_F)
                assert (r.i, r.j) == (values["i"], values["j"])
                assert r.params == n_C * n_F + n_F
                assert len(bar_heights(multi.figure.axes[0])) == n_C
                assert f"6×6×{n_F}" in multi.text
                assert_valid_png(multi.image.value, multi.figure)

    def test_starts_at_pixel_3_4_with_32_channels_and_8_filters(self, multi):
        assert slider_values(multi) == {"n_C": 32, "n_F": 8, "i": 3, "j": 4}


class TestMultiChannelExplorerOnGivenArrays:
    """The explorer of notebook 02 works on the notebook's own volume and filters."""

    @pytest.fixture
    def arrays(self):
        return data.random_volume(4, 5, 10, seed=3), data.random_filters(10, 3, seed=4)

    def test_slices_the_given_arrays(self, arrays):
        x, w = arrays
        explorer = widgets.multi_channel_explorer(x, w)
        assert slider_values(explorer) == {"n_C": 10, "n_F": 3, "i": 3, "j": 4}
        assert (explorer.controls["n_C"].max, explorer.controls["n_F"].max) == (10, 3)
        assert (explorer.controls["i"].max, explorer.controls["j"].max) == (3, 4)
        np.testing.assert_array_equal(explorer.result.x, x)
        np.testing.assert_array_equal(explorer.result.w, w)
        np.testing.assert_allclose(explorer.result.output, relu_conv1x1(x, w), atol=1e-12)
        explorer.controls["n_C"].value, explorer.controls["n_F"].value = 4, 1
        np.testing.assert_array_equal(explorer.result.x, x[:, :, :4])
        np.testing.assert_array_equal(explorer.result.w, w[:4, :1])
        assert explorer.result.fiber.total == pytest.approx(x[3, 4, :4] @ w[:4, 0])

    def test_max_channels_still_bounds_the_sliders(self, arrays):
        explorer = widgets.multi_channel_explorer(*arrays, max_channels=2)
        assert (explorer.controls["n_C"].max, explorer.controls["n_F"].max) == (2, 2)

    def test_later_changes_to_the_arrays_leave_it_alone(self, arrays):
        x, w = arrays
        explorer = widgets.multi_channel_explorer(x, w)
        before = explorer.result.output.copy()
        x[...] = 0.0
        explorer.controls["n_F"].value = 2
        np.testing.assert_allclose(explorer.result.output, before[:, :, :2])

    @pytest.mark.parametrize(("x", "w", "error", "match"), [
        (np.ones((2, 2, 3)), None, TypeError, r"^w must be given too"),
        (None, np.ones((3, 2)), TypeError, r"^x must be given too"),
        (np.ones((2, 2, 3)), np.ones((4, 2)), ValueError, r"^w must have one row per channel"),
        (np.ones((2, 3)), np.ones((3, 2)), ValueError, r"^x must have 3 dimensions"),
        (np.ones((2, 2, 3)), np.ones(3), ValueError, r"^w must have 2 dimensions"),
        ([[[1.0]]], np.ones((1, 1)), TypeError, r"^x must be a numpy array"),
    ])
    def test_bad_arrays(self, x, w, error, match):
        with pytest.raises(error, match=match):
            widgets.multi_channel_explorer(x, w)
