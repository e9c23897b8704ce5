"""An accessibility audit of the course's static website (tools/website.py).

The site is built once, served on 127.0.0.1 by ``http.server`` in a thread, and every
page is opened in Chromium (the ``chromium`` fixture of conftest.py) and audited by
axe-core (bundled by ``axe-playwright-python``) against WCAG 2.0 and 2.1, levels A and AA,
in the theme's light and dark colours, and so are the search results. Every request must
stay on the local server (the site needs no network) and no page may raise or log a
JavaScript error, nor ask for a file that is not there. No rule is excluded: the theme's
pages pass as configured by tools/website.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_jupyterlab import KERNEL_READY, WCAG_A_AA, run_all_cells
from test_lite_in_chromium import KERNEL_START_MS, assert_only_the_font_cache_on_stderr

import nav  # tools/nav.py, importable through tests/conftest.py
from served import served

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["index.html", *(f"notebooks/{p.stem}.html" for p in nav.course_notebooks()),
         "maintainers.html"]  # the README, for maintainers (tools/website.py)
TIMEOUT_MS = 30_000
MATH_TYPESET = "() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise)"


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    """The site (built once, tests/conftest.py) served on 127.0.0.1 while the module runs."""
    with served(site) as origin:
        yield origin


def _report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"    {' '.join(map(str, node['target']))}" for node in violation["nodes"]]
    return "\n".join(lines)


def _measured_low_contrast(incomplete: list[dict]) -> list[dict]:
    """The color-contrast results axe leaves for review although it measured both
    colours and found them too close (it calls a ratio it rounds to 1:1 "equal", as if
    the text were hidden on purpose): violations here. Those it could not measure (text
    partly covered by another element) stay unjudged."""
    found = []
    for result in incomplete:
        nodes = [node for node in result["nodes"] if result["id"] == "color-contrast"
                 and any(check["data"] and check["data"].get("fgColor")
                         and check["data"].get("bgColor") for check in node["any"])]
        if nodes:
            found.append({**result, "nodes": nodes})
    return found


def _audit(page, what: str) -> None:
    """Run axe-core on ``page`` as it is now: no WCAG 2.x A or AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA},
                                       "resultTypes": ["violations", "incomplete"]})
    violations = [*results.response["violations"],
                  *_measured_low_contrast(results.response["incomplete"])]
    assert violations == [], f"{what}:\n{_report(violations)}"


@pytest.fixture
def open_page(chromium, site_url):
    """Open a page of the site in a new browser context, in the light or dark theme:
    (the page, the JavaScript errors it raised or logged, a list that grows). Afterwards,
    check that it made no request off the site."""
    contexts, elsewhere = [], []

    def local_only(route) -> None:
        if route.request.url.startswith(site_url):
            route.continue_()
        else:  # the site must need no network: record the request and refuse it
            elsewhere.append(route.request.url)
            route.abort()

    def open_(name: str, scheme: str = "light"):
        context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                       color_scheme=scheme)
        contexts.append(context)
        context.route("**/*", local_only)
        page, errors = context.new_page(), []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(
            f"{message.text} ({message.location['url']})") if message.type == "error" else None)
        page.goto(f"{site_url}/{name}", wait_until="load", timeout=TIMEOUT_MS)
        page.wait_for_function(MATH_TYPESET, timeout=TIMEOUT_MS)
        page.evaluate("() => window.MathJax && window.MathJax.startup.promise")
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        return page, errors

    yield open_
    for context in contexts:
        context.close()
    assert elsewhere == [], f"requests off the site: {elsewhere}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_wcag_a_or_aa_violations(open_page, name, scheme):
    page, errors = open_page(name, scheme)
    # checked before the audit: axe's own requests are not the site's (its style sheet
    # preload resolves the theme's @import "../basic.css" against the page, a 404)
    assert errors == []
    _audit(page, f"{name} ({scheme})")


def test_search_finds_a_lesson_and_its_results_pass_the_audit(open_page):
    page, errors = open_page("notebooks/01_single_channel.html")
    page.keyboard.press("Control+K")  # the theme's search dialog
    field = page.locator("input[name='q']:focus")
    field.wait_for(timeout=TIMEOUT_MS)
    field.fill("bottleneck")
    field.press("Enter")
    results = page.locator("#search-results li a")
    results.first.wait_for(timeout=TIMEOUT_MS)
    assert "07 · Bottlenecks: a 1×1 convolution makes the next one cheaper" in \
        results.all_inner_texts()
    assert errors == []
    _audit(page, "search results for 'bottleneck'")


def test_a_lessons_launch_link_runs_its_notebook_in_the_browser(open_page, site):
    """A reader on a lesson's page clicks Run in your browser: that notebook opens in the
    site's JupyterLite, its kernel starts in the browser, and it runs top to bottom, with
    nothing from outside the site (the fixture refuses it, and checks nothing asked)."""
    import website  # tools/website.py

    if not (site / website.LITE).is_dir():
        pytest.skip("the site was built without its JupyterLite (no npm)")
    lesson = ROOT / "notebooks" / "01_single_channel.ipynb"
    page, errors = open_page(f"notebooks/{lesson.stem}.html")
    assert errors == []
    page.get_by_role("link", name=website.LAUNCH_TEXT).click()
    page.wait_for_url(re.compile(rf"/lite/lab/index\.html\?path={lesson.name}$"),
                      timeout=TIMEOUT_MS)
    page.wait_for_function(KERNEL_READY, timeout=KERNEL_START_MS)
    run_all_cells(page, lesson)
    assert_only_the_font_cache_on_stderr(page.locator(".jp-NotebookPanel .jp-Notebook"))


def test_the_report_names_each_rule_and_element():
    violations = [{"id": "color-contrast", "impact": "serious", "help": "Enough contrast",
                   "nodes": [{"target": [".a > p"]}, {"target": ["iframe", "#b"]}]}]
    assert _report(violations) == ("color-contrast (serious): Enough contrast\n"
                                   "    .a > p\n    iframe #b")

