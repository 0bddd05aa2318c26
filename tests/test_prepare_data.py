"""The data tool against mirrors built here: good, corrupted, unsafe, and the real data exported."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import time
import zipfile
from collections import namedtuple
from pathlib import Path

import pytest
from PIL import Image

from utils import prepare_data as pd
from utils.datalib import artifacts, fetch, verify
from utils.datalib.checksums import read_sha256sums, sha256_file, write_sha256sums
from utils.datalib.fetch import Mirror
from utils.errors import DataToolError
from utils.settings import paths
from utils.settings.environment import MIRROR_VAR

shutil_usage = namedtuple("shutil_usage", "total used free")

# --------------------------------------------------------------------------- a tiny data set


def _jpeg_bytes(color: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (16, 12), color).save(buf, format="JPEG")
    return buf.getvalue()


TINY_FILES = {
    "train/ants/a1.jpg": _jpeg_bytes((200, 0, 0)),
    "train/ants/ant photos.jpg": _jpeg_bytes((150, 0, 0)),
    "train/bees/b1.jpg": _jpeg_bytes((0, 200, 0)),
    "val/ants/a2.jpg": _jpeg_bytes((0, 0, 200)),
    "val/bees/b2.jpg": _jpeg_bytes((200, 200, 0)),
}


def _make_zip(path: Path, files: dict[str, bytes], top: str | None = "hymenoptera_data") -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(f"{top}/{name}" if top else name, data)
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> dict[str, Path]:
    """A mirror holding a tiny data set, its manifest, and an empty data folder."""
    manifest = tmp_path / "manifest.sha256"
    write_sha256sums(manifest, {name: hashlib.sha256(data).hexdigest() for name, data in TINY_FILES.items()})
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    _make_zip(mirror / artifacts.DATASET_ZIP, TINY_FILES)
    zip_path = mirror / artifacts.DATASET_ZIP
    write_sha256sums(mirror / artifacts.MIRROR_SUMS, {zip_path.name: sha256_file(zip_path)})
    data = tmp_path / "data"
    data.mkdir()
    return {"manifest": manifest, "mirror": mirror, "data": data, "root": tmp_path}


def _prepare(tiny: dict[str, Path]) -> str:
    return fetch.prepare_dataset(tiny["data"], Mirror(tiny["mirror"]), manifest=tiny["manifest"],
                              url="file:///nonexistent/never-used.zip")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_dataset_from_mirror_then_nothing_to_do(tiny: dict[str, Path], monkeypatch) -> None:
    assert "copied from mirror" in _prepare(tiny)
    dataset = tiny["data"] / paths.DATASET_NAME
    assert verify.verify_dataset(dataset, tiny["manifest"]) == []
    assert (dataset / "train/ants/ant photos.jpg").read_bytes() == TINY_FILES["train/ants/ant photos.jpg"]
    before = {p: p.stat().st_mtime_ns for p in dataset.rglob("*")}

    def no_fetch(*args, **kwargs):
        raise AssertionError("a second run must not copy or download anything")

    monkeypatch.setattr(fetch, "_fetch", no_fetch)
    assert "nothing to do" in _prepare(tiny)
    assert before == {p: p.stat().st_mtime_ns for p in dataset.rglob("*")}
    assert [p.name for p in tiny["data"].iterdir()] == [paths.DATASET_NAME], "no temporary files left"


def test_damaged_file_is_named_then_repaired_alone(tiny: dict[str, Path]) -> None:
    _prepare(tiny)
    victim = tiny["data"] / paths.DATASET_NAME / "val/bees/b2.jpg"
    victim.write_bytes(b"\xff\xd8 garbage")
    (tiny["data"] / paths.DATASET_NAME / "val/ants/a2.jpg").unlink()
    problems = verify.verify_dataset(tiny["data"] / paths.DATASET_NAME, tiny["manifest"])
    assert problems == [f"missing: {victim.parent.parent / 'ants/a2.jpg'}",
                        f"changed: {victim} (sha256 differs from the manifest)"]
    assert "2 file(s) put in place" in _prepare(tiny)
    assert victim.read_bytes() == TINY_FILES["val/bees/b2.jpg"]


def test_extra_files_are_reported_but_kept(tiny: dict[str, Path]) -> None:
    _prepare(tiny)
    extra = tiny["data"] / paths.DATASET_NAME / "train/ants/mine.jpg"
    extra.write_bytes(b"x")
    assert verify.verify_dataset(tiny["data"] / paths.DATASET_NAME, tiny["manifest"]) == [
        f"extra: {extra} (not part of the data set; harmless, left alone)"]
    assert "nothing to do" in _prepare(tiny) and extra.exists()


def test_zip_without_top_folder_is_accepted(tiny: dict[str, Path]) -> None:
    _make_zip(tiny["mirror"] / artifacts.DATASET_ZIP, TINY_FILES, top=None)
    (tiny["mirror"] / artifacts.MIRROR_SUMS).unlink()
    _prepare(tiny)
    assert verify.verify_dataset(tiny["data"] / paths.DATASET_NAME, tiny["manifest"]) == []


def test_corrupted_mirror_copy_is_refused_and_nothing_changes(tiny: dict[str, Path]) -> None:
    _prepare(tiny)
    before = _snapshot(tiny["data"])
    (tiny["data"] / paths.DATASET_NAME / "train/bees/b1.jpg").unlink()  # force a fetch
    before.pop(f"{paths.DATASET_NAME}/train/bees/b1.jpg")
    zip_path = tiny["mirror"] / artifacts.DATASET_ZIP
    raw = bytearray(zip_path.read_bytes())
    raw[100] ^= 0xFF  # one flipped byte: SHA256SUMS no longer matches
    zip_path.write_bytes(bytes(raw))
    with pytest.raises(DataToolError, match=r"mirror.hymenoptera_data\.zip.*damaged"):
        _prepare(tiny)
    assert _snapshot(tiny["data"]) == before


def test_zip_with_the_wrong_content_is_refused(tiny: dict[str, Path]) -> None:
    wrong = dict(TINY_FILES, **{"val/bees/b2.jpg": _jpeg_bytes((1, 2, 3))})
    _make_zip(tiny["mirror"] / artifacts.DATASET_ZIP, wrong)
    (tiny["mirror"] / artifacts.MIRROR_SUMS).unlink()
    with pytest.raises(DataToolError, match="does not hold the expected data set"):
        _prepare(tiny)
    assert list(tiny["data"].iterdir()) == []


def test_truncated_zip_is_refused(tiny: dict[str, Path]) -> None:
    zip_path = tiny["mirror"] / artifacts.DATASET_ZIP
    zip_path.write_bytes(zip_path.read_bytes()[:200])
    (tiny["mirror"] / artifacts.MIRROR_SUMS).unlink()
    with pytest.raises(DataToolError, match="not a readable zip"):
        _prepare(tiny)
    assert list(tiny["data"].iterdir()) == []


@pytest.mark.parametrize("evil", ["hymenoptera_data/../../escaped.txt", "/tmp/escaped-abs.txt",
                                  "..\\escaped-win.txt", "C:/escaped-drive.txt"])
def test_zip_entry_escaping_the_target_is_refused_before_writing(tiny: dict[str, Path], evil: str) -> None:
    zip_path = tiny["mirror"] / artifacts.DATASET_ZIP
    with zipfile.ZipFile(zip_path, "a") as zf:
        zf.writestr(evil, b"owned")
    (tiny["mirror"] / artifacts.MIRROR_SUMS).unlink()
    with pytest.raises(DataToolError, match="outside the target folder") as err:
        _prepare(tiny)
    assert evil in str(err.value)
    assert not (tiny["root"] / "escaped.txt").exists() and not (tiny["data"] / "escaped.txt").exists()
    assert list(tiny["data"].iterdir()) == [], "nothing extracted, no temporary folder left"


def test_safe_extract_writes_inside_the_target(tmp_path: Path) -> None:
    zip_path = _make_zip(tmp_path / "ok.zip", {"a/b.txt": b"1"}, top="top")
    written = fetch.safe_extract(zip_path, tmp_path / "out")
    assert written == [tmp_path / "out/top/a/b.txt"] and written[0].read_bytes() == b"1"


# --------------------------------------------------------------------------- single files


def _artifact(tmp_path: Path, content: bytes = b'{"0": ["n0", "tench"]}') -> artifacts.FileArtifact:
    source = tmp_path / "upstream" / "index.json"
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(content)
    return artifacts.FileArtifact("index.json", source.as_uri(), hashlib.sha256(content).hexdigest())


def test_file_downloaded_verified_and_then_left_alone(tmp_path: Path, monkeypatch) -> None:
    artifact = _artifact(tmp_path)  # a file:// URL: the real download code, without a network
    data = tmp_path / "data"
    data.mkdir()
    assert "downloaded from" in fetch.prepare_file(artifact, data, mirror=None)
    assert sha256_file(data / "index.json") == artifact.sha256
    monkeypatch.setattr(fetch, "_fetch", lambda *a, **k: pytest.fail("fetched again"))
    assert "nothing to do" in fetch.prepare_file(artifact, data, mirror=None)


def test_file_with_the_wrong_checksum_is_not_kept(tmp_path: Path) -> None:
    artifact = _artifact(tmp_path)
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "index.json").write_bytes(b"tampered")
    data = tmp_path / "data"
    data.mkdir()
    with pytest.raises(DataToolError, match="index.json.*corrupted"):
        fetch.prepare_file(artifact, data, Mirror(mirror))
    assert list(data.iterdir()) == []


def test_failed_download_says_how_to_work_offline(tmp_path: Path) -> None:
    artifact = artifacts.FileArtifact("x.json", (tmp_path / "missing.json").as_uri(), "0" * 64)
    with pytest.raises(DataToolError, match="--mirror DIR or COURSE_DATA_MIRROR"):
        fetch.prepare_file(artifact, tmp_path, mirror=None)
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_during_a_download_is_not_called_offline(tmp_path: Path, monkeypatch) -> None:
    """ENOSPC while torch.hub writes the download is the disk's fault: the OSError goes on to the callers, which
    word it (the data tool: free space or COURSE_DATA_DIR; load_vgg16: TORCH_HOME), instead of "Offline?"."""
    import errno

    import torch.hub

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path))

    monkeypatch.setattr(torch.hub, "download_url_to_file", full)
    artifact = _artifact(tmp_path)
    with pytest.raises(OSError) as err:
        fetch.prepare_file(artifact, tmp_path, mirror=None)
    assert err.value.errno == errno.ENOSPC and not isinstance(err.value, DataToolError)


def test_a_wrong_mirror_path_is_harmless_until_a_file_is_needed(tmp_path: Path) -> None:
    gone = Mirror(tmp_path / "does-not-exist")
    with pytest.raises(DataToolError, match="does-not-exist does not exist, and x.zip is needed"):
        gone.get("x.zip")


# --------------------------------------------------------------------------- weights


def test_foreign_weights_in_a_mirror_are_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "vgg16-397923af.pth").write_bytes(b"not the checkpoint")
    with pytest.raises(DataToolError, match="vgg16-397923af.pth has sha256 .*, not 397923af.*different"):
        fetch.prefetch_weights(Mirror(mirror))
    assert not (tmp_path / "torch/hub/checkpoints/vgg16-397923af.pth").exists()


def test_weights_are_copied_from_a_mirror_into_the_hub_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    pretend = hashlib.sha256(b"pretend weights").hexdigest()[:8]
    monkeypatch.setattr(paths, "VGG16_SHA256_PREFIX", pretend)  # no real 528 MB file here
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "vgg16-397923af.pth").write_bytes(b"pretend weights")
    assert "copied from mirror" in fetch.prefetch_weights(Mirror(mirror))
    cached = tmp_path / "torch/hub/checkpoints/vgg16-397923af.pth"
    assert cached.read_bytes() == b"pretend weights"
    assert "nothing to do" in fetch.prefetch_weights(Mirror(mirror))


# --------------------------------------------------------------------------- the command line, real data


def test_help_lists_the_options(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        pd.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--mirror", "--weights", "--verify", "--export"):
        assert option in out


def test_export_then_prepare_from_it_then_verify_a_damage(dataset_dir: Path, tmp_path: Path,
                                                          monkeypatch, capsys) -> None:
    """The teacher's round trip with the real data: export a mirror, prepare a fresh folder from it."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))  # no weights cached: left out of the mirror
    monkeypatch.delenv(MIRROR_VAR, raising=False)
    mirror, data = tmp_path / "mirror", tmp_path / "data"
    assert pd.main(["--export", str(mirror)]) == 0
    sums = read_sha256sums(mirror / artifacts.MIRROR_SUMS)
    assert sorted(sums) == sorted([artifacts.DATASET_ZIP, artifacts.CLASS_INDEX.name, artifacts.DOG_PHOTO.name])
    assert all(sha256_file(mirror / name) == digest for name, digest in sums.items())

    capsys.readouterr()
    assert pd.main(["--data-dir", str(data), "--mirror", str(mirror)]) == 0
    assert capsys.readouterr().out.count("copied from mirror") == 3
    assert pd.main(["--data-dir", str(data), "--mirror", str(mirror)]) == 0
    assert capsys.readouterr().out.count("nothing to do") == 3

    assert pd.main(["--verify", "--data-dir", str(data)]) == 0
    victim = data / paths.DATASET_NAME / "val" / "ants" / sorted((data / "hymenoptera_data/val/ants").iterdir())[0].name
    victim.write_bytes(victim.read_bytes()[:-10])
    capsys.readouterr()
    assert pd.main(["--verify", "--data-dir", str(data)]) == 1
    out = capsys.readouterr().out
    assert f"changed: {victim}" in out and "1 problem(s)" in out


def test_verify_on_an_empty_folder_names_everything_missing(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    assert pd.main(["--verify", "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "hymenoptera_data (the whole data set)" in out
    assert "imagenet_class_index.json" in out and "goldenretriever-3724972_640.jpg" in out


def test_errors_are_one_line_with_exit_status_1(tmp_path: Path, capsys) -> None:
    assert pd.main(["--data-dir", str(tmp_path / "d"), "--mirror", str(tmp_path / "nope")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: mirror folder")


def test_a_mirror_with_weights_fills_the_hub_cache_too(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    pretend = hashlib.sha256(b"pretend weights").hexdigest()[:8]
    monkeypatch.setattr(paths, "VGG16_SHA256_PREFIX", pretend)  # no real 528 MB file here
    calls = []
    monkeypatch.setattr(pd, "prepare_dataset", lambda *a, **k: calls.append("dataset") or "dataset ok")
    monkeypatch.setattr(pd, "prepare_file", lambda *a, **k: "file ok")
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    assert pd.main(["--data-dir", str(tmp_path / "d"), "--mirror", str(mirror)]) == 0
    assert "vgg16" not in capsys.readouterr().out, "no weights in the mirror: nothing to say about them"
    (mirror / "vgg16-397923af.pth").write_bytes(b"pretend weights")
    assert pd.main(["--data-dir", str(tmp_path / "d"), "--mirror", str(mirror)]) == 0
    assert "copied from mirror" in capsys.readouterr().out
    assert (tmp_path / "torch/hub/checkpoints/vgg16-397923af.pth").read_bytes() == b"pretend weights"


# --------------------------------------------------------------------------- issue 9: faults and bad input


@pytest.fixture
def kit(tiny: dict[str, Path], dataset_dir: Path, monkeypatch, capsys):
    """The tiny data set prepared in ``data/`` plus the two real files; ``run(*args)`` calls main
    on it and returns ``(status, stdout, stderr)``."""
    for artifact in artifacts.FILE_ARTIFACTS:
        (tiny["data"] / artifact.name).write_bytes((dataset_dir.parent / artifact.name).read_bytes())
    monkeypatch.setattr(artifacts, "DATASET_MANIFEST", tiny["manifest"])
    monkeypatch.setenv("TORCH_HOME", str(tiny["root"] / "torch"))
    monkeypatch.delenv(MIRROR_VAR, raising=False)
    _prepare(tiny)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = pd.main(["--data-dir", str(tiny["data"]), *args])
        out, err = capsys.readouterr()
        return status, out, err.strip()

    tiny["run"] = run
    return tiny


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("error:") or "Traceback" in line]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_a_stale_mirror_or_bad_sums_do_not_matter_when_nothing_is_missing(kit) -> None:
    assert kit["run"]("--mirror", "/nonexistent/usb-stick")[0] == 0
    (kit["mirror"] / artifacts.MIRROR_SUMS).write_bytes(b"not a sums line\n\xff\xfe\n")
    assert kit["run"]("--mirror", str(kit["mirror"]))[0] == 0
    (kit["data"] / paths.DATASET_NAME / "val/bees/b2.jpg").unlink()  # now the mirror is needed
    status, _, err = kit["run"]("--mirror", str(kit["mirror"]))
    assert status == 1 and "SHA256SUMS" in _one_line(err) and "make mirror" in err
    status, _, err = kit["run"]("--mirror", "/nonexistent/usb-stick")
    assert status == 1 and "/nonexistent/usb-stick does not exist" in _one_line(err)


def test_extra_files_pass_verify_and_stay_out_of_the_export(kit) -> None:
    ds_store = kit["data"] / paths.DATASET_NAME / ".DS_Store"
    ds_store.write_bytes(b"\x00\x00\x00\x01Bud1")
    (kit["data"] / paths.DATASET_NAME / "train/ants/my notes.txt").write_text("ants have six legs")
    status, out, _ = kit["run"]("--verify")
    assert status == 0 and f"extra: {ds_store} (not part of the data set; harmless" in out
    assert kit["run"]("--export", str(kit["root"] / "out"))[0] == 0
    with zipfile.ZipFile(kit["root"] / "out" / artifacts.DATASET_ZIP) as zf:
        assert sorted(zf.namelist()) == sorted(f"{paths.DATASET_NAME}/{n}" for n in TINY_FILES)


def test_a_killed_run_leaves_nothing_the_next_run_keeps(kit) -> None:
    import signal
    import subprocess
    import sys

    hub = kit["root"] / "torch" / "hub" / "checkpoints"
    hub.mkdir(parents=True)
    code = ("import sys, time; from utils.datalib.atomic_write import fetch_dir\n"
            "with fetch_dir(sys.argv[1]) as a, fetch_dir(sys.argv[2]) as b:\n"
            "    (a / 'half.zip').write_bytes(b'x' * 1000); print('ready', flush=True); time.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", code, str(kit["data"]), str(hub)],
                             stdout=subprocess.PIPE, text=True, cwd=Path(pd.__file__).parents[1])
    assert child.stdout.readline().strip() == "ready"
    assert kit["run"]("--verify")[0] == 0, "a running fetch is not a problem"
    child.send_signal(signal.SIGKILL)
    child.wait()
    left = [*kit["data"].glob(".fetch-*"), *hub.glob(".fetch-*")]
    assert len(left) == 2
    assert kit["run"]("--verify")[0] == 0, "younger than a day: another run may still be using it"
    for p in left:
        os.utime(p, (time.time() - 2 * 86400,) * 2)
    status, out, _ = kit["run"]("--verify")
    assert status == 1 and all(f"leftover: {p}" in out for p in left)
    assert "Fix: `python -m utils.prepare_data`." in out
    assert kit["run"]()[0] == 0
    assert not [*kit["data"].glob(".fetch-*"), *hub.glob(".fetch-*")]
    assert kit["run"]("--verify")[0] == 0


def test_a_damaged_cached_checkpoint_is_fixed_by_the_recommended_command(kit, monkeypatch) -> None:
    good = b"pretend genuine weights"
    monkeypatch.setattr(paths, "VGG16_SHA256_PREFIX", hashlib.sha256(good).hexdigest()[:8])
    cached = kit["root"] / "torch/hub/checkpoints" / "vgg16-397923af.pth"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"<html>captive portal</html>")
    status, out, _ = kit["run"]("--verify")
    assert status == 1 and f"weights: {cached} is not the ImageNet checkpoint" in out
    assert "Fix: `python -m utils.prepare_data --weights`." in out
    (kit["mirror"] / "vgg16-397923af.pth").write_bytes(good)
    status, out, _ = kit["run"]("--weights", "--mirror", str(kit["mirror"]))
    assert status == 0 and "replacing a damaged copy" in out and cached.read_bytes() == good
    assert kit["run"]("--verify")[0] == 0


@pytest.mark.parametrize("err_no, expected", [
    (errno.EACCES, "permission denied: {victim}. Make it readable and writable for you"),
    (errno.EROFS, "{victim} is on a read-only disk: set COURSE_DATA_DIR=DIR to another folder"),
    (errno.ENOSPC, "the data set needs about 100 MB in {data}, the weights about 540 MB in {hub}. "
                   "Free some space there, or set COURSE_DATA_DIR=DIR to another folder"),
])
def test_errors_of_the_operating_system_are_one_line(kit, monkeypatch, err_no: int, expected: str) -> None:
    victim = kit["data"] / artifacts.CLASS_INDEX.name
    victim.unlink()

    def failing(src, dest, desc=None):  # ENOSPC strikes the temporary copy, the others the target
        raise OSError(err_no, os.strerror(err_no), str(dest if err_no == errno.ENOSPC else victim))

    monkeypatch.setattr(fetch, "copy_file", failing)
    (kit["mirror"] / artifacts.CLASS_INDEX.name).write_bytes(b"{}")
    status, _, err = kit["run"]("--mirror", str(kit["mirror"]))
    line = _one_line(err)
    assert status == 1
    if err_no == errno.ENOSPC:
        assert line.startswith(f"error: the disk holding {kit['data']} is full (")
        assert "free): " + expected.format(data=kit["data"], hub=artifacts.hub_checkpoints_dir()) in line
    else:
        assert line.startswith("error: " + expected.format(victim=victim))
    assert not list(kit["data"].glob(".fetch-*")), "no temporary folder left"


def test_a_read_only_data_folder_is_one_line(kit, monkeypatch) -> None:
    (kit["data"] / paths.DATASET_NAME / "val/bees/b2.jpg").unlink()

    def read_only(folder):  # what tempfile.mkdtemp raises there (as root, chmod would not stop it)
        raise PermissionError(errno.EACCES, "Permission denied", str(Path(folder) / ".fetch-7-abc"))

    monkeypatch.setattr(fetch, "fetch_dir", read_only)
    status, _, err = kit["run"]("--mirror", str(kit["mirror"]))
    assert status == 1 and f"permission denied: {kit['data']}. " in _one_line(err)


def test_too_little_free_space_says_how_much_and_where(kit, monkeypatch) -> None:
    (kit["data"] / paths.DATASET_NAME / "val/bees/b2.jpg").unlink()
    monkeypatch.setattr(fetch.shutil, "disk_usage", lambda p: shutil_usage(total=1 << 30, used=0, free=5 << 20))
    status, _, err = kit["run"]("--mirror", str(kit["mirror"]))
    assert status == 1 and f"error: the disk holding {kit['data']} is full (5 MiB free): the data set" in _one_line(err)
    assert "needs about 100 MB there" in err


def test_an_unreadable_file_is_one_line(kit, monkeypatch) -> None:
    victim = kit["data"] / paths.DATASET_NAME / "train/ants/a1.jpg"
    real = verify.sha256_file

    def sha(path):
        if Path(path) == victim:
            raise PermissionError(errno.EACCES, "Permission denied", str(victim))
        return real(path)

    monkeypatch.setattr(verify, "sha256_file", sha)
    status, _, err = kit["run"]()
    assert status == 1 and _one_line(err).startswith(f"error: permission denied: {victim}. ")


def _evil_zip(tiny: dict[str, Path], extra: list[zipfile.ZipInfo | tuple[str, bytes]]) -> None:
    zip_path = tiny["mirror"] / artifacts.DATASET_ZIP
    with zipfile.ZipFile(zip_path, "a") as zf:
        for item in extra:
            zf.writestr(*item) if isinstance(item, tuple) else zf.writestr(item, b"../../etc")
    (tiny["mirror"] / artifacts.MIRROR_SUMS).unlink()


def _symlink_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o120777 << 16)
    return info


@pytest.mark.parametrize("extra, expected", [
    ([("hymenoptera_data/train/ants/a1.jpg/inner.jpg", b"x")], "both as a file and as a folder"),
    ([_symlink_entry("hymenoptera_data/link")], "symbolic link 'hymenoptera_data/link'"),
    ([("hymenoptera_data/zeros.bin", bytes(fetch.MAX_ENTRY_BYTES + 1))], "far more than the data set"),
])
def test_odd_zips_are_refused_before_writing(tiny: dict[str, Path], extra, expected: str) -> None:
    _evil_zip(tiny, extra)
    with pytest.raises(DataToolError, match=expected) as err:
        _prepare(tiny)
    assert "\n" not in str(err.value) and str(tiny["mirror"] / artifacts.DATASET_ZIP) in str(err.value)
    assert list(tiny["data"].iterdir()) == [], "nothing extracted, no temporary folder left"


def test_a_total_far_beyond_the_data_set_is_refused(tiny: dict[str, Path], monkeypatch) -> None:
    monkeypatch.setattr(fetch, "MAX_TOTAL_BYTES", 1000)  # the tiny set is about 3 kB
    with pytest.raises(DataToolError, match="far more than the data set"):
        _prepare(tiny)
    assert list(tiny["data"].iterdir()) == []


def test_messages_name_the_real_file_and_the_real_fix(kit) -> None:
    (kit["data"] / paths.DATASET_NAME / "val/bees/b2.jpg").unlink()
    (kit["mirror"] / artifacts.DATASET_ZIP).unlink()  # a mirror without the zip, and no network
    status, _, err = kit["run"]("--mirror", str(kit["mirror"]))
    line = _one_line(err)
    assert status == 1 and f"The mirror {kit['mirror']} has no {artifacts.DATASET_ZIP}" in line
    assert "Offline?" not in line
    wrong = dict(TINY_FILES, **{"val/bees/b2.jpg": b"not a bee"})  # a damaged mirror zip
    _make_zip(kit["mirror"] / artifacts.DATASET_ZIP, wrong)
    (kit["mirror"] / artifacts.MIRROR_SUMS).unlink()
    status, _, err = kit["run"]("--mirror", str(kit["mirror"]))
    line = _one_line(err)
    assert f"{kit['mirror'] / artifacts.DATASET_ZIP} does not hold the expected data set" in line
    assert ".fetch-" not in line and "changed val/bees/b2.jpg" in line
    _make_zip(kit["mirror"] / artifacts.DATASET_ZIP, TINY_FILES)
    (kit["mirror"] / artifacts.DOG_PHOTO.name).write_bytes(b"a damaged photo")
    write_sha256sums(kit["mirror"] / artifacts.MIRROR_SUMS, {artifacts.DOG_PHOTO.name: "0" * 64})
    (kit["data"] / artifacts.DOG_PHOTO.name).unlink()
    status, out, err = kit["run"]("--mirror", str(kit["mirror"]))
    assert "1 file(s) put in place" in out and "Nothing was changed" not in err
    assert f"mirror file {kit['mirror'] / artifacts.DOG_PHOTO.name} does not match" in _one_line(err)


def test_hub_folder_is_worked_out_as_torch_does(tmp_path: Path, monkeypatch) -> None:
    import torch

    for var, value in (("TORCH_HOME", tmp_path / "th"), ("XDG_CACHE_HOME", tmp_path / "xdg")):
        monkeypatch.delenv("TORCH_HOME", raising=False)
        monkeypatch.setenv(var, str(value))
        assert artifacts.hub_checkpoints_dir() == Path(torch.hub.get_dir()) / "checkpoints"


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch, capsys) -> None:
    from utils import prepare_data

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(prepare_data, "_run", stopped)
    assert prepare_data.main([]) == 130
    err = capsys.readouterr().err
    assert err.startswith("interrupted: nothing half-fetched was kept") and len(err.splitlines()) == 1
