#!/usr/bin/env python3
"""Generate the navigation of the course notebooks.

* In every ``notebooks/NN_slug.ipynb``: a "prev · contents · next" line just under the
  title cell and again as the last cell.
* In ``00_index.ipynb``: the table of contents, one line per notebook (its title and
  the first paragraph under it).
* In ``README.md``: the list of notebooks, between the two ``course-contents`` markers.

    python tools/nav.py          # rewrite what is stale
    python tools/nav.py --check  # exit 1 and list what is stale (the tests run this)

Generated cells carry fixed ids, so rerunning changes nothing when nothing moved.
Titles come from each notebook's first cell, ``# NN · Title`` then a one-line blurb.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
README = ROOT / "README.md"
README_START, README_END = "<!-- course-contents:start -->", "<!-- course-contents:end -->"
INDEX = "00_index.ipynb"
NAME = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")
NAV_TOP, NAV_BOTTOM, CONTENTS = "nav-top", "nav-bottom", "contents"


def course_notebooks(directory: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The course's notebooks, in order."""
    return sorted(p for p in directory.glob("*.ipynb") if NAME.match(p.name))


def title_and_blurb(nb: nbformat.NotebookNode) -> tuple[str, str]:
    """The ``# `` title of the first cell and the first paragraph after it."""
    first = nb.cells[0]
    lines = first.source.strip().splitlines() if first.cell_type == "markdown" else []
    if not lines or not lines[0].startswith("# "):
        raise ValueError("the first cell must be markdown starting with '# Title'")
    paragraphs = "\n".join(lines[1:]).strip().split("\n\n")
    return lines[0][2:].strip(), paragraphs[0].replace("\n", " ").strip()


def nav_line(names: list[str], titles: dict[str, str], k: int) -> str:
    parts = []
    if k > 0:
        parts.append(f"[← {titles[names[k - 1]]}]({names[k - 1]})")
    if INDEX not in (names[k], names[k - 1] if k > 0 else None):
        parts.append(f"[Contents]({INDEX})")
    if k + 1 < len(names):
        parts.append(f"[{titles[names[k + 1]]} →]({names[k + 1]})")
    return " · ".join(parts)


def contents(names: list[str], titles: dict[str, str], blurbs: dict[str, str]) -> str:
    lines = ["## Contents", ""]
    lines += [f"- [{titles[n]}]({n}): {blurbs[n]}" for n in names if n != INDEX]
    return "\n".join(lines)


def _set_cell(nb: nbformat.NotebookNode, cell_id: str, source: str, position: int) -> None:
    """Put a generated markdown cell with ``cell_id`` at ``position`` (-1: the end)."""
    nb.cells = [c for c in nb.cells if c.get("id") != cell_id]
    cell = nbformat.v4.new_markdown_cell(source, id=cell_id)
    if position == -1:
        nb.cells.append(cell)
    else:
        nb.cells.insert(position, cell)


def expected_notebooks(directory: Path = NOTEBOOKS_DIR) -> dict[Path, nbformat.NotebookNode]:
    """Every course notebook as it should be, with its generated cells up to date."""
    paths = course_notebooks(directory)
    books = {p: nbformat.read(p, as_version=4) for p in paths}
    names = [p.name for p in paths]
    titles, blurbs = {}, {}
    for p, nb in books.items():
        titles[p.name], blurbs[p.name] = title_and_blurb(nb)
    for k, (p, nb) in enumerate(books.items()):
        line = nav_line(names, titles, k)
        _set_cell(nb, NAV_TOP, line, 1)
        _set_cell(nb, NAV_BOTTOM, line, -1)
        if p.name == INDEX:
            _set_cell(nb, CONTENTS, contents(names, titles, blurbs), 3)
    return books


def stale(directory: Path = NOTEBOOKS_DIR) -> dict[Path, nbformat.NotebookNode]:
    """The notebooks whose generated cells are out of date, each as it should be."""
    return {p: nb for p, nb in expected_notebooks(directory).items()
            if nbformat.writes(nb) != nbformat.writes(nbformat.read(p, as_version=4))}


def expected_readme(directory: Path = NOTEBOOKS_DIR, readme: Path = README) -> str:
    """The README with its list of notebooks up to date."""
    text = readme.read_text(encoding="utf-8")
    before, rest = text.split(README_START)
    _, after = rest.split(README_END)
    lines = []
    for path in course_notebooks(directory):
        title, blurb = title_and_blurb(nbformat.read(path, as_version=4))
        lines.append(f"- [{title}](notebooks/{path.name}): {blurb}")
    return f"{before}{README_START}\n" + "\n".join(lines) + f"\n{README_END}{after}"


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        paths = list(stale())
        if expected_readme() != README.read_text(encoding="utf-8"):
            paths.append(README)
        for p in paths:
            print(f"stale navigation: {p.name} (run: python tools/nav.py)")
        return 1 if paths else 0
    if argv:
        print(__doc__)
        return 2
    update()
    return 0


def update(only: list[Path] | None = None) -> None:
    """Rewrite the stale notebooks and README (or only the notebooks in ``only``)."""
    names = None if only is None else {p.name for p in only}
    if only is None and expected_readme() != README.read_text(encoding="utf-8"):
        README.write_text(expected_readme(), encoding="utf-8")
        print(f"updated {README.name}")
    for p, nb in stale().items():
        if names is None or p.name in names:
            nbformat.write(nb, p)
            print(f"updated {p.name}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
