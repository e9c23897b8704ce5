"""Real unix users for a test, under a prefix unique to the run, always removed.

A hub like The Littlest JupyterHub starts each user's server as the user's own unix
account, and the exchange's privacy rests on it. Tests that need such users create them
with useradd, which needs root; without it they skip, except where ONEBYONE_REQUIRE_HUB is
set (.ci/run), where they fail.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from grading import require_grading_kernel

SUDOERS = Path("/etc/sudoers.d")


def require_unix_users() -> None:
    """Root, the tools, and a Python that the users can run (grading.require_grading_kernel)."""
    require_grading_kernel()
    missing = [tool for tool in ("useradd", "userdel", "pkill", "sudo") if not shutil.which(tool)]
    if missing:
        reason = f"creating unix users needs {', '.join(missing)}"
        if os.environ.get("ONEBYONE_REQUIRE_HUB"):
            pytest.fail(f"{reason}, and ONEBYONE_REQUIRE_HUB is set")
        pytest.skip(reason)


@contextmanager
def unix_users(names: list[str]) -> Iterator[dict[str, str]]:
    """A unix user, with a home, for each of ``names``: name -> the account's name
    (``ob``, 6 hex digits, ``-``, the name). On exit, however the test ends, their
    processes are killed, and the accounts, their homes and their sudoers files removed."""
    require_unix_users()
    prefix = f"ob{secrets.token_hex(3)}-"
    accounts: dict[str, str] = {}
    try:
        for name in names:
            account = prefix + name
            subprocess.run(["useradd", "--create-home", "--user-group", "--shell", "/bin/sh",
                            account], check=True, capture_output=True, text=True)
            accounts[name] = account
        yield accounts
    finally:
        for account in accounts.values():
            subprocess.run(["pkill", "--signal", "KILL", "--uid", account], capture_output=True)
        for account in accounts.values():
            subprocess.run(["userdel", "--force", "--remove", account], capture_output=True)
        for rule in SUDOERS.glob(f"{prefix}*"):
            rule.unlink()


def allow_sudo(account: str, command: str) -> None:
    """Let ``account`` run ``command`` (arguments included, ``*`` for any) as root, without
    a password: a sudoers file of its own, removed with the account."""
    draft = SUDOERS.parent / f".{account}-grading"  # checked before sudo reads it
    draft.write_text(f"{account} ALL=(root) NOPASSWD: {command}\n", encoding="utf-8")
    draft.chmod(0o440)
    done = subprocess.run(["visudo", "-c", "-f", str(draft)], capture_output=True, text=True)
    if done.returncode != 0:
        draft.unlink()
        raise AssertionError(done.stdout + done.stderr)
    draft.rename(SUDOERS / f"{account}-grading")
