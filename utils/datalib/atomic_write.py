"""Write files so that they appear complete or not at all, and never lose an earlier one."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO


#: Temporary folders of the data tool and the weights download start with this.
FETCH_PREFIX = ".fetch-"


def keep_earlier_file(path: str | Path) -> Path | None:
    """Move an existing ``path`` aside to ``<stem>.<its mtime>[-N]<suffix>`` (no backup is overwritten) and say so
    in one line. Returns the new place, or None if there was no file or it is a disposable smoke-run output."""
    path = Path(path)
    if not path.exists() or path.resolve().parent.parts[-3:] == ("build", "smoke", "weights"):
        return None
    stamp = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%dT%H%M%S")
    backup, n = path.with_name(f"{path.stem}.{stamp}{path.suffix}"), 1
    while backup.exists():
        n += 1
        backup = path.with_name(f"{path.stem}.{stamp}-{n}{path.suffix}")
    os.replace(path, backup)
    print(f"{path} already existed: the earlier file is kept as {backup} and a new one written.")
    return backup


@contextmanager
def atomic_open(path: str | Path, keep_earlier: bool = False) -> Iterator[BinaryIO]:
    """Open ``path`` for binary writing via a hidden temporary file beside it, renamed over ``path`` only when
    the ``with`` block ends without an error (else deleted). ``keep_earlier``: :func:`keep_earlier_file` first."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if keep_earlier:
            keep_earlier_file(path)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def fetch_dir(folder: str | Path) -> Iterator[Path]:
    """A temporary folder ``.fetch-<pid>-<random>`` inside ``folder`` (so that a file staged there
    moves into place with an atomic rename), removed afterwards; the pid tells a later run whether
    it was left behind."""
    with tempfile.TemporaryDirectory(dir=folder, prefix=f"{FETCH_PREFIX}{os.getpid()}-") as tmp:
        yield Path(tmp)


def _process_gone(pid: str) -> bool:
    """True if no process ``pid`` runs (on Windows, where ``os.kill`` would stop it: if not a number)."""
    if not pid.isdigit() or os.name == "nt":
        return not pid.isdigit()
    try:
        os.kill(int(pid), 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:  # it exists but belongs to someone else
        pass
    return False


def stale_fetch_dirs(folder: str | Path) -> list[Path]:
    """``.fetch-*`` folders in ``folder`` left behind by an interrupted run (its process is gone)."""
    return sorted(p for p in Path(folder).glob(f"{FETCH_PREFIX}*")
                  if p.is_dir() and _process_gone(p.name[len(FETCH_PREFIX):].split("-")[0]))


def remove_stale_fetch_dirs(folder: str | Path) -> list[Path]:
    """Delete what :func:`stale_fetch_dirs` finds; returns the folders removed."""
    stale = stale_fetch_dirs(folder)
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale
