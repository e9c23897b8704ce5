"""A student on the course's hub, in a real browser: log in, follow the nbgitpuller link,
and use a widget of the pulled course in JupyterLab (tests/hub.py starts the hub)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_jupyterlab import KERNEL_READY, SLIDER, TIMEOUT_MS, _expect_change, _slider_at, _valuenow

import classroom  # tools/classroom.py
from hub import running_hub
from test_hub import BRANCH, _require_proxy

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "01_single_channel"


def test_a_student_logs_in_pulls_the_course_and_moves_a_slider(tmp_path, chromium):
    _require_proxy()
    clone = tmp_path / "onebyone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    build = classroom.build(tmp_path / "build", ["00_index", NOTEBOOK])
    classroom.publish(build / "release", BRANCH, clone)
    with running_hub(tmp_path / "hub", ["alice"]) as hub:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        try:
            hub.log_in(page, "alice", TIMEOUT_MS)
            link = classroom.nbgitpuller_link(hub.url, f"file://{clone}", BRANCH,
                                              notebook=NOTEBOOK)
            page.goto(link)
            page.wait_for_url(f"**/lab/tree/onebyone/{NOTEBOOK}/{NOTEBOOK}.ipynb",
                              timeout=TIMEOUT_MS)
            assert (hub.home("alice") / "onebyone" / NOTEBOOK / f"{NOTEBOOK}.ipynb").is_file()
            page.wait_for_function(KERNEL_READY, timeout=TIMEOUT_MS)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            # the first explorer (Run All stops at the first exercise's test cell, as
            # handed out: the explorers come before it)
            cell = page.locator(".jp-CodeCell").filter(
                has=page.locator(SLIDER)).first
            cell.wait_for(timeout=TIMEOUT_MS)
            page.wait_for_function(KERNEL_READY, timeout=TIMEOUT_MS)
            handle = cell.locator(SLIDER).first
            handle.scroll_into_view_if_needed()
            now = _valuenow(handle)
            key = "ArrowLeft" if now >= float(handle.get_attribute("max")) else "ArrowRight"

            def press() -> None:
                handle.focus()
                page.keyboard.press(key)

            _expect_change(page, cell.locator(".jp-Cell-outputArea"), press,
                           f"the first slider of {NOTEBOOK} on the hub, key {key}",
                           _slider_at(handle, f"v !== {now}"))
        finally:
            page.close()
