#!/usr/bin/env python3
"""Build the course as a static website, from the committed, executed notebooks.

    python3 tools/course.py site [OUTDIR]        # set up .venv, then run this (the usual way)
    .venv/bin/python tools/website.py [OUTDIR]   # the same, in an environment that has it

The site is made with Jupyter Book 1 (Sphinx, sphinx-book-theme, myst-nb), which builds
without network (Jupyter Book 2 fetches its theme at build time). Nothing is executed:
the pages show the outputs stored in the notebooks. MathJax is served from the site
itself (sphinx-mathjax-offline ships it), so formulas render offline too.

A book is generated in a temporary folder and thrown away after the build, so nothing
generated is committed: the home page (``index.md``, for learners: what the course is,
from ``00_index``; its contents with each notebook's time; the short path for those who
have just watched the lecture; how to run it live), a copy of the notebooks, the README
as a page for maintainers (``maintainers.md``, last), ``_config.yml`` and ``_toc.yml``
(pages in course order, from ``nav.py``). In the copies, links are made to work on the
site: ``../README.md`` becomes the maintainers' page, JupyterLab's ``#Heading-text``
anchors become the site's ids, and links to files of the repository that are not pages
(``requirements.txt``, ``binder/``, ...) go to the repository on GitHub. Sphinx runs with
warnings as errors: a build that warns fails.

Live widgets cannot run on a static page: their ``application/vnd.jupyter.widget-view+json``
output is never rendered, and the ``text/html`` alternative stored next to it (a still
picture with its alt text, a quiz's questions as text) is shown instead.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml
from jupyter_book.config import get_default_sphinx_config
from markdown_it import MarkdownIt
from myst_parser.mdit_to_docutils.base import default_slugify

import nav  # tools/nav.py, beside this file

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTDIR = ROOT / "_build" / "site"
HOME = "index.md"
"""The learners' home page (``index.html``), made from ``00_index`` by ``Book.home``."""
MAINTAINERS = "maintainers.md"
"""The README, as the site's last page: set-up, tests, maintenance, performance."""
MAINTAINERS_TITLE = "For maintainers: the README"
SHORT_PATH = "short-path"
"""The id of ``00_index``'s cell with the short path through the course."""
GITHUB_REPOSITORY = "OWNER/onebyone"
"""Where the course will be published on GitHub: this public address does not exist yet."""
REPOSITORY_URL = f"https://github.com/{GITHUB_REPOSITORY}"
BINDER_URL_TEMPLATE = (f"https://mybinder.org/v2/gh/{GITHUB_REPOSITORY}/HEAD"
                       "?urlpath=lab/tree/notebooks/{page}.ipynb")
"""The Binder launch link of each notebook's page (``page``: the notebook's name without
``.ipynb``), as sphinx-book-theme builds it from ``REPOSITORY_URL``."""
LOCAL_COMMAND = "python3 tools/course.py lab"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MIME_PRIORITY_OVERRIDES = [
    ("html", WIDGET_VIEW, None),  # a live widget cannot run on a static page: never shown
    ("html", "text/html", 10),  # the widgets' stills and the figures' <img alt="...">
]
"""myst-nb's ``nb_mime_priority_overrides``: (builder, mime type, priority), lowest first;
``None`` never renders that mime type. ``image/png`` keeps its default (50)."""
HEADING_ANCHORS = 4
"""Headings down to ``####`` get MyST anchors that links may name."""
LINK = re.compile(r"(?<!!)(\[[^\]]*\]\()([^)\s]+)(\))")
BANNER = (
    "These pages show the course as it ran: the sliders, steppers and quizzes are still "
    "pictures and text here. To use them, run "
    f"<code>{LOCAL_COMMAND}</code> in a clone of the repository, or open a lesson on "
    "Binder from its launch button (the rocket, at the top of the page).")
CSS = """\
/* The command in the banner: the banner's own colours (inline code's pink on the banner's
   background is below WCAG AA's contrast), framed so that it still reads as code. */
.bd-header-announcement code {
  color: inherit;
  background-color: transparent;
  border: 1px solid currentColor;
}
/* Inline code wraps at its spaces, and a word of it too long for the line breaks: kept
   whole, the Binder address ran out of the README's column, and dw[di, dj] = X.T @ dz
   pushed the last column of 09's table out of view (tables are a little smaller too). */
.bd-article code.literal,
.bd-article code.literal span.pre {
  white-space: normal;
  overflow-wrap: break-word;
}
.bd-article table {
  font-size: 0.9em;
}
/* In the dark theme, pydata-sphinx-theme puts HTML outputs on a light box (for outputs
   drawn for a white page) yet leaves their inline code the dark theme's light pink:
   unreadable. The course's HTML outputs (stills, quizzes, figures) read in either theme,
   so they take the page's colours; pictures keep the theme's light frame. */
html[data-theme=dark] .bd-content div.cell_output .text_html:not(:has(table.dataframe)) {
  background-color: transparent;
  color: inherit;
  padding: 0;
}
/* A folded solution or answer (<details>) keeps its distance from the next paragraph. */
.bd-article details {
  margin-bottom: 1rem;
}
"""
"""Shipped in the book as ``_static/onebyone.css``, after the theme's style sheets."""
FAVICON = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="6" fill="#2a5d8f"/>
<text x="16" y="21.5" font-family="sans-serif" font-size="14" font-weight="bold"
 fill="#fff" text-anchor="middle">1×1</text>
</svg>
"""
"""The site's icon (without one, browsers ask for a favicon.ico that is not there)."""


class SiteError(RuntimeError):
    """The site could not be built, or Sphinx warned."""


def _key(text: str) -> str:
    """A heading or an anchor reduced to its letters and digits, lowercase: JupyterLab's
    ``#A-dense-layer,-at-one-pixel`` and GitHub's ``#run-it-your-way`` both match it."""
    return re.sub(r"[\W_]", "", unquote(text).lower())


def myst_anchors(markdown: str) -> dict[str, str]:
    """The anchors MyST gives the headings of ``markdown``: ``_key`` of a heading -> its
    slug (the first heading wins when two reduce to the same key)."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    anchors: dict[str, str] = {}
    for opening, inline in itertools.pairwise(tokens):
        if opening.type == "heading_open" and int(opening.tag[1]) <= HEADING_ANCHORS:
            title = "".join(child.content for child in inline.children or []
                            if child.type in ("text", "code_inline"))
            anchors.setdefault(_key(title), default_slugify(title))
    return anchors


def _markdown_cells(notebook: dict) -> list[dict]:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "markdown"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


class Book:
    """The site's sources, as they sit in the repository (``README.md``, the notebooks),
    and where each goes in the book."""

    def __init__(self) -> None:
        self.notebooks = nav.course_notebooks()
        self.documents = {p: p.relative_to(ROOT).as_posix() for p in self.notebooks}
        self.documents[ROOT / "README.md"] = MAINTAINERS
        self._anchors: dict[Path, dict[str, str]] = {}

    def markdown(self, path: Path) -> str:
        if path.suffix == ".ipynb":
            notebook = json.loads(path.read_text(encoding="utf-8"))
            return "\n\n".join(_source(cell) for cell in _markdown_cells(notebook))
        return path.read_text(encoding="utf-8")

    def anchors(self, path: Path) -> dict[str, str]:
        if path not in self._anchors:
            self._anchors[path] = myst_anchors(self.markdown(path))
        return self._anchors[path]

    def link(self, target: str, document: Path, here: str | None = None) -> str:
        """``target``, a link in ``document`` (a path in the repository), as it must be
        written in the book, in the page ``here`` (by default, where ``document`` goes).
        Links that lead nowhere are left as they are: Sphinx warns."""
        url = urlparse(target)
        if url.scheme or url.netloc:
            return target
        path = (document.parent / unquote(url.path)).resolve() if url.path else document
        if path in self.documents:
            folder = Path(here or self.documents[document]).parent
            new = os.path.relpath(self.documents[path], folder).replace(os.sep, "/") \
                if url.path else ""
            if url.fragment:
                fragment = self.anchors(path).get(_key(url.fragment), url.fragment)
                new += f"#{fragment}"
            return new
        if path.exists() and ROOT in path.parents:
            kind = "tree" if path.is_dir() else "blob"
            return f"{REPOSITORY_URL}/{kind}/HEAD/{path.relative_to(ROOT).as_posix()}"
        return target

    def rewrite(self, markdown: str, document: Path, here: str | None = None) -> str:
        return LINK.sub(lambda m: m[1] + self.link(m[2], document, here) + m[3], markdown)

    def home(self) -> str:
        """The home page, for learners: ``00_index``'s title, blurb and what the course
        teaches, its contents (each notebook's time, from ``nav.py``) and short path, then
        how to run the course live."""
        index = self.notebooks[0]
        cells = _markdown_cells(json.loads(index.read_text(encoding="utf-8")))
        by_id = {cell.get("id"): _source(cell) for cell in cells}
        first = _source(cells[0]).strip()
        learn = next(_source(c) for c in cells if "**What you'll learn**" in _source(c))
        learn = learn.split(nav.NEED)[0].strip()
        binder = BINDER_URL_TEMPLATE.format(page=index.stem)
        run = (
            "## Run it live\n\n"
            "On these pages the sliders, steppers and quizzes are still pictures. To use "
            "them, run the course in JupyterLab:\n\n"
            f"- **On your machine:** in a clone of the repository, `{LOCAL_COMMAND}` sets "
            "everything up in a virtual environment inside it and opens the course.\n"
            f"- **On Binder, with nothing to install:** [open the course on Binder]({binder}), "
            "or a lesson from the launch button (the rocket) at the top of its page.\n\n"
            f"Other ways to run it, the tests and how the course is made: "
            f"[{MAINTAINERS_TITLE}]({MAINTAINERS}).")
        parts = [first, learn, by_id[nav.CONTENTS], by_id[SHORT_PATH]]
        return self.rewrite("\n\n".join(parts), index, HOME) + "\n\n" + run + "\n"

    def maintainers(self) -> str:
        """The README, under a title that says whom it is for."""
        readme = ROOT / "README.md"
        body = self.markdown(readme).split("\n", 1)[1]
        return f"# {MAINTAINERS_TITLE}\n{self.rewrite(body, readme)}"

    def write(self, directory: Path) -> Path:
        """Write the book into ``directory``; return it."""
        (directory / HOME).parent.mkdir(parents=True, exist_ok=True)
        (directory / HOME).write_text(self.home(), encoding="utf-8")
        for source, name in self.documents.items():
            target = directory / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.suffix != ".ipynb":
                target.write_text(self.maintainers(), encoding="utf-8")
                continue
            notebook = json.loads(source.read_text(encoding="utf-8"))
            for cell in notebook["cells"]:
                if cell["cell_type"] == "markdown":
                    cell["source"] = self.rewrite(_source(cell), source)
                elif cell["metadata"].get("jupyter", {}).get("source_hidden"):
                    # folded in JupyterLab (a quiz's source holds its answers): folded here
                    tags = cell["metadata"].setdefault("tags", [])
                    tags.append("hide-input")
            target.write_text(json.dumps(notebook, ensure_ascii=False, indent=1),
                              encoding="utf-8")
        (directory / "_static").mkdir()  # Jupyter Book loads the .css files found there
        (directory / "_static" / "onebyone.css").write_text(CSS, encoding="utf-8")
        (directory / "favicon.svg").write_text(FAVICON, encoding="utf-8")
        (directory / "_toc.yml").write_text(yaml.safe_dump(self.toc(), sort_keys=False),
                                            encoding="utf-8")
        (directory / "_config.yml").write_text(
            yaml.safe_dump(config(), sort_keys=False, allow_unicode=True), encoding="utf-8")
        return directory

    def toc(self) -> dict:
        """Jupyter Book's ``_toc.yml``: the home page, the notebooks in course order, then
        the maintainers' page."""
        chapters = [{"file": self.documents[p].removesuffix(".ipynb")} for p in self.notebooks]
        chapters.append({"file": Path(MAINTAINERS).stem})
        return {"format": "jb-book", "root": Path(HOME).stem, "chapters": chapters}


def extensions() -> list[str]:
    """Jupyter Book's Sphinx extensions, less sphinx-thebe, plus sphinx-mathjax-offline.

    The site runs no code, and sphinx-thebe would declare its script's constants twice on
    every page (a JavaScript error) and name thebe's CDN."""
    default = get_default_sphinx_config()["extensions"]
    return [e for e in default if e != "sphinx_thebe"] + ["sphinx-mathjax-offline"]


def config() -> dict:
    """Jupyter Book's ``_config.yml``."""
    # the sidebar's title, a link to the home page: the README's title
    title = (ROOT / "README.md").read_text(encoding="utf-8").split("\n", 1)[0].removeprefix("# ")
    return {
        "title": title,
        "author": "the onebyone course",
        "copyright": "",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        # the notebooks are written for JupyterLab: $math$ and plain Markdown, no MyST
        # syntax (linkify would turn words like deeplearning.ai into links)
        "parse": {"myst_enable_extensions": ["dollarmath"]},
        "html": {
            "home_page_in_navbar": False,  # the title above the list is its link
            "favicon": "favicon.svg",
            "use_repository_button": False,
            "use_issues_button": False,
            "use_edit_page_button": False,
            "announcement": BANNER,
        },
        "launch_buttons": {"notebook_interface": "jupyterlab",
                           "binderhub_url": "https://mybinder.org", "thebe": False},
        "repository": {"url": REPOSITORY_URL, "path_to_book": "", "branch": "HEAD"},
        "sphinx": {
            "recursive_update": True,  # merge into Jupyter Book's html_theme_options
            "config": {
                "extensions": extensions(),
                "nb_mime_priority_overrides": [list(o) for o in MIME_PRIORITY_OVERRIDES],
                "nb_ipywidgets_js": {},  # no widget state is stored; never load its CDN
                "myst_heading_anchors": HEADING_ANCHORS,
                # the text as written, as JupyterLab shows it: no curly quotes or dashes
                "smartquotes": False,
                # pydata-sphinx-theme 0.17 adds a header bar with a second search field
                # unless this is set (sphinx-book-theme's own default is not seen)...
                "html_theme_options": {"navbar_persistent": []},
                # ...and logs an error on every page without a colour mode
                "html_context": {"default_mode": "auto"},
            },
        },
    }


def sphinx(book: Path, html: Path, doctrees: Path) -> str:
    """Turn ``book`` into ``conf.py`` with Jupyter Book, then build it with Sphinx into
    ``html`` (warnings as errors, all of them reported); return what they printed as
    warnings and errors (nothing, for a good book)."""
    steps = [
        [sys.executable, "-c", "from jupyter_book.cli.main import main; main()",
         "config", "sphinx", str(book)],
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q",
         "-d", str(doctrees), str(book), str(html)],
    ]
    printed = []
    for args in steps:
        result = subprocess.run(args, cwd=book, capture_output=True, text=True,
                                encoding="utf-8")
        printed.append(result.stderr)
        if result.returncode != 0:
            return "".join(printed) or f"{args[2]} exited with {result.returncode}"
    return "".join(printed)


def build(outdir: Path = DEFAULT_OUTDIR) -> Path:
    """Build the site into ``outdir`` (replacing a site built there before); return it.

    Raises ``SiteError`` if Sphinx fails or warns.
    """
    outdir = Path(outdir).resolve()
    if outdir.exists() and any(outdir.iterdir()) and not (outdir / ".buildinfo").exists():
        raise SiteError(f"{outdir} is not empty and holds no site: not replacing it")
    with tempfile.TemporaryDirectory(prefix="onebyone-site-") as tmp:
        book = Book().write(Path(tmp) / "book")
        # myst-nb writes beside the output folder (jupyter_execute/): keep it all in tmp
        html = Path(tmp) / "html"
        printed = sphinx(book, html, Path(tmp) / "doctrees")
        if printed.strip():
            raise SiteError(f"the site was not built: Sphinx warned\n{printed}")
        if outdir.exists():
            shutil.rmtree(outdir)
        outdir.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(html, outdir)
    return outdir


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print(__doc__)
        return 2
    print("Building the site from the notebooks' stored outputs ...", flush=True)
    try:
        site = build(Path(argv[0]) if argv else DEFAULT_OUTDIR)
    except SiteError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"The site is in {site}: open {site / 'index.html'}, or serve it with\n"
          f"    python3 -m http.server -d {site}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
