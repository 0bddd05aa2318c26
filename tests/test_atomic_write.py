"""atomic_open: a file appears complete or not at all, with the usual permissions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from utils.datalib.atomic_write import atomic_open


def test_written_file_appears_whole_with_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.bin"
    with atomic_open(target) as fh:
        fh.write(b"hello")
        assert not target.exists(), "nothing visible under the final name before the block ends"
    assert target.read_bytes() == b"hello"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in target.parent.iterdir()] == ["out.bin"]


def test_an_error_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_open(target) as fh:
        fh.write(b"half")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]
