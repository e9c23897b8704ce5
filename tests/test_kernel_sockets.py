"""On a hub's settings, kernels talk to their server over private unix sockets: no race for
a port can leave a student's kernel hanging.

On one machine (The Littlest JupyterHub, or the loopback hub of the tests) every student's
server, over TCP, chooses its kernels' ports by asking the system for free ones, then starts
the kernel, which binds them a moment later. When a class starts its kernels at once,
another server can choose the same port in between. The first test shows what then befalls
a kernel that loses its IOPub port: it does not exit, it hangs, never answering and never
restarted. The second shows the hub's settings (deploy/hub/jupyter_server_config.py): the
kernels listen on unix sockets named after them, in a folder only their user can enter.

Real components: jupyter_client's kernel manager and its restarter, the hub's kernel
manager from its settings, and the course's Python kernel; the race is played by taking the
port between the manager's choice and the kernel's start, as another server can.
"""

from __future__ import annotations

import asyncio
import os
import socket
import stat
from pathlib import Path

import pytest
from jupyter_client.ioloop import AsyncIOLoopKernelManager
from traitlets import import_item
from traitlets.config import Config, PyFileConfigLoader

from hub import run_in_a_loop_of_its_own

SERVER_SETTINGS = (Path(__file__).resolve().parent.parent / "deploy" / "hub"
                   / "jupyter_server_config.py")
STARTS_WITHIN = 60.0
"""Seconds a kernel has to start (to answer, or to fail to bind its port)."""
RESTARTER_POLLS = 3
"""How many of its restarter's checks a hanging kernel is watched for."""
SOCKET_PATH_MAX = 107
"""Bytes in the longest path of a unix socket (Linux)."""


def _hub_settings() -> Config:
    return PyFileConfigLoader(SERVER_SETTINGS.name, path=str(SERVER_SETTINGS.parent)).load_config()


class _IOPubPortTaken(AsyncIOLoopKernelManager):
    """A kernel manager whose kernel finds its IOPub port taken, as when another server
    chose the same port between this manager's choice and the kernel's start."""

    taken: socket.socket | None = None

    async def _async_pre_start_kernel(self, **kw):
        command, kw = await super()._async_pre_start_kernel(**kw)
        self.taken = socket.socket()
        self.taken.bind((self.ip, self.iopub_port))
        self.taken.listen()
        return command, kw


async def _wait_for(condition, what: str, seconds: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await condition():
        assert loop.time() < deadline, f"not within {seconds} s: {what}"
        await asyncio.sleep(0.2)


async def _answers(manager, timeout: float) -> bool:
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=timeout)
        return True
    except RuntimeError:  # no answer within the timeout, or the kernel died
        return False
    finally:
        client.stop_channels()


async def _kernel_that_lost_its_iopub_port(folder: Path) -> dict:
    manager = _IOPubPortTaken(kernel_name="python3", connection_file=str(folder / "kernel.json"))
    restarts = []
    with open(folder / "kernel.err", "w") as stderr:
        try:
            await manager.start_kernel(stderr=stderr)
            manager.start_restarter()  # as a Jupyter server does
            manager.add_restart_callback(lambda: restarts.append("restart"), "restart")
            manager.add_restart_callback(lambda: restarts.append("dead"), "dead")

            async def failed_to_bind() -> bool:
                return "Address already in use" in (folder / "kernel.err").read_text()

            await _wait_for(failed_to_bind, "the kernel fails to bind its IOPub port",
                            STARTS_WITHIN)
            watched = RESTARTER_POLLS * manager._restarter.time_to_dead
            answered = await _answers(manager, timeout=watched)
            return {"alive": await manager.is_alive(), "answered": answered,
                    "restarts": restarts}
        finally:
            manager.stop_restarter()
            await manager.shutdown_kernel(now=True)
            if manager.taken:
                manager.taken.close()


@pytest.mark.slow
def test_over_tcp_a_kernel_that_loses_its_iopub_port_hangs_and_is_never_restarted(tmp_path):
    """What the hub's settings prevent: ipykernel cannot bind the port, leaves the socket
    open, and then waits forever for its messaging to close: the process lives on, so its
    restarter sees nothing to restart, and it never answers."""
    kernel = run_in_a_loop_of_its_own(_kernel_that_lost_its_iopub_port(tmp_path))
    assert kernel == {"alive": True, "answered": False, "restarts": []}, kernel


async def _two_kernels_at_once(folder: Path) -> list[dict]:
    settings = _hub_settings()
    manager_class = import_item(settings.MappingKernelManager.kernel_manager_class)
    managers = [manager_class(config=settings, kernel_name="python3",
                              connection_file=str(folder / f"kernel-{k}.json"))
                for k in range(2)]
    try:
        await asyncio.gather(*(manager.start_kernel() for manager in managers))
        answered = await asyncio.gather(*(_answers(manager, STARTS_WITHIN)
                                          for manager in managers))
        kernels = []
        for manager, answer in zip(managers, answered, strict=True):
            sockets = [Path(f"{manager.ip}-{port}") for port in manager.ports]
            kernels.append({"transport": manager.transport, "answered": answer,
                            "sockets": sockets,
                            "are_sockets": all(stat.S_ISSOCK(s.stat().st_mode)
                                               for s in sockets)})
        return kernels
    finally:
        await asyncio.gather(*(manager.shutdown_kernel(now=True) for manager in managers))


@pytest.mark.slow
def test_on_the_hubs_settings_kernels_listen_on_unix_sockets_only_their_user_can_reach(
        tmp_path):
    """Two kernels started at once, their connection files in a folder deeper than a
    socket's path may be (as a home can be): each answers, on unix sockets of its own, in a
    folder only their user may enter, and none is left once they are shut down."""
    deep = tmp_path / ("a-home-with-a-long-path-" * 5)
    deep.mkdir()
    assert len(str(deep / "kernel-0.json")) > SOCKET_PATH_MAX
    kernels = run_in_a_loop_of_its_own(_two_kernels_at_once(deep))

    for kernel in kernels:
        assert kernel["transport"] == "ipc" and kernel["answered"] and kernel["are_sockets"]
        assert all(len(str(path)) <= SOCKET_PATH_MAX for path in kernel["sockets"])
    first, second = (set(kernel["sockets"]) for kernel in kernels)
    assert len(first) == len(second) == 5 and not first & second
    folder = next(iter(first)).parent
    assert {path.parent for path in first | second} == {folder}
    assert folder.stat().st_uid == os.getuid() and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not any(path.exists() for path in first | second)
