#!/usr/bin/env python3
"""Execute course notebooks top to bottom, each in one fresh kernel, and store the outputs.

    python tools/run_notebooks.py                       # every notebook
    python tools/run_notebooks.py notebooks/01_*.ipynb  # some of them

Navigation cells of these notebooks are regenerated first (tools/nav.py). The kernel starts in
``notebooks/`` as it does in JupyterLab. Saved widget state is dropped: the widgets
are live, and their state would only go stale in the file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import nav  # tools/nav.py: run as a script, this folder is on sys.path


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    given = [Path(a).resolve() for a in argv]
    # with paths, only those files are written (others may be open elsewhere); without,
    # every notebook, the index and the README's list of notebooks
    nav.update(given or None)
    paths = given or nav.course_notebooks()
    for path in paths:
        print(f"executing {path.name} ...", flush=True)
        execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
