"""The course in JupyterLite, in Chromium: the site built offline (tools/lite.py), served
from this machine, with every request outside the site's own origin refused.

Every notebook runs top to bottom in the browser's own Python (Pyodide) with no error and
its widgets live, and ``import onebyone`` needs no install cell: the kernel loads what a
cell imports from the site's lock. In 01, every control of every widget is operated as under
JupyterLab (test_jupyterlab.py: by the mouse and by the keyboard, the quiz as well) and its
outputs audited (WCAG A and AA, light and dark); JupyterLite's JupyterLab takes keys before
the page's elements do (controls.js, ``ownKeys``), so the keyboard is checked here too.
Every exercise's folded solution passes its check there: the test's build adds
``solutions/NN_slug.py`` to the site's contents (tests/lite_site.py; the published site has
none), and after Run All a cell typed at the notebook's end runs that file, which runs each
solution as a cell of its own; the cell shows one "✓ Correct" per solution and no error.
A learner's work is kept: a notebook just opened is not marked changed, an edit, saved, is
there after the page is reloaded, the notebook downloaded (the file browser's Download)
holds it, and that file uploaded back under another name opens with it.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_jupyterlab import (
    SCREENSHOTS,
    TIMEOUT_MS,
    TIMINGS,
    _wait_for,
    open_notebook,
    operate_and_audit,
    run_all,
)

import lite  # tools/lite.py
from lite_site import SOLUTIONS, offline_build, require_fetched, write_solutions
from notebook_run import solutions
from served import served

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
WIDGET = "application/vnd.jupyter.widget-view+json"
BROWSER_READY = "All set: the widgets' front ends come with this site's JupyterLab."
FONT_CACHE = "Matplotlib is building the font cache; this may take a moment."
KERNEL_START_MS = 180_000
"""Pyodide's first start downloads and compiles about 40 MB: seconds alone, longer beside
the rest of the suite; the wait is for the kernel, not a delay."""
OPERATED = "01_single_channel.ipynb"
"""The notebook whose widgets are operated here (each notebook's are, under `lab`): its
explorer's sliders, its stepper, its quiz."""
SMALL = "00_index.ipynb"
"""The notebook the learner edits, saves and reloads."""
COPY = "00_index-copy.ipynb"
"""The name the downloaded notebook is uploaded back under."""
LITE_TIMINGS: dict[str, list[float]] = {name: [] for name in TIMINGS}
"""Times measured in the Lite, kept apart from `lab`'s (``screenshots/timings.json``)."""
RIGHT = "✓ Correct"
"""How a check's verdict (exercises.Feedback) begins when the answer is right."""
SOLUTIONS_TIMEOUT_MS = 300_000
"""09's solutions train its network for three step sizes (about 55 s in the Lite, the
others' a few seconds at most): the wait is for the cell's prompt, not a delay."""
SOLUTION_SECONDS: dict[str, float] = {}
"""Seconds the cell running a notebook's solutions took (``screenshots/lite-solutions.json``)."""
# the code cell's prompt shows its execution count: it has run, and is not running
CELL_RAN = """(cell) => [...cell.querySelectorAll('.jp-InputPrompt')]
    .some(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()))"""


@pytest.fixture(scope="module")
def lite_origin(tmp_path_factory) -> Iterator[str]:
    """The site, built offline, served on loopback: its origin."""
    require_fetched()
    folder = tmp_path_factory.mktemp("lite")
    site = folder / "site"
    built = offline_build(site, write_solutions(folder / "contents"))
    assert built.returncode == 0, built.stdout + built.stderr
    with served(site) as origin:
        yield origin


def only_from(context, origin: str) -> list[str]:
    """Refuse every request of ``context`` outside ``origin``; the refused ones."""
    refused: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith((origin + "/", "data:", "blob:")):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    context.route("**/*", route)
    return refused


def _widget_cells(path: Path) -> int:
    """The code cells of the committed notebook whose outputs hold a widget."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(1 for cell in cells if cell["cell_type"] == "code" and any(
        WIDGET in output.get("data", {}) for output in cell.get("outputs", [])))


def assert_only_the_font_cache_on_stderr(notebook) -> None:
    """An error shows as stderr: the one stderr line the open ``notebook`` may show is
    matplotlib's, which builds its font cache in each new browser kernel."""
    stderr = notebook.locator(".jp-OutputArea-output[data-mime-type*='stderr']")
    said = [text.strip() for text in stderr.all_inner_texts()]
    assert all(text == FONT_CACHE for text in said), said


def _run_the_solutions(page, notebook, path: Path) -> None:
    """Add a cell at the notebook's end that runs ``solutions/<notebook>.py`` (each folded
    solution as a cell of its own), run it, and check it: one "✓ Correct" per solution,
    no error, nothing on stderr."""
    line = f'exec(open("{SOLUTIONS}/{path.stem}.py").read())'
    notebook.locator(".jp-Cell").last.locator(".jp-InputPrompt").click()  # not its links
    page.keyboard.press("Escape")  # command mode
    page.keyboard.press("b")  # a code cell below
    cell = notebook.locator(".jp-CodeCell").last
    cell.locator(".cm-content").click()
    page.keyboard.type(line)  # the brackets and quotes the editor closes are typed over
    assert cell.locator(".cm-content").inner_text() == line
    started = time.monotonic()
    page.keyboard.press("Control+Enter")  # run it, in place
    _wait_for(page, CELL_RAN, cell.element_handle(), "the solutions' cell to run",
              lambda: repr(cell.inner_text()[-500:]), SOLUTIONS_TIMEOUT_MS)
    SOLUTION_SECONDS[path.stem] = round(time.monotonic() - started, 1)
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "lite-solutions.json").write_text(json.dumps(SOLUTION_SECONDS, indent=1))
    cell.scroll_into_view_if_needed()  # for the screenshot
    shown = [text.strip() for text in
             cell.locator(".jp-OutputArea-output").all_inner_texts()]
    wrong = cell.locator(".jp-OutputArea-output[data-mime-type*='stderr']")
    assert wrong.count() == 0, wrong.all_inner_texts()  # an error shows as stderr
    verdicts = [text for text in shown if text.startswith(("✓", "✗"))]
    assert verdicts == [v for v in verdicts if v.startswith(RIGHT)], verdicts
    assert len(verdicts) == len(solutions(path)), shown


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_the_notebook_runs_top_to_bottom_in_the_browser_with_nothing_from_outside(
        path, lite_origin, chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    refused = only_from(context, lite_origin)
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        run_all(page, f"{lite_origin}/lab/index.html?path={path.name}", path,
                kernel_timeout=KERNEL_START_MS)
        notebook = page.locator(".jp-NotebookPanel .jp-Notebook")
        assert_only_the_font_cache_on_stderr(notebook)
        outputs = notebook.locator(".jp-OutputArea")  # not the text, which names the error
        assert outputs.get_by_text("Error displaying widget").count() == 0
        # every widget the notebook shows under `lab` is live here, drawn by the browser's
        # own Python
        live = notebook.locator(".jp-CodeCell").filter(has=page.locator(".jupyter-widgets"))
        assert live.count() == _widget_cells(path)
        # the environment check tells the truth here: no warning about front ends that
        # come with the site
        assert outputs.get_by_text("WARNING:").count() == 0
        if "check_environment()" in path.read_text(encoding="utf-8"):
            assert outputs.get_by_text(BROWSER_READY).count() == 1
        if path.name == OPERATED:  # every control, by the mouse and by the keyboard
            operate_and_audit(page, notebook, f"lite-{path.stem}", LITE_TIMINGS)
            (SCREENSHOTS / "lite-timings.json").write_text(json.dumps(LITE_TIMINGS, indent=1))
        if solutions(path):  # every exercise's folded solution passes its check
            _run_the_solutions(page, notebook, path)
        assert page_errors == []
        assert refused == [], f"the site asked for something outside it: {refused[:5]}"
    finally:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"lite-{path.stem}.png")
        context.close()


@pytest.mark.slow
def test_a_learners_edit_is_kept_after_a_reload_and_in_the_download(lite_origin, chromium,
                                                                      tmp_path):
    """Type into a cell, save (Ctrl+S), reload the page and open the notebook again: the
    edit is there (the browser keeps the learner's copy); Download (the file browser's
    menu: JupyterLite's File menu has none) gives the notebook with the edit, and Upload
    takes it back, under another name, with the edit. Before the edit, the notebook just
    opened is not marked changed."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                   accept_downloads=True)
    refused = only_from(context, lite_origin)
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    note = f"# my answer, saved: {secrets.token_hex(4)}"
    try:
        open_notebook(page, f"{lite_origin}/lab/index.html?path={SMALL}", KERNEL_START_MS)
        tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=SMALL)
        # opened, its kernel ready, nothing changed yet: not marked changed (the site's copy
        # carries the kernel's own metadata, which JupyterLab would otherwise rewrite)
        assert "jp-mod-dirty" not in tab.get_attribute("class")
        exercise = page.locator(".jp-NotebookPanel .jp-CodeCell").filter(
            has_text="photo_shape = None")
        editor = exercise.locator(".jp-InputArea-editor .cm-content")
        editor.click()
        page.keyboard.press("Control+End")  # the end of the cell
        page.keyboard.press("Enter")
        page.keyboard.type(note)
        exercise.locator(".cm-line", has_text=note).wait_for(timeout=TIMEOUT_MS)
        page.wait_for_function(
            "(tab) => tab.classList.contains('jp-mod-dirty')", arg=tab.element_handle(),
            timeout=TIMEOUT_MS)  # unsaved changes
        page.keyboard.press("Escape")  # command mode, as after typing
        page.keyboard.press("Control+s")
        page.wait_for_function(
            "(tab) => !tab.classList.contains('jp-mod-dirty')", arg=tab.element_handle(),
            timeout=TIMEOUT_MS)  # saved

        # the page reloaded opens no notebook (the address no longer names it): the
        # learner opens theirs from the file browser
        page.reload()
        page.locator(".jp-DirListing-item", has_text=SMALL).dblclick()
        kept = page.locator(".jp-NotebookPanel .jp-CodeCell .cm-line", has_text=note)
        kept.wait_for(timeout=TIMEOUT_MS)
        assert kept.count() == 1
        kept.scroll_into_view_if_needed()  # for the screenshot

        # JupyterLite's File menu has no Download: the file browser's menu has
        page.locator(".jp-DirListing-item", has_text=SMALL).click(button="right")
        download = page.locator(".lm-Menu-item").filter(
            has=page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Download$")))
        assert "lm-mod-disabled" not in download.get_attribute("class")
        with page.expect_download(timeout=TIMEOUT_MS) as downloading:
            download.click()
        saved = tmp_path / "downloaded.ipynb"
        downloading.value.save_as(saved)
        assert downloading.value.suggested_filename == SMALL
        cells = json.loads(saved.read_text(encoding="utf-8"))["cells"]
        assert any(note in "".join(cell["source"]) for cell in cells)
        # the stored outputs, never run here, come back as they were (not garbled by the save)
        stored = json.loads((ROOT / "notebooks" / SMALL).read_text(encoding="utf-8"))["cells"]
        assert [c.get("outputs") for c in cells] == [
            c.get("outputs") for c in lite.joined_outputs(stored)]

        # the download, uploaded back under another name (the file browser's Upload),
        # opens with the edit in it
        page.keyboard.press("Escape")  # the menu closed
        copy = tmp_path / "upload" / COPY
        copy.parent.mkdir()
        copy.write_bytes(saved.read_bytes())
        with page.expect_file_chooser(timeout=TIMEOUT_MS) as choosing:
            page.locator(".jp-FileBrowser-toolbar").get_by_title("Upload Files").click()
        choosing.value.set_files(copy)
        uploaded = page.locator(".jp-DirListing-item", has_text=COPY)
        uploaded.dblclick(timeout=TIMEOUT_MS)
        page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current",
                     has_text=COPY).wait_for(timeout=TIMEOUT_MS)
        kept = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .cm-line",
                            has_text=note)
        kept.wait_for(timeout=TIMEOUT_MS)
        assert kept.count() == 1  # in the copy, the one shown; and in the original, behind
        assert page.locator(".jp-NotebookPanel .jp-CodeCell .cm-line", has_text=note).count() \
            == page.locator(".jp-NotebookPanel").count() == 2
        assert page_errors == []
        assert refused == [], f"the site asked for something outside it: {refused[:5]}"
    finally:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "lite-kept-after-reload.png")
        context.close()
