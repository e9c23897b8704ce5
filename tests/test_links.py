"""Every link in the README and the notebooks leads somewhere.

Relative links must name an existing file, and an anchor (``#section``) must match a
heading of the target: GitHub's rule for Markdown files, JupyterLab's for notebooks.
External links cannot be fetched here (no network): they must at least be https URLs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

import nav  # tools/nav.py, importable through tests/conftest.py

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.M)


def _markdown(path: Path) -> str:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


def _github_anchor(heading: str) -> str:
    text = re.sub(r"[`*_]", "", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _jupyterlab_anchor(heading: str) -> str:
    return re.sub(r"[`*_]", "", heading).strip().replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    make = _jupyterlab_anchor if path.suffix == ".ipynb" else _github_anchor
    return {make(h) for h in HEADING.findall(_markdown(path))}


DOCUMENTS = [ROOT / "README.md", *nav.course_notebooks()]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_links_resolve(document):
    links = LINK.findall(_markdown(document))
    assert links, "expected links"
    for link in links:
        url = urlparse(link)
        if url.scheme:
            assert url.scheme == "https" and url.netloc, f"{link}: use https URLs"
            continue
        target = (document.parent / unquote(url.path)).resolve() if url.path else document
        assert target.exists(), f"{link}: {target.relative_to(ROOT)} does not exist"
        assert ROOT in target.parents or target == ROOT, f"{link} leaves the repository"
        if url.fragment:
            assert url.fragment in _anchors(target), f"{link}: no such heading"


def test_anchor_rules():
    assert _github_anchor("Run it your way") == "run-it-your-way"
    assert _github_anchor("Two commands: `lab` & test!") == "two-commands-lab--test"
    assert _jupyterlab_anchor("On your own") == "On-your-own"


def test_index_lists_the_notebooks_in_course_order():
    index = _markdown(ROOT / "notebooks" / "00_index.ipynb")
    listed = [link for link in LINK.findall(index) if re.fullmatch(r"\d\d_\w+\.ipynb", link)]
    course = [p.name for p in nav.course_notebooks()[1:]]
    assert [name for name in dict.fromkeys(listed) if name in course] == course
