"""Every user's Jupyter server on the course's hub: kernels left idle are shut down.

A student who opens the notebooks one after another and never closes a kernel holds them
all: measured, 2.1 GiB for the whole course against 594 MiB with one kernel at a time
(README, "On a hub"). Installed beside nbgrader_config.py (deploy/README.md).
"""

c = get_config()  # noqa: F821 (Jupyter defines it)
c.MappingKernelManager.cull_idle_timeout = 15 * 60  # seconds without running a cell
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = True  # an open tab does not keep a kernel alive
