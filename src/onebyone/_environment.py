"""check_environment(): what the course runs on, and whether the widgets can work."""

from __future__ import annotations

import platform
import sys
from importlib import metadata
from pathlib import Path

PACKAGES = ("numpy", "matplotlib", "ipywidgets", "jupyterlab_widgets", "anywidget",
            "jupyterlab")

BROWSER_PACKAGES = ("numpy", "matplotlib", "ipywidgets", "anywidget")
"""What the course needs in the browser's Python (JupyterLite): the front ends
(jupyterlab_widgets', anywidget's) and JupyterLab itself come with the site, not the kernel."""

# ipywidgets (the kernel side) only talks to the front end of its own generation
WIDGET_FRONT_END = {"7": "1", "8": "3"}


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def widget_mismatch(ipywidgets: str | None, jupyterlab_widgets: str | None) -> str | None:
    """A warning when the ipywidgets back end and the JupyterLab front end do not match."""
    if ipywidgets is None:
        return "ipywidgets is not installed: the interactive parts will not work."
    if jupyterlab_widgets is None:
        return ("jupyterlab_widgets is not installed: JupyterLab will show "
                "'Error displaying widget'. Install the course's requirements.txt.")
    wanted = WIDGET_FRONT_END.get(ipywidgets.split(".")[0])
    if wanted is not None and jupyterlab_widgets.split(".")[0] != wanted:
        return (f"ipywidgets {ipywidgets} needs jupyterlab_widgets {wanted}.x, but "
                f"{jupyterlab_widgets} is installed: widgets will not display. "
                "Install the course's requirements.txt.")
    return None


def lab_extension_found(name: str) -> bool:
    """Whether JupyterLab would load the front end ``name`` (a prebuilt extension, which
    a package such as anywidget installs with its wheel)."""
    try:
        from jupyter_core.paths import jupyter_path
    except ImportError:  # no Jupyter at all
        return False
    return any((Path(folder) / name / "package.json").is_file()
               for folder in jupyter_path("labextensions"))


def check_environment() -> bool:
    """Print the versions the course runs on; warn when widgets cannot display.

    Returns True when everything needed is present and the widget front end matches. In
    the browser (JupyterLite), the kernel cannot see JupyterLab's front ends, which come
    with the site: it checks and says what it can.
    """
    if in_browser():
        return _check_in_browser()
    versions = {name: _version(name) for name in PACKAGES}
    print(f"Python {platform.python_version()}")
    for name, version in versions.items():
        print(f"{name} {version or 'NOT INSTALLED'}")
    problem = widget_mismatch(versions["ipywidgets"], versions["jupyterlab_widgets"])
    if versions["anywidget"] is not None:
        found = lab_extension_found("anywidget")
        print(f"anywidget's front end in JupyterLab: {'found' if found else 'NOT FOUND'}")
        if not found and problem is None:
            problem = ("anywidget's front end is missing from JupyterLab: the course's "
                       "sliders will not display. Install the course's requirements.txt.")
    missing = [name for name, version in versions.items() if version is None]
    if problem:
        print(f"WARNING: {problem}")
    elif missing:
        print(f"WARNING: missing {', '.join(missing)}. Install the course's requirements.txt.")
    else:
        print("All set: the widgets' front end matches their back end.")
    return not (problem or missing)


WHERE_WORK_LIVES = (
    "Your work is kept in this browser's own storage, on this machine only: clearing the "
    "browser's data for this site deletes it. To keep a copy, right-click the notebook in "
    "the file browser and choose Download; to bring it back, use the file browser's Upload "
    "button.")
"""Said in the browser (JupyterLite), where a notebook saved is kept in no file of the
learner's."""


def in_browser() -> bool:
    """Whether this Python runs in a web browser (Pyodide, as JupyterLite runs it)."""
    return sys.platform == "emscripten"


def _check_in_browser() -> bool:
    import pyodide  # only in the browser

    print(f"Python {platform.python_version()}, in your browser (Pyodide {pyodide.__version__})")
    versions = {name: _version(name) for name in BROWSER_PACKAGES}
    for name, version in versions.items():
        print(f"{name} {version or 'NOT INSTALLED'}")
    missing = [name for name, version in versions.items() if version is None]
    if missing:
        print(f"WARNING: missing {', '.join(missing)}: this site's build left them out.")
        return False
    print("All set: the widgets' front ends come with this site's JupyterLab.")
    print(WHERE_WORK_LIVES)
    return True
