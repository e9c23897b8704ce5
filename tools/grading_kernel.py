#!/usr/bin/env python3
"""The kernel that grades students' notebooks: nobody in particular, no network, limits.

A student's answer is untrusted code, and nbgrader's autograde would run it with the
grader's rights, beside the hidden tests and the gradebook. The course directory's
``nbgrader_config.py`` (``tools/classroom.py``) names this kernel instead, and nbgrader
starts it for every notebook it grades. Started as root (through sudo on a hub:
``deploy/README.md``), this program runs IPython's kernel

- as a user id of its own, which no account and no running process has (so it owns no
  file and may read only what everyone may), with no group and no way to gain privileges
  (setuid programs do not raise them);
- in a network namespace of its own in which no interface is up: no network connection can
  be opened, not even to 127.0.0.1 (unix sockets in the file system remain, as for anyone);
- as the first process of a PID namespace of its own: when the kernel ends, or the
  launcher is killed, every process a student's answer started ends with it;
- in an empty folder of its own, which is also its home, with nothing of its output
  reaching the grader's terminal;
- in mount and IPC namespaces of its own, in which ``/dev/shm`` is new and empty, and
  ``/tmp`` and ``/var/tmp`` keep what is written to them: nothing an answer writes where
  every user may, nor any shared memory or message queue it makes, outlives grading or
  reaches anyone else;
- with limits per process on its memory (address space), and on its processes, CPU time
  and file size.

The kernel listens on unix sockets in its folder; this program relays the grader's five
channels, TCP on 127.0.0.1 as in the connection file, to them (to sockets of the kernel's
user only). It forwards interrupts, and removes the folder when the kernel has ended.

    python3 tools/grading_kernel.py install DIR [--sudo]   # the kernel spec, into DIR
    python3 tools/grading_kernel.py -f CONNECTION_FILE     # what the kernel spec runs
"""

from __future__ import annotations

import argparse
import ctypes
import ipaddress
import json
import os
import pwd
import resource
import shutil
import signal
import socket
import stat
import struct
import sys
import tempfile
import threading
import time
from collections.abc import Callable
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
SHARED_FOLDERS_SIZE = "256m"
"""The most an answer may write, in all, to its own ``/dev/shm``, ``/tmp`` and ``/var/tmp``
(kept in memory)."""
CLONE_NEWNET = 0x4000_0000
CLONE_NEWPID = 0x2000_0000
CLONE_NEWNS = 0x0002_0000
CLONE_NEWIPC = 0x0800_0000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 0x1000, 0x4000, 1 << 18
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38

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


def _read_connection_file(path: str) -> dict:
    """The grader's connection file, checked: TCP on a loopback address, unprivileged
    ports. Started through sudo, it is read with the rights of whoever ran sudo, not
    root's."""
    through_sudo = Path(f"/proc/{os.getppid()}/comm").read_text().strip() == "sudo"
    groups = os.getgroups()
    if through_sudo:
        gid, uid = int(os.environ["SUDO_GID"]), int(os.environ["SUDO_UID"])
        os.setgroups([gid])
        os.setegid(gid)
        os.seteuid(uid)
    try:
        info = json.loads(Path(path).read_text(encoding="utf-8"))
    finally:
        if through_sudo:
            os.seteuid(0)
            os.setegid(0)
            os.setgroups(groups)
    if info.get("transport", "tcp") != "tcp" or not ipaddress.ip_address(info["ip"]).is_loopback:
        raise ValueError(f"the grading kernel relays TCP channels on a loopback address; the "
                         f"connection file asks for {info.get('transport')} on {info['ip']}")
    if not all(1024 <= int(info[name]) <= 65535 for name in CHANNELS):
        raise ValueError(f"the grading kernel's ports must be unprivileged (1024 to 65535); "
                         f"the connection file has {[info[name] for name in CHANNELS]}")
    return info


def _processes_of(uid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if f"\nUid:\t{uid}\t" in status.read_text():
                found.append(int(status.parent.name))
        except OSError:
            continue  # it ended meanwhile
    return found


def _unused_uid() -> int:
    """The kernel's user id: no account's, and no process's (a reused process id must not
    share a user id with anything left from before)."""
    uid = UID_BASE + os.getpid()
    try:
        pwd.getpwuid(uid)
    except KeyError:
        if not _processes_of(uid):
            return uid
    raise RuntimeError(f"the grading kernel's user id {uid} belongs to an account or runs "
                       f"processes")


def _kernel_environment(home: str) -> dict[str, str]:
    """A clean environment: nothing of the grader's, one thread for the numerical
    libraries (the process limit counts threads; grades do not depend on their number)."""
    keep = ("LANG", "LC_ALL", "PYTHONHASHSEED", "OPENBLAS_CORETYPE", "SOURCE_DATE_EPOCH")
    return {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": home,
            "TMPDIR": home, "USER": "nobody", "LOGNAME": "nobody", "MPLBACKEND": "agg",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            **{k: os.environ[k] for k in keep if k in os.environ}}


def _die_with_parent(alive: int) -> None:
    """SIGKILL when the parent ends; ``alive``: the read end of a pipe the parent holds
    open, which shows whether it ended before (its process id may be out of sight, in
    another PID namespace)."""
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
    os.set_blocking(alive, False)
    try:
        ended = os.read(alive, 1) == b""
    except BlockingIOError:
        ended = False
    if ended:
        os._exit(1)


def _forward_signals(to: Callable[[], int | None], kill_on_term: bool = False) -> None:
    """Forward interrupts to the process ``to()`` names; with ``kill_on_term``, a request to
    end becomes SIGKILL (the first process of a PID namespace ignores SIGTERM)."""
    def forward(signum, frame):
        pid = to()
        if pid:
            try:
                os.kill(pid, signal.SIGKILL if kill_on_term and signum != signal.SIGINT
                        else signum)
            except ProcessLookupError:
                pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)


def _contain(uid: int, folder: str, connection: str, extra: list[str], launcher_alive: int,
             needed: list[str]) -> None:
    """In the launcher's child, as root: new network and PID namespaces, then the kernel as
    their first process, whose end ends everything in them, whatever a student's answer
    started. Never returns."""
    status = 1
    try:
        _die_with_parent(launcher_alive)
        os.setsid()  # the grader's interrupts come through the launcher, once
        _check(_libc.unshare(CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC),
               "unshare")
        _private_shared_folders(folder)
        alive, holding = os.pipe()
        kernel = os.fork()  # process 1 of the new PID namespace
        if kernel == 0:
            os.close(holding)
            _become_the_kernel(uid, folder, connection, extra, alive, needed)
        os.close(alive)
        _forward_signals(lambda: kernel, kill_on_term=True)
        _, waited = os.waitpid(kernel, 0)
        status = os.waitstatus_to_exitcode(waited) if os.WIFEXITED(waited) else 1
    except BaseException as error:  # a child must never return into the launcher
        print(f"the grading kernel could not start: {error}", file=sys.stderr)
    os._exit(status)


def _mount(source: str | None, target: str, kind: str | None, flags: int,
           options: str | None = None) -> None:
    def text(value: str | None) -> bytes | None:
        return None if value is None else value.encode()

    _check(_libc.mount(text(source), text(target), text(kind), ctypes.c_ulong(flags),
                       text(options)), f"mount {target}")


def _private_shared_folders(folder: str) -> None:
    """As root, in the new mount namespace: ``/dev/shm`` becomes a new, empty file system
    in memory, and ``/tmp`` and ``/var/tmp`` show what they held but keep what is written
    to them there (overlays), seen by nothing outside and gone with the kernel. The
    kernel's ``folder`` (in ``/tmp``, where the launcher relays to its sockets) is bound
    back as itself."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing mounted here is seen outside
    kept = os.open(folder, os.O_PATH | os.O_DIRECTORY)
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
           f"mode=1777,size={SHARED_FOLDERS_SIZE}")
    for shared in ("/tmp", "/var/tmp"):
        if not os.path.isdir(shared):
            continue
        layer = os.path.join("/dev/shm", f".onebyone-written{shared.replace('/', '-')}")
        os.mkdir(layer, 0o700)
        upper, work = os.path.join(layer, "upper"), os.path.join(layer, "work")
        os.mkdir(upper)
        os.mkdir(work)
        os.chmod(upper, os.stat(shared).st_mode & 0o7777)  # the overlay's top is upper's
        _mount("overlay", shared, "overlay", MS_NOSUID | MS_NODEV,
               f"lowerdir={shared},upperdir={upper},workdir={work}")
    _mount(f"/proc/self/fd/{kept}", folder, None, MS_BIND)
    os.close(kept)


def _become_the_kernel(uid: int, folder: str, connection: str, extra: list[str],
                       parent_alive: int, needed: list[str]) -> None:
    """As root, in the namespaces: limits, no privileges, a check that the kernel's user
    can read the ``needed`` folders of Python, then exec the kernel. Never returns."""
    try:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        for limit, value in ((resource.RLIMIT_AS, MEMORY), (resource.RLIMIT_NPROC, PROCESSES),
                             (resource.RLIMIT_CPU, CPU_SECONDS),
                             (resource.RLIMIT_FSIZE, FILE_SIZE), (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(limit, (value, value))
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl")  # no setuid programs
        # a Python whose standard library the kernel's user cannot read would start with
        # another one it finds (the system's), and grade with other versions than the course's
        for folder_needed in needed:
            if not os.access(folder_needed, os.R_OK | os.X_OK):
                raise PermissionError(f"{folder_needed} is not readable by every user: the "
                                      f"course's Python must be (make it so, or install "
                                      f"the environment where it is)")
        # set after the change of user, which clears it: the kernel dies with its parent
        _die_with_parent(parent_alive)
        os.close(parent_alive)
        os.umask(0o077)
        os.chdir(folder)
        # nothing the answers print reaches the grader's terminal or nbgrader's log
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.execve(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f",
                                   connection, *extra], _kernel_environment(folder))
    except BaseException as error:
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


def _join(client: socket.socket, path: str, uid: int) -> None:
    """Connect a grader's connection to the kernel's socket ``path`` (the kernel binds it a
    moment after it starts) and relay both ways; only to a socket of the kernel's user, so
    that a student cannot point the relay, which is root, at another."""
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
    peer = kernel.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    if struct.unpack("3i", peer)[1] != uid:
        kernel.close()
        client.close()
        return
    for source, sink in ((client, kernel), (kernel, client)):
        threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()


def _listen(server: socket.socket, path: str, uid: int) -> None:
    while True:
        client, _ = server.accept()
        threading.Thread(target=_join, args=(client, path, uid), daemon=True).start()


def _private_folder(uid: int, info: dict) -> tuple[str, str, dict]:
    """The kernel's folder and its connection file (unix sockets in the folder), both the
    kernel user's: written while the folder is still root's, so that nothing can be
    swapped in, then handed over. The folder, the file and its contents."""
    folder = tempfile.mkdtemp(prefix="onebyone-grading-", dir="/tmp")
    inner = {**info, "transport": "ipc", "ip": os.path.join(folder, "kernel")}
    path = os.path.join(folder, "connection.json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        json.dump(inner, file)
        os.fchown(file.fileno(), uid, uid)
    os.chown(folder, uid, uid)
    return folder, path, inner


def run(connection_file: str, extra: list[str]) -> int:
    if os.geteuid() != 0:
        print("the grading kernel starts students' code as a user of its own, which needs "
              "root: install its kernel spec with --sudo and let the grader run it through "
              "sudo (deploy/README.md)", file=sys.stderr)
        return 1
    try:
        info = _read_connection_file(connection_file)
        uid = _unused_uid()
    except (OSError, ValueError, RuntimeError) as error:
        print(f"the grading kernel could not start: {error}", file=sys.stderr)
        return 1
    folder, connection, inner = _private_folder(uid, info)
    kernel: int | None = None
    _forward_signals(lambda: kernel)
    try:
        servers = [socket.create_server((info["ip"], info[name])) for name in CHANNELS]
        needed = python_folders()
        alive, holding = os.pipe()
        kernel = os.fork()
        if kernel == 0:
            os.close(holding)
            for server in servers:
                server.close()
            _contain(uid, folder, connection, extra, alive, needed)
        os.close(alive)
        for server, name in zip(servers, CHANNELS, strict=True):
            path = f"{inner['ip']}-{info[name]}"
            threading.Thread(target=_listen, args=(server, path, uid), daemon=True).start()
        _, status = os.waitpid(kernel, 0)
        return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # its pid may be another process's now
        shutil.rmtree(folder, ignore_errors=True)


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
