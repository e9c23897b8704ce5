#!/usr/bin/env python3
"""Benchmarks of the course, printed as one table.

    python benchmarks/run.py          # measure (medians of repeated, interleaved runs)
    python benchmarks/run.py --quick  # run every benchmark briefly: checks they work, not speed
    python benchmarks/run.py --browser  # also 6: the step-through widgets in JupyterLab
    python benchmarks/run.py --classroom  # also 7: autograding a class with nbgrader
    python benchmarks/run.py --hub    # also 8: a student's server on the course's hub
    python benchmarks/run.py --lite   # also 9: the course in the browser (JupyterLite)

1. conv1x1 against a raw numpy matmul of the same matrices, its loop version and (if
   installed) PyTorch's 1×1 conv2d.
2. conv2d on Inception's 5×5 branch, against PyTorch, and the 1×1 bottleneck's speedup.
3. Widget redraw: every explorer at its largest setting, kernel side: the callback
   (recompute, draw) plus rendering the PNG shown in the browser.
4. Executing the course, against an empty notebook (the kernel start-up); 09's training
   cell alone (the NIN on the handwritten digits) and the test accuracy it reaches.
5. ``import onebyone`` beyond numpy and matplotlib.
6. With ``--browser`` (needs Chromium): the browser suite on notebooks 01 to 03, which
   measures in JupyterLab the time from a slider's key press to the new picture and
   the pictures a second that Play shows (``tests/browser/screenshots/timings.json``).
7. With ``--classroom`` (needs the instructor's tools): autograding 4 students' solutions
   of every assignment with nbgrader, one after another and in two processes at a time,
   against executing the notebooks (``bench_classroom.py``).
8. With ``--hub`` (needs the hub's proxy, from npm, and root for the grading kernel): the
   peak memory and CPU time of a student's server on a hub running the whole course, and
   the sizing of a class of 30, 100 and 300 computed from them; then 20 students at once
   running 01 against one alone, and the time from all submitting to all graded
   (``bench_hub.py``).
9. With ``--lite`` (needs Chromium and the Lite's pieces, ``tools/lite.py fetch``): the
   course in the reader's browser, JupyterLite built offline and served from here: the
   first visit to a ready kernel (empty cache, then warm), 01 run top to bottom, its
   controls' key or click to picture and Play's rate, and 09's training
   (``bench_lite.py``).

Targets are ratios wherever a ratio exists, since machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench_classroom import classroom_rows
from bench_common import Row, interleaved_medians, torch_or_none, verdict
from bench_course import course_rows, import_rows
from bench_hub import class_rows, hub_rows, sizing
from bench_lite import lite_rows
from bench_ops import conv1x1_rows, inception_rows
from onebyone import widgets

REDRAW_TARGET_MS = 100.0


def _largest(explorer: widgets.Explorer) -> Callable[[], None]:
    """Set every slider to its maximum (a choice to its last option); return an action
    that moves the first control as a person would, each move triggering a redraw: a
    slider between its two largest values, a choice (the block explorer's block) through
    all of its options in turn. With a stepper, the redraw is the picture its browser asks
    for next, drawn anew."""
    controls = list(explorer.controls.values())
    for control in controls:
        control.value = control.options[-1] if hasattr(control, "options") else control.max
    first = controls[0]

    def move() -> None:
        explorer.forget()  # a move to a setting not drawn ahead
        if hasattr(first, "options"):
            options = list(first.options)
            first.value = options[(options.index(first.value) + 1) % len(options)]
        else:
            first.value = first.max - first.step if first.value == first.max else first.max
        if explorer.stepper is not None:
            explorer.frame_at(explorer.stepper.value)

    return move


def widget_rows(quick: bool) -> list[Row]:
    rows = []
    for name, make in widgets.explorers().items():
        seconds = interleaved_medians({name: _largest(make())}, repeat=2 if quick else 15)
        ms = 1e3 * seconds[name]
        rows.append(Row("3 widgets", f"redraw {name} at its largest setting", ms, "ms",
                        f"≤ {REDRAW_TARGET_MS:.0f}", verdict(quick, ms <= REDRAW_TARGET_MS)))
    return rows


ROOT = Path(__file__).resolve().parent.parent
TO_PICTURE_TARGET_MS = 100.0
PLAY_FPS_TARGET = 20.0


def browser_rows(quick: bool) -> list[Row]:
    """Run the browser suite on the notebooks with step-through widgets (01 to 03) and
    sliders of every kind (04); its timings, each measured in the page from the press (a
    key, or the mouse's button) to the new picture or line of text."""
    timings = ROOT / "tests" / "browser" / "screenshots" / "timings.json"
    timings.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                    "tests/browser", "-k", "01_ or 02_ or 03_ or 04_"], cwd=ROOT, check=True,
                   env={**os.environ, "ONEBYONE_REQUIRE_BROWSER": "1"})
    measured = json.loads(timings.read_text(encoding="utf-8"))
    rows = []
    for name, what in (("slider to picture, a key (s)", "slider moved by a key (a step, "
                        "Home or End; its focus held a moment) → new picture or line"),
                       ("slider to picture, a click (s)", "slider moved by a click on its "
                        "track (nothing drawn ahead) → new picture or line"),
                       ("step to picture (s)", "stepper moved (◀ back, next ▶, a key on its "
                        "slider) → its picture")):
        ms = 1e3 * np.array(measured[name])
        median = float(np.median(ms))
        rows.append(Row("6 browser", f"{what}: median of {len(ms)}, worst {ms.max():.0f} ms",
                        median, "ms", f"≤ {TO_PICTURE_TARGET_MS:.0f}",
                        verdict(quick, median <= TO_PICTURE_TARGET_MS)))
    fps = min(measured["Play frames per second"])
    kib = float(np.mean(measured["bytes per picture"])) / 1024
    return [*rows,
            Row("6 browser", f"Play at its fast speed, pictures a second, slowest of "
                             f"{len(measured['Play frames per second'])} step-throughs",
                fps, "fps", f"≥ {PLAY_FPS_TARGET:.0f}", verdict(quick, fps >= PLAY_FPS_TARGET)),
            Row("6 browser", "a stepper's picture, sent once (PNG, a binary buffer), mean "
                             "of the step-throughs", kib, "KiB")]


def machine() -> str:
    torch = torch_or_none()
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, numpy {np.__version__}, "
            f"PyTorch {torch.__version__ if torch else 'not installed'}")


def table(rows: list[Row]) -> str:
    lines = ["| section | benchmark | measured | target | met |", "| --- | --- | --- | --- | --- |"]
    for row in rows:
        met = {True: "yes", False: "**no**", None: ""}[row.ok]
        lines.append(f"| {row.section} | {row.name} | {row.value:,.2f} {row.unit} | "
                     f"{row.target} | {met} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="run briefly; no verdicts")
    parser.add_argument("--browser", action="store_true",
                        help="also measure the step-through widgets in JupyterLab (Chromium)")
    parser.add_argument("--classroom", action="store_true",
                        help="also measure autograding a class (nbgrader)")
    parser.add_argument("--hub", action="store_true",
                        help="also measure a student's server on a hub, and size a class")
    parser.add_argument("--lite", action="store_true",
                        help="also measure the course in the browser (JupyterLite, Chromium)")
    args = parser.parse_args(argv)
    quick = args.quick
    rows = []
    sections = [conv1x1_rows, inception_rows, widget_rows, course_rows, import_rows]
    sections += [browser_rows] if args.browser else []
    sections += [classroom_rows] if args.classroom else []
    sections += [lite_rows] if args.lite else []
    for section in sections + ([hub_rows, class_rows] if args.hub else []):
        rows += section(quick)
    print(f"Machine: {machine()}{' (quick mode: no verdicts)' if quick else ''}\n")
    print(table(rows))
    if args.hub:
        print("\n" + sizing_table(rows))
    return rows


def sizing_table(rows: list[Row]) -> str:
    """The memory and cores of a class, from the measured rows of section 8: memory with
    each student's kernels shut down as they go, and with all of them left running. One
    student's figures over the whole course, scaled per student by what a class at once
    changed (its memory and CPU time per student against one alone), with the hub's memory
    as the class left it."""
    peak, cpu, hub, kept = (row.value for row in rows if row.section == "8 hub")
    together = [row.value for row in rows if row.section == "8 hub, a class at once"]
    peak_alone, peak_together, cpu_alone, cpu_together, _, _, hub, _ = together
    memory_ratio, cpu_ratio = peak_together / peak_alone, cpu_together / cpu_alone
    peak, kept, cpu = peak * memory_ratio, kept * memory_ratio, cpu * cpu_ratio
    lines = [f"Per student, a class at once against one alone: memory ×{memory_ratio:.2f}, "
             f"CPU time ×{cpu_ratio:.2f}; the hub and its proxy {hub:.0f} MiB.", "",
             "| students | memory, one kernel each | memory, every kernel left running "
             "| cores |", "| --- | --- | --- | --- |"]
    for students in (30, 100, 300):
        memory_gb, cores = sizing(peak, cpu, hub, students)
        most_gb, _ = sizing(kept, cpu, hub, students)
        lines.append(f"| {students} | {memory_gb:.0f} GiB | {most_gb:.0f} GiB | {cores:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
