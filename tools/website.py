#!/usr/bin/env python3
"""Build the course as a static website, from the committed, executed notebooks.

    python3 tools/course.py site [OUTDIR]        # set up .venv, then run this (the usual way)
    .venv/bin/python tools/website.py [--lite] [OUTDIR]   # the same, in an environment that has it

``--lite``: the course's JupyterLite will be built beside the site, in ``OUTDIR/lite``
(``tools/lite.py build OUTDIR/lite``; ``course.py site`` does so when npm is there). Each
notebook's page then opens with a "Run in your browser" link to its notebook there, and the
home page and the banner name that way first. Without it, the site has no such link.

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

With the Lite beside it (``Book(lite=True)``, ``build(..., lite=True)``), each notebook's
copy gets a cell after its title and blurb: the launch link (``LAUNCH_TEXT``), relative
(``lite/lab/index.html?path=NN_slug.ipynb``, from the page's folder), so that it works
wherever the site is served, and what it means: the browser's own Python, nothing to
install, work kept in the browser's storage.

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
from html import escape
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

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
LITE = "lite"
"""The course's JupyterLite, in this folder beside the site (``tools/lite.py build``): its
contents are the files of ``notebooks/``."""
LITE_LAB = f"{LITE}/lab/index.html"
"""The Lite's JupyterLab: ``?path=NN_slug.ipynb`` opens that notebook."""
LAUNCH_TEXT = "Run in your browser"
"""The text of each notebook page's link to its notebook in the Lite."""
STORAGE = ("your work is kept in this browser's storage: clearing the browser's data loses "
           "it, and Download (the file browser's menu, on a right-click) keeps "
           "a copy")
LAUNCH = (
    '<div class="onebyone-launch">\n<p><a class="onebyone-launch-link" href="{url}">'
    f"{LAUNCH_TEXT}</a>: this notebook, live, in JupyterLab inside your own browser "
    "(JupyterLite), with nothing to install. "
    f"{STORAGE[0].upper()}{STORAGE[1:]}.</p>\n</div>\n")
"""The cell at the top of each notebook's page, with the Lite beside the site (raw HTML:
MyST would take a relative link in Markdown for a page of the book)."""
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
BANNER_START = ("These pages show the course as it ran: the sliders, steppers and quizzes "
                "are still pictures and text here. To use them, ")
BANNER_ELSEWHERE = (
    f"run <code>{LOCAL_COMMAND}</code> in a clone of the repository, or open a lesson on "
    "Binder from its launch button (the rocket, at the top of the page).")
BANNER = BANNER_START + BANNER_ELSEWHERE
"""The announcement above every page of a site without the Lite."""
BANNER_LITE = (BANNER_START + f"open a lesson in your browser from its <em>{LAUNCH_TEXT}</em> "
               "link (nothing to install), " + BANNER_ELSEWHERE)
"""The announcement, with the Lite beside the site: the browser first."""
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
/* The launch link into the course's JupyterLite, at the top of each notebook's page: a
   framed note on the page's background (the theme's link colour on its grey surface is
   below WCAG AA's contrast), its link the theme's, in bold. */
.bd-article .onebyone-launch {
  border: 1px solid var(--pst-color-border);
  border-left: 4px solid var(--pst-color-primary);
  padding: 0.6rem 1rem;
  margin-bottom: 1rem;
  border-radius: 0.25rem;
}
.bd-article .onebyone-launch p {
  margin: 0;
}
.bd-article .onebyone-launch-link {
  font-weight: bold;
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
    and where each goes in the book; ``lite``: the course's JupyterLite will be beside the
    site (in ``LITE``), and each notebook's page links to its notebook there."""

    def __init__(self, lite: bool = False) -> None:
        self.lite = lite
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

    def lite_link(self, notebook: Path, here: str) -> str:
        """The relative link, in the page ``here`` (a path in the book), that opens
        ``notebook`` in the Lite's JupyterLab."""
        lab = os.path.relpath(LITE_LAB, Path(here).parent).replace(os.sep, "/")
        return f"{lab}?path={quote(notebook.relative_to(nav.NOTEBOOKS_DIR).as_posix())}"

    def launch(self, notebook: Path, cells: list[dict]) -> dict:
        """The cell that opens ``notebook``'s page: its launch link into the Lite."""
        url = self.lite_link(notebook, self.documents[notebook])
        cell = {"cell_type": "markdown", "metadata": {},
                "source": LAUNCH.format(url=escape(url))}
        if any("id" in c for c in cells):  # nbformat 4.5: every cell has one
            cell["id"] = "onebyone-launch"
        return cell

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
        browser = (
            f'- **In your browser, with nothing to install:** <a href="'
            f'{escape(self.lite_link(index, HOME))}">open the course in your browser</a>, or '
            f"a lesson from the *{LAUNCH_TEXT}* link at the top of its page. JupyterLab and "
            "Python run inside your own browser (JupyterLite); "
            f"{STORAGE}.\n") if self.lite else ""
        run = (
            "## Run it live\n\n"
            "On these pages the sliders, steppers and quizzes are still pictures. To use "
            "them, run the course in JupyterLab:\n\n"
            f"{browser}"
            f"- **On your machine:** in a clone of the repository, `{LOCAL_COMMAND}` sets "
            "everything up in a virtual environment inside it and opens the course.\n"
            f"- **On Binder, {'also ' if self.lite else ''}with nothing to install:** "
            f"[open the course on Binder]({binder}), "
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
            if self.lite:  # after the title and blurb, before the rest
                notebook["cells"].insert(1, self.launch(source, notebook["cells"]))
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
            yaml.safe_dump(config(self.lite), sort_keys=False, allow_unicode=True),
            encoding="utf-8")
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


def config(lite: bool = False) -> dict:
    """Jupyter Book's ``_config.yml`` (``lite``: the course's JupyterLite is beside the
    site, and the banner names it first)."""
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
            "announcement": BANNER_LITE if lite else BANNER,
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


def build(outdir: Path = DEFAULT_OUTDIR, lite: bool = False) -> Path:
    """Build the site into ``outdir`` (replacing a site built there before); return it.
    ``lite``: the course's JupyterLite will be built into ``outdir/lite`` (by the caller,
    with ``tools/lite.py build``), and the pages link to it.

    Raises ``SiteError`` if Sphinx fails or warns.
    """
    outdir = Path(outdir).resolve()
    if outdir.exists() and any(outdir.iterdir()) and not (outdir / ".buildinfo").exists():
        raise SiteError(f"{outdir} is not empty and holds no site: not replacing it")
    with tempfile.TemporaryDirectory(prefix="onebyone-site-") as tmp:
        book = Book(lite=lite).write(Path(tmp) / "book")
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
    lite = argv[:1] == ["--lite"]
    argv = argv[1:] if lite else argv
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print(__doc__)
        return 2
    print("Building the site from the notebooks' stored outputs ...", flush=True)
    try:
        site = build(Path(argv[0]) if argv else DEFAULT_OUTDIR, lite=lite)
    except SiteError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"The site is in {site}: open {site / 'index.html'}, or serve it with\n"
          f"    python3 -m http.server -d {site}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
