"""The course as a static website (tools/website.py, Jupyter Book 1), built once per test
run (the ``site`` fixture of tests/conftest.py).

The home page is for learners (what the course is, its contents with each notebook's
time, the short path, how to run it live: in the browser first), the README a page for
maintainers at the end. Every course notebook has a page, in course order, that opens with
one "Run in your browser" link to its own notebook in the course's JupyterLite, built
beside the site (``lite/``); every link and ``#anchor`` inside the site leads to a file and
an id that exist, and every link into the Lite to a notebook it holds; no page holds a
traceback, a raw widget repr or a control that would do nothing; every picture has its alt
text; Sphinx printed no warning; nothing is fetched from the network.
``test_the_checks_catch_a_bad_page`` shows that the checks find what they look for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import nbformat
import pytest
import yaml

import nav  # tools/nav.py, importable through tests/conftest.py
import website  # tools/website.py
from lite_site import require_fetched

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = nav.course_notebooks()
MAINTAINERS = f"{Path(website.MAINTAINERS).stem}.html"
PAGES = ["index.html", *(f"notebooks/{p.stem}.html" for p in NOTEBOOKS), MAINTAINERS]
WIDGET_REPRS = ("Explorer(children=", "Quiz(children=", "Stepper(", "(children=(")
CONTROLS = {"input", "button", "select", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
EXTERNAL = re.compile(r"^(https?:)?//")


@dataclass
class Page:
    path: Path
    ids: set[str] = field(default_factory=set)
    urls: list[tuple[str, str]] = field(default_factory=list)  # (tag, href or src)
    anchors: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    images: list[dict[str, str | None]] = field(default_factory=list)
    classes: set[str] = field(default_factory=set)
    output_controls: list[str] = field(default_factory=list)  # controls in cell outputs
    widget_views: int = 0  # live widgets, that no static page can run
    text: str = ""
    article: str = ""  # the text of the page's content, without the theme's


class _Parser(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page, self.stack, self.texts, self.article = page, [], [], []
        self.link: list | None = None  # [href, text] of the <a> being read
        # the stack depth of the cell output and of the <article> we are in
        self.output_depth: int | None = None
        self.article_depth: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        self.page.classes.update(classes)
        if a.get("id"):
            self.page.ids.add(a["id"])
        if tag == "a" and a.get("name"):  # an old-style anchor
            self.page.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) is not None:
                self.page.urls.append((tag, a[key]))
        if tag == "a" and a.get("href") is not None:
            self.link = [a["href"], ""]
        if tag == "img":
            self.page.images.append(a)
        if tag == "script" and a.get("type") == website.WIDGET_VIEW:
            self.page.widget_views += 1
        if tag in CONTROLS and self.output_depth is not None:
            self.page.output_controls.append(self.get_starttag_text())
        if tag not in VOID:
            self.stack.append(tag)
            if "cell_output" in classes and self.output_depth is None:
                self.output_depth = len(self.stack)
            if tag == "article" and self.article_depth is None:
                self.article_depth = len(self.stack)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.link is not None:
            self.page.anchors.append((self.link[0], " ".join(self.link[1].split())))
            self.link = None
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass
        if self.output_depth is not None and len(self.stack) < self.output_depth:
            self.output_depth = None
        if self.article_depth is not None and len(self.stack) < self.article_depth:
            self.article_depth = None

    def handle_data(self, data: str) -> None:
        if not self.stack or self.stack[-1] not in ("script", "style"):
            self.texts.append(data)
            if self.article_depth is not None:
                self.article.append(data)
            if self.link is not None:
                self.link[1] += data


def parse(path: Path) -> Page:
    page = Page(path)
    parser = _Parser(page)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    page.text = " ".join(" ".join(parser.texts).split())
    page.article = " ".join(" ".join(parser.article).split())
    return page


def html_pages(site: Path) -> list[Path]:
    """Every page of the site (not the theme's own files, the notebooks' sources nor the
    JupyterLite beside it, which tests/test_lite.py checks)."""
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0]
                  not in ("_static", "_sources", website.LITE))


def missing_from_the_lite(lite: Path, query: str) -> list[str]:
    """The notebooks that a link's ``?path=`` asks the JupyterLite in ``lite`` to open and
    that it does not hold: not listed in its contents (``api/contents/.../all.json``, what
    its file browser shows) or without their file (``files/``, what it opens)."""
    missing = []
    for path in parse_qs(query).get("path", []):
        folder, _, name = path.rpartition("/")
        listing = lite / "api" / "contents" / folder / "all.json"
        listed = {entry["name"] for entry in json.loads(listing.read_text())["content"]} \
            if listing.is_file() else set()
        if name not in listed or not (lite / "files" / path).is_file():
            missing.append(path)
    return missing


def broken_links(site: Path) -> list[str]:
    """Every link, script, stylesheet or picture inside the site whose file or ``#id``
    does not exist, and every link into the JupyterLite beside it (``lite/``) whose
    ``?path=`` names a notebook it does not hold."""
    pages = {p.resolve(): parse(p) for p in html_pages(site)}
    broken = []
    for path, page in pages.items():
        for tag, link in page.urls:
            url = urlparse(link)
            if url.scheme in ("http", "https", "mailto", "data", "javascript") or url.netloc:
                continue
            target = (path.parent / unquote(url.path)).resolve() if url.path else path
            if target.is_dir():
                target = target / "index.html"
            where = f"{path.relative_to(site.resolve())}: <{tag}> {link}"
            if site.resolve() not in target.parents or not target.is_file():
                broken.append(f"{where}: no such file")
            elif url.fragment and target.suffix == ".html":
                ids = (pages.get(target) or parse(target)).ids
                if unquote(url.fragment) not in ids:
                    broken.append(f"{where}: no id {url.fragment!r}")
            elif url.query and (lite := site.resolve() / website.LITE) in target.parents:
                broken += [f"{where}: no notebook {path!r} in the Lite"
                           for path in missing_from_the_lite(lite, url.query)]
    return broken


def page_problems(page: Page) -> list[str]:
    """What must never be on a page: a traceback or an error output, a live widget or its
    raw repr (no widget runs here), a control in an output, a picture without alt text."""
    problems = []
    if "Traceback (most recent call last)" in page.text:
        problems.append("a Python traceback")
    problems += [f"an output of class {c!r}" for c in ("traceback", "stderr")
                 if c in page.classes]
    problems += [f"a raw widget repr {r!r}" for r in WIDGET_REPRS if r in page.text]
    problems += ["a live widget, that cannot run here"] * page.widget_views
    problems += [f"a control in an output, that would do nothing: {c}"
                 for c in page.output_controls]
    problems += [f"a picture without alt text: src={str(img.get('src'))[:60]}"
                 for img in page.images if not (img.get("alt") or "").strip()]
    return problems


def launch_links(page: Page) -> list[tuple[str, str]]:
    """The page's links into the Lite's JupyterLab: (href, text)."""
    return [(href, text) for href, text in page.anchors
            if urlparse(href).path.endswith(website.LITE_LAB)]


def _notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _markdown(path: Path) -> str:
    return "\n\n".join("".join(c["source"]) for c in _notebook(path)["cells"]
                       if c["cell_type"] == "markdown")


@pytest.mark.slow
def test_every_course_notebook_has_a_page_titled_as_it_is(site):
    for path in NOTEBOOKS:
        page = site / "notebooks" / f"{path.stem}.html"
        assert page.is_file(), path.name
        title = nav.title_and_blurb(nbformat.read(path, as_version=4))[0]
        shown = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S)[1]
        assert unescape(shown).startswith(f"{title} — "), path.name


@pytest.mark.slow
def test_the_table_of_contents_lists_the_pages_in_course_order(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    sidebar = re.search(r'<nav class="[^"]*bd-docs-nav.*?</nav>', html, re.S)[0]
    listed = re.findall(r'href="([^"#]+)"', sidebar)
    assert listed == [f"notebooks/{p.stem}.html" for p in NOTEBOOKS] + [MAINTAINERS]


@pytest.mark.slow
def test_every_internal_link_and_anchor_resolves(site):
    assert broken_links(site) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", PAGES)
def test_no_traceback_widget_repr_dead_control_or_picture_without_alt(site, name):
    assert page_problems(parse(site / name)) == []


@pytest.mark.slow
def test_the_build_printed_no_warnings(site):
    # build() raises SiteError, with what Jupyter Book and Sphinx printed, when they
    # print anything to stderr (see the two tests below): the fixture got a site
    assert (site / ".buildinfo").is_file() and (site / "index.html").is_file()


@pytest.mark.slow
def test_a_warning_fails_the_build(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    (book / "index.md").write_text("# Home\n\n[a page that is not](missing.md)\n")
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (book / "_config.yml").write_text(json.dumps(website.config()))  # JSON is YAML
    printed = website.sphinx(book, tmp_path / "html", tmp_path / "doctrees")
    assert "WARNING" in printed and "missing.md" in printed


def test_build_keeps_no_site_that_sphinx_warned_about(tmp_path, monkeypatch):
    monkeypatch.setattr(website, "sphinx", lambda *_: "WARNING: something\n")
    with pytest.raises(website.SiteError, match="WARNING: something"):
        website.build(tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_build_replaces_only_a_site(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(website.SiteError, match="holds no site"):
        website.build(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.slow
def test_the_home_page_is_for_learners(site):
    home = parse(site / "index.html")
    index = nbformat.read(NOTEBOOKS[0], as_version=4)
    title, blurb = nav.title_and_blurb(index)
    # what the course is: 00's title, its heading link (#), its blurb, what it teaches
    assert home.article.startswith(f"{title} # {blurb}")
    assert "What you'll learn" in home.article
    # ... which frames the whole course, 01 to the last lesson
    numbered = [text for href, text in home.anchors if re.fullmatch(r"\d\d", text)]
    assert numbered == [f"{k:02d}" for k in range(1, len(NOTEBOOKS))]
    # the contents: every lesson, linked, with its time, and the whole course's
    links = set(home.anchors)
    for path in NOTEBOOKS[1:]:
        lesson, _ = nav.title_and_blurb(nbformat.read(path, as_version=4))
        assert (f"notebooks/{path.stem}.html", lesson) in links, path.name
        minutes = nav.minutes(nbformat.read(path, as_version=4), path.name)
        assert f"{lesson} · about {minutes} minutes" in home.article, path.name
    assert "The whole course: about" in home.article
    # the short path, as 00 gives it
    short = next(c.source for c in index.cells if c.get("id") == website.SHORT_PATH)
    heading = short.split("\n", 1)[0].removeprefix("## ")
    assert f"{heading} #" in home.article
    # how to run it live: the command and Binder, in the page's own text
    assert website.LOCAL_COMMAND in home.article
    assert website.BINDER_URL_TEMPLATE.format(page="00_index") in [u for _, u in home.urls]
    # not the README's maintainers' sections: they have a page of their own
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for section in ("Two commands", "For maintainers", "Performance"):
        assert f"## {section}" in readme
        assert f"{section} #" not in home.article, section
    assert "conv1x1 / raw matmul" not in home.text
    maintainers = parse(site / MAINTAINERS)
    assert maintainers.article.startswith(f"{website.MAINTAINERS_TITLE} #")
    for section in ("Two commands", "For maintainers", "Performance"):
        assert f"{section} #" in maintainers.article, section
    assert (MAINTAINERS, website.MAINTAINERS_TITLE) in links
    following = re.search(r'class="right-next"\s+href="([^"]+)"', home.path.read_text())
    assert following[1] == "notebooks/00_index.html"


@pytest.mark.slow
@pytest.mark.parametrize("k", range(len(NOTEBOOKS)), ids=[p.stem for p in NOTEBOOKS])
def test_prev_and_next_go_to_the_neighbouring_pages(site, k):
    names = [f"{p.stem}.html" for p in NOTEBOOKS]
    page = parse(site / "notebooks" / names[k])
    # the notebook's own line, at the top and at the bottom: "← previous · next →"
    back = [href for href, text in page.anchors if text.startswith("←")]
    on = [href for href, text in page.anchors if text.endswith("→")]
    assert back == ([names[k - 1]] * 2 if k > 0 else [])
    assert on == ([names[k + 1]] * 2 if k + 1 < len(names) else [])
    # the theme's previous and next buttons: the home page comes before 00_index
    html = page.path.read_text(encoding="utf-8")
    prev = re.search(r'class="left-prev"\s+href="([^"]+)"', html)[1]
    assert prev == (names[k - 1] if k > 0 else "../index.html")
    # after the last lesson, the maintainers' page
    following = re.search(r'class="right-next"\s+href="([^"]+)"', html)[1]
    assert following == (names[k + 1] if k + 1 < len(names) else f"../{MAINTAINERS}")


@pytest.mark.slow
def test_each_lesson_launches_on_binder_and_every_page_gives_the_local_command(site):
    for name in PAGES:
        page = parse(site / name)
        assert website.LOCAL_COMMAND in page.text, name
        binder = [u for _, u in page.urls if u.startswith("https://mybinder.org/")]
        if name.startswith("notebooks/"):
            stem = Path(name).stem
            assert binder == [website.BINDER_URL_TEMPLATE.format(page=stem)], name
            assert binder[0] == ("https://mybinder.org/v2/gh/OWNER/onebyone/HEAD"
                                 f"?urlpath=lab/tree/notebooks/{stem}.ipynb")


@pytest.mark.slow
@pytest.mark.parametrize("k", range(len(NOTEBOOKS)), ids=[p.stem for p in NOTEBOOKS])
def test_each_notebooks_page_opens_with_one_link_to_run_it_in_the_browser(site, k):
    require_fetched()  # the site is built with the Lite beside it when it can be
    path = NOTEBOOKS[k]
    page = parse(site / "notebooks" / f"{path.stem}.html")
    # one link, to its own notebook in the Lite beside the site, relative to the page
    # (broken_links checks that the Lite holds that notebook)
    assert launch_links(page) == [(f"../lite/lab/index.html?path={path.name}",
                                   website.LAUNCH_TEXT)]
    # at the top: after the title and blurb, before the notebook's line of links
    article = page.path.read_text(encoding="utf-8").split("<article", 1)[1]
    # (the first page's line has no previous page, the last one's next is the contents)
    around = (NOTEBOOKS[k - 1], NOTEBOOKS[(k + 1) % len(NOTEBOOKS)])
    neighbours = [f'href="{p.stem}.html"' for p in around]
    assert article.index('class="onebyone-launch"') < min(article.index(n) for n in neighbours)
    assert page.article.index(website.LAUNCH_TEXT) < page.article.index("What you")
    # what it means, beside it
    box = re.search(r'<div class="onebyone-launch">(.*?)</div>', article, re.S)[1]
    said = " ".join(unescape(re.sub(r"<[^>]+>", " ", box)).split())
    for words in ("your own browser", "nothing to install", "kept in this browser's storage",
                  "clearing the browser's data loses it",
                  "Download (the file browser's menu, on a right-click) keeps a copy"):
        assert words in said, words


@pytest.mark.slow
def test_the_home_page_and_the_banner_name_the_browser_first(site):
    require_fetched()
    home = parse(site / "index.html")
    run = home.article.split("Run it live", 1)[1]
    ways = [run.index(way) for way in ("In your browser", "On your machine", "On Binder")]
    assert ways == sorted(ways)
    assert ("lite/lab/index.html?path=00_index.ipynb", "open the course in your browser") \
        in home.anchors
    assert "nothing to install" in run and "kept in this browser's storage" in run
    for name in PAGES:  # the announcement, above every page
        assert f"To use them, open a lesson in your browser from its {website.LAUNCH_TEXT}" \
            in parse(site / name).text, name


def test_a_site_without_the_lite_has_no_link_to_it(tmp_path):
    """The book as ``course.py site`` writes it without npm (no Lite beside the site):
    no launch link, the home page and the banner as before; with the Lite, one launch
    link per notebook and one on the home page. (The README's page describes the Lite
    either way.)"""
    def links_to_the_lite(book: Path) -> dict[str, int]:
        return {p.relative_to(book).as_posix(): p.read_text(encoding="utf-8").count(
                    website.LITE_LAB) for p in sorted(book.rglob("*"))
                if p.is_file() and p.name != website.MAINTAINERS}

    plain = website.Book().write(tmp_path / "plain")
    assert set(links_to_the_lite(plain).values()) == {0}
    home = (plain / website.HOME).read_text(encoding="utf-8")
    assert "In your browser" not in home and website.LAUNCH_TEXT not in home
    assert "- **On Binder, with nothing to install:**" in home
    config = yaml.safe_load((plain / "_config.yml").read_text(encoding="utf-8"))
    assert config["html"]["announcement"] == website.BANNER
    assert website.LAUNCH_TEXT not in website.BANNER

    lite = website.Book(lite=True).write(tmp_path / "lite")
    counted = {name: n for name, n in links_to_the_lite(lite).items() if n}
    assert counted == {website.HOME: 1, **{f"notebooks/{p.name}": 1 for p in NOTEBOOKS}}
    config = yaml.safe_load((lite / "_config.yml").read_text(encoding="utf-8"))
    assert config["html"]["announcement"] == website.BANNER_LITE
    first = _notebook(lite / "notebooks" / NOTEBOOKS[1].name)["cells"][:2]
    assert first[0]["source"].startswith("# 01 · ")
    assert 'href="../lite/lab/index.html?path=01_single_channel.ipynb"' in first[1]["source"]


@pytest.mark.slow
def test_widgets_are_shown_as_their_stills(site):
    for path in NOTEBOOKS:
        html = (site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        assert website.WIDGET_VIEW not in html and "jupyter-widgets" not in html
        widgets = [o for c in _notebook(path)["cells"] for o in c.get("outputs", [])
                   if website.WIDGET_VIEW in o.get("data", {})]
        for output in widgets:
            still = "".join(output["data"].get("text/html", ""))
            assert still, f"{path.name}: a widget output without a text/html alternative"
            assert " ".join(re.sub(r"<[^>]+>", " ", still).split())[:80] in \
                " ".join(re.sub(r"<[^>]+>", " ", html).split()), path.name


@pytest.mark.slow
def test_a_quizs_source_is_folded_as_in_jupyterlab(site):
    for path in NOTEBOOKS:
        hidden = sum(1 for c in _notebook(path)["cells"]
                     if c.get("metadata", {}).get("jupyter", {}).get("source_hidden"))
        html = (site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        assert len(re.findall(r'class="cell [^"]*tag_hide-input', html)) == hidden, path.name


@pytest.mark.slow
def test_the_site_needs_no_network(site):
    for path in html_pages(site):
        page = parse(path)
        fetched = [u for tag, u in page.urls if tag in ("script", "img", "link", "iframe")
                   and EXTERNAL.match(u)]
        assert fetched == [], path.relative_to(site)
    css = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                    for p in (site / "_static").rglob("*.css"))
    assert not re.search(r"@import\s+url\(\s*['\"]?https?:", css)
    # formulas: MathJax is served by the site, and the pages with formulas load it
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file()
    html = (site / "notebooks" / "02_multi_channel.html").read_text(encoding="utf-8")
    assert 'src="../_static/mathjax/tex-chtml.js"' in html
    assert '<div class="math notranslate nohighlight">' in html


@pytest.mark.slow
def test_every_external_link_and_citation_is_kept(site):
    for source, name in [(ROOT / "README.md", MAINTAINERS),
                         *((p, f"notebooks/{p.stem}.html") for p in NOTEBOOKS)]:
        text = source.read_text() if source.suffix == ".md" else _markdown(source)
        cited = set(re.findall(r"\]\((https://[^)\s]+)\)", text))
        hrefs = {u for _, u in parse(site / name).urls}
        assert cited <= hrefs, f"{name}: {cited - hrefs}"


@pytest.mark.slow
def test_search_indexes_every_page(site):
    assert (site / "search.html").is_file()
    index = (site / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index.removeprefix("Search.setIndex(").removesuffix(")"))
    assert data["docnames"] == ["index", Path(website.MAINTAINERS).stem,
                                *(f"notebooks/{p.stem}" for p in NOTEBOOKS)]


def test_links_in_the_book_point_at_pages_ids_and_the_repository():
    book = website.Book()
    index = ROOT / "notebooks" / "00_index.ipynb"
    assert book.link("../README.md#run-it-your-way", index) \
        == "../maintainers.md#run-it-your-way"
    # 00's links, written on the home page, one folder up
    assert book.link("02_multi_channel.ipynb#One-filter,-one-pixel", index, website.HOME) \
        == "notebooks/02_multi_channel.ipynb#one-filter-one-pixel"
    assert book.link("04_dense_equals_matmul.ipynb#A-dense-layer,-at-one-pixel",
                     ROOT / "notebooks" / "02_multi_channel.ipynb") \
        == "04_dense_equals_matmul.ipynb#a-dense-layer-at-one-pixel"
    readme = ROOT / "README.md"
    assert book.link("notebooks/01_single_channel.ipynb", readme) \
        == "notebooks/01_single_channel.ipynb"
    assert book.link("binder/", readme) == f"{website.REPOSITORY_URL}/tree/HEAD/binder"
    assert book.link("requirements.txt", readme) \
        == f"{website.REPOSITORY_URL}/blob/HEAD/requirements.txt"
    assert book.link("no/such/file.md", readme) == "no/such/file.md"  # Sphinx will warn
    assert book.link("https://arxiv.org/abs/1312.4400", readme) \
        == "https://arxiv.org/abs/1312.4400"


def test_the_checks_catch_a_bad_page(tmp_path):
    """The checks above can fail: a page with every fault is reported for each."""
    (tmp_path / "notebooks").mkdir()
    lite = tmp_path / website.LITE  # a Lite that holds one notebook, and lists another
    (lite / "lab").mkdir(parents=True)
    (lite / "lab" / "index.html").write_text("<p>JupyterLab</p>")
    (lite / "files").mkdir()
    (lite / "files" / "01_here.ipynb").write_text("{}")
    (lite / "api" / "contents").mkdir(parents=True)
    (lite / "api" / "contents" / "all.json").write_text(json.dumps({"content": [
        {"name": "01_here.ipynb"}, {"name": "02_listed_only.ipynb"}]}))
    (tmp_path / "index.html").write_text('<p id="here"><a href="#here">fine</a></p>')
    bad = tmp_path / "notebooks" / "bad.html"
    bad.write_text(
        '<a href="../index.html#here">fine</a> <a href="../index.html#gone">gone</a>'
        ' <a href="missing.html">missing</a> <img src="../index.html">'
        ' <div class="cell_output"><div><pre>Traceback (most recent call last):</pre>'
        "<pre>Explorer(children=(HBox(children=(</pre><button>Play</button></div></div>"
        f' <script type="{website.WIDGET_VIEW}">{{"model_id": "1"}}</script>'
        ' <button>outside an output: fine</button> <img src="../index.html" alt="fine">'
        ' <a href="../lite/lab/index.html?path=01_here.ipynb">fine</a>'
        ' <a href="../lite/lab/index.html?path=02_listed_only.ipynb">no file</a>'
        ' <a href="../lite/lab/index.html?path=03_gone.ipynb">gone</a>'
        ' <a href="../lite/tree/index.html">no such page</a>')
    lite_lab = "notebooks/bad.html: <a> ../lite/lab/index.html?path="
    assert broken_links(tmp_path) == [
        "notebooks/bad.html: <a> ../index.html#gone: no id 'gone'",
        "notebooks/bad.html: <a> missing.html: no such file",
        f"{lite_lab}02_listed_only.ipynb: no notebook '02_listed_only.ipynb' in the Lite",
        f"{lite_lab}03_gone.ipynb: no notebook '03_gone.ipynb' in the Lite",
        "notebooks/bad.html: <a> ../lite/tree/index.html: no such file"]
    assert launch_links(parse(bad)) == [
        ("../lite/lab/index.html?path=01_here.ipynb", "fine"),
        ("../lite/lab/index.html?path=02_listed_only.ipynb", "no file"),
        ("../lite/lab/index.html?path=03_gone.ipynb", "gone")]
    problems = page_problems(parse(bad))
    assert problems == [
        "a Python traceback",
        "a raw widget repr 'Explorer(children='",
        "a raw widget repr '(children=('",
        "a live widget, that cannot run here",
        "a control in an output, that would do nothing: <button>",
        "a picture without alt text: src=../index.html"]
    assert page_problems(parse(tmp_path / "index.html")) == []
