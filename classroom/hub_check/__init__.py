"""``make hub-check``: the course on a real JupyterHub, here, with throwaway learners.

One job per module:

- ``users``: the throwaway system users (needs root), removed with their processes, also on failure;
- ``staging``: what the learners get before the hub starts: the shared read-only folders, an environment they
  may run, and this working tree published as a git repository (``tests/test_colab_cell.py`` uses it too);
- ``hub``: the local servers: JupyterHub with the course's configuration, and a git daemon (the course's remote);
- ``client``: one learner's side, over HTTP and websockets: the hub's REST API, nbgitpuller, kernels;
- ``run``: the check itself and its report (``python -m classroom.hub_check``).

This module holds what they share: the error the check reports and its log line.
"""

from __future__ import annotations

import time


class CheckFailed(RuntimeError):
    """Something the check proves did not hold, or a step it could not take; ``run.main`` prints it in one block."""


def log(message: str) -> None:
    """One progress line, with the time of day."""
    print(f"[hub-check {time.strftime('%H:%M:%S')}] {message}", flush=True)
