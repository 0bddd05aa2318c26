"""``make hub-check`` (``python -m classroom.hub_check``): the course on a real JupyterHub, here, with throwaway
learners.

Starts JupyterHub on 127.0.0.1 with ``classroom/jupyterhub_config.py``, LocalProcessSpawner and
configurable-http-proxy; creates system users (needs root); the check, a service of the hub, asks the hub's REST
API for a token for each; the learners, all at once, start their servers, let nbgitpuller give each their own copy
of the course, and run a notebook in smoke mode, over the Jupyter server's REST and websocket API through the
proxy. Then it checks that the shared data and weights folders were read by all and are read-only for them, that
each learner's outputs are in their own home and unreadable to the others, prints the figures, and removes every
user, process and file it made, also on failure.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

from classroom.hub_check import CheckFailed, log
from classroom.hub_check.client import HubService, Learner, execute
from classroom.hub_check.hub import PROXY, REPO, course_environment, free_port, git_daemon, jupyterhub
from classroom.hub_check.staging import (prepare_shared, publish_bare, publish_working_tree, snapshot,
                                         stage_environment)
from classroom.hub_check.users import throwaway_users
from utils.settings.environment import read_folders
from utils.settings.paths import CoursePaths

DENIED = {"EACCES", "EROFS", "EPERM"}
#: What talking to the hub, the proxy and the kernels can raise besides CheckFailed: reported in the same way.
CONNECTION_ERRORS = (requests.RequestException, websocket.WebSocketException, OSError)

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
_status = open(f"/proc/{os.getppid()}/status").read().splitlines()
_hwm = next(int(line.split()[1]) for line in _status if line.startswith("VmHWM"))
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


def learner_session(learner: Learner, repo: str, target: str, notebook: str) -> Learner:
    """Everything one learner does, timed: start the server, pull the course into ``~/target``, run the
    notebook, probe. An HTTP or websocket error becomes CheckFailed naming the learner and the step."""
    step = "starting the server"
    try:
        t0 = time.monotonic()
        learner.start_server()
        learner.seconds["spawn"] = time.monotonic() - t0
        step = "pulling the course with nbgitpuller"
        learner.git_pull(repo, target)
        learner.seconds["pull"] = time.monotonic() - t0 - learner.seconds["spawn"]
        step = f"running {notebook}"
        t2 = time.monotonic()
        with learner.kernel(f"{target}/notebooks") as ws:
            cells = learner.notebook(f"{target}/notebooks/{notebook}")
            learner.output = "".join(execute(ws, cell) for cell in cells)
            learner.seconds["notebook"] = time.monotonic() - t2
            step = "probing the kernel"
            learner.report = json.loads(execute(ws, PROBE).strip().splitlines()[-1])
    except CONNECTION_ERRORS as err:
        raise CheckFailed(f"{learner.name}: {step}: {type(err).__name__}: {err}") from err
    return learner


def hub_settings(names: list[str], python: Path, state: Path, service_token: str) -> dict[str, object]:
    """What the check adds to the course's configuration: ports on 127.0.0.1, the proxy, the learners, no login
    form (NullAuthenticator: tokens only), and the check as a service that may create the learners' tokens."""
    return {
        "JupyterHub.bind_url": f"http://127.0.0.1:{free_port()}/",
        "JupyterHub.hub_bind_url": f"http://127.0.0.1:{free_port()}",
        "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{free_port()}",
        "ConfigurableHTTPProxy.command": [str(PROXY)],
        "JupyterHub.db_url": f"sqlite:///{state}/jupyterhub.sqlite",
        "JupyterHub.cookie_secret_file": str(state / "cookie_secret"),
        "JupyterHub.authenticator_class": "null",
        "Authenticator.allowed_users": set(names),
        "JupyterHub.services": [{"name": "hub-check", "api_token": service_token}],
        "JupyterHub.load_roles": [{"name": "hub-check", "services": ["hub-check"],
                                   "scopes": [f"tokens!user={name}" for name in names]}],
        "Spawner.cmd": [str(python), "-m", "jupyterhub.singleuser"],
        "Spawner.start_timeout": 180,
        "Spawner.http_timeout": 180,
    }


def check(learners: int, notebook: str) -> None:
    """The whole check; raises CheckFailed (or the HTTP or websocket error) when something did not hold."""
    if os.geteuid() != 0 or sys.platform != "linux":
        raise SystemExit("make hub-check creates system users and starts servers as them: run it as root, on Linux.")
    if not PROXY.exists():
        raise SystemExit(f"{PROXY} is missing: run `make hub-check` (it installs configurable-http-proxy with npm).")
    start = time.monotonic()
    tag = secrets.token_hex(2)
    names = [f"hubcheck{i}-{tag}" for i in range(1, learners + 1)]
    with contextlib.ExitStack() as stack:
        root = Path(tempfile.mkdtemp(prefix="vgg16-hub-check-", dir="/srv" if Path("/srv").is_dir() else None))
        stack.callback(shutil.rmtree, root, ignore_errors=True)
        root.chmod(0o755)
        state = root / "hub"
        state.mkdir(mode=0o700)
        (root / "home").mkdir()
        shared_root = root / "shared"
        environment = course_environment(shared_root)
        target = environment["COURSE_OUTPUT_DIR"].removeprefix("~/")  # nbgitpuller's folder, in each home
        shared = CoursePaths(Path(environment["COURSE_DATA_DIR"]), Path(environment["COURSE_OUTPUT_DIR"]),
                             Path(environment["TORCH_HOME"]) / "hub", smoke=True)
        log(f"preparing the shared read-only folders in {shared_root} (data, and a random VGG16 as the hub's weights)")
        prepare_shared(shared, read_folders()[0], shared_root, REPO)
        before = snapshot(shared_root)
        python, env = stage_environment(Path(sys.prefix), root / "env")
        course = publish_working_tree(REPO, root / "course")
        publish_bare(course, root / "www" / f"{target}.git")
        subprocess.run(["chmod", "-R", "a+rX", str(root / "env"), str(course), str(root / "www")], check=False)
        repo_url = stack.enter_context(git_daemon(root / "www")) + f"/{target}.git"
        stack.enter_context(throwaway_users(names, root / "home"))
        service_token = secrets.token_hex(32)
        settings = hub_settings(names, python, state, service_token)
        url = stack.enter_context(jupyterhub(state, settings, {**env, "PYTHONPATH": str(course), "COURSE_SMOKE": "1"},
                                             shared_root))
        log(f"JupyterHub is up at {url}; {learners} learners start their servers at once and each runs {notebook} "
            "(smoke mode)")
        service = HubService(url, service_token)
        t0 = time.monotonic()
        team = [Learner(name, url, service.token_for(name)) for name in names]
        tokens_s = time.monotonic() - t0
        with concurrent.futures.ThreadPoolExecutor(learners) as pool:
            done = list(pool.map(learner_session, team, [repo_url] * learners, [target] * learners,
                                 [notebook] * learners))
        for learner, other in zip(done, done[1:] + done[:1]):  # each tries to read the next one's file
            with learner.kernel(target) as ws:
                learner.report["read_other"] = execute(ws, READ_OTHER.format(path=other.report["own_file"])).strip()
        for learner in done:
            learner.stop_server()
        report(done, shared, shared_root, before, tokens_s, time.monotonic() - start)


def report(done: list[Learner], shared: CoursePaths, shared_root: Path, before: dict, tokens_s: float,
           seconds: float) -> None:
    """Print the figures, then raise CheckFailed listing every property that did not hold."""
    print(f"\n{'learner':<16} {'spawn s':>7} {'pull s':>7} {'notebook s':>10} {'kernel peak MiB':>15} "
          f"{'server peak MiB':>15}  data read from")
    for lr in done:
        print(f"{lr.name:<16} {lr.seconds['spawn']:>7.1f} {lr.seconds['pull']:>7.1f} "
              f"{lr.seconds['notebook']:>10.1f} {lr.report['kernel_peak_mib']:>15.0f} "
              f"{lr.report['server_peak_mib']:>15.0f}  {lr.report['data_dir']}")
    problems = []
    for lr in done:
        rep, home = lr.report, lr.report["home"]
        if rep["data_dir"] != str(shared.data_dir):
            problems.append(f"{lr.name} read its data from {rep['data_dir']}, not the shared folder")
        if rep["checkpoint"] != str(shared.vgg16_checkpoint):
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
    if snapshot(shared_root) != before:
        problems.append("the shared folders changed during the run")
    peak = max(lr.report["kernel_peak_mib"] + lr.report["server_peak_mib"] for lr in done)
    print(f"\n{len(done)} learners' tokens from the hub's REST API in {tokens_s:.1f} s; {len(done)} notebooks run in "
          f"parallel through the hub's proxy, {seconds:.0f} s in all; peak memory per server (kernel + Jupyter "
          f"server) up to {peak:.0f} MiB.")
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
    except (*CONNECTION_ERRORS, subprocess.CalledProcessError) as err:  # outside a learner's session too
        print(f"\nhub-check FAILED:\n{type(err).__name__}: {err}", file=sys.stderr)
        return 1
    log("passed, and cleaned up: the hub, the learners' servers, users, homes and files are gone")
    return 0
