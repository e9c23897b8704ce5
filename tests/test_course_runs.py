"""The whole course, executed again: deterministic, from either folder, with no network.

nbval runs each notebook in a fresh kernel started in ``notebooks/`` (as JupyterLab
does) and compares every output with the stored one. Here each notebook runs once more
in a fresh kernel started in the repository root, with every non-loopback network
connection refused: it must print exactly the stored text (after the masks of
tests/nbval_sanitize.cfg for measured times). Together: the same text from either
folder, and no notebook reaches the network.
"""

from __future__ import annotations

import copy
import os
import re
from configparser import ConfigParser
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import nav  # tools/nav.py, importable through tests/conftest.py

ROOT = Path(__file__).resolve().parent.parent
SANITIZE = Path(__file__).resolve().parent / "nbval_sanitize.cfg"

# Put on the kernel's PYTHONPATH: refuse any connection that is not to this machine.
# (The kernel itself talks to nbclient over ZeroMQ, which does not use Python sockets.)
NO_NETWORK = '''
import ipaddress, socket

def _refuse(address):
    host = address[0] if isinstance(address, tuple) else address
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        if host in ("localhost",):
            return
    raise OSError(f"network access refused by the course's no-network test: {address!r}")

_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex

def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse(address)
    return _connect(self, address)

def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse(address)
    return _connect_ex(self, address)

_getaddrinfo = socket.getaddrinfo

def getaddrinfo(host, *args, **kwargs):
    if host is not None:
        _refuse(host if not isinstance(host, bytes) else host.decode())
    return _getaddrinfo(host, *args, **kwargs)

socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.getaddrinfo = getaddrinfo
'''


def _masks() -> list[tuple[str, str]]:
    config = ConfigParser()
    config.read(SANITIZE, encoding="utf-8")
    return [(config[s]["regex"], config[s]["replace"]) for s in config.sections()]


def _texts(nb: nbformat.NotebookNode) -> list[str]:
    """What each code cell printed or returned as text, masked as nbval masks it."""
    masks = _masks()
    texts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        text = ""
        for output in cell.outputs:
            assert output.output_type != "error", f"{output.ename}: {output.evalue}"
            # a stream may arrive in several pieces: join them as they were printed
            text += output.get("text") or "\n" + output.get("data", {}).get("text/plain", "")
        for regex, replace in masks:
            text = re.sub(regex, replace, text)
        texts.append(text)
    return texts


def _execute(path: Path, cwd: Path, sitecustomize: Path) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nbformat.read(path, as_version=4))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(sitecustomize), os.environ.get("PYTHONPATH", "")) if p)}
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}})
    client.km = client.create_kernel_manager()
    with client.setup_kernel(env=env):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
    return nb


@pytest.fixture(scope="module")
def sitecustomize(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("no-network")
    (folder / "sitecustomize.py").write_text(NO_NETWORK, encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("path", nav.course_notebooks(), ids=lambda p: p.name)
def test_the_stored_text_from_the_root_folder_without_network(path, sitecustomize):
    from_root = _texts(_execute(path, ROOT, sitecustomize))
    stored = _texts(nbformat.read(path, as_version=4))
    live = [k for k, cell in enumerate(c for c in nbformat.read(path, as_version=4).cells
                                       if c.cell_type == "code")
            if "nbval-ignore-output" in cell.metadata.get("tags", [])]
    for k in sorted(live, reverse=True):  # live widgets are compared in the browser suite
        for texts in (from_root, stored):
            del texts[k]
    assert from_root == stored


def test_the_guard_really_refuses_the_network(tmp_path, sitecustomize):
    """The guard above is real: a notebook that reaches out fails under it."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import urllib.request\nurllib.request.urlopen('http://example.com', timeout=5)")])
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                  "language": "python"}}
    path = tmp_path / "reach_out.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(Exception, match="network access refused"):
        _execute(path, tmp_path, sitecustomize)
