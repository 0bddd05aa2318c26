"""``make hub-check``: the course on a real JupyterHub, here, with throwaway learners.

Starts JupyterHub on 127.0.0.1 with ``classroom/jupyterhub_config.py``, LocalProcessSpawner and
configurable-http-proxy; creates system users (needs root), logs them in at once, lets nbgitpuller give each
their own copy of the course, and runs a notebook in smoke mode in every learner's server in parallel, over
the Jupyter server's REST and websocket API through the proxy. Then it checks that the shared data and weights
folders were read by all and are read-only for them, that each learner's outputs are in their own home and
unreadable to the others, prints the figures, and removes every user, process and file it made, also on failure.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests
import websocket

REPO = Path(__file__).resolve().parents[1]
COURSE_CONFIG = REPO / "classroom" / "jupyterhub_config.py"
PROXY = REPO / "build" / "hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
#: The comment (GECOS) of every user the check creates; a later run removes such users left by a killed run.
USER_MARK = "vgg16-course make hub-check (temporary)"
TARGET = "vgg16-course"  # where nbgitpuller puts the course in each home (COURSE_OUTPUT_DIR is ~/vgg16-course)
DENIED = {"EACCES", "EROFS", "EPERM"}

#: Run in each learner's kernel after the notebook: what the notebook's settings (ctx) read, and where writes go.
PROBE = """\
import errno, json, os, resource
from pathlib import Path
def _write(folder):
    try:
        (Path(folder) / f".hub-check-{os.getuid()}").write_text("x")
    except OSError as err:
        return errno.errorcode.get(err.errno, str(err))
    return "WRITTEN"
_mine = ctx.paths.weights_dir / "hub-check.txt"
_mine.parent.mkdir(parents=True, exist_ok=True)
_mine.write_text(f"written by {os.environ['USER']}")
_hwm = next(int(line.split()[1]) for line in open(f"/proc/{os.getppid()}/status") if line.startswith("VmHWM"))
print(json.dumps({"user": os.environ["USER"], "home": os.environ["HOME"], "data_dir": str(ctx.paths.data_dir),
                  "checkpoint": str(ctx.paths.vgg16_checkpoint), "write_data": _write(ctx.paths.data_dir),
                  "write_weights": _write(ctx.paths.vgg16_checkpoint.parent), "own_file": str(_mine),
                  "kernel_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "server_peak_mib": _hwm / 1024}))
"""
READ_OTHER = """\
import errno
try:
    open({path!r}).read()
    print("READABLE")
except OSError as err:
    print(errno.errorcode.get(err.errno, str(err)))
"""


class CheckFailed(RuntimeError):
    """Something the check proves did not hold."""


def log(message: str) -> None:
    print(f"[hub-check {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- throwaway users, and nothing left behind
def processes_of(uid: int) -> list[int]:
    """The ids of the live (not zombie) processes owned by ``uid``, from /proc."""
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError, StopIteration):
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            if int(fields["Uid"].split()[0]) == uid and not fields["State"].strip().startswith("Z"):
                pids.append(int(status.parent.name))
    return pids


def remove_user(name: str) -> None:
    """Stop every process of ``name``, then delete the user, their group and their home."""
    with contextlib.suppress(KeyError):
        uid = pwd.getpwnam(name).pw_uid
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in processes_of(uid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            time.sleep(0.5)
        subprocess.run(["userdel", "--force", "--remove", name], check=True, stderr=subprocess.DEVNULL)


def leftover_users() -> list[str]:
    return [user.pw_name for user in pwd.getpwall() if user.pw_gecos == USER_MARK]


@contextlib.contextmanager
def throwaway_users(names: list[str], home_root: Path) -> Iterator[list[str]]:
    """System users ``names`` with private homes (0700: hubs keep homes apart) under ``home_root``, removed on exit
    with their processes, also when the body fails; users left by an earlier, killed run are removed first."""
    for name in leftover_users():
        log(f"removing {name}, left by an earlier run")
        remove_user(name)
    uids = {}
    try:
        for name in names:
            subprocess.run(["useradd", "--create-home", "--home-dir", str(home_root / name), "--shell", "/bin/bash",
                            "--comment", USER_MARK, name], check=True)
            uids[name] = pwd.getpwnam(name).pw_uid
            (home_root / name).chmod(0o700)
        yield list(uids)
    finally:
        for name in uids:
            remove_user(name)
        left = [f"{n} (user)" for n in uids if n in leftover_users()] + [f"{n} (home)" for n in uids
                                                                         if (home_root / n).exists()]
        left += [f"process {pid}" for uid in uids.values() for pid in processes_of(uid)]
        if left:
            raise CheckFailed(f"left behind: {', '.join(left)}")


# ---------------------------------------------------------------- what the learners get
def others_can_enter(path: Path) -> bool:
    """True when ``path`` and every folder above it let other users through (mode o+x)."""
    return all(os.stat(p).st_mode & stat.S_IXOTH for p in (path, *path.parents))


def copy_tree(src: Path, dest: Path) -> None:
    """``cp -a`` with hard links when ``dest`` is on the same disk (about a second for a 6 GB .venv)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if subprocess.run(["cp", "-a", "--link", str(src), str(dest)], stderr=subprocess.DEVNULL).returncode:
        shutil.rmtree(dest, ignore_errors=True)
        log(f"{dest} is on another disk than {src}: copying it (slow)")
        subprocess.run(["cp", "-a", str(src), str(dest)], check=True)


def replace_in(path: Path, old: str, new: str) -> None:
    """Rewrite ``path`` with ``old`` replaced, as a new file (never writing through a hard link)."""
    text = path.read_text()
    path.unlink()
    path.write_text(text.replace(old, new))


def stage_environment(venv: Path, dest: Path) -> tuple[Path, dict[str, str]]:
    """``(python, environment)`` the learners can run: the course's ``venv`` itself when others may enter it and
    its interpreter, else a hard-linked copy in ``dest`` (a repository under /root is closed to other users)."""
    venv = venv.resolve()
    home = Path(next(line.split("=", 1)[1].strip() for line in (venv / "pyvenv.cfg").read_text().splitlines()
                     if line.startswith("home")))
    base = home.resolve().parent  # the interpreter's prefix, e.g. ~/.pyenv/versions/3.11.7
    if others_can_enter(venv) and others_can_enter(base):
        return venv / "bin" / "python", {}
    extra = {}
    new_base, new_venv = base, dest / "venv"
    if not others_can_enter(base):
        new_base = dest / "python"
        copy_tree(base, new_base)
        extra["LD_LIBRARY_PATH"] = str(new_base / "lib")  # pyenv links libpython by an absolute RUNPATH
    copy_tree(venv, new_venv)
    for link in (new_venv / "bin").iterdir():
        if link.is_symlink() and (target := os.readlink(link)).startswith(str(base)):
            link.unlink()
            link.symlink_to(str(new_base) + target[len(str(base)):])
    replace_in(new_venv / "pyvenv.cfg", str(base), str(new_base))
    for spec in (new_venv / "share" / "jupyter" / "kernels").glob("*/kernel.json"):
        replace_in(spec, str(venv), str(new_venv))
    return new_venv / "bin" / "python", extra


def publish_course(dest: Path) -> Path:
    """The course as a learner-readable folder (``dest/course``, the code a hub image installs) and as a git
    repository in ``dest/www`` (what nbgitpuller clones): the files git tracks or would
    track, so no data/, weights/ or .venv."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True).stdout.decode().split("\0")
    course = dest / "course"
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (course / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, course / name)
    git = ["git", "-c", "user.name=hub-check", "-c", "user.email=hub-check@localhost"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=course, check=True)
    subprocess.run([*git, "add", "-A"], cwd=course, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "the course as published"], cwd=course, check=True)
    bare = dest / "www" / f"{TARGET}.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(course), str(bare)], check=True)
    return course


@contextlib.contextmanager
def git_daemon(folder: Path) -> Iterator[str]:
    """Serve the git repositories in ``folder`` read-only on 127.0.0.1 (the course's remote, as GitHub would be
    for a real hub); yields the base URL."""
    port = free_port()
    daemon = subprocess.Popen(["git", "daemon", "--reuseaddr", "--export-all", f"--base-path={folder}",
                               "--listen=127.0.0.1", f"--port={port}", str(folder)], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.1)
        yield f"git://127.0.0.1:{port}"
    finally:
        daemon.terminate()
        daemon.wait()


def prepare_shared(shared: Path) -> None:
    """The admin's one-off step: the data (copied from this repository's data/, then checked by the data tool)
    and, as the hub's weights, a random VGG16 saved as the checkpoint file (no network here, so the notebooks
    say NOT THE IMAGENET CHECKPOINT). Then owned by root and read-only for everyone else (0755/0644)."""
    data, checkpoints = shared / "data", shared / "torch" / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    data.mkdir()
    for name in ("hymenoptera_data", "imagenet_class_index.json", "goldenretriever-3724972_640.jpg"):
        src = REPO / "data" / name
        if not src.exists():
            raise CheckFailed(f"{src} is missing: run `make data` first")
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, data / name)
    env = {**os.environ, "TORCH_HOME": str(shared / "torch"), "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "utils.prepare_data", "--data-dir", str(data), "--verify"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-c", "import sys, torch, torchvision; torch.manual_seed(0); "
                    "torch.save(torchvision.models.vgg16().state_dict(), sys.argv[1])",
                    str(checkpoints / "vgg16-397923af.pth")], check=True)
    subprocess.run(["chown", "-R", "root:root", str(shared)], check=True)
    subprocess.run(["chmod", "-R", "u=rwX,go=rX", str(shared)], check=True)


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder under ``folder`` with its size, mtime and mode: to show that nothing changed."""
    return {str(p): (s.st_size, s.st_mtime_ns, s.st_mode) for p in [folder, *folder.rglob("*")] if (s := p.lstat())}


# ---------------------------------------------------------------- the hub
@contextlib.contextmanager
def jupyterhub(state: Path, settings: dict[str, object], environment: dict[str, str], shared: Path) -> Iterator[str]:
    """Run JupyterHub (as root, in ``state``) with the course's configuration and ``settings``; yields its URL."""
    lines = ["c = get_config()  # noqa", f"load_subconfig({str(COURSE_CONFIG)!r})  # noqa"]
    lines += [f"c.{key} = {value!r}" for key, value in settings.items()]
    lines += [f"c.Spawner.environment.update({environment!r})"]
    (state / "jupyterhub_config.py").write_text("\n".join(lines) + "\n")
    url = settings["JupyterHub.bind_url"]
    with open(state / "jupyterhub.log", "w") as out:
        hub = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", "jupyterhub_config.py"], cwd=state,
                               stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, "VGG16_COURSE_SHARED": str(shared)})
    try:
        deadline = time.monotonic() + 60
        while not ok(f"{url}hub/api"):
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


def ok(url: str) -> bool:
    with contextlib.suppress(requests.RequestException):
        return requests.get(url, timeout=2).ok
    return False


# ---------------------------------------------------------------- one learner, through the hub
@dataclass
class Learner:
    name: str
    password: str
    hub: str
    token: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    report: dict = field(default_factory=dict)
    output: str = ""

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(method, self.hub + path, headers={"Authorization": f"token {self.token}"},
                                    timeout=kwargs.pop("timeout", 60), **kwargs)
        if not response.ok:
            raise CheckFailed(f"{self.name}: {method} {path} -> {response.status_code} {response.text[:300]}")
        return response

    def log_in(self) -> None:
        """Log in with the hub's login form, then ask the hub for an API token as that learner."""
        session = requests.Session()
        session.get(f"{self.hub}hub/login", timeout=30).raise_for_status()
        xsrf = session.cookies.get("_xsrf", "")
        response = session.post(f"{self.hub}hub/login", allow_redirects=False, timeout=30,
                                data={"username": self.name, "password": self.password, "_xsrf": xsrf})
        if response.status_code != 302:
            raise CheckFailed(f"{self.name}: login answered {response.status_code}")
        session.get(f"{self.hub}hub/token", timeout=30).raise_for_status()  # the token page, as a browser would
        xsrf = session.cookies.get("_xsrf", "")  # a new one: the hub ties it to the login session
        response = session.post(f"{self.hub}hub/api/users/{self.name}/tokens", headers={"X-XSRFToken": xsrf},
                                json={"note": "make hub-check", "expires_in": 3600}, timeout=30)
        response.raise_for_status()
        self.token = response.json()["token"]

    def start_server(self, timeout: float = 180) -> None:
        self.api("POST", f"hub/api/users/{self.name}/server")
        deadline = time.monotonic() + timeout
        while not self.api("GET", f"hub/api/users/{self.name}").json()["servers"].get("", {}).get("ready"):
            if time.monotonic() > deadline:
                raise CheckFailed(f"{self.name}: server not ready after {timeout} s")
            time.sleep(0.5)

    def git_pull(self, repo: str) -> None:
        """What the nbgitpuller link does (its page calls this API): clone, or merge into, ~/vgg16-course."""
        with self.api("GET", f"user/{self.name}/git-pull/api", stream=True, timeout=120,
                      params={"repo": repo, "branch": "main", "targetpath": TARGET}) as response:
            for line in response.iter_lines(decode_unicode=True):
                if line.startswith("data:") and (event := json.loads(line[5:]))["phase"] in ("finished", "error"):
                    if event["phase"] == "error":
                        raise CheckFailed(f"{self.name}: nbgitpuller: {event.get('message')}")
                    return
        raise CheckFailed(f"{self.name}: nbgitpuller stopped without finishing")

    @contextlib.contextmanager
    def kernel(self, folder: str) -> Iterator[websocket.WebSocket]:
        """A python3 kernel in the learner's server, started in ``folder``, and its websocket (via the proxy)."""
        kernel_id = self.api("POST", f"user/{self.name}/api/kernels", json={"name": "python3", "path": folder}
                             ).json()["id"]
        ws = websocket.create_connection(f"ws{self.hub[4:]}user/{self.name}/api/kernels/{kernel_id}/channels",
                                         header=[f"Authorization: token {self.token}"], timeout=60)
        try:
            yield ws
        finally:
            ws.close()
            self.api("DELETE", f"user/{self.name}/api/kernels/{kernel_id}")

    def notebook(self, path: str) -> list[str]:
        """The code cells of the learner's own copy of a notebook (read with the contents API)."""
        model = self.api("GET", f"user/{self.name}/api/contents/{path}", params={"content": 1}).json()
        return [cell["source"] for cell in model["content"]["cells"] if cell["cell_type"] == "code"]


def execute(ws: websocket.WebSocket, code: str, timeout: float = 600) -> str:
    """Run ``code`` in the kernel behind ``ws`` (Jupyter messaging over the websocket); its text output.
    Raises CheckFailed with the traceback when the cell fails."""
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({"header": {"msg_id": msg_id, "msg_type": "execute_request", "session": uuid.uuid4().hex,
                                   "username": "", "version": "5.3"}, "parent_header": {}, "metadata": {},
                        "channel": "shell", "buffers": [],
                        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                                    "allow_stdin": False, "stop_on_error": True}}))
    texts, reply, idle, deadline = [], None, False, time.monotonic() + timeout
    while reply is None or not idle:
        ws.settimeout(max(1.0, deadline - time.monotonic()))
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            texts.append(content["text"])
        elif kind in ("execute_result", "display_data"):
            texts.append(content["data"].get("text/plain", "") + "\n")
        elif kind == "status":
            idle = content["execution_state"] == "idle"
        elif kind == "execute_reply":
            reply = content
        if time.monotonic() > deadline:
            raise CheckFailed(f"a cell ran over {timeout} s")
    if reply["status"] != "ok":
        trace = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(reply.get("traceback", [])))  # without terminal colours
        raise CheckFailed(f"a cell failed:\n{code[:500]}\n{''.join(texts)[-1500:]}\n{trace[-3000:]}")
    return "".join(texts)


def learner_session(learner: Learner, repo: str, notebook: str) -> Learner:
    """Everything one learner does, timed: log in, start the server, pull the course, run the notebook, probe."""
    t0 = time.monotonic()
    learner.log_in()
    learner.start_server()
    learner.seconds["login+spawn"] = time.monotonic() - t0
    t1 = time.monotonic()
    learner.git_pull(repo)
    learner.seconds["pull"] = time.monotonic() - t1
    t2 = time.monotonic()
    with learner.kernel(f"{TARGET}/notebooks") as ws:
        learner.output = "".join(execute(ws, cell) for cell in learner.notebook(f"{TARGET}/notebooks/{notebook}"))
        learner.seconds["notebook"] = time.monotonic() - t2
        learner.report = json.loads(execute(ws, PROBE).strip().splitlines()[-1])
    return learner


# ---------------------------------------------------------------- the check
def check(learners: int, notebook: str) -> None:
    if os.geteuid() != 0 or sys.platform != "linux":
        raise SystemExit("make hub-check creates system users and starts servers as them: run it as root, on Linux.")
    if not PROXY.exists():
        raise SystemExit(f"{PROXY} is missing: run `make hub-check` (it installs configurable-http-proxy with npm).")
    start = time.monotonic()
    tag = secrets.token_hex(2)
    names = [f"hubcheck{i}-{tag}" for i in range(1, learners + 1)]
    password = secrets.token_urlsafe(16)
    with contextlib.ExitStack() as stack:
        root = Path(tempfile.mkdtemp(prefix="vgg16-hub-check-", dir="/srv" if Path("/srv").is_dir() else None))
        stack.callback(shutil.rmtree, root, ignore_errors=True)
        root.chmod(0o755)
        (state := root / "hub").mkdir(mode=0o700)
        (root / "home").mkdir()
        shared = root / "shared"
        log(f"preparing the shared read-only folders in {shared} (data, and a random VGG16 as the hub's weights)")
        prepare_shared(shared)
        before = snapshot(shared)
        python, env = stage_environment(Path(sys.prefix), root / "env")
        course = publish_course(root)
        subprocess.run(["chmod", "-R", "a+rX", str(root / "env"), str(course), str(root / "www")], check=False)
        repo_url = stack.enter_context(git_daemon(root / "www")) + f"/{TARGET}.git"
        stack.enter_context(throwaway_users(names, root / "home"))
        port = free_port()
        settings = {
            "JupyterHub.bind_url": f"http://127.0.0.1:{port}/", "JupyterHub.hub_bind_url":
            f"http://127.0.0.1:{free_port()}", "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{free_port()}",
            "ConfigurableHTTPProxy.command": [str(PROXY)], "JupyterHub.db_url": f"sqlite:///{state}/jupyterhub.sqlite",
            "JupyterHub.cookie_secret_file": str(state / "cookie_secret"),
            "JupyterHub.authenticator_class": "dummy", "DummyAuthenticator.password": password,
            "Authenticator.allowed_users": set(names), "Spawner.cmd": [str(python), "-m", "jupyterhub.singleuser"],
            "Spawner.start_timeout": 180, "Spawner.http_timeout": 180,
        }
        environment = {**env, "PYTHONPATH": str(course), "COURSE_SMOKE": "1"}
        url = stack.enter_context(jupyterhub(state, settings, environment, shared))
        log(f"JupyterHub is up at {url}; {learners} learners log in at once and each runs {notebook} (smoke mode)")
        with concurrent.futures.ThreadPoolExecutor(learners) as pool:
            done = list(pool.map(learner_session, [Learner(n, password, url) for n in names],
                                 [repo_url] * learners, [notebook] * learners))
        for learner, other in zip(done, done[1:] + done[:1]):  # each tries to read the next one's file
            with learner.kernel(TARGET) as ws:
                learner.report["read_other"] = execute(ws, READ_OTHER.format(path=other.report["own_file"])).strip()
        for learner in done:
            learner.api("DELETE", f"hub/api/users/{learner.name}/server")
        report(done, shared, before, time.monotonic() - start)


def report(done: list[Learner], shared: Path, before: dict, seconds: float) -> None:
    """Print the figures, then raise CheckFailed listing every property that did not hold."""
    print(f"\n{'learner':<16} {'login+spawn s':>13} {'pull s':>7} {'notebook s':>10} {'kernel peak MiB':>15} "
          f"{'server peak MiB':>15}  data read from")
    for lr in done:
        print(f"{lr.name:<16} {lr.seconds['login+spawn']:>13.1f} {lr.seconds['pull']:>7.1f} "
              f"{lr.seconds['notebook']:>10.1f} {lr.report['kernel_peak_mib']:>15.0f} "
              f"{lr.report['server_peak_mib']:>15.0f}  {lr.report['data_dir']}")
    problems = []
    for lr in done:
        rep, home = lr.report, lr.report["home"]
        if rep["data_dir"] != str(shared / "data"):
            problems.append(f"{lr.name} read its data from {rep['data_dir']}, not the shared folder")
        if rep["checkpoint"] != str(shared / "torch/hub/checkpoints/vgg16-397923af.pth"):
            problems.append(f"{lr.name} looked for the weights at {rep['checkpoint']}")
        if "NOT THE IMAGENET CHECKPOINT" not in lr.output:
            problems.append(f"{lr.name}'s notebook did not load the shared (random) checkpoint")
        for key in ("write_data", "write_weights"):
            if rep[key] not in DENIED:
                problems.append(f"{lr.name} could write into the shared folder ({key}: {rep[key]})")
        if not rep["own_file"].startswith(home + "/"):
            problems.append(f"{lr.name}'s output {rep['own_file']} is not in their home {home}")
        if rep["read_other"] not in DENIED:
            problems.append(f"{lr.name} could read another learner's file ({rep['read_other']})")
    if snapshot(shared) != before:
        problems.append("the shared folders changed during the run")
    peak = max(lr.report["kernel_peak_mib"] + lr.report["server_peak_mib"] for lr in done)
    print(f"\n{len(done)} learners, {len(done)} notebooks run in parallel through the hub's proxy, {seconds:.0f} s in "
          f"all; peak memory per server (kernel + Jupyter server) up to {peak:.0f} MiB.")
    print(f"Shared data and weights read by all, read-only for them ({done[0].report['write_data']}); each "
          f"learner's outputs in their own home, unreadable to the others ({done[0].report['read_other']}).")
    if problems:
        raise CheckFailed("\n".join(problems))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=3, help="how many learners at once (default 3)")
    parser.add_argument("--notebook", default="01_pretrained_vgg_inference.ipynb", help="the notebook each runs")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up on `kill` too (finally blocks run)
    try:
        check(args.learners, args.notebook)
    except CheckFailed as err:
        print(f"\nhub-check FAILED:\n{err}", file=sys.stderr)
        return 1
    log("passed, and cleaned up: the hub, the learners' servers, users, homes and files are gone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
