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


def test_every_live_widget_output_has_a_still():
    widget_outputs = 0
    for where, data in _outputs():
        if WIDGET in data:
            widget_outputs += 1
            still = "".join(data.get("text/html", ""))
            assert "onebyone-still" in still, f"{where}: no still for a static page"
            assert "python3 tools/course.py lab" in still
    assert widget_outputs >= 15


VIZ_CASES = [case for case in CASES if case.func.__module__ == "onebyone.viz"
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
    assert "6×6×1 with numbers, rows 1 2 3 6 5 8" in fig.alt
    assert "∗ a filter of 1×1×1 with numbers, rows 2 = 6×6×1" in fig.alt
    assert "rows 2 4 6 12 10 16" in fig.alt


def test_an_explorers_picture_carries_its_text_alternative():
    explorer = widgets.single_channel_explorer()
    assert explorer.image.tooltip == explorer.figure.alt != ""
    explorer.controls["w"].value = 3.0
    assert explorer.image.tooltip == explorer.figure.alt and "18" in explorer.figure.alt


def test_quiz_feedback_is_in_words_and_the_themes_colour():
    quiz = widgets.quiz([Question("2 + 2?", ["3", "4"], answer=1, why="counting")])
    quiz.choices[0].index = 0
    assert "✗ Not yet" in quiz.feedback[0].value and "color" not in quiz.feedback[0].value
    quiz.choices[0].index = 1
    assert "✓ Correct" in quiz.feedback[0].value and "color" not in quiz.feedback[0].value
    still = quiz._repr_mimebundle_()["text/html"]
    assert "2 + 2?" in still and "<li>4</li>" in still and "<input" not in still
