"""The course in JupyterLite, in Chromium: the site built offline (tools/lite.py), served
from this machine, with every request outside the site's own origin refused.

Notebook 01 runs top to bottom in the browser's own Python (Pyodide) with no error, and
``import onebyone`` needs no install cell: the kernel loads what a cell imports from the
site's lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_jupyterlab import SCREENSHOTS, run_all

from lite_site import offline_build, require_fetched
from served import served

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
KERNEL_START_MS = 180_000
"""Pyodide's first start downloads and compiles about 40 MB: seconds alone, longer beside
the rest of the suite; the wait is for the kernel, not a delay."""


@pytest.fixture(scope="module")
def lite_origin(tmp_path_factory) -> Iterator[str]:
    """The site, built offline, served on loopback: its origin."""
    require_fetched()
    site = tmp_path_factory.mktemp("lite") / "site"
    built = offline_build(site)
    assert built.returncode == 0, built.stdout + built.stderr
    with served(site) as origin:
        yield origin


def _only_from(context, origin: str) -> list[str]:
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


@pytest.mark.slow
def test_01_runs_top_to_bottom_in_the_browser_with_nothing_from_outside(lite_origin, chromium):
    path = ROOT / "notebooks" / "01_single_channel.ipynb"
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    refused = _only_from(context, lite_origin)
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        run_all(page, f"{lite_origin}/lab/index.html?path={path.name}", path,
                kernel_timeout=KERNEL_START_MS)
        notebook = page.locator(".jp-NotebookPanel .jp-Notebook")
        errors = notebook.locator(".jp-OutputArea-output[data-mime-type*='error']")
        assert errors.count() == 0, errors.first.inner_text()
        assert notebook.get_by_text("Error displaying widget").count() == 0
        # the explorers drew their pictures, in the browser's own Python
        assert notebook.locator(".onebyone-slider input[type=range]").count() > 0
        assert page_errors == []
        assert refused == [], f"the site asked for something outside it: {refused[:5]}"
    finally:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"lite-{path.stem}.png")
        context.close()
