"""One in-process run of a notebook, shared by every test that reads what its code makes.

``executed(path)`` runs the notebook's code cells in order in one namespace, in the
notebook's folder, as "Restart & Run All" would (IPython magics such as ``%matplotlib
inline`` left out), once per test process. It keeps, for each code cell, what it printed
and the value of its last line when that is an expression (its ``Out[]``), and every
``viz.volume_diagram`` the cells that are not live widgets draw. (Each folded solution
passing its check is nbgrader's validation of the instructor's source,
tests/test_classroom.py, which runs the solutions in place.)

Tests that call it carry ``@pytest.mark.notebook("NN_slug")``: the root ``conftest.py``
then sends every test of one notebook to the same pytest-xdist worker, so the notebook
runs once per test run, and ``--quick`` keeps them only for the notebooks that changed.
The stored outputs themselves are compared with a fresh kernel's by nbval.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import json
import re
from pathlib import Path
from typing import NamedTuple

from onebyone import viz

LIVE_TAG = "nbval-ignore-output"
DETAILS = re.compile(r"<details>\s*<summary>(?P<summary>[^<]*)</summary>(?P<body>.*?)</details>",
                     re.S)
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


class Drawn(NamedTuple):
    """One ``viz.volume_diagram`` call, as the notebook made it."""

    shapes: list
    operators: list
    values: list | None
    pixel: tuple | None


class Cell(NamedTuple):
    index: int
    """its position among all the notebook's cells"""
    id: str | None
    source: str
    live: bool
    """it displays a live widget (tagged ``nbval-ignore-output``)"""
    printed: str
    value: object
    """the value of its last line, when that is an expression, else None"""


class NotebookRun(NamedTuple):
    namespace: dict
    """the namespace after the last cell"""
    cells: list[Cell]
    """the code cells, in order"""
    diagrams: list[Drawn]
    """the volume diagrams drawn by cells that are not live widgets, in order"""

    def value(self, cell_id: str) -> object:
        """The ``Out[]`` value of the code cell with this id."""
        found = [c.value for c in self.cells if c.id == cell_id]
        assert len(found) == 1, f"{len(found)} code cells with id {cell_id!r}"
        return found[0]


def without_magics(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))


def run_cell(code: str, namespace: dict, name: str) -> object:
    """Run ``code`` in ``namespace`` as a notebook cell: the value of its last statement
    when that is an expression."""
    tree = ast.parse(without_magics(code))
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, name, "exec"), namespace)
    if last is not None:
        return eval(compile(ast.Expression(last.value), name, "eval"), namespace)
    return None


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def solutions(path: Path) -> list[tuple[int, str]]:
    """(index of the markdown cell, code) of each folded solution, in order."""
    return [(index, "".join(PYTHON_BLOCK.findall(match["body"])))
            for index, cell in enumerate(cells(path)) if cell["cell_type"] == "markdown"
            for match in DETAILS.finditer("".join(cell["source"]))
            if match["summary"].strip() == "Solution"]


@functools.cache
def executed(path: Path) -> NotebookRun:
    """Run the notebook ``path`` in this process (see the module's docstring)."""
    path = Path(path).resolve()
    namespace: dict = {"__name__": "__main__", "display": lambda *objects: None}
    ran: list[Cell] = []
    diagrams: list[Drawn] = []
    draw, recording = viz.volume_diagram, [False]

    def record(shapes, operators, captions=None, values=None, pixel=None):
        if recording[0]:
            diagrams.append(Drawn([tuple(s) for s in shapes], list(operators), values, pixel))
        return draw(shapes, operators, captions=captions, values=values, pixel=pixel)

    viz.volume_diagram = record
    try:
        with contextlib.chdir(path.parent):  # as in JupyterLab: the kernel starts there
            for index, cell in enumerate(cells(path)):
                if cell["cell_type"] == "code":
                    source = "".join(cell["source"])
                    live = LIVE_TAG in cell["metadata"].get("tags", [])
                    printed = io.StringIO()
                    recording[0] = not live
                    with contextlib.redirect_stdout(printed):
                        value = run_cell(source, namespace, f"{path.name} cell {index}")
                    ran.append(Cell(index, cell.get("id"), source, live, printed.getvalue(),
                                    value))
                recording[0] = False
    finally:
        viz.volume_diagram = draw
    return NotebookRun(namespace, ran, diagrams)
