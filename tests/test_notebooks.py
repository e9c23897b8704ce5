"""The committed notebooks: executed cleanly, framed as a lesson, navigation current.

Their stored outputs are compared with fresh runs by nbval (pytest --nbval), which
collects the notebooks themselves; these tests check everything else about them.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import nbformat
import numpy as np
import pytest

import nav  # tools/nav.py, importable through tests/conftest.py
from lecture import LECTURE
from notebook_run import DETAILS, PYTHON_BLOCK, Drawn, executed, without_magics
from notebook_run import solutions as _solutions

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


# -- "On your own": every exercise checks its answer instantly -----------------------

class Exercise(NamedTuple):
    lead: str  # "**2.**", "**Think about it.**", or the opening words of an unnumbered one
    checks: set  # the check_... functions its code cells call
    solutions: list  # for each folded Solution, the check_... its code ends with (or None)
    answers: int  # folded answers in words (<summary>Answer</summary>)


EXERCISE_LEAD = re.compile(r"\*\*[^*\n]+[.?:!]\*\*")
"""A paragraph that opens with a bold lead ending in punctuation starts an exercise:
``**2.**``, ``**Think about it.**``."""
SECTION_END = re.compile(r"#{1,2} ")


def _calls(code: str) -> set[str]:
    """The check_... functions that ``code`` calls."""
    tree = ast.parse(_code({"source": code}))
    return {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name) and node.func.id.startswith("check_")}


def _events(cells: list[dict]) -> list[tuple[str, str]]:
    """The cells as a stream, in order: ("heading", text), ("paragraph", text),
    ("details", markdown of a <details>), ("code", source), ("quiz", source)."""
    events = []
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code":
            events.append(("quiz" if "widgets.quiz(" in source else "code", source))
            continue
        if cell["cell_type"] != "markdown":
            continue
        position = 0
        for match in [*DETAILS.finditer(source), None]:
            text = source[position:match.start() if match else len(source)]
            for paragraph in re.split(r"\n\s*\n", text):
                paragraph = paragraph.strip()
                if paragraph:
                    kind = "heading" if paragraph.startswith("#") else "paragraph"
                    events.append((kind, paragraph))
            if match:
                events.append(("details", match[0]))
                position = match.end()
    return events


def exercises(cells: list[dict]) -> list[Exercise]:
    """The exercises of a notebook's "On your own" section (its cells given), which runs
    from that heading to the next heading of its level or above, or to the quiz.

    Each paragraph that opens with a bold lead (``**2.**``) starts an exercise; text before
    the first lead starts one too (a section with a single exercise needs no number), and
    everything up to the next lead belongs to it: prose, code cells, folded solutions."""
    found: list[Exercise] = []
    inside = False
    for kind, text in _events(cells):
        if kind == "heading":
            if inside and SECTION_END.match(text):
                break
            inside = inside or text.lstrip("#").strip() == "On your own"
            continue
        if not inside:
            continue
        if kind == "quiz":
            break
        lead = EXERCISE_LEAD.match(text) if kind == "paragraph" else None
        if lead or not found:
            found.append(Exercise(lead[0] if lead else text[:40], set(), [], 0))
        exercise = found[-1]
        if kind == "code":
            exercise.checks.update(_calls(text))
        elif kind == "details":
            match = DETAILS.match(text)
            if match["summary"].strip() == "Solution":
                code = "".join(PYTHON_BLOCK.findall(match["body"]))
                exercise.solutions.append(_check_called_last(code) if code.strip() else None)
            else:
                found[-1] = exercise._replace(answers=exercise.answers + 1)
    return found


def exercise_problems(cells: list[dict]) -> list[str]:
    """What keeps each exercise of ``cells`` from checking its answer instantly."""
    problems = []
    for exercise in exercises(cells):
        where = f"exercise {exercise.lead!r}"
        if not exercise.checks:
            problems.append(f"{where}: no code cell calls a check_... function")
        if not exercise.solutions:
            problems.append(f"{where}: no folded <details><summary>Solution</summary>")
        for check in exercise.solutions:
            if check is None or check not in exercise.checks:
                problems.append(f"{where}: its Solution's code must end with the check the "
                                f"exercise calls ({', '.join(sorted(exercise.checks)) or '-'}), "
                                f"not {check or 'something else'}")
        if exercise.answers:
            problems.append(f"{where}: an answer in words (<summary>Answer</summary>) is not "
                            "an instant check; give it a check_... and a Solution, or move "
                            "the question into the lesson")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_checks_its_answer_instantly(path):
    """Every exercise of "On your own" has a code cell that calls an instant ``check_...``
    and a folded ``<details><summary>Solution</summary>`` whose code ends with that check.

    What counts as an exercise: every question of a notebook's "On your own" section.
    The course home promises that each notebook's exercises check the answer instantly,
    and a learner who answers a question there expects to know at once whether it is
    right; so a question there is an exercise whatever its lead, numbered (``**2.**``) or
    not (``**Think about it.**``), and whatever its answer: a number, code, or a choice
    the check can test. A reflection whose answer can only be given in words belongs in
    the lesson, beside what it reflects on, with its answer folded under "Answer"; in
    "On your own" such a fold fails this test. 00, the course home, has an exercise too,
    and is held to the same rule (it would be excepted only if it had none).
    """
    found = exercises(_cells(path))
    assert found or path.name == nav.INDEX, "no exercise under ## On your own"
    assert exercise_problems(_cells(path)) == []


def _markdown_cell(text: str) -> dict:
    return {"cell_type": "markdown", "source": text, "metadata": {}}


def _code_cell(text: str) -> dict:
    return {"cell_type": "code", "source": text, "metadata": {}, "outputs": []}


def test_the_exercise_check_catches_an_exercise_without_a_check():
    """The test above can fail: exercises without a check, without a solution, with a
    solution that ends elsewhere, or answered in words, are each reported; what follows
    the quiz, and questions in the lesson before "On your own", are not exercises."""
    solution = "<details>\n<summary>Solution</summary>\n\n```python\n{}\n```\n</details>"
    answer = "<details>\n<summary>Answer</summary>\n\nIn words.\n</details>"
    cells = [
        _markdown_cell("## Try it\n\n**Think about it.** Why? " + answer),
        _markdown_cell("## On your own\n\n**1.** Count them."),
        _code_cell("from onebyone.exercises import check_count\n\nn = None\ncheck_count(n)"),
        _markdown_cell(solution.format("n = 3\ncheck_count(n)")
                       + "\n\n**2.** Think about the learning rate; no check."),
        _markdown_cell("**3.** A check, but no solution."),
        _code_cell("check_rate(None)"),
        _markdown_cell("**4.** A solution that does not end with its check."),
        _code_cell("check_shape(None)"),
        _markdown_cell(solution.format("check_shape((1, 2))\nprint('done')")),
        _markdown_cell("**Think about it.** Which w? " + answer),
        _code_cell("widgets.quiz([])"),
        _markdown_cell("**5.** After the quiz: not an exercise."),
    ]
    assert [e.lead for e in exercises(cells)] == ["**1.**", "**2.**", "**3.**", "**4.**",
                                                  "**Think about it.**"]
    assert exercise_problems(cells) == [
        "exercise '**2.**': no code cell calls a check_... function",
        "exercise '**2.**': no folded <details><summary>Solution</summary>",
        "exercise '**3.**': no folded <details><summary>Solution</summary>",
        "exercise '**4.**': its Solution's code must end with the check the exercise calls "
        "(check_shape), not something else",
        "exercise '**Think about it.**': no code cell calls a check_... function",
        "exercise '**Think about it.**': no folded <details><summary>Solution</summary>",
        "exercise '**Think about it.**': an answer in words (<summary>Answer</summary>) is "
        "not an instant check; give it a check_... and a Solution, or move the question "
        "into the lesson"]
    # a section of one exercise, without a number, up to the next heading
    single = [_markdown_cell("## On your own\n\nWrite it."), _code_cell("check_it(f)"),
              _markdown_cell(solution.format("check_it(f)") + "\n\n## Quiz\n\n**1.** No.")]
    assert [e.checks for e in exercises(single)] == [{"check_it"}]
    assert exercise_problems(single) == []


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


def test_every_notebook_says_how_long_it_takes_and_the_index_shows_it():
    index = _markdown(ROOT / "notebooks" / nav.INDEX)
    for path in NOTEBOOKS:
        minutes = nav.minutes(nbformat.read(path, as_version=4), path.name)
        assert 5 <= minutes <= 120, f"{path.name}: {minutes} minutes"
        if path.name != nav.INDEX:
            assert f"]({path.name}) · *about {minutes} minutes*:" in index, path.name


TOTAL = r"The whole course: (about [^(]+) \((\d+) minutes, 00's \d+ included\)"


def test_the_index_and_the_readme_give_one_total_the_sum_of_every_notebooks_time():
    total = sum(nav.minutes(nbformat.read(p, as_version=4), p.name) for p in NOTEBOOKS)
    said = {name: re.findall(TOTAL, text)
            for name, text in (("00_index", _markdown(ROOT / "notebooks" / nav.INDEX)),
                               ("README", (ROOT / "README.md").read_text(encoding="utf-8")))}
    assert said == {name: [(nav.hours(total), str(total))] for name in said}, (
        f"every notebook's **Time:** bullet, the index's included, adds up to {total} minutes")


@pytest.mark.parametrize(("last_bullet", "error"), [
    ("- numpy.", "should say how long the notebook takes"),
    ("- **Time:** 40 minutes.", "should say how long the notebook takes"),
    ("- **Time:** about 40 minutes (25 to read and run the cells, 10 for the exercises and "
     "the quiz).", "25 \\+ 10 minutes is not the 40"),
])
def test_nav_names_a_notebook_without_its_time(last_bullet, error):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        f"**What you'll learn**\n\n- this.\n\n**What you need**\n\n- numpy;\n{last_bullet}")])
    with pytest.raises(ValueError, match=f"99_x.ipynb.*{error}"):
        nav.minutes(nb, "99_x.ipynb")


def test_nav_reads_the_time_from_the_last_bullet_of_what_you_need():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "**What you need**\n\n- numpy;\n- **Time:** about 40 minutes (25 to read and run the "
        "cells,\n  15 for the exercises and the quiz).\n\nMore text.")])
    assert nav.minutes(nb) == 40


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


# -- folded solutions: each ends with its check (that the check passes is nbgrader's ----
# validation of the instructor's source, tests/test_classroom.py) ----------------------

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


@pytest.mark.parametrize(("path", "k"), SOLUTIONS)
def test_folded_solution_ends_with_the_exercise_check(path, k):
    index, code = _solutions(path)[k - 1]
    check = _check_called_last(code)
    assert check, f"solution {k} should end with its check_... call, so that its ✓ shows:\n{code}"
    cells = _cells(path)
    exercise = next(c for c in reversed(cells[:index]) if c["cell_type"] == "code")
    assert f"{check}(" in "".join(exercise["source"]), (
        f"the exercise cell before solution {k} should call {check} too")


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

def _code(cell: dict) -> str:
    return without_magics("".join(cell["source"]))


def volume_diagrams(path: Path) -> tuple[list[Drawn], dict]:
    """The volume diagrams the notebook draws (live widgets left out), and its namespace
    after the last cell (notebook_run.executed)."""
    run = executed(path)
    return run.diagrams, run.namespace


@pytest.mark.notebook("01_single_channel")
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
