"""Section 9: the course in the reader's browser (JupyterLite, Pyodide), in Chromium.

The Lite is built offline (tools/lite.py) and served from this machine, as a reader's
browser would get it from the course's website; every request outside the site is
refused. Measured in the page:

- the first visit, from opening 01 to its kernel ready, with an empty cache (a new
  browser profile), then again with the cache the first visit left (a new tab);
- 01 run top to bottom (Run All, to the last cell's prompt);
- 01's controls operated as the browser suite operates them (tests/browser): a slider's
  key press or click to its new picture, and Play's pictures a second;
- 09's training (the NIN on the handwritten digits, 30 epochs), as the notebook itself
  reports it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from bench_common import Row, verdict

ROOT = Path(__file__).resolve().parent.parent
for folder in ("tools", "tests", "tests/browser"):
    sys.path.insert(0, str(ROOT / folder))

READY_EMPTY_TARGET_S, READY_WARM_TARGET_S = 10.0, 5.0
RUN_01_TARGET_S = 20.0
TO_PICTURE_MEDIAN_TARGET_MS, TO_PICTURE_WORST_TARGET_MS = 150.0, 400.0
PLAY_FPS_TARGET = 20.0
TRAINING_TARGET_S = 60.0
KERNEL_START_MS = 600_000
"""The wait for a kernel (a first visit on a busy machine): for it, not a delay."""
TRAINED = re.compile(r"trained in ([\d.]+) s")


def _measured(page, action) -> float:
    """Seconds that ``action()`` took, by the page's own clock."""
    start = page.evaluate("performance.now()")
    action()
    return (page.evaluate("performance.now()") - start) / 1000


def lite_rows(quick: bool) -> list[Row]:
    from playwright.sync_api import sync_playwright
    from test_jupyterlab import TIMINGS, open_notebook, operate_and_audit, run_all_cells
    from test_lite_in_chromium import only_from

    import lite  # tools/lite.py
    from conftest import CHROMIUM_FLAGS  # tests/browser/conftest.py
    from served import served

    notebooks = ROOT / "notebooks"
    one, nine = notebooks / "01_single_channel.ipynb", notebooks / "09_training_nin.ipynb"
    timings: dict[str, list[float]] = {name: [] for name in TIMINGS}
    with tempfile.TemporaryDirectory(prefix="onebyone-bench-lite-") as scratch:
        site = lite.build(Path(scratch) / "site")
        executable = os.environ.get("ONEBYONE_CHROMIUM") or shutil.which("chromium")
        with served(site) as origin, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable,
                                                 args=CHROMIUM_FLAGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            only_from(context, origin)
            url = f"{origin}/lab/index.html?path={{}}"
            page = context.new_page()
            empty = _measured(page, lambda: open_notebook(page, url.format(one.name),
                                                          KERNEL_START_MS))
            run_01 = _measured(page, lambda: run_all_cells(page, one))
            operate_and_audit(page, page.locator(".jp-NotebookPanel .jp-Notebook"),
                              "bench-lite-01", timings)
            page.close()
            warm_page = context.new_page()
            warm = _measured(warm_page, lambda: open_notebook(warm_page, url.format(one.name),
                                                              KERNEL_START_MS))
            warm_page.close()
            page = context.new_page()
            open_notebook(page, url.format(nine.name), KERNEL_START_MS)
            run_all_cells(page, nine)
            said = page.locator(".jp-OutputArea").get_by_text(TRAINED).first.inner_text()
            training = float(TRAINED.search(said)[1])
            browser.close()
    clicks_and_keys = 1e3 * np.array(timings["slider to picture, a key (s)"]
                                     + timings["slider to picture, a click (s)"])
    median, worst = float(np.median(clicks_and_keys)), float(clicks_and_keys.max())
    fps = min(timings["Play frames per second"])
    return [
        Row("9 browser (Lite)", "first visit, 01 opened → kernel ready, empty cache", empty,
            "s", f"≤ {READY_EMPTY_TARGET_S:.0f}", verdict(quick, empty <= READY_EMPTY_TARGET_S)),
        Row("9 browser (Lite)", "01 again in a new tab → kernel ready, warm cache", warm, "s",
            f"≤ {READY_WARM_TARGET_S:.0f}", verdict(quick, warm <= READY_WARM_TARGET_S)),
        Row("9 browser (Lite)", "01 run top to bottom (Run All → last prompt)", run_01, "s",
            f"≤ {RUN_01_TARGET_S:.0f}", verdict(quick, run_01 <= RUN_01_TARGET_S)),
        Row("9 browser (Lite)", f"slider moved (a key or a click) → new picture: median of "
            f"{len(clicks_and_keys)}, worst {worst:.0f} ms (target ≤ "
            f"{TO_PICTURE_WORST_TARGET_MS:.0f})", median, "ms",
            f"≤ {TO_PICTURE_MEDIAN_TARGET_MS:.0f}",
            verdict(quick, median <= TO_PICTURE_MEDIAN_TARGET_MS
                    and worst <= TO_PICTURE_WORST_TARGET_MS)),
        Row("9 browser (Lite)", f"Play at its fast speed, pictures a second, slowest of "
            f"{len(timings['Play frames per second'])}", fps, "fps",
            f"≥ {PLAY_FPS_TARGET:.0f}", verdict(quick, fps >= PLAY_FPS_TARGET)),
        Row("9 browser (Lite)", "09's training (30 epochs), as the notebook reports it",
            training, "s", f"≤ {TRAINING_TARGET_S:.0f}",
            verdict(quick, training <= TRAINING_TARGET_S)),
    ]
