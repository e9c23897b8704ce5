"""The committed notebooks: executed cleanly, framed as a lesson, navigation current.

Their stored outputs are compared with fresh runs by nbval (pytest --nbval), which
collects the notebooks themselves; these tests check everything else about them.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

import nav  # tools/nav.py, importable through tests/conftest.py
from lecture import LECTURE
from onebyone import viz
from onebyone.exercises import Feedback, Question

ROOT = Path(__file__).resolve().parent.parent

NOTEBOOKS = nav.course_notebooks()
LOCAL_PATH = re.compile(r"(/root/|/home/\w|/tmp/|/work/|site-packages|[A-Z]:\\\\Users)")
LIVE_TAG = "nbval-ignore-output"


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(output: dict) -> str:
    parts = [output.get("text", "")]
    parts += [output.get("data", {}).get(k, "") for k in ("text/plain", "text/html")]
    return "\n".join("".join(p) if isinstance(p, list) else p for p in parts)


def _markdown(path: Path) -> str:
    return "\n".join("".join(c["source"]) for c in _cells(path) if c["cell_type"] == "markdown")


def test_the_course_has_its_notebooks():
    names = [p.name for p in NOTEBOOKS]
    assert names[:3] == ["00_index.ipynb", "01_single_channel.ipynb", "02_multi_channel.ipynb"]
    stray = [p.name for p in (ROOT / "notebooks").glob("*.ipynb") if p not in NOTEBOOKS]
    assert not stray, f"notebooks not named NN_slug.ipynb: {stray}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_top_to_bottom_without_errors(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in nb["metadata"], "saved widget state: run tools/run_notebooks.py"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    for k, cell in enumerate(code, start=1):
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"cell [{k}] stored an error"
            assert output.get("name") != "stderr", f"cell [{k}] wrote to stderr"
            found = LOCAL_PATH.search(_text(output))
            assert found is None, f"cell [{k}] shows a local path {found.group(0)!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_live_widget_cells_skip_output_comparison(path):
    for cell in _cells(path):
        if LIVE_TAG in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            assert re.search(r"widgets\.(\w+_explorer|\w+_stepper|quiz)\(", source), (
                f"{LIVE_TAG} is only for cells that display a live widget, not:\n{source}")


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=lambda p: p.name)
def test_ends_with_a_quiz_whose_answers_are_folded_away(path):
    quizzes = [c for c in _cells(path) if "widgets.quiz(" in "".join(c["source"])]
    assert quizzes, "every lesson ends with a quiz"
    for cell in quizzes:
        assert cell["metadata"].get("jupyter", {}).get("source_hidden"), (
            "hide the quiz's source (it holds the answers): metadata.jupyter.source_hidden")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_framed_as_a_lesson(path):
    cells = _cells(path)
    assert cells[0]["cell_type"] == "markdown"
    assert "".join(cells[0]["source"]).startswith("# ")
    text = _markdown(path)
    for heading in ("**What you'll learn**", "**What you need**", "## Summary",
                    "## On your own", "## Further reading"):
        assert heading in text, f"missing {heading!r}"
    assert "arXiv:1312.4400" in text, "further reading must cite the NIN paper"
    assert "<details>" in text and "<summary>Solution</summary>" in text
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert re.search(r"\bcheck_\w+\(", code), "an exercise with an instant check"


def test_navigation_is_current():
    assert nav.stale() == {}, "run: python tools/nav.py"
    assert nav.expected_readme() == (ROOT / "README.md").read_text(encoding="utf-8"), (
        "the README's list of notebooks is stale: run python tools/nav.py")


def test_navigation_links_follow_the_course_order():
    for k, path in enumerate(NOTEBOOKS):
        top = next(c for c in _cells(path) if c.get("id") == nav.NAV_TOP)
        targets = re.findall(r"\]\(([^)]+)\)", "".join(top["source"]))
        if k > 0:
            assert targets[0] == NOTEBOOKS[k - 1].name
        if k + 1 < len(NOTEBOOKS):
            assert targets[-1] == NOTEBOOKS[k + 1].name


def test_index_lists_every_notebook():
    index = _markdown(ROOT / "notebooks" / "00_index.ipynb")
    for path in NOTEBOOKS[1:]:
        assert f"]({path.name})" in index, f"00_index does not list {path.name}"


def test_nav_check_detects_stale_navigation(tmp_path):
    """The check above can fail: a new title makes its neighbours' links stale."""
    for path in NOTEBOOKS[:3]:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    nb = json.loads((tmp_path / NOTEBOOKS[1].name).read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = "# 01 · A new title\n\nA new blurb."
    (tmp_path / NOTEBOOKS[1].name).write_text(json.dumps(nb), encoding="utf-8")
    # the index lists it and 02 links back to it; 01's own links do not show its title
    assert {p.name for p in nav.stale(tmp_path)} == {NOTEBOOKS[0].name, NOTEBOOKS[2].name}


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                             "src", "tests", "notebooks", "tools", "benchmarks"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# -- folded solutions: each ends with its check, and the check passes -------------------

DETAILS = re.compile(r"<details>\s*<summary>(?P<summary>[^<]*)</summary>(?P<body>.*?)</details>",
                     re.S)
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _solutions(path: Path) -> list[tuple[int, str]]:
    """(index of the markdown cell, code) of each folded solution, in order."""
    return [(index, "".join(PYTHON_BLOCK.findall(match["body"])))
            for index, cell in enumerate(_cells(path)) if cell["cell_type"] == "markdown"
            for match in DETAILS.finditer("".join(cell["source"]))
            if match["summary"].strip() == "Solution"]


SOLUTIONS = [pytest.param(path, k, id=f"{path.stem}-solution{k}")
             for path in NOTEBOOKS for k in range(1, len(_solutions(path)) + 1)]


def _check_called_last(code: str) -> str | None:
    """The name of the check_... function that ``code``'s last statement calls, if it does."""
    tree = ast.parse(code)
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call) \
            and isinstance(last.value.func, ast.Name) and last.value.func.id.startswith("check_"):
        return last.value.func.id
    return None


def _run(code: str, namespace: dict, name: str) -> object:
    """Run ``code`` in ``namespace``, as a notebook cell: the value of its last statement
    when that is an expression."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, name, "exec"), namespace)
    if last is not None:
        return eval(compile(ast.Expression(last.value), name, "eval"), namespace)
    return None


@functools.cache
def _solution_results(path: Path) -> dict[int, object]:
    """Run the notebook's code cells in order, in one namespace (live widgets left out),
    and each folded solution where it stands, in a copy of that namespace: what the
    solution's last statement gives, by the solution's number."""
    by_cell: dict[int, list[tuple[int, str]]] = {}
    for k, (index, code) in enumerate(_solutions(path), start=1):
        by_cell.setdefault(index, []).append((k, code))
    namespace: dict = {"__name__": "__main__", "display": lambda *objects: None}
    results = {}
    here = os.getcwd()
    os.chdir(path.parent)  # as in JupyterLab, the kernel starts next to the notebook
    try:
        for index, cell in enumerate(_cells(path)):
            if cell["cell_type"] == "code" and LIVE_TAG not in cell["metadata"].get("tags", []):
                code = "\n".join(line for line in "".join(cell["source"]).splitlines()
                                 if not line.lstrip().startswith("%"))  # %matplotlib inline
                _run(code, namespace, f"{path.name} cell {index}")
            for k, code in by_cell.get(index, []):
                results[k] = _run(code, dict(namespace), f"{path.name} solution {k}")
    finally:
        os.chdir(here)
    return results


@pytest.mark.parametrize(("path", "k"), SOLUTIONS)
def test_folded_solution_ends_with_the_exercise_check(path, k):
    index, code = _solutions(path)[k - 1]
    check = _check_called_last(code)
    assert check, f"solution {k} should end with its check_... call, so that its ✓ shows:\n{code}"
    cells = _cells(path)
    exercise = next(c for c in reversed(cells[:index]) if c["cell_type"] == "code")
    assert f"{check}(" in "".join(exercise["source"]), (
        f"the exercise cell before solution {k} should call {check} too")


@pytest.mark.parametrize(("path", "k"), SOLUTIONS)
def test_folded_solution_passes_its_check(path, k):
    feedback = _solution_results(path)[k]
    assert isinstance(feedback, Feedback), f"solution {k} ends with {feedback!r}, not a check"
    assert feedback.correct, f"solution {k}: {feedback!r}"


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=lambda p: p.name)
def test_answers_are_folded_away(path):
    """An answer to a question stays hidden until the learner unfolds it."""
    for cell in _cells(path):
        if cell["cell_type"] == "markdown":
            visible = DETAILS.sub("", "".join(cell["source"]))
            assert not re.search(r"\banswer\s*:", visible, re.I), (
                f"fold the answer in <details><summary>Answer</summary>:\n{visible}")
    summaries = {m["summary"].strip() for m in DETAILS.finditer(_markdown(path))}
    assert summaries <= {"Solution", "Answer"}, summaries


# -- the lecture's pictures and the quizzes of 01, 05 and 06 ---------------------------

class Drawn(NamedTuple):
    shapes: list
    operators: list
    values: list | None
    pixel: tuple | None


def _code(cell: dict) -> str:
    return "\n".join(line for line in "".join(cell["source"]).splitlines()
                     if not line.lstrip().startswith("%"))  # %matplotlib inline


@functools.cache
def volume_diagrams(path: Path) -> tuple[list[Drawn], dict]:
    """Run the notebook's code cells in order (live widgets left out), recording every
    viz.volume_diagram it draws: (the diagrams, the namespace after the last cell)."""
    drawn, draw = [], viz.volume_diagram

    def recording(shapes, operators, captions=None, values=None, pixel=None):
        drawn.append(Drawn([tuple(s) for s in shapes], list(operators), values, pixel))
        return draw(shapes, operators, captions=captions, values=values, pixel=pixel)

    namespace: dict = {"__name__": "__main__", "display": lambda *objects: None}
    here = os.getcwd()
    os.chdir(path.parent)
    viz.volume_diagram = recording
    try:
        for index, cell in enumerate(_cells(path)):
            if cell["cell_type"] == "code" and LIVE_TAG not in cell["metadata"].get("tags", []):
                _run(_code(cell), namespace, f"{path.name} cell {index}")
    finally:
        viz.volume_diagram = draw
        os.chdir(here)
    return drawn, namespace


def test_01_draws_the_lecture_picture_with_the_notebook_numbers():
    drawn, namespace = volume_diagrams(ROOT / "notebooks" / "01_single_channel.ipynb")
    picture = drawn[0]  # the first volumes of the course
    assert picture.shapes == [(6, 6, 1), (1, 1, 1, 1), (6, 6, 1)]
    assert picture.operators == ["∗", "="]
    image, filter_value, output = picture.values
    np.testing.assert_array_equal(image, LECTURE)
    np.testing.assert_array_equal(filter_value, [[2]])
    np.testing.assert_array_equal(output, 2 * LECTURE)
    assert output is namespace["out"]  # the loop's result, not numbers typed again


def _quiz_questions(cell: dict) -> list[Question]:
    """The Questions a quiz cell passes to widgets.quiz, without drawing the widget."""
    asked: list = []
    namespace = {"widgets": type("Widgets", (), {"quiz": staticmethod(asked.extend)})}
    exec("".join(cell["source"]), namespace)
    return asked


# the quizzes rewritten with the mistakes learners make (the issue "The lecture's
# pictures, live"); the other notebooks' quizzes are to follow
REVISED_QUIZZES = ["01_single_channel", "05_colour_as_1x1", "06_nonlinearity_and_learning"]


@pytest.mark.parametrize("name", REVISED_QUIZZES)
def test_quiz_answers_are_not_always_in_one_place(name):
    [cell] = [c for c in _cells(ROOT / "notebooks" / f"{name}.ipynb")
              if "widgets.quiz(" in "".join(c["source"])]
    questions = _quiz_questions(cell)
    assert len(questions) >= 3 and all(isinstance(q, Question) for q in questions)
    assert all(len(q.options) >= 3 for q in questions), "a right answer and two mistakes"
    # "always the first option" must not score full marks
    assert len({q.answer for q in questions}) > 1, [q.answer for q in questions]
