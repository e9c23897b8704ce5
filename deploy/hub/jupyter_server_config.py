"""Every user's Jupyter server on the course's hub: kernels left idle are shut down, and
kernels talk to their server over unix sockets in a private folder, not over TCP ports.

A student who opens the notebooks one after another and never closes a kernel holds them
all: measured, 2.1 GiB for the whole course against 594 MiB with one kernel at a time
(README, "On a hub"). Installed beside nbgrader_config.py (deploy/README.md).
"""

import atexit
import functools
import os
import shutil
import sys
import tempfile
import types

from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
from traitlets import default

c = get_config()  # noqa: F821 (Jupyter defines it)
c.MappingKernelManager.cull_idle_timeout = 15 * 60  # seconds without running a cell
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = True  # an open tab does not keep a kernel alive

# Over TCP, a server chooses free ports for a kernel and the kernel binds them a moment
# later. When a class starts its kernels at once on one machine (The Littlest JupyterHub),
# another server can choose the same port in between: the kernel that loses it cannot
# bind it, and when it is the kernel's IOPub port, the kernel (ipykernel 7.4) does not even
# exit. It hangs, alive and never answering, so it is never restarted, and the student's
# notebook never connects. Unix sockets named after the kernel cannot be taken so, and
# in a folder of the user's own, no other user on the machine can connect to them.
# tests/test_kernel_sockets.py shows both.


@functools.cache  # one folder per server
def _private_socket_folder() -> str:
    """A folder for this server's kernels' sockets, its user's alone (mkdtemp's mode is
    0700), named after the server's process and removed when it exits. In the temporary
    folder, as a socket's path must be short (107 bytes on Linux) and a home's may be long."""
    folder = tempfile.mkdtemp(prefix=f"jupyter-kernels-{os.getpid()}-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


class KernelManagerOverUnixSockets(ServerKernelManager):
    """A server's kernel manager whose kernels listen on unix sockets (ZeroMQ's ipc
    transport) in the server's private folder, one set per kernel, named after its
    connection file."""

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:  # the sockets are this path, then "-" and a number
        name = os.path.splitext(os.path.basename(self.connection_file))[0] or "kernel"
        return os.path.join(_private_socket_folder(), name)


# the server imports its kernels' manager by name, and this file is settings, not a module:
# the class gets a module of its own
KernelManagerOverUnixSockets.__module__ = "onebyone_hub_kernels"
sys.modules["onebyone_hub_kernels"] = types.ModuleType("onebyone_hub_kernels")
sys.modules["onebyone_hub_kernels"].KernelManagerOverUnixSockets = KernelManagerOverUnixSockets
c.MappingKernelManager.kernel_manager_class = "onebyone_hub_kernels.KernelManagerOverUnixSockets"
