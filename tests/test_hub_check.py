"""classroom/hub_check, the parts that need no hub: a kernel that stays silent, chatters or dies fails the check at
its deadline in one clear block; HTTP and websocket errors end in "hub-check FAILED", not a traceback; the check
gets the learners' tokens from the hub's REST API as a service; the working tree is published as nbgitpuller and
the Colab test clone it. And, as root, the throwaway users and the staged Python (``make hub-check`` runs it all
on a real hub)."""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

requests = pytest.importorskip("requests")
websocket = pytest.importorskip("websocket")  # websocket-client, a Jupyter dependency

from classroom.hub_check import CheckFailed, client, run, staging, users  # noqa: E402  (after the skips)


# ---------------------------------------------------------------- a kernel behind a fake websocket
class FakeKernel:
    """Stands in for ``websocket.WebSocket``: ``behaviour(request)`` gives the next message (a dict) or raises,
    and is given at most ``limit`` seconds of reading in all, so a loop that never ends fails the test instead."""

    def __init__(self, behaviour, limit: float = 5.0) -> None:
        self.behaviour, self.timeout, self.request = behaviour, None, None
        self.stop = time.monotonic() + limit

    def send(self, text: str) -> None:
        self.request = json.loads(text)

    def settimeout(self, seconds: float) -> None:
        self.timeout = seconds

    def recv(self) -> str:
        if time.monotonic() > self.stop:
            raise AssertionError("execute() went on reading past its deadline")
        return json.dumps(self.behaviour(self))


def reply_to(ws: FakeKernel, msg_type: str, content: dict) -> dict:
    return {"msg_type": msg_type, "content": content, "parent_header": {"msg_id": ws.request["header"]["msg_id"]}}


def scripted(*messages: tuple[str, dict]):
    """A kernel that answers with ``messages`` (type, content), in order, as replies to the request."""
    queue = list(messages)
    return lambda ws: reply_to(ws, *queue.pop(0))


def test_execute_returns_the_cells_text_output() -> None:
    ws = FakeKernel(scripted(("status", {"execution_state": "busy"}), ("stream", {"text": "NOT THE IMAGENET"}),
                             ("execute_result", {"data": {"text/plain": "2"}}), ("execute_reply", {"status": "ok"}),
                             ("status", {"execution_state": "idle"})))
    assert client.execute(ws, "1 + 1", timeout=5) == "NOT THE IMAGENET2\n"
    assert ws.request["content"]["code"] == "1 + 1" and ws.request["header"]["msg_type"] == "execute_request"


def test_a_failing_cell_is_reported_with_its_traceback_without_colours() -> None:
    ws = FakeKernel(scripted(("execute_reply", {"status": "error", "traceback": ["\x1b[31mZeroDivisionError\x1b[0m"]}),
                             ("status", {"execution_state": "idle"})))
    with pytest.raises(CheckFailed, match=r"a cell failed:\n1 / 0\n") as failed:
        client.execute(ws, "1 / 0", timeout=5)
    assert "ZeroDivisionError" in str(failed.value) and "\x1b" not in str(failed.value)


def silent(ws: FakeKernel) -> dict:
    """A kernel that never answers: each read waits the socket's time-out, as websocket-client does."""
    time.sleep(ws.timeout)
    raise websocket.WebSocketTimeoutException("timed out")


def chatty(ws: FakeKernel) -> dict:
    """A kernel busy with other requests: a message every 10 ms, none of them a reply to ours."""
    time.sleep(0.01)
    return {"msg_type": "status", "content": {"execution_state": "busy"}, "parent_header": {"msg_id": "another"}}


@pytest.mark.parametrize("behaviour", [silent, chatty], ids=["silent", "chatty"])
def test_a_cell_that_gets_no_answer_fails_the_check_at_its_deadline(behaviour) -> None:
    began = time.monotonic()
    with pytest.raises(CheckFailed, match="ran over 0.3 s"):
        client.execute(FakeKernel(behaviour), "import time; time.sleep(999)", timeout=0.3)
    assert time.monotonic() - began < 0.9  # the deadline, not a second later


def test_a_kernel_that_dies_mid_cell_is_one_line() -> None:
    def dies(ws: FakeKernel) -> dict:
        raise websocket.WebSocketConnectionClosedException("Connection to remote host was lost.")

    with pytest.raises(CheckFailed, match="the kernel's connection closed"):
        client.execute(FakeKernel(dies), "x = [0] * 10**12", timeout=5)


# ---------------------------------------------------------------- errors end in one block, not a traceback
@pytest.mark.parametrize("error", [
    requests.HTTPError("502 Server Error: Bad Gateway for url: http://127.0.0.1:8000/hub/api"),
    requests.ConnectionError("('Connection aborted.', RemoteDisconnected('Remote end closed connection'))"),
    websocket.WebSocketTimeoutException("timed out"),
    websocket.WebSocketBadStatusException("Handshake status %d %s", 403, "Forbidden"),
    subprocess.CalledProcessError(1, ["useradd", "hubcheck1-ab12"]),
], ids=["http", "connection", "websocket-timeout", "websocket-handshake", "command"])
def test_http_and_websocket_errors_end_in_hub_check_failed(error: Exception, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture) -> None:
    def check(learners: int, notebook: str) -> None:
        raise error

    monkeypatch.setattr(run, "check", check)
    monkeypatch.setattr(run.signal, "signal", lambda *args: None)  # leave pytest's SIGTERM handler alone
    assert run.main([]) == 1
    err = capsys.readouterr().err
    assert err.startswith("\nhub-check FAILED:\n") and type(error).__name__ in err and "Traceback" not in err


def test_a_learner_whose_server_cannot_be_reached_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(method: str, url: str, **kwargs):
        raise requests.ConnectionError(f"Max retries exceeded with url: {url}")

    monkeypatch.setattr(client.requests, "request", unreachable)
    learner = client.Learner("hubcheck2-ab12", "http://127.0.0.1:9/", "token")
    with pytest.raises(CheckFailed, match=r"^hubcheck2-ab12: starting the server: ConnectionError: Max retries"):
        run.learner_session(learner, "git://127.0.0.1:9/vgg16-course.git", "vgg16-course", "01.ipynb")


# ---------------------------------------------------------------- the learners' tokens, from the REST API
class Answer:
    """What ``requests.request`` returns, reduced to what the client reads."""

    def __init__(self, status: int, body: dict) -> None:
        self.status_code, self.ok, self._body, self.text = status, status < 400, body, json.dumps(body)

    def json(self) -> dict:
        return self._body


def test_the_service_asks_the_rest_api_for_each_learners_token(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def hub(method: str, url: str, **kwargs) -> Answer:
        calls.append((method, url, kwargs["headers"], kwargs["json"]))
        return Answer(201, {"token": "learner-token", "user": "hubcheck1-ab12"})

    monkeypatch.setattr(client.requests, "request", hub)
    service = client.HubService("http://127.0.0.1:8000/", "service-token")
    assert service.token_for("hubcheck1-ab12") == "learner-token"
    ((method, url, headers, body),) = calls
    assert (method, url) == ("POST", "http://127.0.0.1:8000/hub/api/users/hubcheck1-ab12/tokens")
    assert headers == {"Authorization": "token service-token"} and body["expires_in"] > 0


def test_a_refused_token_request_says_who_asked_and_what_the_hub_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client.requests, "request", lambda *a, **k: Answer(403, {"message": "no permissions"}))
    with pytest.raises(CheckFailed, match=r"service hub-check: POST .*/tokens -> 403 .*no permissions"):
        client.HubService("http://127.0.0.1:8000/", "wrong").token_for("hubcheck1-ab12")


def test_the_hub_has_no_login_form_and_the_service_may_only_make_the_learners_tokens(tmp_path: Path) -> None:
    settings = run.hub_settings(["a-1", "b-1"], Path("/env/bin/python"), tmp_path, "s3cret")
    assert settings["JupyterHub.authenticator_class"] == "null" and settings["Authenticator.allowed_users"] == {
        "a-1", "b-1"}
    (service,) = settings["JupyterHub.services"]
    (role,) = settings["JupyterHub.load_roles"]
    assert service == {"name": "hub-check", "api_token": "s3cret"} and role["services"] == ["hub-check"]
    assert role["scopes"] == ["tokens!user=a-1", "tokens!user=b-1"]


def test_the_check_expects_what_the_course_configuration_sets(tmp_path: Path) -> None:
    pytest.importorskip("traitlets")
    from classroom.hub_check.hub import course_environment

    before = dict(os.environ)
    env = course_environment(tmp_path / "shared")
    assert env["COURSE_DATA_DIR"] == str(tmp_path / "shared" / "data") and env["COURSE_OUTPUT_DIR"].startswith("~/")
    assert dict(os.environ) == before


# ---------------------------------------------------------------- the working tree, published
def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *staging.GIT_AUTHOR, *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout


def test_the_working_tree_is_published_with_its_changes_and_without_ignored_files(tmp_path: Path) -> None:
    if not shutil.which("git"):
        pytest.skip("needs git")
    work = tmp_path / "work"
    (work / "notebooks").mkdir(parents=True)
    (work / ".gitignore").write_text("data/\n")
    (work / "notebooks" / "01.ipynb").write_text("committed")
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "one")
    (work / "notebooks" / "01.ipynb").write_text("changed, not committed")
    (work / "new.py").write_text("untracked")
    (work / "data").mkdir()
    (work / "data" / "big.bin").write_text("ignored")

    published = staging.publish_working_tree(work, tmp_path / "published")
    assert git(published, "status", "--porcelain") == "" and git(published, "branch", "--show-current") == "main\n"
    assert sorted(git(published, "ls-files").split()) == [".gitignore", "new.py", "notebooks/01.ipynb"]
    assert (published / "notebooks" / "01.ipynb").read_text() == "changed, not committed"


# ---------------------------------------------------------------- as root: users and the staged Python
root_only = pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0 or not shutil.which("useradd"),
                               reason="creates a system user: needs root (CI runs as root)")


@pytest.fixture
def open_dir():
    """A folder other users may enter (pytest's tmp_path is 0700), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="hub-check-test-", dir="/srv" if Path("/srv").is_dir() else None))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@root_only
def test_a_learner_can_run_the_staged_python_of_a_closed_venv(tmp_path: Path, open_dir: Path) -> None:
    (closed := tmp_path / "closed").mkdir(mode=0o700)  # like a clone under /root
    (closed / "venv" / "bin").mkdir(parents=True)  # a venv as `python -m venv` makes it, without packages
    cfg = f"home = {Path(sys._base_executable).parent}\ninclude-system-site-packages = false\n"
    (closed / "venv" / "pyvenv.cfg").write_text(cfg)
    (closed / "venv" / "bin" / "python").symlink_to(sys._base_executable)
    python, env = staging.stage_environment(closed / "venv", open_dir / "env")
    subprocess.run(["chmod", "-R", "a+rX", str(open_dir / "env")], check=True)
    name = f"hubtest-{secrets.token_hex(3)}"
    with users.throwaway_users([name], open_dir):
        done = subprocess.run([str(python), "-c", "import sys; print(sys.prefix)"], user=name, env=env,
                              capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == python.parent.parent != (closed / "venv")
    assert (closed / "venv" / "pyvenv.cfg").read_text() == cfg  # the original, not written through a hard link


@root_only
def test_hub_check_removes_its_users_and_their_processes_when_it_fails(tmp_path: Path) -> None:
    name = f"hubtest-{secrets.token_hex(3)}"
    tmp_path.chmod(0o755)
    with pytest.raises(RuntimeError, match="the check failed here"), users.throwaway_users([name], tmp_path):
        uid = pwd.getpwnam(name).pw_uid
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o700  # a private home, as TLJH makes them
        sleeper = subprocess.Popen(["sleep", "600"], user=name)  # a learner's process still running
        threading.Thread(target=sleeper.wait, daemon=True).start()  # reaped once killed
        raise RuntimeError("the check failed here")
    assert name not in {user.pw_name for user in pwd.getpwall()}
    assert not (tmp_path / name).exists() and users.processes_of(uid) == []
