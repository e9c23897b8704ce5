"""The files that take the course to a hub (deploy/), checked as far as this machine can:
Kubernetes, The Littlest JupyterHub's installer and a Docker build are not run here."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent


def _requirements(path: Path) -> dict[str, Requirement]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    found = [Requirement(line) for line in lines if line and not line.startswith("-")]
    return {r.name.lower(): r for r in found}


def _exchange_default() -> str:
    text = (DEPLOY / "hub" / "nbgrader_config.py").read_text()
    return re.search(r'"NBGRADER_EXCHANGE", "([^"]+)"', text)[1]


def _kubernetes_bytes(quantity: str) -> int:
    """A Kubernetes memory quantity: ``2Gi`` is 2·2³⁰ bytes, ``2G`` 2·10⁹."""
    number, unit = re.fullmatch(r"(\d+)([KMGT]i?)", quantity).groups()
    power = "KMGT".index(unit[0]) + 1
    return int(number) * (1024 ** power if unit.endswith("i") else 1000 ** power)


def test_the_kubernetes_values_name_a_pinned_image_lab_limits_culling_and_the_exchange():
    values = yaml.safe_load((DEPLOY / "z2jh" / "values.yaml").read_text())
    user = values["singleuser"]
    assert user["image"]["name"] and user["image"]["tag"] not in ("", "latest")
    assert user["defaultUrl"] == "/lab"
    guarantee, limit = (_kubernetes_bytes(user["memory"][k]) for k in ("guarantee", "limit"))
    assert 0 < guarantee <= limit
    assert values["cull"]["enabled"] and values["cull"]["timeout"] > 0
    (mount,) = user["storage"]["extraVolumeMounts"]
    (volume,) = user["storage"]["extraVolumes"]
    assert mount["name"] == volume["name"] and mount["mountPath"] == _exchange_default()
    hub_config = values["hub"]["extraConfig"]["onebyone"]
    image = re.search(r'INSTRUCTOR_IMAGE = "([^"]+)"', hub_config)[1]
    assert image.endswith(f":{user['image']['tag']}")  # the same build, with the formgrader


KUBE_CONFIG = """apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: none, user: {token: none}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
"""
"""A cluster nobody listens for: KubeSpawner reads one when it is made, and talks to it
only to start a pod, which these tests never do."""


@pytest.fixture
def no_cluster(tmp_path, monkeypatch) -> None:
    from kubernetes_asyncio.config import kube_config

    (tmp_path / "kubeconfig").write_text(KUBE_CONFIG)
    monkeypatch.setattr(kube_config, "KUBE_CONFIG_DEFAULT_LOCATION", str(tmp_path / "kubeconfig"))


async def _kubespawner(user_id: int, groups: list[str], profile: str | None = None):
    """KubeSpawner (without a cluster, in an event loop as in the hub) configured by the
    values' hub configuration, for a user with ``user_id`` in ``groups``, who asks for
    ``profile``, once it has loaded the user's options (it raises if it refuses them)."""
    from types import SimpleNamespace

    from kubespawner import KubeSpawner

    config = Config()
    code = yaml.safe_load((DEPLOY / "z2jh" / "values.yaml").read_text())["hub"]["extraConfig"]
    exec(code["onebyone"], {"c": config})  # as the chart's hub runs it
    user = SimpleNamespace(name=f"user{user_id}", id=user_id, url="/user/x/",
                           groups=[SimpleNamespace(name=group) for group in groups])
    spawner = KubeSpawner(config=config, user=user, _mock=True)
    spawner.user_options = {"profile": profile} if profile else {}
    try:
        await spawner.load_user_options()
    finally:
        await spawner.api.api_client.close()  # its HTTP session, never used
    return spawner


def _in_a_loop_of_its_own(make):
    """The coroutine ``make()`` run to its end in a thread and event loop of its own (the
    browser suite keeps a loop running in the test's thread)."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: asyncio.run(make())).result()


def test_on_kubernetes_each_user_runs_as_a_uid_of_their_own(no_cluster):
    spawners = [_in_a_loop_of_its_own(lambda k=k: _kubespawner(k, [])) for k in (1, 2, 3)]
    assert all(spawner.fs_gid == 100 for spawner in spawners)
    found = {spawner.uid(spawner) for spawner in spawners}
    assert len(found) == 3 and min(found) >= 100_000 and 1000 not in found


def test_on_kubernetes_only_instructors_may_start_the_instructors_profile(no_cluster):
    with pytest.raises(ValueError, match="No such profile: instructor"):
        _in_a_loop_of_its_own(lambda: _kubespawner(1, [], "instructor"))
    instructor = _in_a_loop_of_its_own(lambda: _kubespawner(2, ["instructors"], "instructor"))
    assert instructor.image.startswith("ghcr.io/OWNER/onebyone-hub-instructor:")
    student = _in_a_loop_of_its_own(lambda: _kubespawner(3, []))  # the default: Student
    assert student.image != instructor.image


def test_the_littlest_jupyterhub_gets_what_the_course_and_the_hub_need():
    tljh = _requirements(DEPLOY / "tljh" / "requirements.txt")
    course = _requirements(ROOT / "requirements.txt")
    hub = _requirements(DEPLOY / "hub" / "requirements.txt")
    # TLJH brings JupyterLab and JupyterHub itself
    shared = set(course) - {"jupyterlab"}
    assert shared <= set(tljh)
    assert all(tljh[name].specifier == course[name].specifier for name in shared)
    assert {name: str(r.specifier) for name, r in hub.items() if name != "jupyterhub"} == \
        {name: str(tljh[name].specifier) for name in hub if name != "jupyterhub"}


def _dockerfile(*args: str) -> list[str]:
    repo2docker = shutil.which("jupyter-repo2docker", path=str(BIN))
    assert repo2docker, "jupyter-repo2docker is in requirements-dev.txt"
    result = subprocess.run([repo2docker, "--no-build", "--user-id", "1000", "--user-name",
                             "jovyan", *args, str(ROOT)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_repo2docker_builds_the_hubs_image_as_binders_plus_the_appendix():
    appendix = (DEPLOY / "hub" / "appendix.Dockerfile").read_text()
    hub = _dockerfile("--appendix", appendix)
    binder = _dockerfile()
    post_build = hub.index("RUN ./binder/postBuild")
    appendix_lines = [line for line in appendix.splitlines()
                      if line.startswith(("RUN", "ARG"))]
    starts = [hub.index(line) for line in appendix_lines]
    assert starts == sorted(starts) and starts[0] > post_build
    assert "deploy/hub/requirements.txt" in "\n".join(hub[post_build:])
    # Binder's image stays lean: nothing of the hub's in it
    assert not any("deploy/hub" in line or "nbgrader" in line for line in binder)


def _settings(environ: dict[str, str], home: Path, monkeypatch) -> Config:
    monkeypatch.setenv("HOME", str(home))
    for name in ("JUPYTERHUB_USER", "NBGRADER_EXCHANGE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    config = Config()
    code = (DEPLOY / "hub" / "nbgrader_config.py").read_text()
    exec(compile(code, "nbgrader_config.py", "exec"), {"get_config": lambda: config})
    return config


def test_the_hubs_nbgrader_settings_tell_students_apart_and_find_the_instructors_course(
        tmp_path, monkeypatch):
    student = _settings({"JUPYTERHUB_USER": "alice"}, tmp_path / "alice", monkeypatch)
    assert student.CourseDirectory.student_id == "alice"
    assert student.Exchange.assignment_dir == str(tmp_path / "alice" / "onebyone")
    assert student.Exchange.root == _exchange_default()
    course = tmp_path / "teacher" / "course"
    course.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("")
    instructor = _settings({"JUPYTERHUB_USER": "teacher", "NBGRADER_EXCHANGE": "/x"},
                           tmp_path / "teacher", monkeypatch)
    assert instructor.CourseDirectory.root == str(course)
    assert "student_id" not in instructor.CourseDirectory  # every student's work is graded
    assert instructor.Exchange.root == "/x"


def _private_homes_hook():
    """make_home_private, as the hub loads it from deploy/tljh/jupyterhub_config.d/."""
    namespace = {"get_config": Config}
    exec((DEPLOY / "tljh" / "jupyterhub_config.d" / "onebyone.py").read_text(), namespace)
    return namespace["make_home_private"]


def test_the_hub_makes_a_users_home_private_and_never_a_system_folder(monkeypatch):
    import pwd
    from types import SimpleNamespace

    homes = {"jupyter-alice": "/home/jupyter-alice", "bob": "/home/bob", "sys": "/dev",
             "jupyter-bin": "/bin"}
    monkeypatch.setattr(pwd, "getpwnam", lambda name: SimpleNamespace(pw_dir=homes[name]))
    changed = []
    monkeypatch.setattr("os.chmod", lambda path, mode: changed.append((path, mode)))
    hook = _private_homes_hook()
    for user in ("alice", "bob", "sys", "bin", "carol"):  # TLJH's, an account, system ones
        hook(SimpleNamespace(user=SimpleNamespace(name=user)))
    assert changed == [("/home/jupyter-alice", 0o700), ("/home/bob", 0o700)]
