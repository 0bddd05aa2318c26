"""Throwaway system users for the check's learners, and nothing left behind: their processes, accounts and homes
go when the check ends, also when it fails; users a killed run left are removed by the next one."""

from __future__ import annotations

import contextlib
import os
import pwd
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from classroom.hub_check import CheckFailed, log

#: The comment (GECOS) of every user the check creates; a later run removes such users left by a killed run.
USER_MARK = "vgg16-course make hub-check (temporary)"


def processes_of(uid: int) -> list[int]:
    """The ids of the live (not zombie) processes owned by ``uid``, from /proc."""
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError, StopIteration, KeyError, ValueError):
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
    """The users the check created (``USER_MARK``) that still exist."""
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
        still_there = set(leftover_users())
        left = [f"{n} (user)" for n in uids if n in still_there]
        left += [f"{n} (home)" for n in uids if (home_root / n).exists()]
        left += [f"process {pid}" for uid in uids.values() for pid in processes_of(uid)]
        if left:
            raise CheckFailed(f"left behind: {', '.join(left)}")
