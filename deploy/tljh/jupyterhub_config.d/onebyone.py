"""The course's addition to the hub's configuration: every user's home is their own.

A student's notebooks, answers included, live in their home. A home that others may enter
(useradd's default on Debian, and on Ubuntu before 22.04) lets any student read them, so
each server's start makes its user's home private, if the account exists by then (TLJH
creates it when the server first starts: set HOME_MODE 0700 in /etc/login.defs for those,
deploy/README.md). TLJH reads this file from /opt/tljh/config/jupyterhub_config.d/.
"""

import os
import pwd

HOMES = "/home"
"""Only a home here is changed: a hub user named like a system account (bin, sys) must not
make the hub lock a system folder."""


def make_home_private(spawner) -> None:
    """Before a user's server starts: their home, readable by them alone. Their account is
    TLJH's jupyter-NAME, or, on a hub whose users are accounts, the user's own name."""
    for account in (f"jupyter-{spawner.user.name}", spawner.user.name):
        try:
            home = pwd.getpwnam(account).pw_dir
        except KeyError:
            continue
        if os.path.dirname(os.path.normpath(home)) == HOMES:
            os.chmod(home, 0o700)
        return


c = get_config()  # noqa: F821 (JupyterHub defines it)
c.Spawner.pre_spawn_hook = make_home_private
