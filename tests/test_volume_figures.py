"""Tests for viz.volume_diagram, the lecture's pictures of volumes as boxes.

The figures are inspected through their artists, found by their gids (``box{k}``,
``box{k}-depth``, ``operator{k}`` ...), in data coordinates (inches from the figure's
bottom left), never through pixels.
"""

from __future__ import annotations

import math

import matplotlib.colors
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from onebyone import viz
from onebyone.data import SEED_MATRIX

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# the lecture's pictures, as the course draws them
LECTURE_CASES = {
    "6x6x1 times 2": dict(shapes=[(6, 6, 1), (1, 1, 1, 1), (6, 6, 1)], operators=["∗", "="],
                          values=[SEED_MATRIX, np.array([[2]]), 2 * SEED_MATRIX],
                          pixel=(0, 3)),
    "6x6x32 one filter": dict(shapes=[(6, 6, 32), (1, 1, 32, 1), (6, 6, 1)],
                              operators=["∗", "="], pixel=(2, 3)),
    "6x6x32 eight filters": dict(shapes=[(6, 6, 32), (1, 1, 32, 8), (6, 6, 8)],
                                 operators=["∗", "="],
                                 captions=[None, "8 filters\n1×1×32", "6×6×#filters"]),
    "28x28x192 to 32": dict(shapes=[(28, 28, 192), (1, 1, 192, 32), (28, 28, 32)],
                            operators=["∗", "ReLU\n→"],
                            captions=[None, "32 filters\n1×1×192", None], pixel=(10, 20)),
    "inception bottleneck": dict(
        shapes=[(28, 28, 192), (1, 1, 192, 16), (28, 28, 16), (5, 5, 16, 32), (28, 28, 32)],
        operators=["∗", "=", "∗", "="],
        captions=[None, "16 filters\n1×1×192", "bottleneck", "32 filters\n5×5×16", None],
        pixel=(0, 27)),
}


def artists(fig: Figure, gid: str) -> list:
    ax = fig.axes[0]
    return [a for a in (*ax.texts, *ax.collections, *ax.patches) if a.get_gid() == gid]


def the(fig: Figure, gid: str):
    found = artists(fig, gid)
    assert len(found) == 1, f"expected one artist {gid!r}, found {len(found)}"
    return found[0]


def text(fig: Figure, gid: str) -> str:
    return the(fig, gid).get_text()


def faces(fig: Figure, k: int) -> list[np.ndarray]:
    """Front, top and side faces of box k: four (x, y) corners each, counter-clockwise
    from the bottom left (front), front left (top) and front bottom (side)."""
    return [path.vertices[:4] for path in the(fig, f"box{k}").get_paths()]


def front(fig: Figure, k: int) -> tuple[float, float, float, float]:
    """(x0, y0, width, height) of box k's front face."""
    corners = faces(fig, k)[0]
    (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
    return x0, y0, x1 - x0, y1 - y0


def depth(fig: Figure, k: int) -> float:
    """Length of box k's receding edge, in inches."""
    top = faces(fig, k)[1]
    return float(np.hypot(*(top[2] - top[1])))


def cross(u: np.ndarray, w: np.ndarray) -> float:
    """The z component of the cross product of two vectors of the plane."""
    return float(u[0] * w[1] - u[1] * w[0])


def diagram(*shapes: tuple[int, ...], **kwargs) -> Figure:
    return viz.volume_diagram(list(shapes), ["∗"] * (len(shapes) - 1), **kwargs)


# -- what is written ------------------------------------------------------------------

class TestSizesOnTheEdges:
    @pytest.mark.parametrize("case", LECTURE_CASES.values(), ids=LECTURE_CASES.keys())
    def test_the_texts_on_the_edges_are_the_sizes(self, case):
        fig = viz.volume_diagram(**case)
        for k, shape in enumerate(case["shapes"]):
            assert text(fig, f"box{k}-height") == str(shape[0])
            assert text(fig, f"box{k}-width") == str(shape[1])
            assert text(fig, f"box{k}-depth") == str(shape[2])

    def test_labels_stand_beside_their_edges(self):
        fig = diagram((6, 6, 32), (28, 28, 192))
        for k in (0, 1):
            x0, y0, w, h = front(fig, k)
            top = faces(fig, k)[1]
            height, width, depth_label = (the(fig, f"box{k}-{edge}").get_position()
                                          for edge in ("height", "width", "depth"))
            assert height[0] < x0 and height[1] == pytest.approx(y0 + h / 2)  # left edge
            assert width[1] < y0 and width[0] == pytest.approx(x0 + w / 2)  # bottom edge
            # up and to the left of the receding top-left edge, within its length
            assert top[0][0] < depth_label[0] + 0.1 < top[3][0] + 0.1
            assert top[0][1] < depth_label[1]

    def test_a_bank_of_filters_says_how_many(self):
        fig = diagram((6, 6, 32), (1, 1, 32, 8), (6, 6, 8))
        assert text(fig, "box1-count") == "× 8"
        assert not artists(fig, "box0-count") and not artists(fig, "box2-count")

    def test_one_filter_has_no_count(self):
        fig = diagram((6, 6, 32), (1, 1, 32, 1), (6, 6, 1))
        assert not artists(fig, "box1-count")

    def test_the_count_stands_right_of_the_stick(self):
        fig = diagram((6, 6, 32), (1, 1, 32, 8))
        side = faces(fig, 1)[2]
        x, _ = the(fig, "box1-count").get_position()
        assert x > side[:, 0].max()

    def test_a_filter_is_a_thin_stick_as_deep_as_its_input(self):
        fig = diagram((6, 6, 32), (1, 1, 32, 8), (6, 6, 8))
        _, _, w_volume, h_volume = front(fig, 0)
        _, _, w_stick, h_stick = front(fig, 1)
        assert w_stick == pytest.approx(w_volume / 6) and h_stick == pytest.approx(h_volume / 6)
        assert depth(fig, 1) == pytest.approx(depth(fig, 0))

    def test_operators_in_order_between_their_boxes(self):
        case = LECTURE_CASES["inception bottleneck"]
        fig = viz.volume_diagram(**case)
        for k, operator in enumerate(case["operators"]):
            assert text(fig, f"operator{k}") == operator
            x, _ = the(fig, f"operator{k}").get_position()
            right_of_box = max(face[:, 0].max() for face in faces(fig, k))
            assert right_of_box < x < front(fig, k + 1)[0]

    def test_operators_at_the_height_of_the_front_faces_centres(self):
        fig = diagram((28, 28, 192), (1, 1, 192, 32), (5, 5, 32))
        centres = [y0 + h / 2 for _, y0, _, h in (front(fig, k) for k in range(3))]
        assert centres == pytest.approx([centres[0]] * 3)
        for k in (0, 1):
            assert the(fig, f"operator{k}").get_position()[1] == pytest.approx(centres[0])

    def test_captions_in_order_under_their_boxes(self):
        case = LECTURE_CASES["inception bottleneck"]
        fig = viz.volume_diagram(**case)
        lowest = min(face[:, 1].min() for k in range(5) for face in faces(fig, k))
        for k, caption in enumerate(case["captions"]):
            if caption is None:
                assert not artists(fig, f"caption{k}")
                continue
            assert text(fig, f"caption{k}") == caption
            x, y = the(fig, f"caption{k}").get_position()
            x0, _, w, _ = front(fig, k)
            assert y < lowest
            previous_operator = the(fig, f"operator{k - 1}").get_position()[0]
            next_operator = the(fig, f"operator{k}").get_position()[0]
            assert previous_operator < x < next_operator
            assert x0 - 0.5 < x < x0 + w + 1.5  # under the box, which goes back rightwards

    def test_no_captions_by_default(self):
        fig = diagram((6, 6, 3), (6, 6, 3))
        assert not [t for t in fig.axes[0].texts if t.get_gid().startswith("caption")]


# -- honest sizes -------------------------------------------------------------------

class TestHonestSizes:
    def test_one_scale_for_every_front_face(self):
        fig = diagram((28, 28, 16), (5, 5, 16, 32), (28, 14, 32))
        s = front(fig, 0)[2] / 28
        assert front(fig, 0)[3] == pytest.approx(28 * s)
        assert front(fig, 1)[2:] == pytest.approx((5 * s, 5 * s))
        assert front(fig, 2)[2:] == pytest.approx((14 * s, 28 * s))

    def test_32_channels_are_drawn_deeper_than_1(self):
        fig = diagram((6, 6, 1), (6, 6, 32))
        assert depth(fig, 1) > 10 * depth(fig, 0)

    @pytest.mark.parametrize("n_C", [1, 2, 8, 16])
    def test_depth_is_proportional_up_to_32_channels(self, n_C):
        fig = diagram((6, 6, n_C), (6, 6, 32))
        assert depth(fig, 0) / depth(fig, 1) == pytest.approx(max(n_C / 32, 0.03), rel=0.3)
        if n_C >= 2:
            assert depth(fig, 0) / depth(fig, 1) == pytest.approx(n_C / 32)

    def test_192_is_deeper_than_32_but_compressed(self):
        fig = diagram((28, 28, 192), (28, 28, 32))
        ratio = depth(fig, 0) / depth(fig, 1)
        assert 1.5 < ratio < 6  # still a big shrink, but not drawn 6 times as deep
        assert ratio == pytest.approx(1 + 0.4 * math.log2(192 / 32))  # the docstring's rule

    def test_compression_keeps_the_order(self):
        fig = diagram((8, 8, 32), (8, 8, 33), (8, 8, 64), (8, 8, 192), (8, 8, 1024))
        depths = [depth(fig, k) for k in range(5)]
        assert depths == sorted(depths) and len(set(depths)) == 5

    @pytest.mark.parametrize(("n_C", "broken"), [(1, False), (32, False), (33, True),
                                                 (192, True)])
    def test_a_break_mark_exactly_when_compressed(self, n_C, broken):
        fig = diagram((6, 6, n_C), (1, 1, n_C, 4))
        for k in (0, 1):
            assert bool(artists(fig, f"box{k}-break")) == broken
            assert bool(artists(fig, f"box{k}-break-strokes")) == broken

    def test_the_break_mark_crosses_the_depth_edges(self):
        fig = diagram((28, 28, 192),)
        top = faces(fig, 0)[1]
        a, b = top[0], top[3]  # the receding top-left edge
        strokes = the(fig, "box0-break-strokes").get_segments()
        assert len(strokes) == 6  # two across each of the three visible receding edges
        for p, q in strokes[:2]:
            middle = (p + q) / 2
            along = np.dot(middle - a, b - a) / np.dot(b - a, b - a)
            assert 0 < along < 1
            assert cross(b - a, middle - a) == pytest.approx(0, abs=1e-9)  # on the edge
            # slanted across it: at an angle of more than 30 degrees
            assert abs(cross(b - a, q - p)) > 0.5 * np.linalg.norm(b - a) * np.linalg.norm(q - p)
        assert text(fig, "box0-depth") == "192"  # the true number, not the drawn depth

    def test_thin_boxes_stay_visible(self):
        fig = diagram((64, 64, 1), (1, 1, 1, 1))
        assert depth(fig, 0) * viz.DPI >= 2.9
        assert min(front(fig, 1)[2:]) * viz.DPI >= 2.9

    def test_a_long_row_shrinks_to_fit(self):
        fig = diagram(*[(28, 28, 192)] * 6)
        assert fig.get_figwidth() * viz.DPI <= viz.DIAGRAM_MAX_WIDTH + 1
        wide = diagram((28, 28, 192))
        assert front(fig, 0)[2] < front(wide, 0)[2]


# -- highlight ------------------------------------------------------------------------

def cell(fig: Figure, k: int, shape: tuple[int, ...], i: int, j: int):
    """(left, bottom, right, top) of cell (i, j) on box k's front face, row 0 on top."""
    x0, y0, w, h = front(fig, k)
    s_w, s_h = w / shape[1], h / shape[0]
    return x0 + j * s_w, y0 + (shape[0] - 1 - i) * s_h, x0 + (j + 1) * s_w, \
        y0 + (shape[0] - i) * s_h


class TestHighlight:
    @pytest.mark.parametrize(("i", "j"), [(2, 3), (0, 0), (5, 5), (0, 5)])
    def test_the_fibre_sits_at_the_pixel(self, i, j):
        shapes = [(6, 6, 32), (1, 1, 32, 1), (6, 6, 1)]
        fig = viz.volume_diagram(shapes, ["∗", "="], pixel=(i, j))
        for k in (0, 2):
            left, bottom, right, top = cell(fig, k, shapes[k], i, j)
            box_top = faces(fig, k)[1]
            dx, dy = box_top[2] - box_top[1]  # the whole depth
            hexagon = the(fig, f"box{k}-pixel").get_xy()[:6]
            np.testing.assert_allclose(hexagon, [
                (left, bottom), (right, bottom), (right + dx, bottom + dy),
                (right + dx, top + dy), (left + dx, top + dy), (left, top)])

    def test_the_pixel_is_row_from_the_top_column_from_the_left(self):
        fig = viz.volume_diagram([(6, 6, 4)], [], pixel=(0, 5))
        x0, y0, w, h = front(fig, 0)
        hexagon = the(fig, "box0-pixel").get_xy()
        assert hexagon[0] == pytest.approx((x0 + w * 5 / 6, y0 + h * 5 / 6))  # top right cell

    def test_filters_in_the_highlight_colour_only_with_a_pixel(self):
        shapes = [(6, 6, 32), (1, 1, 32, 8), (6, 6, 8)]
        red = matplotlib.colors.to_rgb(viz._figure._HIGHLIGHT)

        def side_colour(fig, k):
            return tuple(the(fig, f"box{k}").get_facecolor()[2][:3])

        with_pixel = viz.volume_diagram(shapes, ["∗", "="], pixel=(1, 1))
        without = viz.volume_diagram(shapes, ["∗", "="])
        assert side_colour(with_pixel, 1) == pytest.approx(red)
        assert side_colour(without, 1) != pytest.approx(red)
        assert side_colour(with_pixel, 0) == side_colour(without, 0)  # volumes unchanged
        assert not artists(without, "box0-pixel") and not artists(without, "box2-pixel")

    def test_an_f_by_f_filter_widens_the_window_to_its_left(self):
        shapes = [(28, 28, 192), (1, 1, 192, 16), (28, 28, 16), (5, 5, 16, 32), (28, 28, 32)]
        fig = viz.volume_diagram(shapes, ["∗", "=", "∗", "="], pixel=(10, 20))
        for k, (r0, c0, r1, c1) in ((0, (8, 18, 12, 22)), (2, (8, 18, 12, 22)),
                                    (4, (10, 20, 10, 20))):
            left, _, _, top = cell(fig, k, shapes[k], r0, c0)
            _, bottom, right, _ = cell(fig, k, shapes[k], r1, c1)
            hexagon = the(fig, f"box{k}-pixel").get_xy()
            assert hexagon[0] == pytest.approx((left, bottom))
            assert hexagon[1] == pytest.approx((right, bottom))
            assert hexagon[5] == pytest.approx((left, top))

    def test_the_window_is_clipped_at_the_border(self):
        shapes = [(28, 28, 16), (5, 5, 16, 32), (28, 28, 32)]
        fig = viz.volume_diagram(shapes, ["∗", "="], pixel=(0, 27))
        left, _, _, top = cell(fig, 0, shapes[0], 0, 25)
        _, bottom, right, _ = cell(fig, 0, shapes[0], 2, 27)
        hexagon = the(fig, "box0-pixel").get_xy()
        assert hexagon[0] == pytest.approx((left, bottom))
        assert hexagon[5] == pytest.approx((left, top))
        assert hexagon[1][0] == pytest.approx(right)


# -- numbers on the faces ---------------------------------------------------------------

def face_numbers(fig: Figure, k: int, shape: tuple[int, ...]) -> dict[tuple[int, int], str]:
    """The numbers on box k's front face, keyed by the (row, column) of their cell."""
    x0, y0, w, h = front(fig, k)
    numbers = {}
    for t in artists(fig, f"box{k}-value"):
        x, y = t.get_position()
        j, i_up = math.floor((x - x0) / w * shape[1]), math.floor((y - y0) / h * shape[0])
        numbers[(shape[0] - 1 - i_up, j)] = t.get_text()
    return numbers


def not_computed_cells(fig: Figure, k: int, shape: tuple[int, ...]) -> set[tuple[int, int]]:
    """The (row, column) of the cells drawn "not computed yet" on box k's front face."""
    found = artists(fig, f"box{k}-not-computed")
    if not found:
        return set()
    x0, y0, w, h = front(fig, k)
    cells = set()
    for path in found[0].get_paths():
        x, y = path.vertices[:4].mean(axis=0)  # the cell's centre
        j, i_up = math.floor((x - x0) / w * shape[1]), math.floor((y - y0) / h * shape[0])
        cells.add((shape[0] - 1 - i_up, j))
    assert len(cells) == len(found[0].get_paths()), "one square per cell"
    return cells


class TestFaceValues:
    def test_the_lectures_matrix_and_its_double(self):
        case = LECTURE_CASES["6x6x1 times 2"]
        fig = viz.volume_diagram(**case)
        for k, matrix in ((0, SEED_MATRIX), (1, np.array([[2]])), (2, 2 * SEED_MATRIX)):
            numbers = face_numbers(fig, k, case["shapes"][k])
            assert len(numbers) == matrix.size
            for (i, j), value in np.ndenumerate(matrix):
                assert numbers[(i, j)] == str(value)

    def test_fractions_have_two_decimals(self):
        values = np.array([[0.5, 1 / 3], [2.0, -1.25]])
        fig = viz.volume_diagram([(2, 2, 3)], [], values=[values])
        assert face_numbers(fig, 0, (2, 2, 3)) == {(0, 0): "0.50", (0, 1): "0.33",
                                                   (1, 0): "2.00", (1, 1): "-1.25"}

    def test_numbers_up_to_15_cells_a_side(self):
        fig = viz.volume_diagram([(15, 15, 1)], [], values=[np.arange(225).reshape(15, 15)])
        assert len(artists(fig, "box0-value")) == 225
        fig = viz.volume_diagram([(16, 16, 1)], [], values=[np.arange(256).reshape(16, 16)])
        assert not artists(fig, "box0-value")

    def test_numbers_fit_their_cells(self):
        fig = viz.volume_diagram([(4, 4, 64)], [], values=[np.arange(16).reshape(4, 4) / 3])
        renderer = FigureCanvasAgg(fig).get_renderer()
        _, _, w, _ = front(fig, 0)
        cell_pixels = w / 4 * fig.dpi
        for t in artists(fig, "box0-value"):
            assert t.get_window_extent(renderer).width < cell_pixels

    @pytest.mark.parametrize(("n", "grid"), [(1, False), (6, True), (28, True), (33, False)])
    def test_a_grid_of_cells_up_to_a_limit(self, n, grid):
        fig = viz.volume_diagram([(n, n, 4)], [])
        assert bool(artists(fig, "box0-grid")) == grid
        if grid:
            assert len(the(fig, "box0-grid").get_segments()) == 2 * (n - 1)

    @pytest.mark.parametrize("case", LECTURE_CASES.values(), ids=LECTURE_CASES.keys())
    def test_whole_screen_pixels(self, case):
        fig = viz.volume_diagram(**case)
        size = fig.get_size_inches() * fig.dpi
        np.testing.assert_allclose(size, np.round(size), atol=1e-6)

    def test_nan_cells_have_no_number_and_are_drawn_and_keyed_not_computed(self):
        values = (2 * SEED_MATRIX).astype(float)
        values.reshape(-1)[10:] = np.nan  # not computed yet
        fig = viz.volume_diagram([(6, 6, 1)], [], values=[values])
        numbers = face_numbers(fig, 0, (6, 6, 1))
        assert set(numbers) == {divmod(k, 6) for k in range(10)}
        assert numbers[(1, 3)] == "2"
        assert not_computed_cells(fig, 0, (6, 6, 1)) == {divmod(k, 6) for k in range(10, 36)}
        assert text(fig, "box0-not-computed-words") == viz.NOT_COMPUTED
        all_blank = viz.volume_diagram([(6, 6, 1)], [], values=[np.full((6, 6), np.nan)])
        assert not artists(all_blank, "box0-value")
        assert len(not_computed_cells(all_blank, 0, (6, 6, 1))) == 36
        done = viz.volume_diagram([(6, 6, 1)], [], values=[SEED_MATRIX])
        assert not artists(done, "box0-not-computed") and not artists(done, "box0-not-computed-key")

    def test_cells_not_computed_are_in_a_colour_outside_the_scale(self):
        """White, far from every colour of the scale and from the front faces' own
        colour, so that a blank cell is not read as a value (that blue-grey is close to
        the scale's middle); the key's swatch looks the same."""
        values = np.full((28, 28), np.nan)
        values[:3] = 1.0
        fig = viz.volume_diagram([(28, 28, 192), (1, 1, 192, 32), (28, 28, 32)], ["∗", "="],
                                 values=[None, None, values])
        blank = np.array(the(fig, "box2-not-computed").get_facecolor())[0, :3]
        swatch = np.array(the(fig, "box2-not-computed-key").get_facecolor())[:3]
        np.testing.assert_allclose(swatch, blank)
        scale = matplotlib.colormaps[viz.CMAP](np.linspace(0, 1, 256))[:, :3]
        front_face = np.array(the(fig, "box2").get_facecolor()[0][:3])
        assert np.linalg.norm(scale - blank, axis=1).min() > 0.25
        assert np.linalg.norm(front_face - blank) > 0.25
        assert the(fig, "box2-not-computed").get_hatch(), "hatched: it reads without colour"

    def test_larger_faces_are_painted_nan_cells_masked(self):
        values = np.arange(28 * 28, dtype=float).reshape(28, 28)
        values[20:] = np.nan
        fig = viz.volume_diagram([(28, 28, 192), (1, 1, 192, 32), (28, 28, 32)], ["∗", "="],
                                 values=[None, None, values])
        (paint,) = [im for im in fig.axes[0].images if im.get_gid() == "box2-paint"]
        np.testing.assert_array_equal(paint.get_array().mask, np.isnan(values))
        np.testing.assert_array_equal(paint.get_array()[:20].data, values[:20])
        assert paint.get_extent() == pytest.approx(
            (lambda x0, y0, w, h: (x0, x0 + w, y0, y0 + h))(*front(fig, 2)))
        assert (paint.norm.vmin, paint.norm.vmax) == (0, 20 * 28 - 1)
        assert not artists(fig, "box2-value"), "numbers only on faces of up to 15 cells"
        assert len(fig.axes[0].images) == 1, "only the box given values is painted"
        small = viz.volume_diagram([(15, 15, 1)], [], values=[np.ones((15, 15))])
        assert not small.axes[0].images

    def test_the_values_are_not_modified(self):
        values = SEED_MATRIX.astype(float)
        before = values.copy()
        viz.volume_diagram([(6, 6, 1)], [], values=[values])
        np.testing.assert_array_equal(values, before)


# -- the figure as a whole ---------------------------------------------------------------

def all_artists(fig: Figure) -> list:
    ax = fig.axes[0]
    return [*ax.texts, *ax.collections, *ax.patches, *ax.lines, *ax.images]


class TestFigure:
    @pytest.mark.parametrize("case", LECTURE_CASES.values(), ids=LECTURE_CASES.keys())
    def test_every_lecture_picture_renders_to_png(self, case):
        fig = viz.volume_diagram(**case)
        assert isinstance(fig, Figure) and fig.dpi == viz.DPI
        png = viz.to_png(fig)
        assert png.startswith(PNG_SIGNATURE)
        assert fig.get_figwidth() * viz.DPI <= viz.DIAGRAM_MAX_WIDTH + 1

    @pytest.mark.parametrize("case", LECTURE_CASES.values(), ids=LECTURE_CASES.keys())
    def test_texts_do_not_overlap_each_other_or_the_boxes(self, case):
        fig = viz.volume_diagram(**case)
        ax = fig.axes[0]
        renderer = FigureCanvasAgg(fig).get_renderer()
        extents = [(t, t.get_window_extent(renderer)) for t in ax.texts]
        figure_box = fig.bbox
        for n, (t, box) in enumerate(extents):
            assert figure_box.x0 <= box.x0 and box.x1 <= figure_box.x1, t.get_text()
            assert figure_box.y0 <= box.y0 and box.y1 <= figure_box.y1, t.get_text()
            for other, other_box in extents[n + 1:]:
                assert not box.overlaps(other_box), (t.get_text(), other.get_text())
            if t.get_gid().endswith("-value"):
                continue  # numbers are written on the faces
            for k in range(len(case["shapes"])):
                for path in the(fig, f"box{k}").get_paths():
                    assert not path.transformed(ax.transData).intersects_bbox(box), \
                        (t.get_gid(), t.get_text())

    def test_few_artists_for_a_large_volume(self):
        fig = viz.volume_diagram(**LECTURE_CASES["28x28x192 to 32"])
        assert len(all_artists(fig)) < 40  # not one per cell

    def test_built_without_pyplot(self):
        import matplotlib.pyplot as plt

        before = plt.get_fignums()
        for case in LECTURE_CASES.values():
            viz.volume_diagram(**case)
        assert plt.get_fignums() == before

    def test_data_coordinates_are_inches(self):
        fig = diagram((6, 6, 4))
        ax = fig.axes[0]
        assert ax.get_xlim() == pytest.approx((0, fig.get_figwidth()))
        assert ax.get_ylim() == pytest.approx((0, fig.get_figheight()))

    def test_shapes_may_be_numpy_shapes_and_integers(self):
        x = np.zeros((6, 6, 32))
        fig = viz.volume_diagram([x.shape, (np.int64(1), 1, 32, np.int32(4))], ["∗"])
        assert text(fig, "box1-count") == "× 4"


# -- bad input ----------------------------------------------------------------------------

GOOD = dict(shapes=[(6, 6, 32), (1, 1, 32, 2), (6, 6, 2)], operators=["∗", "="])


@pytest.mark.parametrize(("changes", "error", "words"), [
    (dict(shapes=None), TypeError, ["shapes", "list", "None"]),
    (dict(shapes=[]), TypeError, ["shapes", "non-empty"]),
    (dict(shapes=(6, 6, 32)), TypeError, ["shapes[0]", "tuple", "int"]),
    (dict(shapes=[[6, 6, 32], (1, 1, 32, 2), (6, 6, 2)]), TypeError,
     ["shapes[0]", "tuple", "list"]),
    (dict(shapes=[(6, 6), (1, 1, 32, 2), (6, 6, 2)]), ValueError, ["shapes[0]", "3 sizes", "2"]),
    (dict(shapes=[(6, 6, 0), (1, 1, 32, 2), (6, 6, 2)]), ValueError,
     ["shapes[0][2]", "positive", "0"]),
    (dict(shapes=[(6, 6, 32), (1, 1, 32, -2), (6, 6, 2)]), ValueError,
     ["shapes[1][3]", "positive", "-2"]),
    (dict(shapes=[(6, 6.0, 32), (1, 1, 32, 2), (6, 6, 2)]), TypeError,
     ["shapes[0][1]", "integer", "float"]),
    (dict(shapes=[(6, 6, True), (1, 1, 32, 2), (6, 6, 2)]), TypeError,
     ["shapes[0][2]", "integer", "bool"]),
    (dict(operators=["∗"]), ValueError, ["operators", "2 for 3 shapes", "got 1"]),
    (dict(operators=["∗", "=", "→"]), ValueError, ["operators", "got 3"]),
    (dict(operators="∗="), TypeError, ["operators", "list", "str"]),
    (dict(operators=["∗", None]), TypeError, ["operators", "strings"]),
    (dict(captions=["a", "b"]), ValueError, ["captions", "3", "one per shape"]),
    (dict(captions=[None, 2, None]), TypeError, ["captions", "strings"]),
    (dict(values=[np.ones((5, 6)), None, None]), ValueError,
     ["values[0]", "(6, 6)", "(5, 6)"]),
    (dict(values=[None, np.ones((2, 2)), None]), ValueError, ["values[1]", "(1, 1)", "(2, 2)"]),
    (dict(values=[np.ones((6, 6, 1)), None, None]), ValueError, ["values[0]", "2 dimensions"]),
    (dict(values=[[[1, 2]], None, None]), TypeError, ["values[0]", "numpy array"]),
    (dict(values=np.ones((6, 6))), TypeError, ["values", "list"]),
    (dict(values=[np.ones((6, 6))]), ValueError, ["values", "3", "one per shape"]),
    (dict(pixel=(6, 0)), ValueError, ["pixel[0]", "< 6", "6"]),
    (dict(pixel=(0, 7)), ValueError, ["pixel[1]", "< 6", "7"]),
    (dict(pixel=(-1, 0)), ValueError, ["pixel[0]", ">= 0", "-1"]),
    (dict(pixel=(1.0, 0)), TypeError, ["pixel[0]", "integer", "float"]),
    (dict(pixel=[1, 2]), TypeError, ["pixel", "tuple (i, j)", "list"]),
    (dict(pixel=(1,)), TypeError, ["pixel", "tuple (i, j)"]),
    (dict(shapes=[(6, 6, 32), (3, 3, 32, 2), (4, 4, 2)], pixel=(0, 0)), ValueError,
     ["pixel", "one height and width", "(4, 4)", "(6, 6)"]),
], ids=lambda p: None if isinstance(p, (dict, list)) else p.__name__)
def test_bad_input_raises_a_clear_error(changes, error, words):
    with pytest.raises(error) as raised:
        viz.volume_diagram(**{**GOOD, **changes})
    message = str(raised.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
