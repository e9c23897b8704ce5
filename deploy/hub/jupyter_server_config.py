"""Every user's Jupyter server on the course's hub: kernels left idle are shut down, and a
kernel that loses a race for its ports while starting starts again on new ones.

A student who opens the notebooks one after another and never closes a kernel holds them
all: measured, 2.1 GiB for the whole course against 594 MiB with one kernel at a time
(README, "On a hub"). Installed beside nbgrader_config.py (deploy/README.md).
"""

import sys
import types

from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

c = get_config()  # noqa: F821 (Jupyter defines it)
c.MappingKernelManager.cull_idle_timeout = 15 * 60  # seconds without running a cell
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = True  # an open tab does not keep a kernel alive

# A class starting its kernels at once on one machine: a server chooses free ports for a
# kernel, and another process can take one before the kernel binds it. The kernel dies
# ("Address already in use") and is restarted; on new ports only if they are not cached
# (jupyter_client caches them for TCP, and then every restart binds the same taken port),
# and then the server must watch the kernel on its new ports (jupyter_server does it for a
# restart asked for through its API, not for the restarter's: until then every connection
# to the kernel times out and is closed). tests/test_kernel_ports.py races a kernel so.
c.KernelManager.cache_ports = False


class KernelManagerFollowingNewPorts(ServerKernelManager):
    """A server's kernel manager that, when its kernel is restarted on new ports, has the
    server watch the kernel's activity on them, as a restart through the API does."""

    async def restart_kernel(self, now: bool = False, newports: bool = False, **kw) -> None:
        ports = list(self.ports)
        await super().restart_kernel(now=now, newports=newports, **kw)
        server = self.parent  # the server's MappingKernelManager
        if list(self.ports) != ports and self.kernel_id in server:
            server.stop_watching_activity(self.kernel_id)
            self.execution_state = "starting"
            server.start_watching_activity(self.kernel_id)


# the server imports its kernels' manager by name, and this file is settings, not a module:
# the class gets a module of its own
KernelManagerFollowingNewPorts.__module__ = "onebyone_hub_kernels"
sys.modules["onebyone_hub_kernels"] = types.ModuleType("onebyone_hub_kernels")
sys.modules["onebyone_hub_kernels"].KernelManagerFollowingNewPorts = KernelManagerFollowingNewPorts
c.MappingKernelManager.kernel_manager_class = "onebyone_hub_kernels.KernelManagerFollowingNewPorts"
