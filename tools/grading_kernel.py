#!/usr/bin/env python3
"""The kernel that grades students' notebooks: nobody in particular, no network, limits.

A student's answer is untrusted code, and nbgrader's autograde would run it with the
grader's rights, beside the hidden tests and the gradebook. The course directory's
``nbgrader_config.py`` (``tools/classroom.py``) names this kernel instead, and nbgrader
starts it for every notebook it grades. Started as root (through sudo on a hub:
``deploy/README.md``), this program runs IPython's kernel

- as a user id of its own, which no account has (so it owns no file and may read only what
  everyone may), with no group;
- in a network namespace of its own in which no interface is up: no connection can be
  opened, not even to 127.0.0.1;
- in an empty folder of its own, which is also its home;
- with limits on its memory (address space), processes, CPU time and file size.

The kernel listens on unix sockets in its folder; this program relays the grader's five
channels, TCP on 127.0.0.1 as in the connection file, to them. It forwards interrupts, and
when the kernel ends, it ends whatever the user id still runs and removes the folder.

    python3 tools/grading_kernel.py install DIR [--sudo]   # the kernel spec, into DIR
    python3 tools/grading_kernel.py -f CONNECTION_FILE     # what the kernel spec runs
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import pwd
import resource
import shutil
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
from pathlib import Path

KERNEL_NAME = "onebyone-grading"
MEMORY = 4 << 30
"""Bytes of address space: the course's heaviest notebook needs about 1.5 GiB."""
PROCESSES = 64
"""Processes and threads of the kernel's user id (the kernel itself runs about 10)."""
CPU_SECONDS = 3600
"""A backstop: nbgrader's time limit per cell (the course's config) interrupts first."""
FILE_SIZE = 256 << 20
UID_BASE = 0x7A00_0000
"""The kernel's user id is this plus the launcher's process id: unique among the kernels
running, above the ids of accounts and container ranges, below 2**31."""
CHANNELS = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
CLONE_NEWNET = 0x4000_0000
PR_SET_PDEATHSIG = 1

_libc = ctypes.CDLL(None, use_errno=True)


def kernel_spec(python: str = sys.executable, sudo: bool = False) -> dict:
    """The kernel spec that starts this program for ``{connection_file}``; with ``sudo``,
    through ``sudo -n`` (for a grader who is not root: deploy/README.md)."""
    argv = [python, str(Path(__file__).resolve()), "-f", "{connection_file}"]
    return {"argv": (["sudo", "-n", "--"] if sudo else []) + argv,
            "display_name": "Python 3 (grading: no network, limits)",
            "language": "python", "interrupt_mode": "signal"}


def install(kernels: Path, sudo: bool = False) -> Path:
    """Write the kernel spec into ``kernels`` (a ``share/jupyter/kernels`` folder)."""
    folder = kernels / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kernel.json").write_text(json.dumps(kernel_spec(sudo=sudo), indent=1) + "\n",
                                        encoding="utf-8")
    return folder


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _read_as_caller(path: str) -> dict:
    """The connection file, read with the rights of whoever ran sudo (not root's)."""
    uid, gid = int(os.environ.get("SUDO_UID", 0)), int(os.environ.get("SUDO_GID", 0))
    os.setegid(gid)
    os.seteuid(uid)
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    finally:
        os.seteuid(0)
        os.setegid(0)


def _unused_uid() -> int:
    uid = UID_BASE + os.getpid()
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return uid
    raise RuntimeError(f"the grading kernel's user id {uid} belongs to an account")


def _kernel_environment(home: str, launcher: int) -> dict[str, str]:
    """A clean environment: nothing of the grader's, one thread for the numerical
    libraries (the process limit counts threads; grades do not depend on their number)."""
    keep = ("LANG", "LC_ALL", "PYTHONHASHSEED", "OPENBLAS_CORETYPE", "SOURCE_DATE_EPOCH")
    return {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": home,
            "JPY_PARENT_PID": str(launcher),  # the kernel ends if its launcher has gone
            "TMPDIR": home, "USER": "nobody", "LOGNAME": "nobody", "MPLBACKEND": "agg",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            **{k: os.environ[k] for k in keep if k in os.environ}}


def _become_the_kernel(uid: int, folder: str, connection: str, extra: list[str],
                       launcher: int, needed: list[str]) -> None:
    """In the forked child, as root: drop everything, check that the kernel's user can read
    the ``needed`` folders of Python, then exec the kernel. Never returns."""
    try:
        os.setsid()  # the grader's interrupts come through the launcher, once
        _check(_libc.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)")
        for limit, value in ((resource.RLIMIT_AS, MEMORY), (resource.RLIMIT_NPROC, PROCESSES),
                             (resource.RLIMIT_CPU, CPU_SECONDS),
                             (resource.RLIMIT_FSIZE, FILE_SIZE), (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(limit, (value, value))
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        # a Python whose standard library the kernel's user cannot read would start with
        # another one it finds (the system's), and grade with other versions than the course's
        for folder_needed in needed:
            if not os.access(folder_needed, os.R_OK | os.X_OK):
                raise PermissionError(f"{folder_needed} is not readable by every user: the "
                                      f"course's Python must be (make it so, or install "
                                      f"the environment where it is)")
        # set after the change of user, which clears it: the kernel dies with the launcher
        _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
        if os.getppid() != launcher:
            os._exit(1)
        os.umask(0o077)
        os.chdir(folder)
        os.execve(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f",
                                   connection, *extra], _kernel_environment(folder, launcher))
    except BaseException as error:  # a child must never return into the launcher
        print(f"the grading kernel could not start: {error}", file=sys.stderr)
    os._exit(1)


def python_folders() -> list[str]:
    """The folders of this Python that another user's process must read to run it: its
    standard library and its packages."""
    import ipykernel

    return [os.path.dirname(os.__file__), os.path.dirname(os.path.dirname(ipykernel.__file__))]


def unreadable_by_others() -> str | None:
    """The first folder on the way to this Python's folders that other users may not enter
    (or, the folders themselves, read), if any."""
    for folder in map(Path, python_folders()):
        for step in [*reversed(folder.parents), folder]:
            needed = stat.S_IXOTH | (stat.S_IROTH if step == folder else 0)
            if step.stat().st_mode & needed != needed:
                return str(step)
    return None


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(1 << 16):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _join(client: socket.socket, path: str) -> None:
    """Connect a grader's connection to the kernel's socket ``path`` (the kernel binds it a
    moment after it starts) and relay both ways."""
    kernel = socket.socket(socket.AF_UNIX)
    for _ in range(600):
        try:
            kernel.connect(path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            time.sleep(0.05)
    else:
        client.close()  # the grader's client connects again
        return
    for source, sink in ((client, kernel), (kernel, client)):
        threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()


def _listen(server: socket.socket, path: str) -> None:
    while True:
        client, _ = server.accept()
        threading.Thread(target=_join, args=(client, path), daemon=True).start()


def _end_everything_of(uid: int) -> None:
    """Kill every process the kernel's user id still runs (what a student's answer left
    running): a process of that id signals all the others."""
    killer = os.fork()
    if killer == 0:
        try:
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass  # none left
        os._exit(0)
    os.waitpid(killer, 0)


def run(connection_file: str, extra: list[str]) -> int:
    if os.geteuid() != 0:
        print("the grading kernel starts students' code as a user of its own, which needs "
              "root: install its kernel spec with --sudo and let the grader run it through "
              "sudo (deploy/README.md)", file=sys.stderr)
        return 1
    info = _read_as_caller(connection_file)
    if info.get("transport", "tcp") != "tcp":
        print(f"the grading kernel relays TCP channels; the connection file asks for "
              f"{info['transport']!r}", file=sys.stderr)
        return 1
    uid = _unused_uid()
    folder = tempfile.mkdtemp(prefix="onebyone-grading-", dir="/tmp")
    os.chown(folder, uid, uid)
    inner = {**info, "transport": "ipc", "ip": os.path.join(folder, "kernel")}
    connection = os.path.join(folder, "connection.json")
    Path(connection).write_text(json.dumps(inner), encoding="utf-8")
    os.chown(connection, uid, uid)
    os.chmod(connection, 0o600)
    servers = [socket.create_server((info["ip"], info[name])) for name in CHANNELS]

    launcher, needed = os.getpid(), python_folders()
    kernel = os.fork()
    if kernel == 0:
        for server in servers:
            server.close()
        _become_the_kernel(uid, folder, connection, extra, launcher, needed)
    for server, name in zip(servers, CHANNELS, strict=True):
        path = f"{inner['ip']}-{info[name]}"
        threading.Thread(target=_listen, args=(server, path), daemon=True).start()

    def forward(signum, frame):
        try:
            os.kill(kernel, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    while True:
        try:
            _, status = os.waitpid(kernel, 0)
            break
        except InterruptedError:
            continue
    _end_everything_of(uid)
    shutil.rmtree(folder, ignore_errors=True)
    return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1


def main(argv: list[str]) -> int:
    if argv[:1] == ["install"]:
        parser = argparse.ArgumentParser(prog="grading_kernel.py install",
                                         description="Write the grading kernel's spec.")
        parser.add_argument("kernels", type=Path,
                            help="a kernels folder, e.g. /opt/tljh/user/share/jupyter/kernels")
        parser.add_argument("--sudo", action="store_true",
                            help="start the kernel through sudo -n (a grader who is not root)")
        args = parser.parse_args(argv[1:])
        print(f"installed the kernel spec {install(args.kernels, args.sudo)}")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-f", dest="connection_file", required=True)
    args, extra = parser.parse_known_args(argv)
    return run(args.connection_file, extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
