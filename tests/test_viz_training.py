"""09's figures: training curves, digits, class maps and the confusion matrix, inspected
through their artists (what is drawn where), not pixels."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from onebyone import viz
from test_accessibility import count_numbers


def images_of(ax) -> list[np.ndarray]:
    return [np.asarray(image.get_array()) for image in ax.get_images()]


# -- training_curves ------------------------------------------------------------------

def test_training_curves_plot_each_epoch_loss_on_a_log_scale_and_accuracy_in_percent():
    loss = np.array([2.3, 0.9, 0.2, 0.05])
    accuracy = np.array([0.2, 0.7, 0.93, 0.975])
    fig = viz.training_curves(loss, accuracy)
    assert isinstance(fig, Figure)
    left, right = fig.axes
    (loss_line,), (accuracy_line,) = left.get_lines(), right.get_lines()
    np.testing.assert_array_equal(loss_line.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(loss_line.get_ydata(), loss)
    np.testing.assert_allclose(accuracy_line.get_ydata(), 100 * accuracy)
    assert left.get_yscale() == "log" and right.get_yscale() == "linear"
    assert "loss" in left.get_title() and "validation" in right.get_title()
    assert right.get_ylim()[0] <= 18  # the first epoch's 20% is inside the axes


def test_training_curves_zoom_in_when_every_epoch_is_above_90_percent():
    fig = viz.training_curves(np.array([0.3, 0.2]), np.array([0.95, 0.97]))
    assert fig.axes[1].get_ylim() == (90.0, 100.5)


@pytest.mark.parametrize(("loss", "accuracy", "message"), [
    (np.array([1.0, 0.5]), np.array([0.5]), "one value per epoch"),
    (np.array([1.0, 0.0]), np.array([0.5, 0.6]), "positive"),
    (np.array([1.0, np.nan]), np.array([0.5, 0.6]), "positive and finite"),
    (np.array([1.0, 0.5]), np.array([0.5, 60.0]), "between 0 and 1"),
])
def test_training_curves_refuse_what_training_cannot_give(loss, accuracy, message):
    with pytest.raises(ValueError, match=message):
        viz.training_curves(loss, accuracy)


# -- digit_grid -----------------------------------------------------------------------

def test_digit_grid_draws_each_digit_as_ink_on_paper_with_its_title():
    images = np.random.default_rng(0).random((11, 8, 8, 1))
    titles = [f"{k} → {k + 1}" for k in range(11)]
    fig = viz.digit_grid(images, titles=titles, ncols=4)
    drawn = [ax for ax in fig.axes if ax.get_images()]
    assert len(fig.axes) == 12 and len(drawn) == 11  # 3 rows of 4, the last one short
    for k, ax in enumerate(drawn):
        (image,) = ax.get_images()
        np.testing.assert_array_equal(image.get_array(), images[k, :, :, 0])
        assert image.get_cmap().name == "gray_r" and image.get_clim() == (0.0, 1.0)
        assert ax.get_title() == titles[k]


def test_digit_grid_is_one_row_when_there_are_fewer_digits_than_columns():
    fig = viz.digit_grid(np.zeros((3, 8, 8)))
    assert len(fig.axes) == 3
    assert all(ax.get_title() == "" for ax in fig.axes)


@pytest.mark.parametrize(("images", "titles", "message"), [
    (np.zeros((2, 8, 8, 3)), None, "grey, one channel"),
    (np.zeros((2, 8, 8)), ["a"], "list of 2 strings"),
    (np.zeros((2, 8, 8)), "ab", "list of 2 strings"),
    (np.zeros((2, 8, 8)), [1, 2], "list of 2 strings"),
])
def test_digit_grid_names_what_is_wrong(images, titles, message):
    with pytest.raises(ValueError, match=message):
        viz.digit_grid(images, titles=titles)


# -- class_maps -----------------------------------------------------------------------

def test_class_maps_draw_each_digit_then_its_maps_on_one_scale_and_frame_the_guess():
    rng = np.random.default_rng(1)
    images = rng.random((2, 8, 8, 1))
    maps = rng.standard_normal((2, 4, 4, 10))
    maps[0, :, :, 7] += 3  # digit 0's largest mean: class 7
    maps[1, :, :, 2] += 3
    maps[1, :, :, 4] -= maps[1, :, :, 4].mean() + 0.2  # a mean of −0.2: written 0, not −0
    fig = viz.class_maps(images, maps, np.array([7, 5]))
    rows = np.array(fig.axes).reshape(2, 12)  # digit, a spacer, then 10 maps
    # one scale for all maps, rows compared too: centred on 0, clipped at the 98th
    # percentile of |maps|
    scale = np.percentile(np.abs(maps), 98)
    for row, guess in ((0, 7), (1, 2)):
        digit, spacer, *class_axes = rows[row]
        np.testing.assert_array_equal(images_of(digit)[0], images[row, :, :, 0])
        assert not spacer.get_images()
        for c, ax in enumerate(class_axes):
            (image,) = ax.get_images()
            np.testing.assert_array_equal(image.get_array(), maps[row, :, :, c])
            assert image.get_clim() == pytest.approx((-scale, scale))
            assert image.get_cmap().name == viz.CLASS_MAP_WORDS.cmap
            framed = all(spine.get_visible() for spine in ax.spines.values())
            assert framed == (c == guess)
            # the guess is said in words too, not by the frame alone; the mean is the score
            mean = round(maps[row, :, :, c].mean())
            score = f"{mean:+d}".replace("-", "−") if mean else "0"
            assert ax.get_title() == (f"{c} guess\n{score}" if c == guess else f"{c}\n{score}")
    assert rows[1][6].get_title() == "4\n0"
    assert rows[0][0].get_title() == "label 7" and rows[1][0].get_title() == "label 5"
    # the key: both ends, 0, and where the scale is clipped
    (key,) = rows[0][0].child_axes
    assert [t.get_text() for t in key.get_xticklabels()] == [
        f"−{scale:.3g}", "0", f"{scale:.3g}"]
    assert f"clipped at ±{scale:.3g}, the 98th percentile of |values|" in key.get_xlabel()
    assert "orange: for the class" in key.get_title()
    assert "purple: against the class" in key.get_title()


def test_class_maps_say_in_words_what_the_maps_show():
    maps = np.full((2, 4, 4, 10), -1.0)
    maps[0, :, :, 3] = 2.0   # digit 0: map 3 positive everywhere
    maps[1, :3, :, 5] = 4.0  # digit 1: map 5 positive at 12 of its 16 pixels, mean 2.75
    fig = viz.class_maps(np.zeros((2, 8, 8)), maps, np.array([3, 6]))
    assert "label 3: guess 3, mean +2, positive at 100% of its pixels" in fig.alt
    assert "label 6: guess 5, mean +3, positive at 75% of its pixels" in fig.alt
    assert "other maps at 0%" in fig.alt
    assert count_numbers(fig.alt) <= viz.ALT_MAX_NUMBERS


@pytest.mark.parametrize(("images", "maps", "labels", "message"), [
    (np.zeros((2, 8, 8)), np.zeros((3, 4, 4, 10)), np.array([1, 2]), "one entry per digit"),
    (np.zeros((2, 8, 8)), np.full((2, 4, 4, 10), np.nan), np.array([1, 2]), "finite"),
    (np.zeros((2, 8, 8)), np.zeros((2, 4, 4)), np.array([1, 2]), "4 dimensions"),
])
def test_class_maps_name_what_is_wrong(images, maps, labels, message):
    with pytest.raises(ValueError, match=message):
        viz.class_maps(images, maps, labels)


# -- confusion ------------------------------------------------------------------------

def test_confusion_writes_every_count_with_true_rows_and_predicted_columns():
    matrix = np.array([[5, 1, 0], [0, 7, 2], [1, 0, 9]])
    fig = viz.confusion(matrix)
    (ax,) = fig.axes
    (image,) = ax.get_images()
    np.testing.assert_array_equal(image.get_array(), matrix)
    written = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
               for t in ax.texts}
    # zeros are left blank, so that the mistakes stand out
    assert written == {(i, j): str(matrix[i, j]) if matrix[i, j] else ""
                       for i in range(3) for j in range(3)}
    assert ax.get_xlabel() == "predicted" and ax.get_ylabel() == "true"
    assert ax.get_title() == ""
    assert viz.confusion(matrix, title="test set").axes[0].get_title() == "test set"


@pytest.mark.parametrize("matrix", [np.zeros((2, 3), int), np.zeros((3, 3)),
                                    np.array([[1, -1], [0, 2]])])
def test_confusion_wants_a_square_table_of_counts(matrix):
    with pytest.raises(ValueError, match="square table of counts"):
        viz.confusion(matrix)


def test_confusion_wants_a_string_title():
    with pytest.raises(TypeError, match="title must be a string"):
        viz.confusion(np.eye(2, dtype=int), title=3)
