#!/usr/bin/env python3
"""Generate the navigation of the course notebooks.

* In every ``notebooks/NN_slug.ipynb``: a "prev · contents · next" line just under the
  title cell and again as the last cell.
* In ``00_index.ipynb``: the table of contents, one line per notebook (its title, how
  long it takes and the first paragraph under its title), and the whole course's time.
* In ``README.md``: the same list, between the two ``course-contents`` markers.

    python tools/nav.py          # rewrite what is stale
    python tools/nav.py --check  # exit 1 and list what is stale (the tests run this)

Generated cells carry fixed ids, so rerunning changes nothing when nothing moved.
Titles come from each notebook's first cell, ``# NN · Title`` then a one-line blurb; how
long a notebook takes comes from the last bullet of its "What you need" list,
``- **Time:** about 40 minutes (25 to read and run the cells, 15 for the exercises and the
quiz).`` Writing the index or the README needs every notebook's time: a notebook without
it is an error that names it (the other notebooks' navigation does not need it).
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
NEED = "**What you need**"
TIME = re.compile(r"- \*\*Time:\*\* about (?P<total>\d+) minutes"
                  r"(?: \((?P<read>\d+) to read and run the cells, (?P<do>\d+) for the "
                  r"exercises?(?: and the quiz)?\))?\.")
"""The duration bullet; the parts in brackets, when given, must add up to the total."""


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


def minutes(nb: nbformat.NotebookNode, name: str = "the notebook") -> int:
    """How long ``nb`` takes, in minutes: the ``**Time:**`` bullet that ends its "What you
    need" list. Raises ValueError, naming ``name``, when it is missing or malformed."""
    cell = next((c for c in nb.cells if c.cell_type == "markdown" and NEED in c.source), None)
    if cell is None:
        raise ValueError(f"{name} has no {NEED} list, whose last bullet says how long it takes")
    bullets = re.split(r"\n(?=- )", cell.source.split(NEED, 1)[1].strip().split("\n\n")[0])
    last = " ".join(bullets[-1].split())
    found = TIME.fullmatch(last)
    if found is None:
        raise ValueError(
            f"{name}: the last bullet of {NEED} should say how long the notebook takes, as "
            "'- **Time:** about 40 minutes (25 to read and run the cells, 15 for the "
            f"exercises and the quiz).', got {last!r}")
    total = int(found["total"])
    if found["read"] and int(found["read"]) + int(found["do"]) != total:
        raise ValueError(f"{name}: {found['read']} + {found['do']} minutes is not the "
                         f"{total} of its **Time:** bullet")
    return total


def course_minutes(books: dict[Path, nbformat.NotebookNode]) -> dict[str, int]:
    """Each notebook's minutes, by file name; one error listing every notebook without."""
    found, problems = {}, []
    for path, nb in books.items():
        try:
            found[path.name] = minutes(nb, path.name)
        except ValueError as error:
            problems.append(str(error))
    if problems:
        raise ValueError("\n".join(problems))
    return found


def hours(total: int) -> str:
    """``total`` minutes, as a reader says it: "about 7 hours", "about 7½ hours" (under
    three quarters of an hour, "about 40 minutes")."""
    if total < 45:
        return f"about {total} minutes"
    halves = round(total / 30)
    whole, half = divmod(halves, 2)
    return f"about {whole}{'½' if half else ''} hour{'s' if halves > 2 else ''}"


def nav_line(names: list[str], titles: dict[str, str], k: int) -> str:
    parts = []
    if k > 0:
        parts.append(f"[← {titles[names[k - 1]]}]({names[k - 1]})")
    if INDEX not in (names[k], names[k - 1] if k > 0 else None):
        parts.append(f"[Contents]({INDEX})")
    if k + 1 < len(names):
        parts.append(f"[{titles[names[k + 1]]} →]({names[k + 1]})")
    return " · ".join(parts)


def course_total(times: dict[str, int]) -> str:
    """The whole course's time, the sum of every notebook's (the index's included): the
    one sentence the index and the README both end their lists with."""
    total = sum(times.values())
    return (f"The whole course: {hours(total)} ({total} minutes, 00's {times[INDEX]} "
            f"included), exercises and quizzes included.")


def contents_list(names: list[str], titles: dict[str, str], blurbs: dict[str, str],
                  times: dict[str, int], folder: str = "") -> str:
    """One line per notebook of ``names`` (``folder``: the path from the list to the
    notebooks), then the whole course's time: every notebook of ``times``."""
    lines = [f"- [{titles[n]}]({folder}{n}) · *about {times[n]} minutes*: {blurbs[n]}"
             for n in names]
    return "\n".join([*lines, "", course_total(times)])


def contents(names: list[str], titles: dict[str, str], blurbs: dict[str, str],
             times: dict[str, int]) -> str:
    """The index's contents: every notebook but the index itself, then the whole
    course's time, the index's minutes included (as in the README)."""
    shown = [n for n in names if n != INDEX]
    return "## Contents\n\n" + contents_list(shown, titles, blurbs, times)


def _set_cell(nb: nbformat.NotebookNode, cell_id: str, source: str, position: int) -> None:
    """Put a generated markdown cell with ``cell_id`` at ``position`` (-1: the end)."""
    nb.cells = [c for c in nb.cells if c.get("id") != cell_id]
    cell = nbformat.v4.new_markdown_cell(source, id=cell_id)
    if position == -1:
        nb.cells.append(cell)
    else:
        nb.cells.insert(position, cell)


def expected_notebooks(directory: Path = NOTEBOOKS_DIR, with_index: bool = True
                       ) -> dict[Path, nbformat.NotebookNode]:
    """Every course notebook as it should be, with its generated cells up to date
    (without ``with_index``, the index's contents are left as they are: they need every
    notebook's time, the navigation lines do not)."""
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
        if p.name == INDEX and with_index:
            _set_cell(nb, CONTENTS, contents(names, titles, blurbs, course_minutes(books)), 3)
    return books


def stale(directory: Path = NOTEBOOKS_DIR, with_index: bool = True
          ) -> dict[Path, nbformat.NotebookNode]:
    """The notebooks whose generated cells are out of date, each as it should be."""
    return {p: nb for p, nb in expected_notebooks(directory, with_index).items()
            if nbformat.writes(nb) != nbformat.writes(nbformat.read(p, as_version=4))}


def expected_readme(directory: Path = NOTEBOOKS_DIR, readme: Path = README) -> str:
    """The README with its list of notebooks up to date."""
    text = readme.read_text(encoding="utf-8")
    before, rest = text.split(README_START)
    _, after = rest.split(README_END)
    books = {p: nbformat.read(p, as_version=4) for p in course_notebooks(directory)}
    titles, blurbs = {}, {}
    for path, nb in books.items():
        titles[path.name], blurbs[path.name] = title_and_blurb(nb)
    listed = contents_list([p.name for p in books], titles, blurbs, course_minutes(books),
                           folder="notebooks/")
    return f"{before}{README_START}\n{listed}\n{README_END}{after}"


def main(argv: list[str]) -> int:
    if argv and argv != ["--check"]:
        print(__doc__)
        return 2
    try:
        if argv == ["--check"]:
            paths = list(stale())
            if expected_readme() != README.read_text(encoding="utf-8"):
                paths.append(README)
            for p in paths:
                print(f"stale navigation: {p.name} (run: python tools/nav.py)")
            return 1 if paths else 0
        update()
    except ValueError as error:  # a notebook without its title or its time
        print(f"nav.py: {error}", file=sys.stderr)
        return 1
    return 0


def update(only: list[Path] | None = None) -> None:
    """Rewrite the stale notebooks and README (or only the notebooks in ``only``)."""
    names = None if only is None else {p.name for p in only}
    if only is None and expected_readme() != README.read_text(encoding="utf-8"):
        README.write_text(expected_readme(), encoding="utf-8")
        print(f"updated {README.name}")
    for p, nb in stale(with_index=names is None or INDEX in names).items():
        if names is None or p.name in names:
            nbformat.write(nb, p)
            print(f"updated {p.name}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
