"""A JupyterHub for a class on this machine, on loopback, started by the tests.

Real components: JupyterHub with configurable-http-proxy (installed by npm from
``deploy/hub/package.json``), the dummy authenticator (one password), the simple spawner
(each user's server a local process, their HOME under the hub's folder), nbgrader's
exchange in a folder every user shares, and ``deploy/hub``'s settings for every user, as
on a hub built from ``deploy/``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from grading import jupyter_path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROXY = ROOT / "deploy" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
SETTINGS = [ROOT / "deploy" / "hub" / name
            for name in ("nbgrader_config.py", "jupyter_server_config.py")]
"""Every user's settings on a hub built from deploy/, in the users' Jupyter config path."""
RECONNECTS = 3
"""How many times ``run_cells`` connects again to a kernel whose connection dropped."""
LOG_TAIL = 400
"""Lines of the hub's log (its servers' too) that a failing test prints."""
PASSWORD = "one-by-one"
INSTRUCTOR = "instructor"

CONFIG = '''
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {folder!r} + "/proxy.pid"
c.JupyterHub.db_url = "sqlite:///" + {folder!r} + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {folder!r} + "/cookie_secret"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allowed_users = set({users!r})
c.Authenticator.admin_users = {{{instructor!r}}}
{spawner}
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = c.Spawner.http_timeout = 120
c.Spawner.poll_interval = 2  # a server that died is seen within seconds
c.Spawner.environment = {{
    # nbgrader tells users apart by their user name (getpass reads USER)
    "USER": lambda spawner: spawner.user.name,
    "LOGNAME": lambda spawner: spawner.user.name,
    "PATH": {path!r},
    "JUPYTER_CONFIG_PATH": {config_dir!r},
    "NBGRADER_EXCHANGE": {exchange!r},
    "JUPYTER_PATH": {jupyter_path!r},  # the grading kernel's spec
}}
# a hub that restarts leaves the proxy and the users' servers running, as in production
c.JupyterHub.cleanup_servers = c.JupyterHub.cleanup_proxy = {cleanup!r}
c.JupyterHub.services = [{{"name": "class-tests", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "class-tests", "services": ["class-tests"],
                            "scopes": ["admin:users", "admin:servers", "tokens"]}}]
'''


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """A running hub: its address, and its REST API with a service token."""

    def __init__(self, folder: Path, url: str, token: str, unix_accounts: bool = False) -> None:
        self.folder, self.url, self.token = folder, url, token
        self.exchange = folder / "exchange"
        self.unix_accounts = unix_accounts
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the hub's process and wait until its API answers."""
        with open(self.folder / "jupyterhub.log", "a") as log:
            self._process = subprocess.Popen(
                [str(BIN / "jupyterhub"), "-f", "jupyterhub_config.py"], cwd=self.folder,
                stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, "PATH": os.pathsep.join([str(BIN),
                                                            os.environ.get("PATH", "")])})
        deadline = time.monotonic() + 60
        while True:
            try:
                self.api("GET", "/")
                return
            except (urllib.error.URLError, ConnectionError, AssertionError):
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("the hub did not start; its log:\n"
                                         + (self.folder / "jupyterhub.log").read_text()) from None
                time.sleep(0.2)

    def stop(self) -> None:
        """Stop the hub's process (and, unless it restarts, the proxy and the servers)."""
        self._process.terminate()
        try:
            self._process.wait(30)
        except subprocess.TimeoutExpired:
            self._process.kill()

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop_server(self, user: str) -> None:
        """Stop ``user``'s server, if it runs, and wait until it has stopped."""
        if not self.api("GET", f"/users/{user}")["servers"]:
            return
        self.api("DELETE", f"/users/{user}/server")
        deadline = time.monotonic() + 60
        while self.api("GET", f"/users/{user}")["servers"]:
            if time.monotonic() > deadline:
                raise AssertionError(f"{user}'s server did not stop within 60 s")
            time.sleep(0.2)

    def restart(self) -> None:
        self.stop()
        self.start()

    def users(self) -> list[str]:
        return [user["name"] for user in self.api("GET", "/users")]

    def home(self, user: str) -> Path:
        if self.unix_accounts:
            return Path(pwd.getpwnam(user).pw_dir)
        return self.folder / "home" / user

    def request(self, method: str, url: str, token: str | None = None,
                body: dict | bytes | None = None, timeout: float = 120) -> bytes:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": f"token {token or self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            with error:  # its response holds a socket
                said = error.read().decode(errors="replace")[:500]
            raise AssertionError(f"{method} {url} answered {error.code}: {said}") from None

    def api(self, method: str, path: str, body: dict | None = None) -> object:
        answer = self.request(method, f"{self.url}/hub/api{path}", body=body)
        return json.loads(answer) if answer else None

    def log_in(self, page, user: str, timeout_ms: float) -> None:
        """Log ``user`` in on the hub's login page, in the browser ``page`` (Playwright's),
        and wait until their JupyterLab opens."""
        page.goto(f"{self.url}/hub/login")
        page.fill("#username_input", user)
        page.fill("#password_input", PASSWORD)
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{user}/lab**", timeout=timeout_ms)

    def start_server(self, user: str) -> str:
        """Start ``user``'s server, wait until it answers; a token acting as the user."""
        self.api("POST", f"/users/{user}/server")
        deadline = time.monotonic() + 120
        while not self.api("GET", f"/users/{user}")["servers"].get("", {}).get("ready"):
            if time.monotonic() > deadline:
                raise AssertionError(f"{user}'s server was not ready within 120 s")
            time.sleep(0.2)
        return self.api("POST", f"/users/{user}/tokens", {"note": "class tests"})["token"]

    def server(self, user: str) -> str:
        return f"{self.url}/user/{user}"

    def pull(self, user: str, token: str, link: str) -> str:
        """What the nbgitpuller ``link`` does for ``user``: pull the branch into their home,
        through their server's git-pull API (the link's page calls it); its progress."""
        query = urllib.parse.urlsplit(link).query
        answer = self.request("GET", f"{self.server(user)}/git-pull/api?{query}", token).decode()
        events = [json.loads(line[5:]) for line in answer.splitlines()
                  if line.startswith("data:")]
        assert events and events[-1].get("phase") == "finished", answer[-2000:]
        return answer


SIMPLE_SPAWNER = '''c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {folder!r} + "/home/{{username}}"'''
UNIX_SPAWNER = '''c.JupyterHub.spawner_class = "localprocess"  # as its unix user, in its home
load_subconfig({hook!r})'''
PRIVATE_HOMES = ROOT / "deploy" / "tljh" / "jupyterhub_config.d" / "onebyone.py"


@contextmanager
def running_hub(folder: Path, students: list[str], instructor: str = INSTRUCTOR,
                unix_accounts: bool = False, restarts: bool = False) -> Iterator[Hub]:
    """A hub on loopback for ``students`` and ``instructor``, stopped (with every user's
    server) on exit. Every user's server runs as the hub's own unix user, with a home in
    ``folder``; with ``unix_accounts``, as the user's own unix account (the users exist:
    tests/unix_users.py), in its home, as on The Littlest JupyterHub, with the course's
    addition to the hub's configuration, and the instructor grades through sudo. With
    ``restarts``, ``Hub.restart`` leaves the proxy and the servers running."""
    if not PROXY.exists():
        raise FileNotFoundError(f"{PROXY} is missing: `python3 tools/course.py test` installs "
                                "it with npm (deploy/hub/package.json)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "exchange").mkdir(exist_ok=True)
    (folder / "exchange").chmod(0o777)  # as the administrator makes it (deploy/README.md)
    config_dir = folder / "jupyter-config"
    config_dir.mkdir(exist_ok=True)
    for settings in SETTINGS:
        shutil.copy(settings, config_dir / settings.name)
    port, token = free_port(), secrets.token_hex(16)
    root_user = hasattr(os, "geteuid") and os.geteuid() == 0 and not unix_accounts
    spawner = (UNIX_SPAWNER.format(hook=str(PRIVATE_HOMES)) if unix_accounts
               else SIMPLE_SPAWNER.format(folder=str(folder)))
    (folder / "jupyterhub_config.py").write_text(CONFIG.format(spawner=spawner,
        port=port, hub_port=free_port(), proxy_port=free_port(), proxy=str(PROXY),
        folder=str(folder), password=PASSWORD, users=[instructor, *students],
        instructor=instructor, singleuser=str(BIN / "jupyterhub-singleuser"),
        args=["--allow-root"] if root_user else [],  # containers often run as root
        path=os.pathsep.join([str(BIN), os.environ.get("PATH", "")]),
        config_dir=str(config_dir), exchange=str(folder / "exchange"), token=token,
        jupyter_path=jupyter_path(folder / "jupyter", sudo=unix_accounts),
        cleanup=not restarts))
    hub = Hub(folder, f"http://127.0.0.1:{port}", token, unix_accounts)
    try:
        hub.start()
        yield hub
    except BaseException:
        # what the hub, the proxy and the servers said: the cause, where the test failed
        print("".join((folder / "jupyterhub.log").read_text().splitlines(True)[-LOG_TAIL:]))
        raise
    finally:
        try:
            if restarts and hub.running():  # what the hub leaves running: the servers
                for user in hub.users():
                    hub.stop_server(user)
        finally:
            if hub.running():
                hub.stop()
            if restarts and (folder / "proxy.pid").exists():
                try:
                    os.kill(int((folder / "proxy.pid").read_text()), signal.SIGTERM)
                except (ProcessLookupError, ValueError):
                    pass
            _collect_stray_sockets()


def at_once(work, items: list) -> list:
    """``work(item)`` for every item, in threads released at the same moment; the results
    in the items' order."""
    barrier = threading.Barrier(len(items))

    def together(item):
        barrier.wait()
        return work(item)

    with concurrent.futures.ThreadPoolExecutor(len(items)) as pool:
        return list(pool.map(together, items))


def server_pid(user: str) -> int:
    """The process of ``user``'s single-user server: its command is the single-user server
    and its environment names the user."""
    import psutil

    for process in psutil.process_iter(["cmdline", "environ"]):
        if any("jupyterhub-singleuser" in part for part in process.info["cmdline"] or []) \
                and (process.info["environ"] or {}).get("JUPYTERHUB_USER") == user:
            return process.pid
    raise LookupError(f"no server process for {user}")


def _collect_stray_sockets() -> None:
    """Collect here the sockets that the HTTP and websocket clients let go of, so that
    their ResourceWarning does not surface later, in whichever test the collector runs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def _json_part(frame: str | bytes) -> str | bytes:
    """A kernel message's JSON: the frame itself, or, for a message with binary buffers
    (a widget's picture), the first part of Jupyter's binary frame (a count, offsets)."""
    if isinstance(frame, str):
        return frame
    offsets = [int.from_bytes(frame[4 * k:4 * k + 4], "big")
               for k in range(1, int.from_bytes(frame[:4], "big") + 1)]
    return frame[offsets[0]:offsets[1] if len(offsets) > 1 else None]


def run_cells(server: str, token: str, path: str, sources: list[str], timeout: float = 300,
              shut_down: bool = True) -> list[list[dict]]:
    """Run ``sources`` one after another in a new kernel of the server at ``server``,
    started beside the notebook ``path`` (as JupyterLab does); each cell's outputs, as
    Jupyter messages' contents with their type. The kernel is shut down at the end, unless
    not ``shut_down`` (as when a student closes a notebook's tab)."""
    return run_in_a_loop_of_its_own(_run_cells(server, token, path, sources, timeout,
                                               shut_down))


def run_in_a_loop_of_its_own(coroutine):
    """``asyncio.run(coroutine)`` in a thread of its own: Playwright's sync API (the
    browser suite) keeps an event loop running in a worker's thread for the whole session,
    and asyncio.run refuses to start beside it."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


async def _run_cells(server: str, token: str, path: str, sources: list[str],
                     timeout: float, shut_down: bool) -> list[list[dict]]:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    headers = {"Authorization": f"token {token}"}
    body = json.dumps({"path": path, "type": "notebook", "kernel": {"name": "python3"}})
    request = urllib.request.Request(f"{server}/api/sessions", data=body.encode(),
                                     method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:  # closed: no stray socket
        session = json.loads(response.read())
    kernel = session["kernel"]["id"]
    # one session for the whole run, as JupyterLab keeps one per notebook: if the
    # connection drops, what the kernel sends meanwhile is kept for it and replayed
    socket_url = (server.replace("http", "ws", 1)
                  + f"/api/kernels/{kernel}/channels?session_id={uuid.uuid4().hex}")

    async def connect():
        # a class starting its kernels at once on a busy machine: this may take a while
        return await websocket_connect(HTTPRequest(socket_url, headers=headers,
                                                   connect_timeout=timeout,
                                                   request_timeout=timeout))

    connection, drops = await connect(), []
    outputs = []
    try:
        for source in sources:
            msg_id = uuid.uuid4().hex
            await connection.write_message(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "",
                           "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": source, "silent": False, "store_history": True,
                            "user_expressions": {}, "allow_stdin": False}}))
            cell, replied, idle = [], False, False
            while not (replied and idle):  # the reply (shell) and the outputs (iopub)
                message = await asyncio.wait_for(connection.read_message(), timeout)
                if message is None:  # JupyterLab reconnects, a few times: so does this
                    drops.append(f"code {connection.close_code}, "
                                 f"reason {connection.close_reason!r}")
                    print(f"the connection to kernel {kernel} closed ({drops[-1]})")
                    if len(drops) > RECONNECTS:
                        raise AssertionError(f"the connection to kernel {kernel} closed "
                                             f"{len(drops)} times: {drops}")
                    connection = await connect()
                    continue
                message = json.loads(_json_part(message))
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = message["msg_type"]
                if kind in ("stream", "execute_result", "display_data", "error"):
                    cell.append({"type": kind, **message["content"]})
                replied = replied or kind == "execute_reply"
                idle = idle or (kind == "status"
                                and message["content"]["execution_state"] == "idle")
            outputs.append(cell)
    finally:
        connection.close()
    if shut_down:
        delete = urllib.request.Request(f"{server}/api/sessions/{session['id']}",
                                        method="DELETE", headers=headers)
        with urllib.request.urlopen(delete, timeout=60) as response:
            response.read()
    return outputs
