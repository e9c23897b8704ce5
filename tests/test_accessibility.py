"""Every figure the course draws says what it shows in words, and every live widget
has a still for where widgets cannot run; quiz feedback is not said by colour."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest

import nav  # tools/nav.py, on sys.path through conftest
from onebyone import viz, widgets
from onebyone.exercises import Question
from test_bad_input import CASES

IMG = re.compile(r"<img\b[^>]*>")
ALT = re.compile(r'\balt="([^"]*)"')
WIDGET = "application/vnd.jupyter.widget-view+json"

# A text alternative says what the figure shows and the few numbers that matter. What
# counts as a number: a run of digits with its sign and its decimal point or thousands
# commas, so -0.45, 120,422,400 and 2 count one each, a shape 6×6×32 three (×, "to" and
# spaces separate numbers). A value not computed yet reads "not yet computed", never nan.
NUMBER = re.compile(r"[−-]?\d+(?:[.,]\d+)*")
MAX_NUMBERS = 40


def count_numbers(text: str) -> int:
    return len(NUMBER.findall(text))


def dump_in(alt: str) -> str | None:
    """What is wrong with a text alternative (a NaN, too many numbers), or None."""
    if re.search(r"\bnan\b", alt, re.IGNORECASE):
        return "says nan: a cell not computed yet must read 'not yet computed'"
    if count_numbers(alt) > MAX_NUMBERS:
        return f"holds {count_numbers(alt)} numbers, more than {MAX_NUMBERS}: a dump"
    return None


def test_the_counting_of_numbers_is_the_documented_one():
    assert count_numbers("6×6×32 ∗ 8 filters of 1×1×32") == 7
    assert count_numbers("from -0.45 to 1.19, 120,422,400 multiplications, −3") == 4
    assert dump_in("first row 2 nan nan") and dump_in(" ".join(["1"] * 41))
    assert dump_in(" ".join(["1"] * 40)) is None and dump_in("financial") is None
    assert viz._figure._count_numbers("6×6×32, −0.5 and 120,422,400") == 5  # viz's budget agrees


def _outputs():
    for path in nav.course_notebooks():
        for k, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            for output in cell.get("outputs", []):
                yield f"{path.name} cell {k}", output.get("data", {})


def test_no_stored_picture_lacks_a_text_alternative():
    pictures = 0
    for where, data in _outputs():
        assert "image/png" not in data, f"{where}: a bare image/png has no text alternative"
        for img in IMG.findall("".join(data.get("text/html", ""))):
            pictures += 1
            alt = ALT.search(img)
            assert alt, f"{where}: an <img> without alt"
            words = html.unescape(alt.group(1))
            # meaningful: a sentence with the numbers that matter, not a file name
            assert len(words) >= 40 and re.search(r"\d", words), f"{where}: alt {words!r}"
    assert pictures >= 50  # the course's figures and the widgets' stills (57 today)


def test_no_stored_text_alternative_is_a_dump():
    """Every <img alt> stored in a notebook, the figures' and the explorers' stills:
    no nan, at most MAX_NUMBERS numbers (the stored outputs follow the package once the
    notebooks are executed again)."""
    faults = []
    for where, data in _outputs():
        for img in IMG.findall("".join(data.get("text/html", ""))):
            alt = html.unescape(ALT.search(img).group(1))
            if fault := dump_in(alt):
                faults.append(f"{where}: the alt {fault}: {alt[:120]!r}…")
    assert not faults, "\n".join(faults)


def _settings(explorer: widgets.Explorer):
    """Move every control through its range, one at a time (each option of a choice;
    lowest, middle and highest of a slider or stepper), then all to their highest,
    yielding a description of each setting after the explorer redrew."""
    yield "its first settings"
    for name, control in explorer.controls.items():
        if hasattr(control, "options"):
            values = list(control.options)
        else:
            values = [control.min, (control.min + control.max) // 2, control.max]
        for value in values:
            control.value = value
            yield f"{name} = {value}"
    for control in explorer.controls.values():
        if not hasattr(control, "options"):
            control.value = control.max
    yield "every control at its highest"


@pytest.mark.parametrize("name", sorted(widgets.explorers()))
def test_no_explorers_or_steppers_picture_has_a_dump_for_its_text(name):
    explorer = widgets.explorers()[name]()
    still = explorer._repr_mimebundle_()["text/html"]
    (img,) = IMG.findall(still)
    assert not dump_in(html.unescape(ALT.search(img).group(1)))
    for setting in _settings(explorer):
        alt = explorer.alt
        assert alt == explorer.figure.alt, setting
        assert len(alt) >= 40, f"{name} at {setting}: {alt!r}"
        assert not (fault := dump_in(alt)), f"{name} at {setting}: the alt {fault}: {alt!r}"


def test_a_steppers_unfilled_cells_read_not_yet_computed():
    stepper = widgets.single_channel_stepper()
    stepper.controls["position"].value = 8
    alt = stepper.figure.alt
    assert "first row 2 4 6 12 10 16;" in alt and "8 of 36 computed" in alt
    assert "the rest not yet computed" in alt
    stepper.controls["position"].value = 3
    assert "first row 2 4 6 (3 not yet computed)" in stepper.figure.alt
    stepper = widgets.shrinking_channels_stepper()  # a painted face: no numbers on it
    stepper.controls["position"].value = 30
    assert "30 of 784 values computed, the rest not yet computed" in stepper.figure.alt


def test_every_live_widget_output_has_a_still():
    widget_outputs = 0
    for where, data in _outputs():
        if WIDGET in data:
            widget_outputs += 1
            still = "".join(data.get("text/html", ""))
            assert "onebyone-still" in still, f"{where}: no still for a static page"
            assert "python3 tools/course.py lab" in still
    assert widget_outputs >= 15


VIZ_CASES = [case for case in CASES if case.func.__module__.startswith("onebyone.viz.")
             and case.func.__annotations__.get("return") in ("Figure", viz.Figure)]


def _call(case):
    star = [name for name, value in case.kwargs.items() if isinstance(value, tuple)
            and value and isinstance(value[0], np.ndarray)]
    if star:  # *args of arrays
        return case.func(*case.kwargs[star[0]],
                         **{k: v for k, v in case.kwargs.items() if k != star[0]})
    return case.func(**case.kwargs)


@pytest.mark.parametrize("case", VIZ_CASES, ids=lambda c: c.func.__name__)
def test_every_figure_of_viz_describes_itself(case):
    fig = _call(case)
    assert isinstance(fig, viz.Figure)
    assert len(fig.alt) >= 40 and re.search(r"\d", fig.alt), fig.alt
    assert not dump_in(fig.alt), fig.alt
    bundle = fig._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    (img,) = IMG.findall(bundle["text/html"])
    assert html.unescape(ALT.search(img).group(1)) == fig.alt


def test_every_viz_function_that_draws_is_checked():
    drawn = {case.func.__name__ for case in VIZ_CASES
             if isinstance(_call(case), viz.Figure)}
    assert {"volume_diagram", "heatmap", "class_maps", "canvas_class_maps", "confusion",
            "training_curves", "show_images"} <= drawn


def test_the_volume_diagram_reads_the_lectures_picture_in_words():
    seed = np.array([[1, 2, 3, 6, 5, 8]] * 6)
    fig = viz.volume_diagram([(6, 6, 1), (1, 1, 1, 1), (6, 6, 1)], ["∗", "="],
                             values=[seed, np.array([[2]]), 2 * seed])
    # the first row in, the filter, the first row out: the numbers that matter
    assert "6×6×1, numbers on its front face: first row 1 2 3 6 5 8;" in fig.alt
    assert "∗ a filter of 1×1×1, numbers on its front face: value 2 = 6×6×1" in fig.alt
    assert "first row 2 4 6 12 10 16;" in fig.alt
    assert count_numbers(fig.alt) <= 40


def test_an_explorers_picture_carries_its_text_alternative():
    explorer = widgets.single_channel_explorer()
    assert explorer.alt == explorer.figure.alt != ""
    explorer.controls["w"].value = 3.0
    assert explorer.alt == explorer.figure.alt and "18" in explorer.figure.alt


def test_quiz_feedback_is_in_words_and_the_themes_colour():
    quiz = widgets.quiz([Question("2 + 2?", ["3", "4"], answer=1, why="counting")])
    quiz.choices[0].index = 0
    assert "✗ Not yet" in quiz.feedback[0].value and "color" not in quiz.feedback[0].value
    quiz.choices[0].index = 1
    assert "✓ Correct" in quiz.feedback[0].value and "color" not in quiz.feedback[0].value
    still = quiz._repr_mimebundle_()["text/html"]
    assert "2 + 2?" in still and "<li>4</li>" in still and "<input" not in still
