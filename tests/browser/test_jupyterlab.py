"""Every notebook in JupyterLab, in a real browser, used as a learner would.

Open the notebook, wait until its kernel is really connected, run all cells, check that
every code cell ran without an error and every widget displayed; then operate every
widget control (keyboard on slider handles, typing in slider readouts, clicking every
option of a quiz) and check that the displayed output changed each time. A screenshot
per notebook, and one per widget after it was operated, are saved in
``tests/browser/screenshots/`` (git-ignored) for people to look at.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nav  # tools/nav.py, importable through tests/conftest.py

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
TIMEOUT_MS = 60_000
# every control a widget cell may contain must be operated below; anything else fails
CONTROL = "input, select, button, textarea, [contenteditable='true'], [role='slider']"
HANDLED = ".noUi-handle, .widget-readout, .widget-radio-box input"

KERNEL_READY = """() => {
    const name = document.querySelector('.jp-NotebookPanel .jp-Toolbar-kernelName');
    const status = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
    return name && !name.textContent.includes('No Kernel')
        && status && status.dataset.status === 'idle';
}"""
# a cell whose source is hidden (a quiz) shows its count only on its output prompt
ALL_EXECUTED = """(expected) => {
    const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
    const ran = c => [...c.querySelectorAll('.jp-InputPrompt, .jp-OutputPrompt')]
        .some(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
    const busy = c => [...c.querySelectorAll('.jp-InputPrompt')]
        .some(p => p.textContent.includes('*'));
    return cells.length === expected && cells.every(c => ran(c) && !busy(c));
}"""
CHANGED = "([element, before]) => element.innerHTML !== before"


def _code_cell_count(path: Path) -> int:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip())


def _expect_change(page, output, action, what: str) -> None:
    """Do ``action``, wait until the cell's displayed output is different and the kernel
    is idle again (so the output shows the final state, not an intermediate one)."""
    before = output.inner_html()
    action()
    try:
        page.wait_for_function(CHANGED, arg=[output.element_handle(), before], timeout=10_000)
    except Exception as error:  # Playwright's TimeoutError: say which control failed
        raise AssertionError(f"{what}: the displayed output did not change") from error
    page.wait_for_function(KERNEL_READY, timeout=TIMEOUT_MS)


def _operate_slider(page, output, handle, readout, label: str) -> int:
    """Move a slider with the keyboard, then type a value in its readout."""
    low, high = float(handle.get_attribute("aria-valuemin")), \
        float(handle.get_attribute("aria-valuemax"))
    now = float(handle.get_attribute("aria-valuenow"))
    key = "ArrowLeft" if now >= high else "ArrowRight"

    def press() -> None:
        handle.focus()
        page.keyboard.press(key)

    _expect_change(page, output, press, f"slider {label!r}, key {key}")
    now = float(handle.get_attribute("aria-valuenow"))
    target = low if now != low else high
    text = str(int(target)) if target == int(target) else str(target)

    def type_value() -> None:
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
        page.keyboard.press("Enter")

    _expect_change(page, output, type_value, f"slider {label!r}, typing {text}")
    assert float(handle.get_attribute("aria-valuenow")) == target, label
    return 2


def _operate_radio_buttons(page, output, group) -> int:
    """Click every option of a group of radio buttons (a quiz question), in turn."""
    options = group.locator("label")
    for k in range(options.count()):
        option = options.nth(k)
        _expect_change(page, output, option.click, f"option {option.inner_text()!r}")
        assert option.locator("input").is_checked()
    return options.count()


def _operate_widgets(page, cell) -> int:
    """Operate every control of one widget cell; return how many actions were checked."""
    output = cell.locator(".jp-Cell-outputArea")
    sliders = cell.locator(".widget-slider")
    actions = 0
    for k in range(sliders.count()):
        slider = sliders.nth(k)
        slider.scroll_into_view_if_needed()
        actions += _operate_slider(page, output, slider.locator(".noUi-handle"),
                                   slider.locator(".widget-readout"),
                                   slider.locator(".widget-label").inner_text())
    groups = cell.locator(".widget-radio-box")
    for k in range(groups.count()):
        groups.nth(k).scroll_into_view_if_needed()
        actions += _operate_radio_buttons(page, output, groups.nth(k))
    unhandled = cell.locator(f".jupyter-widgets :is({CONTROL}):not(:is({HANDLED}))")
    assert unhandled.count() == 0, (
        "a widget control this suite does not operate yet: "
        + unhandled.first.evaluate("e => e.outerHTML").strip()[:200])
    return actions


@pytest.mark.parametrize("path", nav.course_notebooks(), ids=lambda p: p.name)
def test_notebook_runs_and_its_widgets_respond(path, lab_server, chromium):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        page.goto(lab_server.url(f"/lab/tree/notebooks/{path.name}?reset"))
        # "idle" shows before the kernel is connected: wait for its name as well
        page.wait_for_function(KERNEL_READY, timeout=TIMEOUT_MS)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        page.wait_for_function(ALL_EXECUTED, arg=_code_cell_count(path), timeout=TIMEOUT_MS)
        page.wait_for_function(KERNEL_READY, timeout=TIMEOUT_MS)

        notebook = page.locator(".jp-NotebookPanel .jp-Notebook")
        errors = notebook.locator(".jp-OutputArea-output[data-mime-type*='stderr']")
        assert errors.count() == 0, errors.first.inner_text()
        assert notebook.get_by_text("Error displaying widget").count() == 0

        widget_cells = notebook.locator(".jp-CodeCell").filter(
            has=page.locator(".jupyter-widgets"))
        SCREENSHOTS.mkdir(exist_ok=True)
        actions = 0
        for k in range(widget_cells.count()):
            actions += _operate_widgets(page, widget_cells.nth(k))
            # each widget as it looks after being operated, for people to look at
            widget_cells.nth(k).screenshot(path=SCREENSHOTS / f"{path.stem}-widget{k}.png")
        if widget_cells.count():
            assert actions > 0, "widget cells with no control operated"
            widget_cells.last.scroll_into_view_if_needed()
        assert notebook.get_by_text("Error displaying widget").count() == 0
        assert page_errors == []
    finally:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{path.stem}.png")
        page.close()


def test_server_listens_on_loopback_and_wants_its_token(lab_server):
    import urllib.error
    import urllib.request

    assert lab_server.base.startswith("http://127.0.0.1:") and len(lab_server.token) >= 32
    assert lab_server.api("/api/status")  # with the token
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{lab_server.base}/api/kernels", timeout=5)  # without it
    refused.value.close()
    assert refused.value.code == 403
