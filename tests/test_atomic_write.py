"""atomic_open and keep_earlier_file: a file appears complete or not at all, a full disk or a read-only folder is
one line, earlier copies are bounded, and what a killed save left behind is found and removed."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

import utils.datalib.atomic_write as aw
from utils.datalib.atomic_write import (KEEP_COPIES, WriteError, atomic_open, earlier_copies, human_size,
                                        keep_earlier_file, remove_stale_temp_files, same_content, stale_temp_files,
                                        write_error)
from utils.errors import CourseError
from utils.support.checkpoints import save_state_dict

REPO = Path(__file__).resolve().parents[1]
DAYS_2 = 2 * 86400  # older than the age rule's day: a leftover


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


@pytest.mark.parametrize("interruption", [RuntimeError, KeyboardInterrupt])  # KeyboardInterrupt: the stop button
def test_an_error_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path, interruption: type) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(interruption), atomic_open(target, keep_earlier=True) as fh:
        fh.write(b"half")
        raise interruption("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


# --------------------------------------------------------------------------- full disk, read-only folder

@pytest.mark.parametrize("error", [
    OSError(errno.ENOSPC, "No space left on device"),
    RuntimeError("[enforce fail at inline_container.cc:672] . unexpected pos 58866944 vs 58866832"),
])
def test_a_full_disk_is_one_line_and_the_earlier_file_stays(tmp_path: Path, error: Exception) -> None:
    target = tmp_path / "weights_fine_tuning.pth"
    target.write_bytes(b"the learner's earlier weights")
    with pytest.raises(WriteError) as err, atomic_open(target, keep_earlier=True, needed=537_000_000) as fh:
        fh.write(b"PK\x03\x04 half a file")
        raise error  # what fh.write or torch.save raises when the disk fills up
    message = str(err.value)
    assert "\n" not in message and str(tmp_path) in message and "512 MiB" in message
    assert "COURSE_OUTPUT_DIR" in message and "make purge" in message
    assert err.value.errno == errno.ENOSPC and isinstance(err.value, CourseError)  # one line in Jupyter
    assert target.read_bytes() == b"the learner's earlier weights"
    assert [p.name for p in tmp_path.iterdir()] == [target.name], "no temporary and no copy left behind"


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_a_read_only_folder_is_one_line_naming_it_and_the_fix(tmp_path: Path, monkeypatch, code: int) -> None:
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(tmp_path))

    monkeypatch.setattr("builtins.open", refuse)
    with pytest.raises(WriteError) as err, atomic_open(tmp_path / "w.pth"):
        pass
    start = f"{tmp_path} is on a read-only disk: " if code == errno.EROFS else f"permission denied: {tmp_path}. "
    assert str(err.value).startswith(start) and "COURSE_OUTPUT_DIR" in str(err.value)
    assert isinstance(err.value, OSError) and err.value.errno == code  # the data tool renders OSErrors itself


def test_other_errors_pass_through_unchanged(tmp_path: Path) -> None:
    assert write_error(ValueError("not about the disk"), tmp_path / "x") is None
    with pytest.raises(KeyError), atomic_open(tmp_path / "x"):
        raise KeyError("mine")


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MB file system (tmpfs), where mounting is permitted (root, Linux); else the test is skipped."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if sys.platform != "linux" or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)],
                                                 capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root on Linux)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=True)


def _net(megabytes: float) -> torch.nn.Module:
    return torch.nn.Linear(int(megabytes * 1e6 / 4), 1, bias=False)


def test_save_state_dict_on_a_real_full_disk(small_disk: Path) -> None:
    path = save_state_dict(_net(0.5), small_disk / "weights" / "w.pth")
    earlier = path.read_bytes()
    with pytest.raises(WriteError) as err:
        save_state_dict(_net(1.8), path)  # fits beside nothing: the check before writing says so
    assert "\n" not in str(err.value) and f"{path.parent} is full" in str(err.value) and "1.72 MiB" in str(err.value)
    assert path.read_bytes() == earlier and sorted(p.name for p in path.parent.iterdir()) == ["w.pth"]


@pytest.mark.parametrize("target", ["file object", "path"])
def test_torch_save_filling_a_real_disk_is_recognised(small_disk: Path, target: str) -> None:
    path = small_disk / "w.pth"
    path.write_bytes(b"earlier")
    state = _net(3).state_dict()
    if target == "file object":  # save_state_dict's way, without the check before writing
        with pytest.raises(WriteError, match=r"is full \(.* free\): w.pth needs more space"), atomic_open(path) as fh:
            torch.save(state, fh)
    else:  # the notebook's literal lines: torch.save(..., tmp_path) raises "unexpected pos"
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with pytest.raises(RuntimeError) as raw:
            torch.save(state, tmp)
        assert isinstance(write_error(raw.value, path), WriteError)
        tmp.unlink()
    assert path.read_bytes() == b"earlier" and [p.name for p in small_disk.iterdir()] == ["w.pth"]


def test_a_real_read_only_disk(small_disk: Path) -> None:
    (small_disk / "weights").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(WriteError) as err:
        save_state_dict(_net(0.01), small_disk / "weights" / "w.pth")
    assert str(err.value).startswith(f"{small_disk / 'weights'} is on a read-only disk")


# --------------------------------------------------------------------------- earlier copies

def _save(path: Path, content: bytes, mtime: float) -> Path | None:
    """The notebook's literal sequence: a temporary file, keep_earlier_file, os.replace."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(content)
    kept = keep_earlier_file(path, tmp)
    os.replace(tmp, path)
    os.utime(path, (mtime, mtime))
    return kept


def test_earlier_copies_are_bounded_and_the_line_says_size_total_and_purge(tmp_path: Path, capsys) -> None:
    path = tmp_path / "w.pth"
    for i in range(5):
        _save(path, bytes([i]) * 1000, 1_700_000_000 + 3600 * i)
    copies = earlier_copies(path)
    assert len(copies) == KEEP_COPIES == 2
    assert [p.read_bytes()[0] for p in copies] == [2, 3] and path.read_bytes()[0] == 4
    last = capsys.readouterr().out.strip().split("Kept the earlier")[-1]
    assert f"w.pth as {copies[-1].name} (1000 bytes)" in last
    assert "deleted the oldest copy w." in last and f"now holds 2.93 KiB: {tmp_path}" in last and "make purge" in last
    assert max(map(len, last.splitlines()[:-1])) < 90, "short lines (the folder last): JupyterLab wraps mid-word"


def test_keep_changes_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    for i in range(4):
        with atomic_open(path, keep_earlier=True, keep=3) as fh:
            fh.write(str(i).encode())
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))
    assert [p.read_text() for p in earlier_copies(path)] == ["0", "1", "2"]


def test_no_copy_identical_to_the_new_file_even_with_another_temporary_name(tmp_path: Path, capsys) -> None:
    path, state = tmp_path / "w.pth", _net(0.001).state_dict()
    torch.save(state, path)  # torch.save names the zip's top folder after the file: the bytes differ
    tmp = tmp_path / f".w.pth.{os.getpid() + 1}.tmp"
    torch.save(state, tmp)
    assert path.read_bytes() != tmp.read_bytes() and same_content(path, tmp)
    assert keep_earlier_file(path, tmp) is None and earlier_copies(path) == []
    assert "identical" in capsys.readouterr().out
    torch.save(_net(0.001).state_dict(), tmp)  # other weights
    assert not same_content(path, tmp) and keep_earlier_file(path, tmp) is not None


def test_a_broken_earlier_file_is_never_kept_as_a_copy(tmp_path: Path, capsys) -> None:
    path, tmp = tmp_path / "w.pth", tmp_path / ".w.pth.1.tmp"
    torch.save(_net(0.01).state_dict(), tmp)
    path.write_bytes(tmp.read_bytes()[:5000])  # what a stopped plain torch.save(..., save_path) leaves
    assert keep_earlier_file(path, tmp) is None and earlier_copies(path) == []
    assert "incomplete" in capsys.readouterr().out


def test_a_whole_earlier_file_in_another_format_is_kept(tmp_path: Path, capsys) -> None:
    """A learner's complete checkpoint in torch's legacy (non-zip) format is no half-save: it gets its copy."""
    path, tmp = tmp_path / "w.pth", tmp_path / ".w.pth.1.tmp"
    torch.save(_net(0.01).state_dict(), path, _use_new_zipfile_serialization=False)
    torch.save(_net(0.02).state_dict(), tmp)
    copy = keep_earlier_file(path, tmp)
    assert copy is not None and copy.read_bytes() == path.read_bytes()
    assert "incomplete" not in capsys.readouterr().out


def test_sizes_read_plainly_near_a_unit_boundary() -> None:
    assert [human_size(n) for n in (80, 1000, 12 << 10, 1000 << 10, 1023 << 10, 528 << 20, 3 << 29)] == [
        "80 bytes", "1000 bytes", "12 KiB", "1000 KiB", "1023 KiB", "528 MiB", "1.5 GiB"]


def test_the_earlier_file_stays_readable_until_the_new_one_replaces_it(tmp_path: Path) -> None:
    path, tmp = tmp_path / "w.bin", tmp_path / ".w.bin.1.tmp"
    path.write_bytes(b"old")
    tmp.write_bytes(b"new")
    kept = keep_earlier_file(path, tmp)
    assert path.read_bytes() == b"old" == kept.read_bytes()  # a reader in between still finds a whole file
    os.replace(tmp, path)
    assert path.read_bytes() == b"new" and kept.read_bytes() == b"old"


def test_without_a_new_file_the_earlier_one_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "w.bin"
    path.write_bytes(b"old")  # the old two-line cell: keep_earlier_file(save_path); torch.save(..., save_path)
    kept = keep_earlier_file(path)
    assert not path.exists() and kept.read_bytes() == b"old"
    path.write_bytes(b"new")  # writing in place must not change the copy (it is no hard link)
    assert kept.read_bytes() == b"old"


def test_smoke_outputs_are_replaced_without_a_copy(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "build" / "smoke" / "weights"
    for i in range(2):
        with atomic_open(folder / "w.pth", keep_earlier=True) as fh:
            fh.write(bytes([i]))
    assert [p.name for p in folder.iterdir()] == ["w.pth"] and capsys.readouterr().out == ""


# --------------------------------------------------------------------------- a killed save

def _killed_save(folder: Path) -> Path:
    """Start a real process that writes through atomic_open, and kill -9 it mid-write; returns its temporary."""
    code = ("import sys, time; from utils.datalib.atomic_write import atomic_open\n"
            "with atomic_open(sys.argv[1]) as fh:\n"
            "    fh.write(b'x' * 100_000); fh.flush(); print('writing', flush=True); time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(folder / "w.pth")], stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO)
    assert proc.stdout.readline() == b"writing\n"
    (tmp,) = folder.glob(".w.pth.*.tmp")
    assert stale_temp_files(folder) == [], "a running save's temporary is not stale"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return tmp


def test_a_killed_save_leaves_a_temporary_that_is_found_and_removed(tmp_path: Path, capsys) -> None:
    (tmp_path / "w.pth").write_bytes(b"earlier")
    tmp = _killed_save(tmp_path)
    assert tmp.stat().st_size == 100_000 and (tmp_path / "w.pth").read_bytes() == b"earlier"
    assert stale_temp_files(tmp_path) == [], "too fresh: a process on another machine may still write it"
    os.utime(tmp, (time.time() - DAYS_2, time.time() - DAYS_2))
    assert stale_temp_files(tmp_path) == [(tmp, 100_000)]
    assert aw.stale_temp_report(tmp_path)[0].startswith(f"extra: {tmp} (97.7 KiB)")
    assert remove_stale_temp_files(tmp_path) == [tmp] and not tmp.exists()
    assert capsys.readouterr().out.count("\n") == 1


def test_the_next_save_removes_a_stale_temporary_and_says_so(tmp_path: Path, capsys) -> None:
    tmp = _killed_save(tmp_path)
    os.utime(tmp, (time.time() - DAYS_2, time.time() - DAYS_2))
    mine = tmp_path / ".other.pth.a1b2c3d4.tmp"  # written a minute ago: another save, never removed
    mine.write_bytes(b"in progress")
    os.utime(mine, (time.time() - 60, time.time() - 60))
    save_state_dict(_net(0.001), tmp_path / "w.pth")
    assert sorted(p.name for p in tmp_path.iterdir()) == [mine.name, "w.pth"]
    assert f"removed 1 temporary file(s) of interrupted saves from {tmp_path}" in capsys.readouterr().out


@pytest.mark.parametrize("name", [".w.pth.{pid}.tmp", ".w.pth.k3_x9a0q.tmp", ".w.1.pth.0a1b2c3d.tmp"])
def test_a_temporary_is_a_leftover_once_a_day_old_whoever_wrote_it(tmp_path: Path, name: str) -> None:
    """The age rule: no process id is read (a running process's file, a day old, is a leftover
    too; mkstemp's random names have none), and a younger file is never touched."""
    tmp = tmp_path / name.format(pid=os.getpid())
    tmp.write_bytes(b"in progress")
    os.utime(tmp, (time.time() - aw.STALE_AFTER_S + 60,) * 2)
    assert stale_temp_files(tmp_path) == [] and remove_stale_temp_files(tmp_path) == []
    os.utime(tmp, (time.time() - aw.STALE_AFTER_S - 60,) * 2)
    assert stale_temp_files(tmp_path) == [(tmp, 11)]
    assert remove_stale_temp_files(tmp_path) == [tmp] and not tmp.exists()


def test_a_save_writes_through_a_temporary_named_by_mkstemp(tmp_path: Path, monkeypatch) -> None:
    made = []
    real = aw.tempfile.mkstemp

    def spy(**kwargs):
        made.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(aw.tempfile, "mkstemp", spy)
    with atomic_open(tmp_path / "w.pth") as fh:
        fh.write(b"x")
    assert made == [{"dir": tmp_path, "prefix": ".w.pth.", "suffix": ".tmp"}]


def test_verify_reports_leftovers_in_the_weights_folder(tmp_path: Path, monkeypatch) -> None:
    from utils.datalib.verify import verify_all

    leftover = tmp_path / "weights" / ".weights_fine_tuning.pth.999999999.tmp"  # pid 999999999 runs nowhere
    leftover.parent.mkdir()
    leftover.write_bytes(b"x")
    os.utime(leftover, (0, 0))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    # COURSE_OUTPUT_DIR: notebooks save into <it>/weights; the data tool passes it down.
    assert f"extra: {leftover} (1 bytes), the temporary file of an interrupted save" in " ".join(
        verify_all(tmp_path / "data", output_dir=tmp_path))
