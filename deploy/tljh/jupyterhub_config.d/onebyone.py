"""The course's addition to the hub's configuration: every user's home is their own.

A student's notebooks, answers included, live in their home. A home that others may enter
(useradd's default on Debian, and on Ubuntu before 22.04) lets any student read them, so
each server's start makes its user's home private first. TLJH reads this file from
/opt/tljh/config/jupyterhub_config.d/ (deploy/README.md).
"""

import os
import pwd


def make_home_private(spawner) -> None:
    """Before a user's server starts: their home, readable by them alone."""
    unix_name = getattr(spawner, "unix_username", None) or spawner.user.name  # TLJH: jupyter-NAME
    os.chmod(pwd.getpwnam(unix_name).pw_dir, 0o700)


c = get_config()  # noqa: F821 (JupyterHub defines it)
c.Spawner.pre_spawn_hook = make_home_private
