"""Tests for onebyone.viz: the figures are inspected through their artists, not pixels."""

from __future__ import annotations

import io
import math
import re
import struct

import matplotlib.image
import numpy as np
import pytest
from matplotlib.figure import Figure

from lecture import LECTURE
from onebyone import viz

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"



def texts_by_cell(ax) -> dict[tuple[int, int], str]:
    """The annotations of a heatmap panel, keyed by (row, column) of their cell."""
    cells = {}
    for text in ax.texts:
        col, row = text.get_position()
        cells[(round(row), round(col))] = text.get_text()
    return cells


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) read from the IHDR chunk of a PNG."""
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def suptitle(fig: Figure) -> str:
    if hasattr(fig, "get_suptitle"):  # matplotlib >= 3.8
        return fig.get_suptitle()
    return fig._suptitle.get_text() if fig._suptitle is not None else ""


# -- heatmap -----------------------------------------------------------------------

class TestHeatmap:
    def test_one_matrix_gives_one_panel_with_its_data(self):
        fig = viz.heatmap(LECTURE)
        assert isinstance(fig, Figure)
        assert len(fig.axes) == 1
        ax = fig.axes[0]
        assert len(ax.images) == 1
        np.testing.assert_array_equal(ax.images[0].get_array(), LECTURE)

    def test_several_matrices_give_one_panel_each(self):
        rng = np.random.default_rng(3)
        matrices = [LECTURE, rng.normal(size=(3, 4)), np.arange(10).reshape(2, 5)]
        fig = viz.heatmap(*matrices)
        assert len(fig.axes) == len(matrices)
        for ax, matrix in zip(fig.axes, matrices, strict=True):
            assert len(ax.images) == 1
            np.testing.assert_array_equal(ax.images[0].get_array(), matrix)

    def test_panels_side_by_side_share_one_colour_scale(self):
        small = np.array([[0, 1], [2, 3]])
        large = np.array([[-50.0, 10.0], [100.0, np.nan]])
        fig = viz.heatmap(small, large)
        for ax in fig.axes:
            norm = ax.images[0].norm
            assert (norm.vmin, norm.vmax) == (-50.0, 100.0)  # the finite values of both
        # one colour means one number: 3 is drawn alike in both panels
        drawn = [ax.images[0].to_rgba(ax.images[0].norm(3.0)) for ax in fig.axes]
        assert drawn[0] == drawn[1]

    def test_a_constant_panel_is_not_drawn_as_the_others_zero(self):
        # notebook 10: every value 1 beside a panel of 0s and 1s
        mixed, ones = np.eye(4, dtype=int), np.ones((4, 4), int)
        fig = viz.heatmap(mixed, ones)
        first, second = (ax.images[0] for ax in fig.axes)
        assert first.to_rgba(first.norm(1)) == second.to_rgba(second.norm(1))
        assert second.to_rgba(second.norm(1)) != first.to_rgba(first.norm(0))
        assert "values from 1 to 1" not in fig.alt and "every value 1" in fig.alt
        assert "one colour scale, dark blue 0 to yellow 1" in fig.alt
        # alone, a constant panel's scale runs from 0 to its value
        alone = viz.heatmap(ones).axes[0].images[0].norm
        assert (alone.vmin, alone.vmax) == (0, 1)

    def test_the_key_gives_the_scales_ends_in_words(self):
        fig = viz.heatmap(np.array([[-2, 0], [3, 5]]), np.array([[7]]))
        (key,) = fig.axes[0].child_axes
        assert [t.get_text() for t in key.get_xticklabels()] == ["−2", "7"]
        assert "dark blue: low" in key.get_title() and "yellow: high" in key.get_title()

    def test_whole_numbers_are_annotated_without_decimals(self):
        fig = viz.heatmap(LECTURE)
        cells = texts_by_cell(fig.axes[0])
        assert len(cells) == LECTURE.size
        for (i, j), value in np.ndenumerate(LECTURE):
            assert cells[(i, j)] == str(int(value))

    def test_whole_floats_are_annotated_without_decimals(self):
        matrix = LECTURE * 2.0 - 3.0
        cells = texts_by_cell(viz.heatmap(matrix).axes[0])
        for (i, j), value in np.ndenumerate(matrix):
            assert cells[(i, j)] == str(int(value))
            assert "." not in cells[(i, j)]

    def test_fractions_are_annotated_with_two_decimals(self):
        matrix = LECTURE * 1.5 + 0.125
        cells = texts_by_cell(viz.heatmap(matrix).axes[0])
        for (i, j), value in np.ndenumerate(matrix):
            text = cells[(i, j)]
            assert re.fullmatch(r"-?\d+\.\d\d", text), text
            assert float(text) == pytest.approx(value, abs=0.005 + 1e-12)

    def test_custom_format(self):
        matrix = np.array([[0.25, 1.0], [-2.0, 3.75]])
        cells = texts_by_cell(viz.heatmap(matrix, fmt="{:.1f}").axes[0])
        assert cells == {(0, 0): "0.2", (0, 1): "1.0", (1, 0): "-2.0", (1, 1): "3.8"}

    def test_each_panel_annotated_with_its_own_values(self):
        a = np.array([[1, 2], [3, 4]])
        b = np.array([[10, 20, 30]])
        fig = viz.heatmap(a, b)
        assert texts_by_cell(fig.axes[0]) == {(0, 0): "1", (0, 1): "2", (1, 0): "3", (1, 1): "4"}
        assert texts_by_cell(fig.axes[1]) == {(0, 0): "10", (0, 1): "20", (0, 2): "30"}

    def test_text_is_readable_on_dark_and_light_cells(self):
        fig = viz.heatmap(LECTURE)
        ax = fig.axes[0]
        by_cell = {}
        for text in ax.texts:
            col, row = text.get_position()
            by_cell[(round(row), round(col))] = text
        lowest = np.unravel_index(np.argmin(LECTURE), LECTURE.shape)
        highest = np.unravel_index(np.argmax(LECTURE), LECTURE.shape)
        # cividis runs from dark blue (low) to light yellow (high)
        assert by_cell[lowest].get_color() == "white"
        assert by_cell[highest].get_color() == "black"

    def test_annotations_up_to_max_annotated_cells(self):
        n = viz.MAX_ANNOTATED
        side = math.isqrt(n)
        shape = (side, n // side) if side * (n // side) == n else (1, n)
        matrix = np.arange(n).reshape(shape)
        assert len(viz.heatmap(matrix).axes[0].texts) == n

    def test_no_annotations_above_max_annotated_cells(self):
        n = viz.MAX_ANNOTATED + 1
        matrix = np.arange(n).reshape(1, n)
        fig = viz.heatmap(matrix)
        assert len(fig.axes[0].texts) == 0
        np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), matrix)

    def test_large_matrix_next_to_small_one(self):
        big = np.zeros((20, 20))
        fig = viz.heatmap(big, LECTURE)
        assert len(fig.axes[0].texts) == 0
        assert len(fig.axes[1].texts) == LECTURE.size

    def test_titles(self):
        fig = viz.heatmap(LECTURE, LECTURE * 2, titles=["input", "output = 2·x"])
        assert [ax.get_title() for ax in fig.axes] == ["input", "output = 2·x"]

    def test_no_titles_by_default(self):
        fig = viz.heatmap(LECTURE, LECTURE)
        assert [ax.get_title() for ax in fig.axes] == ["", ""]

    def test_nan_cells_do_not_break_whole_number_format(self):
        matrix = np.array([[np.nan, 1.0], [2.0, 3.0]])
        cells = texts_by_cell(viz.heatmap(matrix).axes[0])
        assert cells[(0, 1)] == "1" and cells[(1, 0)] == "2" and cells[(1, 1)] == "3"
        assert cells[(0, 0)].lower() == "nan"

    def test_input_is_not_modified(self):
        matrix = LECTURE.astype(float)
        before = matrix.copy()
        viz.heatmap(matrix, titles=["x"])
        np.testing.assert_array_equal(matrix, before)

    def test_no_axes_by_default(self):
        assert not any(ax.axison for ax in viz.heatmap(LECTURE, LECTURE).axes)

    def test_axis_labels_number_and_name_the_rows_and_columns(self):
        # 10's reach tables: row j is input channel j, column k output channel k
        fig = viz.heatmap(np.eye(12), np.ones((3, 40)),
                          axis_labels=("input channel j", "output channel k"))
        square, wide = fig.axes
        assert square.axison and wide.axison
        assert list(square.get_yticks()) == list(range(12))
        assert list(square.get_xticks()) == list(range(12))
        # a long side is numbered at every few indices, never more than MAX_NUMBERED
        assert list(wide.get_xticks()) == list(range(0, 40, 3))
        assert len(wide.get_xticks()) <= viz.MAX_NUMBERED
        assert [ax.get_xlabel() for ax in fig.axes] == ["output channel k"] * 2
        assert [ax.get_ylabel() for ax in fig.axes] == ["input channel j", ""]
        assert "rows: input channel j, columns: output channel k" in fig.alt

    def test_key_says_what_the_ends_mean(self):
        fig = viz.heatmap(np.array([[0, 1], [1, 0]]), key=("j does not reach k", "j reaches k"))
        (bar,) = fig.axes[0].child_axes
        assert "dark blue: j does not reach k" in bar.get_title()
        assert "yellow: j reaches k" in bar.get_title()
        assert [t.get_text() for t in bar.get_xticklabels()] == ["0", "1"]
        assert "(0: j does not reach k; 1: j reaches k)" in fig.alt
        default = viz.heatmap(np.array([[0, 1], [1, 0]])).axes[0].child_axes[0].get_title()
        assert "dark blue: low" in default and "yellow: high" in default


class TestHeatmapBadInput:
    def test_no_matrix(self):
        with pytest.raises(TypeError, match="at least one matrix"):
            viz.heatmap()

    def test_none(self):
        with pytest.raises(TypeError, match=r"matrices\[0\].*None"):
            viz.heatmap(None)

    def test_list(self):
        with pytest.raises(TypeError, match=r"matrices\[0\].*numpy array.*list"):
            viz.heatmap([[1, 2], [3, 4]])

    def test_bad_second_matrix_is_named(self):
        with pytest.raises(TypeError, match=r"matrices\[1\]"):
            viz.heatmap(LECTURE, [[1, 2]])

    @pytest.mark.parametrize("shape", [(6,), (2, 3, 4), (1, 1, 1, 1)])
    def test_wrong_number_of_dimensions(self, shape):
        with pytest.raises(ValueError, match=r"matrices\[0\].*2 dimensions"):
            viz.heatmap(np.ones(shape))

    @pytest.mark.parametrize("matrix", [
        np.ones((2, 2), dtype=bool),
        np.ones((2, 2), dtype=complex),
        np.array([["a", "b"], ["c", "d"]]),
        np.ones((2, 2), dtype=object),
    ], ids=["bool", "complex", "str", "object"])
    def test_wrong_dtype(self, matrix):
        with pytest.raises(TypeError, match=r"matrices\[0\].*dtype"):
            viz.heatmap(matrix)

    @pytest.mark.parametrize("shape", [(0, 0), (0, 3), (3, 0)])
    def test_empty(self, shape):
        with pytest.raises(ValueError, match=r"matrices\[0\].*empty"):
            viz.heatmap(np.ones(shape))

    @pytest.mark.parametrize("titles", [["only one"], ["a", "b", "c"], [], "ab"])
    def test_wrong_number_of_titles(self, titles):
        with pytest.raises(ValueError, match="titles"):
            viz.heatmap(LECTURE, LECTURE, titles=titles)

    def test_fmt_not_a_string(self):
        with pytest.raises(TypeError, match="fmt"):
            viz.heatmap(LECTURE, fmt=2)

    @pytest.mark.parametrize("name", ["axis_labels", "key"])
    @pytest.mark.parametrize("pair", ["rows", ("rows",), ("a", "b", "c"), ("a", 2), ("a", ""),
                                      3, {"a": 1, "b": 2}])
    def test_not_two_words(self, name, pair):
        with pytest.raises(TypeError, match=rf"^{name} must be two words, such as .*got"):
            viz.heatmap(LECTURE, **{name: pair})


# -- montage_grid and montage ------------------------------------------------------

def labelled_volume(n_H: int, n_W: int, n_C: int) -> np.ndarray:
    """A volume whose every value is unique: channel c holds 1000*c + (0, 1, 2, ...)."""
    base = np.arange(n_H * n_W, dtype=float).reshape(n_H, n_W)
    return np.stack([1000.0 * c + base for c in range(n_C)], axis=-1)


class TestMontageGrid:
    @pytest.mark.parametrize(("n_H", "n_W", "n_C", "ncols"), [
        (2, 3, 4, None),
        (3, 2, 5, 3),
        (4, 4, 1, None),
        (2, 2, 7, 2),
        (5, 3, 6, 6),
        (1, 1, 10, 4),
    ])
    def test_channel_c_goes_to_tile_row_c_div_ncols_col_c_mod_ncols(self, n_H, n_W, n_C, ncols):
        volume = labelled_volume(n_H, n_W, n_C)
        grid = viz.montage_grid(volume, ncols)
        cols = math.ceil(math.sqrt(n_C)) if ncols is None else ncols
        for c in range(n_C):
            row, col = c // cols, c % cols
            top, left = row * (n_H + 1), col * (n_W + 1)
            np.testing.assert_array_equal(grid[top:top + n_H, left:left + n_W], volume[:, :, c])

    @pytest.mark.parametrize(("n_H", "n_W", "n_C", "ncols"), [
        (2, 3, 4, None),
        (3, 2, 5, 3),
        (4, 4, 1, None),
        (2, 2, 7, 2),
        (6, 6, 32, None),
        (6, 6, 64, 8),
        (2, 5, 3, 1),
    ])
    def test_shape_formula(self, n_H, n_W, n_C, ncols):
        grid = viz.montage_grid(np.ones((n_H, n_W, n_C)), ncols)
        cols = math.ceil(math.sqrt(n_C)) if ncols is None else ncols
        rows = math.ceil(n_C / cols)
        # tiles of n_H x n_W with a one-pixel gap between neighbours, none at the border
        assert grid.shape == (rows * n_H + (rows - 1), cols * n_W + (cols - 1))

    def test_ncols_larger_than_channels_leaves_no_empty_columns(self):
        grid = viz.montage_grid(labelled_volume(2, 3, 3), ncols=10)
        assert grid.shape == (2, 3 * 3 + 2)
        # the only all-NaN columns are the two gaps between the three tiles
        np.testing.assert_array_equal(np.flatnonzero(np.isnan(grid).all(axis=0)), [3, 7])

    def test_gaps_are_nan_and_every_value_appears_once(self):
        n_H, n_W, n_C = 3, 4, 5
        volume = labelled_volume(n_H, n_W, n_C)
        grid = viz.montage_grid(volume, ncols=3)
        # the separating row and columns are NaN
        assert np.isnan(grid[n_H, :]).all()
        assert np.isnan(grid[:, n_W]).all()
        assert np.isnan(grid[:, 2 * n_W + 1]).all()
        # the last row has two tiles of three: the third tile is empty
        assert np.isnan(grid[n_H + 1:, 2 * (n_W + 1):]).all()
        # everything that is not NaN is the volume, each value once
        finite = grid[~np.isnan(grid)]
        assert finite.size == volume.size
        np.testing.assert_array_equal(np.sort(finite), np.sort(volume.ravel()))

    def test_integer_volume(self):
        volume = np.arange(2 * 2 * 4).reshape(2, 2, 4)
        grid = viz.montage_grid(volume)
        np.testing.assert_array_equal(grid[0:2, 0:2], volume[:, :, 0])
        np.testing.assert_array_equal(grid[3:5, 3:5], volume[:, :, 3])

    def test_input_is_not_modified(self):
        volume = labelled_volume(2, 2, 3)
        before = volume.copy()
        viz.montage_grid(volume)
        np.testing.assert_array_equal(volume, before)

    @pytest.mark.parametrize(("value", "error"), [
        (None, TypeError),
        ([[[1.0]]], TypeError),
        (np.ones((3, 3)), ValueError),
        (np.ones((2, 2, 2, 2)), ValueError),
        (np.ones((2, 2, 2), dtype=bool), TypeError),
        (np.ones((2, 2, 2), dtype=complex), TypeError),
        (np.full((2, 2, 2), "x"), TypeError),
        (np.ones((0, 2, 2)), ValueError),
        (np.ones((2, 2, 0)), ValueError),
    ], ids=["None", "list", "2-D", "4-D", "bool", "complex", "str", "empty-H", "empty-C"])
    def test_bad_volume(self, value, error):
        with pytest.raises(error, match=r"^volume"):
            viz.montage_grid(value)

    @pytest.mark.parametrize(("ncols", "error"), [
        (0, ValueError), (-2, ValueError), (2.5, TypeError), (True, TypeError), ("2", TypeError),
    ])
    def test_bad_ncols(self, ncols, error):
        with pytest.raises(error, match=r"^ncols"):
            viz.montage_grid(np.ones((2, 2, 4)), ncols)


class TestMontage:
    def test_one_image_and_a_colorbar_not_one_subplot_per_channel(self):
        volume = labelled_volume(6, 6, 16)
        fig = viz.montage(volume)
        assert isinstance(fig, Figure)
        assert len(fig.axes) == 1  # the tiled image; the colour bar is its child
        (ax,) = fig.axes
        (image,) = ax.images
        assert image.colorbar is not None
        assert ax.child_axes == [image.colorbar.ax]
        ends = [t.get_text() for t in image.colorbar.ax.get_yticklabels()]
        assert ends == [f"{volume.min():.3g}", f"{volume.max():.3g}"]
        assert "dark blue: low, yellow: high" in image.colorbar.ax.get_ylabel()

    def test_image_data_is_the_tiled_volume(self):
        n_H, n_W, n_C = 3, 2, 5
        volume = labelled_volume(n_H, n_W, n_C)
        fig = viz.montage(volume, ncols=2)
        data = np.ma.filled(fig.axes[0].images[0].get_array(), np.nan)
        assert data.shape == (3 * n_H + 2, 2 * n_W + 1)
        for c in range(n_C):
            top, left = (c // 2) * (n_H + 1), (c % 2) * (n_W + 1)
            np.testing.assert_array_equal(data[top:top + n_H, left:left + n_W], volume[:, :, c])
        assert np.isnan(data[n_H, :]).all()

    def test_channels_share_one_colour_scale(self):
        volume = labelled_volume(2, 2, 4)
        norm = viz.montage(volume).axes[0].images[0].norm
        assert norm.vmin == volume.min()
        assert norm.vmax == volume.max()

    def test_default_title_gives_the_shape(self):
        fig = viz.montage(np.ones((6, 5, 12)))
        title = fig.axes[0].get_title()
        assert "6×5×12" in title
        assert "12 channels" in title

    def test_default_title_one_channel(self):
        title = viz.montage(np.ones((3, 3, 1))).axes[0].get_title()
        assert "3×3×1" in title
        assert "1 channel" in title and "1 channels" not in title

    def test_custom_title(self):
        assert viz.montage(np.ones((2, 2, 2)), title="my volume").axes[0].get_title() == \
            "my volume"

    @pytest.mark.parametrize("value", [None, [[[1.0]]], np.ones((3, 3)), np.ones((0, 2, 2))])
    def test_bad_volume(self, value):
        with pytest.raises((TypeError, ValueError), match=r"^volume"):
            viz.montage(value)


# -- fiber -------------------------------------------------------------------------

def bar_heights(ax) -> tuple[np.ndarray, np.ndarray]:
    """(x positions, heights) of the bars drawn with vlines from 0."""
    assert len(ax.collections) == 1
    segments = np.array(ax.collections[0].get_segments())
    np.testing.assert_array_equal(segments[:, 0, 1], 0)  # every bar starts at 0
    np.testing.assert_array_equal(segments[:, 0, 0], segments[:, 1, 0])  # vertical
    return segments[:, 0, 0], segments[:, 1, 1]


def title_numbers(title: str) -> tuple[float, float]:
    """The sum and the ReLU written in a fiber plot's title."""
    match = re.search(r"=\s*(-?\d+\.\d+)\s*→\s*ReLU\s*=\s*(-?\d+\.\d+)", title)
    assert match, title
    return float(match.group(1)), float(match.group(2))


class TestFiber:
    def test_three_rows_of_bars_values_weights_products(self):
        x = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4)
        w = np.array([1.0, -2.0, 0.5, 3.0])
        i, j = 1, 2
        fig = viz.fiber(x, w, i, j)
        assert len(fig.axes) == 3
        expected_rows = [
            [x[i, j, c] for c in range(4)],
            list(w),
            [x[i, j, c] * w[c] for c in range(4)],
        ]
        for ax, expected in zip(fig.axes, expected_rows, strict=True):
            positions, heights = bar_heights(ax)
            np.testing.assert_array_equal(positions, np.arange(4))
            np.testing.assert_allclose(heights, expected)

    def test_title_gives_sum_and_relu_positive(self):
        x = np.arange(2 * 2 * 3, dtype=float).reshape(2, 2, 3)
        w = np.array([1.0, -1.0, 2.0])
        i, j = 1, 0
        total = sum(x[i, j, c] * w[c] for c in range(3))
        fig = viz.fiber(x, w, i, j)
        title = suptitle(fig)
        assert f"pixel ({i}, {j})" in title
        assert f"= {total:.3f}" in title
        assert f"ReLU = {max(total, 0.0):.3f}" in title

    def test_title_gives_sum_and_relu_negative(self):
        x = np.ones((3, 3, 2))
        x[2, 1] = [4.0, 1.0]
        w = np.array([-1.0, 0.5])
        total = 4.0 * -1.0 + 1.0 * 0.5
        title = suptitle(viz.fiber(x, w, 2, 1))
        got_total, got_relu = title_numbers(title)
        assert got_total == total
        assert got_relu == 0.0

    def test_title_with_bias(self):
        x = np.arange(8, dtype=float).reshape(2, 2, 2)
        w = np.array([2.0, 1.0])
        bias = -2.5
        total = x[0, 1, 0] * 2.0 + x[0, 1, 1] * 1.0 + bias
        title = suptitle(viz.fiber(x, w, 0, 1, bias=bias))
        assert "-2.5" in title
        got_total, got_relu = title_numbers(title)
        assert got_total == pytest.approx(total, abs=5e-4)
        assert got_relu == pytest.approx(max(total, 0.0), abs=5e-4)

    def test_random_fibre(self):
        rng = np.random.default_rng(11)
        n_C = 32
        x = rng.normal(size=(6, 6, n_C))
        w = rng.normal(size=n_C) / np.sqrt(n_C)
        i, j = 4, 2
        fig = viz.fiber(x, w, i, j)
        products = [x[i, j, c] * w[c] for c in range(n_C)]
        total = math.fsum(products)
        _, heights = bar_heights(fig.axes[2])
        np.testing.assert_allclose(heights, products, rtol=1e-12)
        _, heights = bar_heights(fig.axes[0])
        np.testing.assert_array_equal(heights, x[i, j, :])
        got_total, got_relu = title_numbers(suptitle(fig))
        assert got_total == pytest.approx(total, abs=5e-4)
        assert got_relu == pytest.approx(max(total, 0.0), abs=5e-4)

    def test_row_labels_name_the_pixel(self):
        fig = viz.fiber(np.ones((3, 4, 2)), np.ones(2), 2, 3)
        assert "x[2, 3, :]" in fig.axes[0].get_ylabel()

    def test_integer_inputs(self):
        x = np.arange(12).reshape(2, 2, 3)
        w = np.array([1, 2, 3])
        fig = viz.fiber(x, w, 0, 0)
        _, heights = bar_heights(fig.axes[2])
        np.testing.assert_array_equal(heights, [0 * 1, 1 * 2, 2 * 3])
        assert "= 8.000" in suptitle(fig)

    def test_inputs_are_not_modified(self):
        x = np.arange(12, dtype=float).reshape(2, 2, 3)
        w = np.array([1.0, -2.0, 3.0])
        x0, w0 = x.copy(), w.copy()
        viz.fiber(x, w, 1, 1, bias=1.0)
        np.testing.assert_array_equal(x, x0)
        np.testing.assert_array_equal(w, w0)

    @pytest.mark.parametrize(("x", "error"), [
        (None, TypeError),
        ([[[1.0, 2.0]]], TypeError),
        (np.ones((2, 2)), ValueError),
        (np.ones((1, 2, 2, 2)), ValueError),
        (np.ones((2, 2, 2), dtype=bool), TypeError),
        (np.ones((2, 2, 2), dtype=complex), TypeError),
        (np.full((2, 2, 2), "a"), TypeError),
        (np.ones((2, 0, 2)), ValueError),
    ], ids=["None", "list", "2-D", "4-D", "bool", "complex", "str", "empty"])
    def test_bad_x(self, x, error):
        with pytest.raises(error, match=r"^x "):
            viz.fiber(x, np.ones(2), 0, 0)

    @pytest.mark.parametrize(("w", "error"), [
        (None, TypeError),
        ([1.0, 2.0], TypeError),
        (np.ones((2, 1)), ValueError),
        (np.ones(2, dtype=bool), TypeError),
        (np.ones(2, dtype=complex), TypeError),
        (np.ones(0), ValueError),
    ], ids=["None", "list", "2-D", "bool", "complex", "empty"])
    def test_bad_w(self, w, error):
        with pytest.raises(error, match=r"^w "):
            viz.fiber(np.ones((3, 3, 2)), w, 0, 0)

    def test_w_with_wrong_number_of_channels(self):
        with pytest.raises(ValueError, match=r"w has 3 input channels but x has 2"):
            viz.fiber(np.ones((3, 3, 2)), np.ones(3), 0, 0)

    @pytest.mark.parametrize(("i", "j", "name", "error"), [
        (3, 0, "i", ValueError),
        (0, 4, "j", ValueError),
        (-1, 0, "i", ValueError),
        (1.0, 0, "i", TypeError),
        (0, None, "j", TypeError),
        (True, 0, "i", TypeError),
    ])
    def test_bad_pixel(self, i, j, name, error):
        with pytest.raises(error, match=rf"^{name} "):
            viz.fiber(np.ones((3, 4, 2)), np.ones(2), i, j)

    def test_bad_bias(self):
        with pytest.raises(TypeError, match=r"^bias"):
            viz.fiber(np.ones((3, 3, 2)), np.ones(2), 0, 0, bias="1")


# -- to_png and pyplot -------------------------------------------------------------

class TestToPng:
    @pytest.mark.parametrize("make", [
        lambda: viz.heatmap(LECTURE, LECTURE * 2),
        lambda: viz.montage(labelled_volume(3, 3, 5)),
        lambda: viz.fiber(np.ones((2, 2, 3)), np.ones(3), 1, 1),
    ], ids=["heatmap", "montage", "fiber"])
    def test_returns_png_bytes_at_the_figure_size(self, make):
        fig = make()
        png = viz.to_png(fig)
        assert isinstance(png, bytes)
        assert png.startswith(PNG_SIGNATURE)
        width, height = fig.get_size_inches() * fig.dpi
        assert png_size(png) == (round(width), round(height))
        pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
        assert pixels.shape[:2] == (round(height), round(width))

    def test_different_figures_give_different_pngs(self):
        assert viz.to_png(viz.heatmap(LECTURE)) != viz.to_png(viz.heatmap(LECTURE * 2))

    @pytest.mark.parametrize("value", [None, b"\x89PNG", "figure", 42, np.ones((2, 2))])
    def test_not_a_figure(self, value):
        with pytest.raises(TypeError, match=r"^fig must be a matplotlib Figure"):
            viz.to_png(value)

    def test_axes_is_not_a_figure(self):
        fig = viz.heatmap(LECTURE)
        with pytest.raises(TypeError, match=r"^fig "):
            viz.to_png(fig.axes[0])


def test_plots_do_not_accumulate_in_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    figures = [viz.heatmap(LECTURE), viz.montage(labelled_volume(2, 2, 3)),
               viz.fiber(np.ones((2, 2, 2)), np.ones(2), 0, 0)]
    for fig in figures:
        viz.to_png(fig)
    assert plt.get_fignums() == before
