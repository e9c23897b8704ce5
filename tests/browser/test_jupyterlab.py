"""Every notebook in JupyterLab, in a real browser, used as a learner would.

Open the notebook, wait until its kernel is really connected, run all cells, check that
every code cell ran without an error and every widget displayed; then operate every
widget control (each slider with an arrow key, Home or End, and a click of the mouse on
its track; every option of a quiz) and check that the displayed output changed each
time. A screenshot per notebook, and one per widget after it was operated, are saved in
``tests/browser/screenshots/`` (git-ignored) for people to look at.

Step-through widgets (a ``Stepper``: Play, its speed, back, next and a slider, above
the line of text and the picture) are stepped with the mouse and the keyboard, then
played once the browser has the pictures Play will show: Play must show new pictures,
and once paused the picture must stay on the slider's position. Every wait is for the
state the test expects next (a slider's value, the step a picture shows), never for
"any change"; a wait that times out says what it waited for and what it saw. The
measured times (slider to picture, step to picture, Play's pictures a second) and the
bytes a stepper's picture takes are written to ``screenshots/timings.json`` for
``benchmarks/run.py --browser``, whose table holds their targets: no test here asserts
seconds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

import nav  # tools/nav.py, importable through tests/conftest.py

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
TIMEOUT_MS = 60_000
# running every cell: the longest notebooks take about 10 s on the development machine alone
# (09 trains one network and reads its ablation's shipped results), several times that in
# the full suite beside other work; the wait is for the last cell's prompt, not a delay
RUN_ALL_TIMEOUT_MS = 300_000
# every control a widget cell may contain must be operated below; anything else fails
CONTROL = "input, select, button, textarea, [contenteditable='true'], [role='slider']"
SLIDER = ".onebyone-slider input[type=range]"  # the course's labelled slider (controls.js)
POSITION = ".onebyone-position input[type=range]"  # a stepper's slider
PICTURE = ".widget-image, .onebyone-frame"  # an explorer's picture; a stepper's
LINE = ".widget-html, .onebyone-line"  # the line of text above it
HANDLED = (f"{SLIDER}, .widget-radio-box input, "
           f".onebyone-stepper :is(button, select, input[type=range])")
TIMINGS: dict[str, list[float]] = {
    "slider to picture, a key (s)": [], "slider to picture, a click (s)": [],
    "step to picture (s)": [], "Play frames per second": [], "bytes per picture": []}

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
# what the code cells in the page show, for a wait on ALL_EXECUTED that fails
CELLS_SEEN = """() => {
    const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
    const prompt = c => [...c.querySelectorAll('.jp-InputPrompt, .jp-OutputPrompt')]
        .map(p => p.textContent.trim()).join(' ');
    return `${cells.length} code cells in the page, prompts: `
        + cells.map((c, k) => `${k + 1}:${prompt(c) || '(none)'}`).join(', ');
}"""
CHANGED = "([element, before]) => element.innerHTML !== before"
SHOWN = "([image, line]) => [image.src, line.innerHTML]"
NEW_RESULT = """([image, line, before]) => image.src !== before[0]
    || line.innerHTML !== before[1]"""
# the time from a press (a key, or the mouse's button) to the next new picture (or line of
# text), measured in the page itself: Playwright's own round trips are not the learner's
# wait
TIME_PRESS_TO_PICTURE = """([image, line]) => {
    window.__pressed = window.__shown = null;
    const pressed = () => {
        window.__pressed ??= performance.now();
        for (const kind of ['keydown', 'pointerdown'])
            document.removeEventListener(kind, pressed, {capture: true});
    };
    for (const kind of ['keydown', 'pointerdown'])
        document.addEventListener(kind, pressed, {capture: true});
    const shown = new MutationObserver(() => {
        window.__shown = performance.now();
        shown.disconnect();
    });
    shown.observe(image, {attributes: true, attributeFilter: ['src']});
    if (line) shown.observe(line, {childList: true, subtree: true, characterData: true});
}"""
PRESS_TO_PICTURE = "() => (window.__shown - window.__pressed) / 1000"


def _code_cell_count(path: Path) -> int:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip())


def _wait_for(page, condition: str, arg: object, waited_for: str, seen, timeout: int) -> None:
    """Wait until the JavaScript ``condition(arg)`` holds; if it does not within
    ``timeout`` ms, fail saying what was waited for and what ``seen()`` shows now."""
    try:
        page.wait_for_function(condition, arg=arg, timeout=timeout)
    except Exception as error:  # Playwright's TimeoutError
        raise AssertionError(f"waited {timeout / 1000:.0f} s for {waited_for}; "
                             f"saw {seen()}") from error


def run_all(page, url: str, path: Path, kernel_timeout: int = TIMEOUT_MS) -> None:
    """Open the notebook ``path`` at ``url``, wait for its kernel, Run All, and wait until
    every code cell has run."""
    open_notebook(page, url, kernel_timeout)
    run_all_cells(page, path)


def open_notebook(page, url: str, kernel_timeout: int = TIMEOUT_MS) -> None:
    """Open the notebook at ``url`` and wait until its kernel is connected and idle."""
    page.goto(url)
    # "idle" shows before the kernel is connected: wait for its name as well
    page.wait_for_function(KERNEL_READY, timeout=kernel_timeout)


def run_all_cells(page, path: Path) -> None:
    """Run All in the open notebook ``path``, and wait until every code cell has run."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    _wait_for(page, ALL_EXECUTED, _code_cell_count(path),
              f"Run All: the {_code_cell_count(path)} code cells run, none busy",
              lambda: page.evaluate(CELLS_SEEN), RUN_ALL_TIMEOUT_MS)


def _valuenow(handle) -> float:
    """A range input's value (a selection slider's: the index of its option)."""
    return float(handle.input_value())


class Until(NamedTuple):
    """A state _expect_change waits for: ``condition(element)`` holds (JavaScript)."""

    condition: str
    element: object
    description: str
    seen: Callable[[], str]


def _slider_at(handle, comparison: str) -> Until:
    """The slider ``handle``'s value ``v`` satisfies ``comparison``, e.g. ``v === 3``."""
    return Until(f"(h) => {{ const v = Number(h.value); "
                 f"return {comparison}; }}", handle.element_handle(),
                 f"the slider's value v with {comparison}", lambda: f"v = {_valuenow(handle):g}")


def _expect_change(page, output, action, what: str, until: Until | None = None,
                   shown: tuple | None = None) -> float:
    """Do ``action``; wait until the cell's displayed output is different (``shown``, an
    explorer's picture and line of text, given: until either is new), until the state
    ``until`` that the action brings holds, and until the kernel is idle again (so the
    output shows the final state, not an intermediate one); return the seconds from the
    press to the new picture or line, measured in the page (NaN without ``shown``)."""
    if shown is None:
        condition, arg = CHANGED, [output.element_handle(), output.inner_html()]
    else:
        elements = [element.element_handle() for element in shown]
        condition, arg = NEW_RESULT, [*elements, page.evaluate(SHOWN, elements)]
        page.evaluate(TIME_PRESS_TO_PICTURE, elements)
    action()
    _wait_for(page, condition, arg, f"{what}: the displayed "
              f"{'output' if shown is None else 'picture or its line'} to change",
              lambda: "the same", 10_000)
    seconds = float("nan") if shown is None else page.evaluate(PRESS_TO_PICTURE)
    if until is not None:
        _wait_for(page, until.condition, until.element, f"{what}: {until.description}",
                  until.seen, 10_000)
    _wait_for(page, KERNEL_READY, None, f"{what}: the kernel idle",
              lambda: "it busy or disconnected", TIMEOUT_MS)
    return seconds


def _operate_slider(page, output, handle, readout, label: str, shown: tuple,
                    timings: dict[str, list[float]]) -> int:
    """Move a slider one step with an arrow key, to its far end with Home or End, then
    with the mouse, a click on the middle of its track; after each, a new picture or line
    of text in ``shown`` (the time it took is measured, into ``timings``), and the readout
    and what the slider announces (``aria-valuetext``) say its new value."""
    low, high = float(handle.get_attribute("min")), float(handle.get_attribute("max"))

    def says_its_value() -> None:
        shown, announced = readout.inner_text().strip(), handle.get_attribute("aria-valuetext")
        assert shown == announced, f"{label!r}: the readout {shown!r}, announced {announced!r}"
        if not handle.evaluate("h => h.closest('.onebyone-selection')"):  # a number
            assert float(shown) == _valuenow(handle), (label, shown, _valuenow(handle))

    def move(key: str | None, comparison: str, what: str) -> None:
        if key is not None:  # as a learner does: the focus on the slider for a moment,
            handle.focus()   # while the kernel draws ahead what a key would show; a press
            _wait_for(page, "(s) => s.dataset.ahead === 'ready'", slider.element_handle(),
                      f"slider {label!r}: the pictures ahead drawn",
                      lambda: slider.get_attribute("data-ahead"), 20_000)

        def act() -> None:
            if key is None:  # the mouse: a click on the middle of the track
                handle.click()
            else:
                page.keyboard.press(key)
        seconds = _expect_change(page, output, act, f"slider {label!r}, {what}",
                                 _slider_at(handle, comparison), shown)
        says_its_value()
        timings[f"slider to picture, {'a click' if key is None else 'a key'} (s)"].append(
            seconds)

    slider = handle.locator("xpath=..")
    now = _valuenow(handle)
    key = "ArrowLeft" if now >= high else "ArrowRight"
    move(key, f"v {'>' if key == 'ArrowRight' else '<'} {now}", f"key {key}")
    now = _valuenow(handle)
    end, far = ("Home", low) if now != low else ("End", high)
    move(end, f"v === {far}", f"key {end}")
    middle = handle.bounding_box()
    move(None, f"v > {low} && v < {high}", f"a click at x = {middle['width'] / 2:.0f} px")
    return 3


STEP = re.compile(r"step (\d+) of (\d+)")
RECORD_FRAMES = """(image) => {
    window.__frames = [];
    window.__frameObserver = new MutationObserver(() => window.__frames.push(performance.now()));
    window.__frameObserver.observe(image, {attributes: true, attributeFilter: ['src']});
}"""
STOP_RECORDING = "() => { window.__frameObserver.disconnect(); return window.__frames; }"

SHOWS_STEP = """([stepper, n]) => {
    const handle = stepper.querySelector('.onebyone-position input');
    const text = stepper.querySelector('.onebyone-line');
    const image = stepper.querySelector('.onebyone-frame');
    return Number(handle.value) === n && image.dataset.position === String(n)
        && new RegExp(`step ${n} of `).test(text.innerText);
}"""


def _operate_stepper(page, stepper, timings: dict[str, list[float]]) -> int:
    """Step back and on with the mouse and the keyboard (each step timed to its picture,
    into ``timings``),
    then play, once the browser has the pictures Play will show, and pause. Each step
    waits for the position it expects: the slider there, the text describing that step,
    and that step's picture."""
    handle = stepper.locator(POSITION)
    image = stepper.locator(".onebyone-frame")
    line = stepper.locator(".onebyone-line")

    def position() -> int:
        return int(_valuenow(handle))

    def seen() -> str:
        return (f"the slider at {handle.input_value()}, the picture of step "
                f"{image.get_attribute('data-position')}, the text {line.inner_text()!r}")

    def shows_step(n: int, what: str) -> None:
        _wait_for(page, SHOWS_STEP, [stepper.element_handle(), n],
                  f"{what}: the slider, the text and the picture at step {n}", seen, 10_000)
        step, steps = (int(k) for k in STEP.search(line.inner_text()).groups())
        assert (step, steps) == (position(), int(handle.get_attribute("max")))
        assert handle.get_attribute("aria-valuetext") == str(n)

    def do(action, by: int, what: str) -> None:
        start = position()
        page.evaluate(TIME_PRESS_TO_PICTURE, [image.element_handle(), None])
        action()
        shows_step(start + by, what)
        timings["step to picture (s)"].append(page.evaluate(PRESS_TO_PICTURE))

    if position() == 0:  # where back cannot go back
        do(stepper.get_by_role("button", name="next ▶").click, 1, "next ▶ from step 0")
    for name, by, key in (("next ▶", 1, None), ("◀ back", -1, None),
                          ("next ▶", 1, "Enter"), ("◀ back", -1, "Space")):
        button = stepper.get_by_role("button", name=name)

        def press(button=button, key=key) -> None:
            if key is None:
                button.click()
            else:  # the keyboard: focus the button, press the key
                button.focus()
                page.keyboard.press(key)

        do(press, by, f"{name} ({key or 'click'})")
    handle.focus()  # the slider, by keyboard and by mouse
    do(lambda: page.keyboard.press("ArrowRight"), 1, "ArrowRight on the slider")
    do(lambda: page.keyboard.press("Home"), -position(), "Home on the slider")
    box = handle.bounding_box()
    handle.click(position={"x": box["width"] - 4, "y": box["height"] / 2})
    _wait_for(page, "(h) => Number(h.value) > Number(h.max) / 2", handle.element_handle(),
              "a click near the slider's right end: a position past the middle",
              lambda: f"the slider at {handle.input_value()}", 10_000)
    shows_step(position(), "a click near the slider's right end")
    do(lambda: page.keyboard.press("Home"), -position(), "Home on the slider")

    # from the start, at the fast speed (chosen with the mouse), once the browser has the
    # pictures Play will show
    speed = stepper.get_by_label("speed")
    speed.focus()  # the speed with the keyboard: a step down the list, then back up
    page.keyboard.press("ArrowDown")
    assert speed.input_value() == "40", "ArrowDown from medium chose fast (25 a second)"
    page.keyboard.press("ArrowUp")
    assert speed.input_value() == "200", "ArrowUp chose medium (5 a second) again"
    speed.select_option(label="fast (25 a second)")  # and as the mouse chooses
    assert speed.input_value() == "40"
    _wait_for(page, "(s) => s.dataset.ready === 'true'", stepper.element_handle(),
              "the pictures Play will show", lambda: (
                  f"{stepper.get_attribute('data-frames-received')} pictures received"), 120_000)
    play = stepper.get_by_role("button", name="play", exact=True)
    image.evaluate(RECORD_FRAMES)
    start = position()
    button = play.element_handle()  # one button, named by what it does next
    play.focus()  # with the keyboard: Tab to Play, Enter to play
    page.keyboard.press("Enter")
    pause = stepper.get_by_role("button", name="pause", exact=True)
    assert pause.count() == 1, "playing, the button is not named pause"
    # Play runs until 10 new pictures have come (the frame rate is measured on the way,
    # for benchmarks/run.py --browser; its target lives there, not in this test)
    _wait_for(page, "() => window.__frames.length >= 10", None, "Play: 10 new pictures",
              lambda: f"{page.evaluate('window.__frames.length')} pictures", 20_000)
    # Pause, decided in the page: a click sent from here could arrive just after Play has
    # stopped at the end by itself, and play again from the start
    paused = button.evaluate(
        "(b) => b.getAttribute('aria-label') === 'pause' && (b.click(), true)")
    if not paused:  # it played to the end and stopped there by itself
        assert position() == int(handle.get_attribute("max")), "Play stopped before the end"
    frames = page.evaluate(STOP_RECORDING)
    assert position() > start, "Play did not move the slider"
    assert play.count() == 1, "paused, the button is not named play"
    timings["Play frames per second"].append(
        (len(frames) - 1) / ((frames[-1] - frames[0]) / 1000))
    # paused: the picture stays on the slider's position
    shows_step(position(), "after the pause")
    image.evaluate(RECORD_FRAMES)
    page.wait_for_timeout(500)
    assert page.evaluate(STOP_RECORDING) == [], "pictures kept coming after the pause"
    received, sent = (int(stepper.get_attribute(f"data-{what}-received"))
                      for what in ("frames", "bytes"))
    timings["bytes per picture"].append(sent / received)
    return 9


def _operate_radio_buttons(page, output, group) -> int:
    """Choose every option of a group of radio buttons (a quiz question, a choice of an
    explorer) in turn, by mouse and by keyboard alternately; the one already chosen, if
    any, last, so that each choice changes something."""
    options = group.locator("label")
    chosen = [k for k in range(options.count()) if options.nth(k).locator("input").is_checked()]
    for turn, k in enumerate([k for k in range(options.count()) if k not in chosen] + chosen):
        option = options.nth(k)

        def choose(option=option, by_keyboard=turn % 2 == 1) -> None:
            if by_keyboard:  # every other option with the keyboard alone: focus it, Space
                option.locator("input").focus()
                page.keyboard.press("Space")
            else:
                option.click()

        chosen_input = option.locator("input")
        _expect_change(page, output, choose, f"option {option.inner_text()!r}",
                       Until("(input) => input.checked", chosen_input.element_handle(),
                             "it chosen", lambda i=chosen_input: f"checked={i.is_checked()}"))
        assert option.locator("input").is_checked()
    return options.count()


def _operate_widgets(page, cell, timings: dict[str, list[float]]) -> int:
    """Operate every control of one widget cell, its times measured into ``timings``;
    return how many actions were checked."""
    output = cell.locator(".jp-Cell-outputArea")
    sliders = cell.locator(".onebyone-slider")
    actions = 0
    for k in range(sliders.count()):
        slider = sliders.nth(k)
        slider.scroll_into_view_if_needed()
        actions += _operate_slider(page, output, slider.locator("input"),
                                   slider.locator("output"), slider.locator("label").inner_text(),
                                   (cell.locator(PICTURE).first, cell.locator(LINE).first),
                                   timings)
    steppers = cell.locator(".onebyone-stepper")
    for k in range(steppers.count()):
        steppers.nth(k).scroll_into_view_if_needed()
        actions += _operate_stepper(page, steppers.nth(k), timings)
    groups = cell.locator(".widget-radio-box")
    for k in range(groups.count()):
        groups.nth(k).scroll_into_view_if_needed()
        actions += _operate_radio_buttons(page, output, groups.nth(k))
    unhandled = cell.locator(f".jupyter-widgets :is({CONTROL}):not(:is({HANDLED}))")
    assert unhandled.count() == 0, (
        "a widget control this suite does not operate yet: "
        + unhandled.first.evaluate("e => e.outerHTML").strip()[:200])
    return actions


WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
def _audit_outputs(page) -> list[str]:
    """axe-core over the notebook's output areas (WCAG 2 A and AA), no rule excluded: each
    violation as 'rule: element'."""
    from axe_playwright_python.sync_playwright import Axe

    theme = page.evaluate("document.body.dataset.jpThemeName")
    results = Axe().run(page, context={"include": [[".jp-OutputArea"]]},
                        options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
    return [f"{theme}: {violation['id']}: {node['target'][0]} {node['html'][:160]}"
            for violation in results.response["violations"] for node in violation["nodes"]]


def _set_theme(page, name: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Theme").first.click()
    page.locator(".lm-Menu-itemLabel", has_text=name).first.click()
    page.wait_for_function("(name) => document.body.dataset.jpThemeName === name", arg=name,
                           timeout=TIMEOUT_MS)
    page.keyboard.press("Escape")


def operate_and_audit(page, notebook, name: str, timings: dict[str, list[float]]) -> None:
    """Operate every control of every widget cell of the open ``notebook`` (its times
    measured into ``timings``; a screenshot of each cell after, named ``name``), then audit
    the course's own output areas in the light theme and the dark one: no violation."""
    widget_cells = notebook.locator(".jp-CodeCell").filter(has=page.locator(".jupyter-widgets"))
    SCREENSHOTS.mkdir(exist_ok=True)
    actions = 0
    for k in range(widget_cells.count()):
        actions += _operate_widgets(page, widget_cells.nth(k), timings)
        # each widget as it looks after being operated, for people to look at
        widget_cells.nth(k).screenshot(path=SCREENSHOTS / f"{name}-widget{k}.png")
    if widget_cells.count():
        assert actions > 0, "widget cells with no control operated"
        widget_cells.last.scroll_into_view_if_needed()
    assert notebook.get_by_text("Error displaying widget").count() == 0
    # the course's own output areas, in the light theme and the dark one (JupyterLab's
    # own chrome is not ours to audit)
    violations = _audit_outputs(page)
    _set_theme(page, "JupyterLab Dark")
    try:
        if widget_cells.count():
            widget_cells.first.screenshot(path=SCREENSHOTS / f"{name}-dark.png")
        violations += _audit_outputs(page)
    finally:
        _set_theme(page, "JupyterLab Light")
    assert violations == [], "accessibility violations in the outputs:\n" + "\n".join(
        violations)


@pytest.mark.parametrize("path", nav.course_notebooks(), ids=lambda p: p.name)
def test_notebook_runs_and_its_widgets_respond(path, lab_server, chromium):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        run_all(page, lab_server.url(f"/lab/tree/notebooks/{path.name}?reset"), path)
        page.wait_for_function(KERNEL_READY, timeout=TIMEOUT_MS)

        notebook = page.locator(".jp-NotebookPanel .jp-Notebook")
        errors = notebook.locator(".jp-OutputArea-output[data-mime-type*='stderr']")
        assert errors.count() == 0, errors.first.inner_text()
        assert notebook.get_by_text("Error displaying widget").count() == 0

        operate_and_audit(page, notebook, path.stem, TIMINGS)
        assert page_errors == []
    finally:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{path.stem}.png")
        page.close()
        (SCREENSHOTS / "timings.json").write_text(json.dumps(TIMINGS, indent=1))


def test_play_starts_slow_where_the_system_asks_for_reduced_motion(lab_server, chromium):
    """The same stepper starts at medium speed (the main test steps down from it), and
    at slow where the system asks for reduced motion."""
    path = next(p for p in nav.course_notebooks() if p.name.startswith("01_"))
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    try:
        run_all(page, lab_server.url(f"/lab/tree/notebooks/{path.name}?reset"), path)
        speed = page.locator(".onebyone-stepper").first.get_by_label("speed")
        assert speed.input_value() == "500", "not slow (2 a second)"
    finally:
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
