"""The course's JupyterLite (tools/lite.py): built offline, serving only files that match
Pyodide's own lock, and refusing to build from a tampered wheel. The published site holds
the notebooks and no solutions; the browser tests' build adds the folded solutions.

The build needs what ``python3 tools/lite.py fetch`` brings (the README's test command
fetches it; it needs npm): without it these tests skip, except in CI.
"""

from __future__ import annotations

import ast
import json
import re
import zipfile
from pathlib import Path

import pytest

import lite  # tools/lite.py
from lite_site import SOLUTIONS, offline_build, require_fetched, solution_file, write_solutions
from notebook_run import solutions

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def committed() -> dict[str, bytes]:
    """The committed notebooks' bytes, read before the site is built."""
    return {p.name: p.read_bytes() for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}


@pytest.fixture(scope="module")
def site(tmp_path_factory, committed) -> Path:
    require_fetched()
    out = tmp_path_factory.mktemp("lite") / "site"
    built = offline_build(out)
    assert built.returncode == 0, built.stdout + built.stderr
    return out


@pytest.mark.slow
def test_every_file_pyodide_serves_is_in_its_served_lock_with_the_locks_sha256(site):
    pyodide = site / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    official = lite.official_lock()
    assert lock["info"] == official["info"]  # the release it was built for
    listed = {entry["file_name"]: entry for entry in lock["packages"].values()}
    served = {p.name for p in pyodide.iterdir()} - {"pyodide-lock.json", *lite.CORE}
    # nothing listed that is not served (it would be asked for and fail), nothing served
    # that is not listed
    assert served == set(listed)
    for name, entry in listed.items():
        assert lite.sha256((pyodide / name).read_bytes()) == entry["sha256"], name
    # Pyodide's own packages exactly as its lock says; the course's added, with what they need
    course = {"onebyone", *(lite.canonicalize_name(name) for name in lite.CONTROLS)}
    for name, entry in lock["packages"].items():
        if name not in course:
            assert entry == official["packages"][name], name
    assert course <= set(lock["packages"])
    assert set(lock["packages"]["onebyone"]["depends"]) >= {"numpy", "matplotlib", "anywidget"}
    for name in lite.CORE:
        assert (pyodide / name).read_bytes() == (lite.NPM_PYODIDE / name).read_bytes()


@pytest.mark.slow
def test_the_site_holds_every_notebook_and_needs_nothing_from_elsewhere(site):
    names = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (site / "files").glob("*.ipynb")) == names
    settings = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = settings["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.js"
    extensions = {e["name"] for e in settings["federated_extensions"]}
    assert extensions == {"@jupyterlite/pyodide-kernel-extension",
                          "@jupyter-widgets/jupyterlab-manager", "anywidget"}


@pytest.mark.slow
def test_the_published_site_has_the_notebooks_and_no_solutions(site):
    names = sorted(p.name for p in (ROOT / "notebooks").iterdir()
                   if p.name != ".ipynb_checkpoints")  # what notebooks/ holds, and no more
    assert sorted(p.name for p in (site / "files").iterdir()) == names
    listed = json.loads((site / "api" / "contents" / "all.json").read_text())["content"]
    assert sorted(item["name"] for item in listed) == names
    assert not (site / "api" / "contents" / SOLUTIONS).exists()


@pytest.mark.slow
def test_the_sites_notebooks_carry_the_lites_kernel_and_the_committed_ones_are_untouched(
        site, committed):
    """Opening a notebook whose kernelspec and language_info are not the Lite's kernel's
    rewrites them, and the notebook shows as changed before the learner changes anything:
    the site's copies carry the kernel's own, and nothing else of them differs."""
    assert {p.name: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")} == committed
    for name, data in committed.items():
        ours = json.loads(data)
        assert ours["metadata"]["kernelspec"]["name"] == "python3"  # ipykernel's, for `lab`
        served = json.loads((site / "files" / name).read_text(encoding="utf-8"))
        assert served["metadata"]["kernelspec"] == lite.KERNEL_METADATA["kernelspec"], name
        assert served["metadata"] == {**ours["metadata"], **lite.KERNEL_METADATA}, name
        # the outputs' text as one string each: the Lite's JupyterLab garbles a list of
        # lines when it saves
        assert served["cells"] == lite.joined_outputs(ours["cells"]), name
        assert not any(isinstance(value, list) for cell in served["cells"]
                       for out in cell.get("outputs", [])
                       for value in [out.get("text"), *out.get("data", {}).values()])
        assert {k: v for k, v in served.items() if k not in ("metadata", "cells")} == {
            k: v for k, v in ours.items() if k not in ("metadata", "cells")}, name
    # what the pinned kernel's front end says of itself, as its minified code spells it
    kernel = "".join(p.read_text(encoding="utf-8") for p in (
        site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension").rglob("*.js"))
    for key, value in lite.KERNEL_METADATA.items():
        spelt = re.sub(r'"(\w+)":', r"\1:", json.dumps(value, separators=(",", ":")))
        assert spelt[1:-1] in kernel, key


@pytest.mark.slow
def test_extra_contents_land_in_the_site_beside_the_notebooks(tmp_path):
    require_fetched()
    out = tmp_path / "site"
    built = offline_build(out, write_solutions(tmp_path / "contents"))
    assert built.returncode == 0, built.stdout + built.stderr
    assert sorted(p.name for p in (out / "files").glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    written = sorted((tmp_path / "contents" / SOLUTIONS).iterdir())
    assert written  # every notebook with an exercise has a file
    for path in written:
        served = out / "files" / SOLUTIONS / path.name
        assert served.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    listed = json.loads((out / "api" / "contents" / SOLUTIONS / "all.json").read_text())
    assert sorted(item["path"] for item in listed["content"]) == [
        f"{SOLUTIONS}/{path.name}" for path in written]


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_a_solutions_file_holds_the_notebooks_folded_solutions_in_order(path):
    tree = ast.parse(solution_file(path))
    (listed,) = [node.value for node in tree.body if isinstance(node, ast.Assign)]
    assert ast.literal_eval(listed) == [code for _, code in solutions(path)]
    loop = tree.body[-1]  # each runs as a cell of its own, as the learner's would
    assert ast.unparse(loop) == ("for _solution in _solutions:\n"
                                 "    get_ipython().run_cell(_solution)")


def _tampered(carrier: Path, dest: Path, member: str) -> None:
    """A copy of the carrier wheel with one byte of ``member`` changed."""
    with zipfile.ZipFile(carrier) as source, zipfile.ZipFile(dest, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                data = data[:1000] + bytes([data[1000] ^ 1]) + data[1001:]
            copy.writestr(info, data)


@pytest.mark.slow
def test_a_wheel_altered_by_one_byte_fails_the_build_and_names_it(tmp_path, monkeypatch):
    require_fetched()
    cache = tmp_path / "cache"
    (cache / "wheels").mkdir(parents=True)
    for wheel in lite.wheels().iterdir():
        if not wheel.name.startswith(lite.CARRIER):
            (cache / "wheels" / wheel.name).symlink_to(wheel)
    carrier = lite._the_wheel(lite.CARRIER)
    numpy = next(e["file_name"] for n, e in lite.official_lock()["packages"].items()
                 if n == "numpy")
    _tampered(carrier, cache / "wheels" / carrier.name,
              f"{lite.CARRIER}/assets/pyodide/{numpy}")
    monkeypatch.setattr(lite, "CACHE", cache)
    out = tmp_path / "site"
    with pytest.raises(lite.TamperedError, match=f"{numpy} in {carrier.name}: sha256 "
                                                  "[0-9a-f]{64}, but Pyodide's lock says"):
        lite.build(out)
    assert not out.exists()


def test_a_file_pyodides_lock_does_not_list_fails_the_check(tmp_path):
    carrier = tmp_path / f"{lite.CARRIER}-0-py3-none-any.whl"
    with zipfile.ZipFile(carrier, "w") as archive:
        archive.writestr(f"{lite.CARRIER}/assets/pyodide/extra-1.0-py3-none-any.whl", b"x")
    with pytest.raises(lite.TamperedError, match=r"holds extra-1\.0-py3-none-any\.whl, which "
                                                 r"Pyodide's lock does not list"):
        lite.verified_pyodide_wheels(carrier, {"packages": {}})


def test_a_served_package_whose_requirement_is_not_served_fails_the_lock():
    served = {"onebyone": {"depends": ["numpy", "anywidget"]}, "numpy": {"depends": []}}
    with pytest.raises(ValueError, match="onebyone needs anywidget"):
        lite.served_lock({"info": {}}, served)


def _entry(version: str, depends: list[str], kind: str = "package") -> dict:
    return {"version": version, "depends": depends, "package_type": kind}


def test_the_kernels_pins_are_everything_the_course_requires_at_the_locks_versions():
    packages = {
        "onebyone": _entry("0.1", ["numpy", "matplotlib"]),
        "numpy": _entry("2.0.2", []),
        "matplotlib": _entry("3.8.4", ["numpy", "pyparsing", "matplotlib-pyodide"]),
        "pyparsing": _entry("3.1.2", ["openblas", "sqlite3"]),
        "matplotlib-pyodide": _entry("0.2.3", []),
        "openblas": _entry("0.3.26", [], "shared_library"),
        "sqlite3": _entry("1.0.0", [], "cpython_module"),
        "pandas": _entry("2.2.0", ["numpy"]),  # listed, never required: not pinned
        "ipywidgets": _entry("8.1.9", ["jupyterlab-widgets"]),  # the site provides that
    }
    assert lite.kernel_pins(packages, ["Matplotlib", "ipywidgets"]) == [
        "ipywidgets==8.1.9", "matplotlib==3.8.4", "numpy==2.0.2", "pyparsing==3.1.2"]


def test_a_requirement_the_browsers_kernel_lacks_is_named():
    with pytest.raises(ValueError, match="the browser's kernel has no prompt-toolkit"):
        lite.kernel_pins({"ipython": _entry("8.23.0", ["prompt_toolkit"])}, ["ipython"])
