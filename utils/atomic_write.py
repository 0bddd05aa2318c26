"""Write a file so that it appears complete or not at all (no half file after a crash)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_open(path: str | Path) -> Iterator[BinaryIO]:
    """Open ``path`` for binary writing so that it appears complete or not at all.

    The data goes to a hidden temporary file in the same folder, which is flushed to
    disk and renamed over ``path`` (``os.replace``) only when the ``with`` block ends
    without an error; otherwise it is deleted and an existing ``path`` stays as it was.
    The folder is created if needed; the file gets the usual permissions (umask).

    Args:
        path: the file to write.

    Yields:
        A binary file object.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
