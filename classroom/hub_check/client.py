"""The check's side of the hub, over HTTP and websockets: a service that asks JupyterHub's REST API for each
learner's token (as a teacher's tool would, no login form), and one learner's calls through the proxy: start the
server, pull the course with nbgitpuller, run code in a kernel (Jupyter messaging over the websocket)."""

from __future__ import annotations

import contextlib
import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import requests
import websocket

from classroom.hub_check import CheckFailed

#: How long one HTTP call may take, in seconds.
HTTP_TIMEOUT = 60


def call(method: str, url: str, token: str, who: str, **kwargs) -> requests.Response:
    """One REST call with ``token``; CheckFailed naming ``who`` and the call when the answer is not a success."""
    kwargs.setdefault("timeout", HTTP_TIMEOUT)
    response = requests.request(method, url, headers={"Authorization": f"token {token}"}, **kwargs)
    if not response.ok:
        raise CheckFailed(f"{who}: {method} {url} -> {response.status_code} {response.text[:300]}")
    return response


@dataclass
class HubService:
    """The check, registered with the hub as a service (``JupyterHub.services``) whose token may create tokens
    for the learners only (role scopes ``tokens!user=NAME``)."""

    hub: str
    token: str
    name: str = "hub-check"

    def token_for(self, user: str, expires_in: int = 3600) -> str:
        """A new API token for ``user``, with the user's own permissions (the hub's default token role)."""
        response = call("POST", f"{self.hub}hub/api/users/{user}/tokens", self.token, f"service {self.name}",
                        json={"note": "make hub-check", "expires_in": expires_in})
        return response.json()["token"]


@dataclass
class Learner:
    """One learner's calls, with their own token: to the hub, and to their server through the proxy."""

    name: str
    hub: str
    token: str
    seconds: dict[str, float] = field(default_factory=dict)
    report: dict = field(default_factory=dict)
    output: str = ""

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """``method`` on ``hub + path`` as this learner."""
        return call(method, self.hub + path, self.token, self.name, **kwargs)

    def start_server(self, timeout: float = 180) -> None:
        """Start the learner's server and wait until the hub says it is ready."""
        self.api("POST", f"hub/api/users/{self.name}/server")
        deadline = time.monotonic() + timeout
        while not self.api("GET", f"hub/api/users/{self.name}").json()["servers"].get("", {}).get("ready"):
            if time.monotonic() > deadline:
                raise CheckFailed(f"{self.name}: server not ready after {timeout} s")
            time.sleep(0.5)

    def stop_server(self) -> None:
        self.api("DELETE", f"hub/api/users/{self.name}/server")

    def git_pull(self, repo: str, target: str) -> None:
        """What the nbgitpuller link does (its page calls this API): clone, or merge into, ``~/target``."""
        with self.api("GET", f"user/{self.name}/git-pull/api", stream=True, timeout=120,
                      params={"repo": repo, "branch": "main", "targetpath": target}) as response:
            for line in response.iter_lines(decode_unicode=True):
                if not line.startswith("data:"):
                    continue
                event = json.loads(line[5:])
                if event["phase"] == "error":
                    raise CheckFailed(f"{self.name}: nbgitpuller: {event.get('message')}")
                if event["phase"] == "finished":
                    return
        raise CheckFailed(f"{self.name}: nbgitpuller stopped without finishing")

    @contextlib.contextmanager
    def kernel(self, folder: str) -> Iterator[websocket.WebSocket]:
        """A python3 kernel in the learner's server, started in ``folder``, and its websocket (via the proxy)."""
        kernel_id = self.api("POST", f"user/{self.name}/api/kernels", json={"name": "python3", "path": folder}
                             ).json()["id"]
        ws = websocket.create_connection(f"ws{self.hub[4:]}user/{self.name}/api/kernels/{kernel_id}/channels",
                                         header=[f"Authorization: token {self.token}"], timeout=HTTP_TIMEOUT)
        try:
            yield ws
        finally:
            ws.close()
            self.api("DELETE", f"user/{self.name}/api/kernels/{kernel_id}")

    def notebook(self, path: str) -> list[str]:
        """The code cells of the learner's own copy of a notebook (read with the contents API)."""
        model = self.api("GET", f"user/{self.name}/api/contents/{path}", params={"content": 1}).json()
        return [cell["source"] for cell in model["content"]["cells"] if cell["cell_type"] == "code"]


def execute_request(msg_id: str, code: str) -> dict:
    """A Jupyter ``execute_request`` message (messaging protocol 5.3) for the websocket's shell channel."""
    header = {"msg_id": msg_id, "msg_type": "execute_request", "session": uuid.uuid4().hex, "username": "",
              "version": "5.3"}
    content = {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False,
               "stop_on_error": True}
    return {"header": header, "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": content}


def execute(ws: websocket.WebSocket, code: str, timeout: float = 600) -> str:
    """Run ``code`` in the kernel behind ``ws``; its text output. Raises CheckFailed with the traceback when the
    cell fails, and once ``timeout`` seconds have passed, whether or not messages arrive meanwhile."""
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps(execute_request(msg_id, code)))
    texts, reply, idle = [], None, False
    deadline = time.monotonic() + timeout
    while reply is None or not idle:
        left = deadline - time.monotonic()
        if left <= 0:
            raise CheckFailed(f"a cell ran over {timeout:g} s:\n{code[:500]}\n{''.join(texts)[-1500:]}")
        ws.settimeout(left)  # a read waits no longer than the time left
        try:
            msg = json.loads(ws.recv())
        except websocket.WebSocketTimeoutException:
            continue  # the deadline, checked above
        except websocket.WebSocketConnectionClosedException as err:
            raise CheckFailed(f"the kernel's connection closed while a cell ran (did the kernel die, out of "
                              f"memory?): {err}\n{code[:500]}") from err
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
    if reply["status"] != "ok":
        trace = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(reply.get("traceback", [])))  # without terminal colours
        raise CheckFailed(f"a cell failed:\n{code[:500]}\n{''.join(texts)[-1500:]}\n{trace[-3000:]}")
    return "".join(texts)
