"""The local servers the check runs: JupyterHub with the course's configuration (``classroom/jupyterhub_config.py``,
LocalProcessSpawner, configurable-http-proxy) and a git daemon serving the course as GitHub would."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests

from classroom.hub_check import CheckFailed

REPO = Path(__file__).resolve().parents[2]
COURSE_CONFIG = REPO / "classroom" / "jupyterhub_config.py"
PROXY = REPO / "build" / "hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
#: Where jupyterhub_config.py finds the shared folders (its ``SHARED``).
SHARED_VAR = "VGG16_COURSE_SHARED"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def course_environment(shared: Path) -> dict[str, str]:
    """The environment ``jupyterhub_config.py`` gives every learner's server when the shared folders are in
    ``shared``: what the check expects each kernel to see."""
    from traitlets.config.loader import PyFileConfigLoader  # installed with JupyterHub

    before = os.environ.get(SHARED_VAR)
    os.environ[SHARED_VAR] = str(shared)
    try:
        config = PyFileConfigLoader(COURSE_CONFIG.name, str(COURSE_CONFIG.parent)).load_config()
    finally:
        if before is None:
            del os.environ[SHARED_VAR]
        else:
            os.environ[SHARED_VAR] = before
    return dict(config.Spawner.environment.get_value({}))


def listening(port: int) -> bool:
    """True when something accepts connections on 127.0.0.1:``port``."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def responds(url: str) -> bool:
    """True when ``url`` answers a GET with a success status."""
    with contextlib.suppress(requests.RequestException):
        return requests.get(url, timeout=2).ok
    return False


@contextlib.contextmanager
def jupyterhub(state: Path, settings: dict[str, object], environment: dict[str, str], shared: Path) -> Iterator[str]:
    """Run JupyterHub (as root, in ``state``) with the course's configuration, then ``settings`` (``"Class.trait":
    value``) and ``environment`` added to every server's; yields its URL. Prints the end of its log on failure."""
    lines = ["c = get_config()  # noqa", f"load_subconfig({str(COURSE_CONFIG)!r})  # noqa"]
    lines += [f"c.{key} = {value!r}" for key, value in settings.items()]
    lines += [f"c.Spawner.environment.update({environment!r})"]
    (state / "jupyterhub_config.py").write_text("\n".join(lines) + "\n")
    (state / "jupyterhub_config.py").chmod(0o600)  # it holds the service's token
    url = str(settings["JupyterHub.bind_url"])
    with open(state / "jupyterhub.log", "w") as out:
        hub = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", "jupyterhub_config.py"], cwd=state,
                               stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, SHARED_VAR: str(shared)})
    try:
        deadline = time.monotonic() + 60
        while not responds(f"{url}hub/api"):
            if hub.poll() is not None or time.monotonic() > deadline:
                raise CheckFailed("JupyterHub did not start (its log is above)")
            time.sleep(0.5)
        yield url
    except BaseException:
        print(f"JupyterHub's log, the end:\n{(state / 'jupyterhub.log').read_text()[-4000:]}", file=sys.stderr)
        raise
    finally:
        hub.terminate()  # JupyterHub stops the servers it spawned and the proxy (cleanup_servers, cleanup_proxy)
        try:
            hub.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(hub.pid, signal.SIGKILL)
            hub.wait()
        with contextlib.suppress(OSError, ValueError):  # a proxy left by a hub that had to be killed
            pid = int((state / "jupyterhub-proxy.pid").read_text())
            if b"configurable-http-proxy" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def git_daemon(folder: Path) -> Iterator[str]:
    """Serve the git repositories in ``folder`` read-only on 127.0.0.1 (the course's remote, as GitHub would be
    for a real hub); yields the base URL."""
    port = free_port()
    daemon = subprocess.Popen(["git", "daemon", "--reuseaddr", "--export-all", f"--base-path={folder}",
                               "--listen=127.0.0.1", f"--port={port}", str(folder)], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not listening(port):
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise CheckFailed(f"git daemon did not start on port {port}")
            time.sleep(0.1)
        yield f"git://127.0.0.1:{port}"
    finally:
        daemon.terminate()
        daemon.wait()
