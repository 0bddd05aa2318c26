"""`make clean` removes the temporary files of killed saves but keeps the weights; `make purge` lists everything
in weights/, hidden files too, and deletes nothing without a yes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def checkout(tmp_path: Path) -> Path:
    """A folder with the Makefile, a .venv/bin/python that imports this checkout's utils, and a weights/ folder
    with the learner's file, an earlier copy and the temporary file of a save killed long ago."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(sys.executable)
    weights = tmp_path / "weights"
    weights.mkdir()
    for name in ("weights_fine_tuning.pth", "weights_fine_tuning.2025-01-01T120000.pth",
                 ".weights_fine_tuning.pth.999999999.tmp"):
        (weights / name).write_text(name)
    os.utime(weights / ".weights_fine_tuning.pth.999999999.tmp", (0, 0))
    return tmp_path


def _make(checkout: Path, target: str, answer: str = "", **extra: str) -> str:
    env = {"PATH": os.environ["PATH"], "HOME": str(checkout), "TORCH_HOME": str(checkout / "torch"),
           "PYTHONPATH": str(REPO), **extra}
    return subprocess.run(["make", "-s", target], cwd=checkout, input=answer, text=True, check=True,
                          capture_output=True, env=env).stdout


def test_make_clean_removes_a_killed_saves_temporary_and_keeps_the_weights(checkout: Path) -> None:
    out = _make(checkout, "clean")
    assert sorted(p.name for p in (checkout / "weights").iterdir()) == [
        "weights_fine_tuning.2025-01-01T120000.pth", "weights_fine_tuning.pth"]
    assert "removed the leftover temporary file of an interrupted save: weights/.weights_fine_tuning.pth" in out
    assert "kept weights/" in out


def test_make_clean_keeps_a_temporary_younger_than_a_day(checkout: Path) -> None:
    """A save may be running: only a temporary file a day old is a leftover (the age rule)."""
    young = checkout / "weights" / ".weights_fine_tuning.pth.k3_x9a0q.tmp"
    young.write_bytes(b"being written")
    _make(checkout, "clean")
    assert young.exists() and not (checkout / "weights" / ".weights_fine_tuning.pth.999999999.tmp").exists()


def test_make_purge_lists_hidden_files_and_asks(checkout: Path) -> None:
    out = _make(checkout, "purge", answer="n\n")
    assert ".weights_fine_tuning.pth.999999999.tmp" in out and "earlier copies" in out
    assert "Nothing deleted." in out and len(list((checkout / "weights").iterdir())) == 3
    _make(checkout, "purge", answer="y\n")
    assert not (checkout / "weights").exists()


def test_make_clean_removes_the_fetch_folders_where_course_data_dir_points(checkout: Path) -> None:
    shared = checkout / "elsewhere" / "course-data"
    (shared / ".fetch-abc").mkdir(parents=True)
    (shared / "hymenoptera_data").mkdir()
    _make(checkout, "clean", COURSE_DATA_DIR=str(shared))
    assert sorted(p.name for p in shared.iterdir()) == ["hymenoptera_data"]  # the data itself stays
