"""onebyone.controls without a browser: the labelled sliders' state, what they send to
their front end, and their errors (the browser suite drives them by keyboard and mouse)."""

from __future__ import annotations

import re

import pytest
import traitlets

from onebyone import controls


def test_a_number_slider_holds_its_range_and_names_itself():
    slider = controls.IntSlider("filters n_F", 8, 1, 64)
    assert (slider.description, slider.value, slider.min, slider.max, slider.step) == (
        "filters n_F", 8, 1, 64, 1)
    assert slider.continuous_update is False and slider.labels == []
    state = slider.get_state()
    assert (state["description"], state["value"], state["max"]) == ("filters n_F", 8, 64)


@pytest.mark.parametrize(("step", "decimals"), [(0.5, 1), (0.05, 2), (1.0, 0)])
def test_a_float_sliders_readout_shows_the_decimals_of_its_step(step, decimals):
    assert controls.FloatSlider("w", 0.0, -1.0, 1.0, step).decimals == decimals


@pytest.mark.parametrize("value", [0, 65])
def test_a_value_outside_the_range_is_refused_by_name(value):
    slider = controls.IntSlider("filters n_F", 8, 1, 64)
    with pytest.raises(traitlets.TraitError,
                       match=re.escape(f"'filters n_F': the value must be from 1 to 64, "
                                       f"got {value}")):
        slider.value = value
    assert slider.value == 8


@pytest.mark.parametrize(("args", "words"), [
    (("n", 70, 1, 64), "the value must be from 1 to 64, got 70"),
    (("n", 3, 5, 4), "min must be at most max, got min=5, max=4"),
    (("n", 3, 1, 4, 0), "step must be positive, got 0"),
])
def test_a_slider_built_wrong_says_what_was_expected(args, words):
    with pytest.raises((ValueError, traitlets.TraitError), match=re.escape(words)):
        controls.IntSlider(*args)


def test_an_int_slider_refuses_a_fraction():
    with pytest.raises(traitlets.TraitError, match="expected an int"):
        controls.IntSlider("n", 2, 1, 4).value = 2.5


def test_a_new_end_moves_the_value_inside():
    slider = controls.IntSlider("position", 9, 0, 10)
    seen = []
    slider.observe(lambda change: seen.append(change["new"]), names="value")
    slider.max = 4
    assert (slider.value, seen) == (4, [4])
    slider.min, slider.max = 0, 20
    assert slider.value == 4


def test_a_selection_slider_moves_an_index_and_announces_the_option():
    slider = controls.SelectionSlider("SE reduction r", [2, 4, 8, 16], 8)
    assert (slider.value, slider.index, slider.labels) == (8, 2, ["2", "4", "8", "16"])
    slider.index = 3  # what the browser sends
    assert slider.value == 16
    slider.value = 2  # what Python sets
    assert slider.index == 0
    assert "value" not in slider.get_state()  # the browser knows the index and the labels


@pytest.mark.parametrize(("change", "words"), [
    (dict(value=3), "'r': the value must be one of the options [2, 4], got 3"),
    (dict(index=2), "'r': the index must be from 0 to 1, got 2"),
])
def test_a_selection_slider_refuses_what_is_not_an_option(change, words):
    slider = controls.SelectionSlider("r", [2, 4], 4)
    with pytest.raises(traitlets.TraitError, match=re.escape(words)):
        slider.set_trait(*next(iter(change.items())))
    assert (slider.value, slider.index) == (4, 1)


@pytest.mark.parametrize(("args", "words"), [
    (("r", [], None), "'r': options must not be empty"),
    (("r", [2, 4], 3), "'r': value must be one of the options [2, 4], got 3"),
])
def test_a_selection_slider_built_wrong_says_what_was_expected(args, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        controls.SelectionSlider(*args)


def test_the_front_end_is_a_labelled_native_range_input():
    """The ES module and its styles ship beside the module (package data), and build the
    three elements that name the slider and show its value."""
    source = controls.HERE.joinpath("controls.js").read_text(encoding="utf-8")
    for made in ('createElement("label")', 'createElement("input")',
                 'createElement("output")', 'input.type = "range"', "label.htmlFor = id",
                 '"aria-valuetext"', "export default { render }"):
        assert made in source, made
    assert ":focus-visible" in controls.HERE.joinpath("controls.css").read_text("utf-8")


class Sent:
    """What a control sends its front end (custom messages), and a message to it from
    the browser, through the widget's own message handling."""

    def __init__(self, control, monkeypatch: pytest.MonkeyPatch) -> None:
        self.control, self.messages = control, []
        monkeypatch.setattr(control, "send", lambda content, buffers=None: self.messages.append(
            content))

    def from_browser(self, content: dict) -> dict:
        self.control._handle_custom_msg(content, [])
        return self.messages[-1]


@pytest.mark.parametrize(("slider", "ahead", "prepared"), [
    (controls.FloatSlider("w", 2.0, -3.0, 3.0, 0.1), 0.30000000000000004, [0.3]),  # snapped
    (controls.FloatSlider("w", 2.0, -3.0, 3.0, 0.5), -3, [-3.0]),  # Home, sent as an int
    (controls.IntSlider("n", 2, 1, 8), 8, [8]),
    (controls.IntSlider("n", 2, 1, 8), 9, []),  # outside: nothing to draw
    (controls.SelectionSlider("r", [2, 4, 8], 4), 2, [8]),  # an index: its option
    (controls.SelectionSlider("r", [2, 4, 8], 4), 3, []),
])
def test_a_slider_prepares_the_values_the_browser_names_ahead(slider, ahead, prepared,
                                                              monkeypatch):
    got = []
    slider.prepare = got.append
    sent = Sent(slider, monkeypatch)
    assert sent.from_browser({"ahead": ahead}) == {"ready": ahead}, "the browser names the next"
    assert got == prepared
    assert all(type(value) is type(slider.value) for value in got)


def test_a_slider_told_again_names_its_values_ahead_again(monkeypatch):
    slider = controls.IntSlider("n", 2, 1, 8)
    sent = Sent(slider, monkeypatch)
    slider.again()
    assert sent.messages == [{"again": True}]
    slider.prepare = None  # nothing to prepare: it still answers, so the browser goes on
    assert sent.from_browser({"ahead": 3}) == {"ready": 3}


def test_an_explorer_draws_ahead_what_a_key_would_show_and_shows_it_without_drawing(
        monkeypatch):
    from onebyone import viz, widgets

    explorer = widgets.single_channel_explorer()
    w, b = explorer.controls["w"], explorer.controls["b"]
    Sent(w, monkeypatch).from_browser({"ahead": w.value + w.step})
    told_b = Sent(b, monkeypatch)
    draws = []
    draw = explorer._draw
    monkeypatch.setattr(explorer, "_draw", lambda result: draws.append(1) or draw(result))
    w.value += w.step
    assert draws == [], "the picture drawn ahead is shown"
    assert explorer.png == viz.to_png(explorer.figure)  # the figure, drawn when asked for
    assert told_b.messages == [{"again": True}], "b's pictures ahead no longer hold"
