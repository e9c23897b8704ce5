"""A filter that slides: slide_step (pure), the Stepper control and the step-through
explorers of notebooks 01, 02 and 03, checked without a browser (tests/browser presses
their buttons in JupyterLab)."""

from __future__ import annotations

import re

import numpy as np
import pytest
import traitlets

from onebyone import data, ops, viz, widgets
from onebyone.controls import Frame, Stepper
from test_volume_figures import artists, face_numbers


def finished(x: np.ndarray, w: np.ndarray, relu: bool = True) -> np.ndarray:
    """The whole layer, by loops (not by the matrix product slide_step uses)."""
    out = ops.conv1x1_loops(x, w)
    return np.maximum(out, 0) if relu else out


X = data.random_volume(3, 4, 5, seed=3)
W = data.random_filters(5, 2, seed=4)


# -- slide_step ------------------------------------------------------------------------

class TestAllFiltersAtOnce:
    @pytest.mark.parametrize("position", range(0, 13))
    def test_pixels_fill_row_by_row(self, position):
        r = widgets.slide_step(X, W, position)
        assert r.steps == 12 and r.position == position and r.filter is None
        done = np.zeros((3, 4), bool)
        done.reshape(-1)[:position] = True  # row by row, left to right
        full = finished(X, W)
        np.testing.assert_allclose(r.output[done], full[done], atol=1e-12)
        assert np.isnan(r.output[~done]).all()
        if position == 0:
            assert r.pixel is None and r.z.size == 0
        else:
            i, j = divmod(position - 1, 4)
            assert r.pixel == (i, j)
            # the step's dot products: every filter at that pixel, before the ReLU
            np.testing.assert_allclose(r.z, [X[i, j] @ W[:, k] for k in range(2)], atol=1e-12)

    def test_the_last_step_is_the_whole_layer(self):
        r = widgets.slide_step(X, W, 12)
        np.testing.assert_allclose(r.output, finished(X, W), atol=1e-12)
        assert r.pixel == (2, 3)

    def test_without_relu_the_output_is_the_dot_products(self):
        r = widgets.slide_step(X, W, 12, relu=False)
        assert (r.output < 0).any(), "the example should have negative dot products"
        np.testing.assert_allclose(r.output, finished(X, W, relu=False), atol=1e-12)
        assert not r.relu


class TestOneFilterAtATime:
    @pytest.mark.parametrize("position", [0, 1, 5, 12, 13, 20, 24])
    def test_filter_0_everywhere_then_filter_1(self, position):
        r = widgets.slide_step(X, W, position, one_filter_at_a_time=True)
        assert r.steps == 24
        full = finished(X, W)
        expected = np.full(full.shape, np.nan)
        for step in range(position):
            k, (i, j) = step // 12, divmod(step % 12, 4)
            expected[i, j, k] = full[i, j, k]
        np.testing.assert_allclose(r.output, expected, atol=1e-12)
        if position:
            k, (i, j) = (position - 1) // 12, divmod((position - 1) % 12, 4)
            assert (r.filter, r.pixel) == (k, (i, j))
            assert r.z == pytest.approx([X[i, j] @ W[:, k]], abs=1e-12)
        else:
            assert r.filter is None and r.pixel is None


def test_the_lecture_matrix_doubles_one_pixel_per_step():
    image = data.SEED_MATRIX[:, :, np.newaxis]
    r = widgets.slide_step(image, np.array([[2]]), 4, relu=False)
    np.testing.assert_array_equal(r.output[0, :4, 0], [2, 4, 6, 12])
    assert r.pixel == (0, 3) and r.z.tolist() == [12]


def test_inputs_are_not_modified():
    x, w = X.copy(), W.copy()
    x.flags.writeable = w.flags.writeable = False
    widgets.slide_step(x, w, 7)
    widgets.slide_step(x, w, 7, one_filter_at_a_time=True)
    np.testing.assert_array_equal(x, X)


@pytest.mark.parametrize(("args", "kwargs", "error", "words"), [
    ((X, W, 13), {}, ValueError, ["position", "at most 12", "13"]),
    ((X, W, 25), dict(one_filter_at_a_time=True), ValueError, ["at most 24"]),
    ((X, W, -1), {}, ValueError, ["position", "-1"]),
    ((X, W, 1.0), {}, TypeError, ["position", "integer"]),
    ((X, W[:4], 1), {}, ValueError, ["w has 4 input channels", "x has 5"]),
    ((X[:, :, 0], W, 1), {}, ValueError, ["x", "3 dimensions"]),
    ((X.tolist(), W, 1), {}, TypeError, ["x", "numpy array"]),
    ((X, None, 1), {}, TypeError, ["w"]),
    ((X, W, 1), dict(relu="yes"), TypeError, ["relu", "True or False"]),
    ((X, W, 1), dict(one_filter_at_a_time=1), TypeError, ["one_filter_at_a_time"]),
])
def test_bad_input_is_named(args, kwargs, error, words):
    with pytest.raises(error) as caught:
        widgets.slide_step(*args, **kwargs)
    for word in words:
        assert word in str(caught.value)


# -- the Stepper control ---------------------------------------------------------------

def _pictures(count: int) -> list[Frame]:
    return [Frame(f"png {k}".encode(), f"picture {k}", f"step {k}") for k in range(count + 1)]


class Browser:
    """What a stepper's front end sends (a request) and receives (its answer), through
    the widget's own message handling: the custom messages of a widget's comm."""

    def __init__(self, stepper: Stepper, monkeypatch: pytest.MonkeyPatch) -> None:
        self.stepper, self.answers = stepper, []
        monkeypatch.setattr(stepper, "send", lambda content, buffers: self.answers.append(
            (content, buffers)))

    def ask(self, want: list[int], key: int | None = None) -> tuple[dict, list]:
        key = self.stepper.key if key is None else key
        self.stepper._handle_custom_msg({"ask": "a1", "key": key, "want": want}, [])
        return self.answers[-1]


class TestStepper:
    def test_its_state_in_the_browser(self):
        s = Stepper("steps done", 10, value=3, play_step=2, interval=120)
        state = s.get_state()
        assert {k: state[k] for k in ("kind", "description", "value", "max", "play_step",
                                      "interval")} == {
            "kind": "stepper", "description": "steps done", "value": 3, "max": 10,
            "play_step": 2, "interval": 120}

    def test_draws_each_picture_asked_for_once_and_sends_it_as_a_buffer(self, monkeypatch):
        drawn = []

        def draw(k: int) -> Frame:
            drawn.append(k)
            return _pictures(10)[k]

        s = Stepper("steps", 10, frames=draw)
        browser = Browser(s, monkeypatch)
        content, buffers = browser.ask([4, 5, 6])  # more than one message holds
        assert Stepper.FRAMES_PER_MESSAGE == 2
        assert content == {"ask": "a1", "key": s.key, "frames": [
            {"position": 4, "alt": "picture 4", "html": "step 4"},
            {"position": 5, "alt": "picture 5", "html": "step 5"}]}
        assert buffers == [b"png 4", b"png 5"]
        browser.ask([5, 6])  # another view asks again: 5 is kept
        assert drawn == [4, 5, 6]

    def test_does_not_draw_for_old_keys_or_beyond_the_end(self, monkeypatch):
        s = Stepper("steps", 10, frames=_pictures(10))
        browser = Browser(s, monkeypatch)
        assert browser.ask([1], key=s.key - 1) == (
            {"ask": "a1", "key": s.key - 1, "frames": []}, [])
        content, _ = browser.ask([11, 12, 10])
        assert [f["position"] for f in content["frames"]] == [10]

    def test_new_pictures_have_a_new_key_and_none_is_kept(self):
        s = Stepper("steps", 2, frames=_pictures(2))
        key, first = s.key, s.frame(1)
        s.serve([f._replace(html="new") for f in _pictures(2)])
        assert s.key == key + 1
        assert s.frame(1) != first and s.frame(1).html == "new"

    def test_keeps_the_latest_pictures_only(self):
        s = Stepper("steps", 400, frames=lambda k: _pictures(0)[0])
        for k in range(400):
            s.frame(k)
        assert len(s._kept) == Stepper.FRAMES_KEPT

    def test_a_smaller_count_moves_the_value_back_and_drops_pictures_that_no_longer_fit(self):
        s = Stepper("steps", 8, value=7, frames=_pictures(8))
        s.set_count(4)
        assert (s.max, s.value) == (4, 4)
        with pytest.raises(RuntimeError, match=re.escape(
                "'steps': no pictures for positions 0 to 4; give them with serve()")):
            s.frame(2)
        s.set_count(8)
        s.serve(lambda k: _pictures(8)[k])
        s.set_count(2)  # a function of the position still holds
        assert s.frame(2).html == "step 2"

    def test_a_value_outside_is_refused_by_name(self):
        s = Stepper("steps", 8)
        with pytest.raises(traitlets.TraitError, match=re.escape(
                "'steps': the value must be from 0 to 8, got 9")):
            s.value = 9

    @pytest.mark.parametrize(("frames", "error", "words"), [
        (_pictures(3), ValueError,
         "'steps': frames must have one picture per position, 0 to 4: 5, got 4"),
        ("pictures", TypeError, "'steps': frames must be a function of the position or a "
                                "sequence of Frame, got a str"),
    ])
    def test_pictures_that_do_not_fit_are_refused(self, frames, error, words):
        with pytest.raises(error, match=re.escape(words)):
            Stepper("steps", 4, frames=frames)

    @pytest.mark.parametrize(("position", "error", "words"), [
        (5, ValueError, "'steps': the position must be from 0 to 4, got 5"),
        (2, TypeError, "'steps': the picture at 2 must be a Frame, got a bytes"),
    ])
    def test_a_picture_that_cannot_be_is_an_error(self, position, error, words):
        s = Stepper("steps", 4, frames=lambda k: b"png")
        with pytest.raises(error, match=re.escape(words)):
            s.frame(position)

    @pytest.mark.parametrize(("kwargs", "error", "word"), [
        (dict(count=0), ValueError, "count"),
        (dict(count=2.5), TypeError, "count"),
        (dict(count=4, value=-1), ValueError, "value"),
        (dict(count=4, value=5), ValueError, "value must be from 0 to count=4, got 5"),
        (dict(count=4, play_step=0), ValueError, "play_step"),
        (dict(count=4, interval=None), TypeError, "interval"),
    ])
    def test_bad_settings(self, kwargs, error, word):
        with pytest.raises(error, match=re.escape(word)):
            Stepper("steps", **kwargs)


# -- the step-through explorers --------------------------------------------------------

class TestSingleChannelStepper:
    def test_starts_on_the_first_pixel_with_the_product_written_out(self):
        e = widgets.single_channel_stepper()
        assert set(e.controls) == {"position"}
        assert isinstance(e.controls["position"], widgets.Stepper)
        assert e.result.pixel == (0, 0)
        assert "2 × 1 = <b>2</b>" in e.text
        numbers = face_numbers(e.figure, 2, (6, 6, 1))
        assert numbers == {(0, 0): "2"}
        # the input's numbers and the filter's value stay on their faces
        assert len(face_numbers(e.figure, 0, (6, 6, 1))) == 36
        assert face_numbers(e.figure, 1, (1, 1, 1)) == {(0, 0): "2"}

    def test_each_step_drops_one_doubled_number_in(self):
        e = widgets.single_channel_stepper()
        e.controls["position"].value += 2  # next ▶ twice, in the browser
        assert e.result.pixel == (0, 2)
        assert "2 × 3 = <b>6</b>" in e.text
        assert face_numbers(e.figure, 2, (6, 6, 1)) == {(0, 0): "2", (0, 1): "4", (0, 2): "6"}
        assert e.png == viz.to_png(e.figure)

    def test_the_browser_gets_each_positions_picture_and_line_from_the_kernel(self):
        e = widgets.single_channel_stepper()
        stepper = e.controls["position"]
        frame = stepper.frame(3)
        assert stepper.value == 1, "drawing a picture does not move the stepper"
        stepper.value = 3
        assert (frame.html, frame.alt, frame.png) == (e.text, e.figure.alt, e.png)
        assert frame.png.startswith(b"\x89PNG")

    def test_the_last_step_shows_the_whole_doubled_matrix(self):
        e = widgets.single_channel_stepper()
        e.controls["position"].value = e.controls["position"].max
        numbers = face_numbers(e.figure, 2, (6, 6, 1))
        for (i, j), value in np.ndenumerate(2 * data.SEED_MATRIX):
            assert numbers[(i, j)] == str(value)
        assert "2 × 5 = <b>10</b>" in e.text  # the seed matrix ends with a 5

    def test_step_0_invites_to_press_play(self):
        e = widgets.single_channel_stepper()
        e.controls["position"].value = 0
        assert "press ▶" in e.text
        assert not artists(e.figure, "box0-pixel")
        assert face_numbers(e.figure, 2, (6, 6, 1)) == {}


class TestMultiChannelStepper:
    def test_the_notebooks_arrays_one_filter_first(self):
        x, w = data.random_volume(6, 6, 32, seed=0), data.random_filters(32, 8, seed=1)
        e = widgets.multi_channel_stepper(x, w)
        assert (e.controls["n_F"].value, e.controls["n_F"].max) == (1, 8)
        assert e.controls["position"].max == 36
        r = e.result
        assert (r.filter, r.pixel) == (0, (0, 0))
        assert f"= {x[0, 0] @ w[:, 0]:.3f} → ReLU → <b>{max(x[0, 0] @ w[:, 0], 0):.3f}</b>" \
            in e.text

    def test_more_filters_more_steps_and_the_output_grows_a_channel_per_filter(self):
        e = widgets.multi_channel_stepper()
        e.controls["n_F"].value = 3
        assert e.controls["position"].max == 108
        e.controls["position"].value = 36 + 14  # filter 1, pixel (2, 1)
        r = e.result
        assert (r.filter, r.pixel) == (1, (2, 1))
        assert [t.get_text() for t in artists(e.figure, "box2-depth")] == ["2"], \
            "filters 0 and 1 so far"
        # the number under the filter is the ReLU of the dot product there
        a = max(float(r.x[2, 1] @ r.w[:, 1]), 0.0)
        assert face_numbers(e.figure, 2, (6, 6, 2))[(2, 1)] == f"{a:.2f}"
        assert "filter 1 of 3" in [t.get_text().split("\n")[0]
                                   for t in artists(e.figure, "caption1")]

    def test_more_filters_new_pictures(self):
        e = widgets.multi_channel_stepper()
        stepper = e.controls["position"]
        key, one_filter = stepper.key, stepper.frame(36)
        e.controls["n_F"].value = 2
        assert stepper.key == key + 1, "the browser forgets the pictures of one filter"
        assert stepper.frame(36) != one_filter
        assert "step 36 of 72" in stepper.frame(36).html

    def test_fewer_filters_bring_the_position_back_within_the_steps(self):
        e = widgets.multi_channel_stepper(n_F=4)
        e.controls["position"].value = 140
        e.controls["n_F"].value = 2
        assert e.controls["position"].value == 72
        assert (e.result.filter, e.result.pixel) == (1, (5, 5))


class TestShrinkingChannelsStepper:
    def test_the_lecture_layer_a_row_per_frame(self):
        e = widgets.shrinking_channels_stepper()
        position = e.controls["position"]
        assert (position.max, position.play_step) == (784, 28)
        assert e.result.x.shape == (28, 28, 192) and e.result.w.shape == (192, 32)
        position.value = 28 * 10 + 5  # pixel (10, 4)
        r = e.result
        assert r.pixel == (10, 4)
        kept = int((r.x[10, 4] @ r.w > 0).sum())
        assert f"the ReLU keeps {kept} and sets {32 - kept} to 0" in e.text
        # the output's front face is painted where computed, blank after
        (paint,) = [im for im in e.figure.axes[0].images if im.get_gid() == "box2-paint"]
        shown = paint.get_array()
        assert shown.mask.reshape(-1).tolist() == [False] * 285 + [True] * (784 - 285)
        np.testing.assert_allclose(shown[:10].data, finished(r.x, r.w)[:10, :, 0], atol=1e-12)

    def test_takes_a_notebooks_arrays(self):
        x, w = data.random_volume(4, 5, 6, seed=0), data.random_filters(6, 3, seed=1)
        e = widgets.shrinking_channels_stepper(x, w)
        assert (e.controls["position"].max, e.controls["position"].play_step) == (20, 5)
        e.controls["position"].value = 20
        np.testing.assert_allclose(e.result.output, finished(x, w), atol=1e-12)
