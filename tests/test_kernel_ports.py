"""A kernel whose port was taken before it could bind it comes back, on a hub's settings.

On one machine (The Littlest JupyterHub, or the loopback hub of the tests) every student's
server chooses its kernels' TCP ports by asking the system for free ones, then starts the
kernel, which binds them a moment later. When a class starts its kernels at once, another
process can take such a port in between: the kernel dies with "Address already in use".
jupyter_client restarts a kernel that dies while starting "with new random ports", but only
if it does not cache its ports, which it does by default for TCP: then every restart binds
the same taken port, and after five the kernel is given up for dead. The hub's settings for
every user's server (deploy/hub/jupyter_server_config.py) turn the cache off, and have the
server watch a kernel restarted on new ports there: jupyter_server moves its watch only for
a restart through its API, and until then every connection to the kernel times out.

Real components: jupyter_client's kernel manager and its restarter, a Jupyter server with
the hub's settings and its websocket to the kernel, and the course's Python kernel; the
race itself is played by taking the port between the manager's choice and the kernel's
start, as another process can.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from jupyter_client.ioloop import AsyncIOLoopKernelManager
from traitlets import import_item
from traitlets.config import Config, PyFileConfigLoader

from hub import free_port, run_cells, run_in_a_loop_of_its_own

TESTS = Path(__file__).resolve().parent
SERVER_SETTINGS = TESTS.parent / "deploy" / "hub" / "jupyter_server_config.py"
READY_WITHIN = 90.0
"""Seconds a kernel restarted on new ports has to answer (five restarts take about 20)."""


def _hub_settings() -> Config:
    return PyFileConfigLoader(SERVER_SETTINGS.name, path=str(SERVER_SETTINGS.parent)).load_config()


class PortTakenOnFirstStart:
    """For a kernel manager: its first kernel finds its control port taken, as when another
    process binds it between the manager's choice and the kernel's start."""

    taken: socket.socket | None = None

    async def _async_pre_start_kernel(self, **kw):
        command, kw = await super()._async_pre_start_kernel(**kw)
        if self.taken is None:
            self.taken = socket.socket()
            self.taken.bind((self.ip, self.control_port))
            self.taken.listen()
        return command, kw


class _RacedKernelManager(PortTakenOnFirstStart, AsyncIOLoopKernelManager):
    pass


class RacedServerKernelManager(PortTakenOnFirstStart, import_item(
        _hub_settings().MappingKernelManager.kernel_manager_class)):
    """The hub's servers' kernel manager, raced (the server below imports it by name)."""


async def _start_with_a_taken_port(settings: Config,
                                   folder: Path) -> tuple[bool, bool, list, list]:
    """Start a kernel whose first control port is taken: whether it answers within
    READY_WITHIN seconds, whether its restarter gave it up for dead, and its ports at the
    start and at the end."""
    manager = _RacedKernelManager(config=settings, kernel_name="python3",
                                  connection_file=str(folder / "kernel.json"))
    given_up = asyncio.Event()
    try:
        await manager.start_kernel()
        first_ports = list(manager.ports)
        manager.start_restarter()  # as a Jupyter server does
        manager.add_restart_callback(given_up.set, "dead")
        loop = asyncio.get_running_loop()
        deadline, ready = loop.time() + READY_WITHIN, False
        while not (ready or given_up.is_set()) and loop.time() < deadline:
            client = manager.client()  # on the ports the manager uses now
            client.start_channels()
            try:
                await client.wait_for_ready(timeout=5)
                ready = True
            except RuntimeError:  # not (yet) answering, or died while starting
                pass
            finally:
                client.stop_channels()
        return ready, given_up.is_set(), first_ports, list(manager.ports)
    finally:
        manager.stop_restarter()
        if manager.has_kernel:
            await manager.shutdown_kernel(now=True)
        manager.taken.close()


@pytest.mark.slow
def test_on_the_hubs_settings_a_kernel_whose_port_was_taken_comes_back_on_new_ports(tmp_path):
    ready, given_up, first_ports, ports = run_in_a_loop_of_its_own(
        _start_with_a_taken_port(_hub_settings(), tmp_path))
    assert ready, ("its restarter gave the kernel up for dead" if given_up
                   else f"the kernel did not answer within {READY_WITHIN} s")
    assert ports != first_ports


@pytest.mark.slow
def test_with_jupyter_clients_cached_ports_the_same_kernel_is_given_up_for_dead(tmp_path):
    """What the setting prevents: every restart binds the same taken port."""
    ready, given_up, first_ports, ports = run_in_a_loop_of_its_own(
        _start_with_a_taken_port(Config(), tmp_path))
    assert given_up and not ready
    assert ports == first_ports


@pytest.mark.slow
def test_on_a_server_with_the_hubs_settings_a_raced_kernel_runs_the_students_cells(tmp_path):
    """The student's side: a Jupyter server with the hub's settings, whose first kernel
    loses its port, still runs the cells sent over the kernel's websocket, as JupyterLab
    sends them (it answers once the kernel is back, about a minute later)."""
    port, token = free_port(), secrets.token_hex(16)
    with open(tmp_path / "server.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", f"--port={port}", "--ip=127.0.0.1",
             "--no-browser", f"--ServerApp.root_dir={tmp_path}", f"--config={SERVER_SETTINGS}",
             f"--IdentityProvider.token={token}", "--allow-root",
             "--MappingKernelManager.kernel_manager_class="
             "test_kernel_ports.RacedServerKernelManager"],
            stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(
                [str(TESTS), str(TESTS.parent / "tools"), os.environ.get("PYTHONPATH", "")])})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None and time.monotonic() < deadline, \
                    (tmp_path / "server.log").read_text()[-3000:]
                time.sleep(0.2)
        outputs = run_cells(url, token, "raced.ipynb", ["print(6 * 7)"])
        assert outputs == [[{"type": "stream", "name": "stdout", "text": "42\n"}]], outputs
        log = (tmp_path / "server.log").read_text()
        assert "Address already in use" in log and "new random ports" in log  # it was raced
    finally:
        server.terminate()
        server.wait(30)
