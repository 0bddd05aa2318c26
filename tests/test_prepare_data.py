"""The data tool against mirrors built here: good, corrupted, unsafe, and the real data exported."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from utils import prepare_data as pd
from utils.checksums import read_sha256sums, sha256_file, write_sha256sums

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
    _make_zip(mirror / pd.DATASET_ZIP, TINY_FILES)
    write_sha256sums(mirror / pd.MIRROR_SUMS, {pd.DATASET_ZIP: sha256_file(mirror / pd.DATASET_ZIP)})
    data = tmp_path / "data"
    data.mkdir()
    return {"manifest": manifest, "mirror": mirror, "data": data, "root": tmp_path}


def _prepare(tiny: dict[str, Path]) -> str:
    return pd.prepare_dataset(tiny["data"], pd.Mirror(tiny["mirror"]), manifest=tiny["manifest"],
                              url="file:///nonexistent/never-used.zip")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_dataset_from_mirror_then_nothing_to_do(tiny: dict[str, Path], monkeypatch) -> None:
    assert "copied from mirror" in _prepare(tiny)
    dataset = tiny["data"] / pd.DATASET_NAME
    assert pd.verify_dataset(dataset, tiny["manifest"]) == []
    assert (dataset / "train/ants/ant photos.jpg").read_bytes() == TINY_FILES["train/ants/ant photos.jpg"]
    before = {p: p.stat().st_mtime_ns for p in dataset.rglob("*")}

    def no_fetch(*args, **kwargs):
        raise AssertionError("a second run must not copy or download anything")

    monkeypatch.setattr(pd, "_fetch", no_fetch)
    assert "nothing to do" in _prepare(tiny)
    assert before == {p: p.stat().st_mtime_ns for p in dataset.rglob("*")}
    assert [p.name for p in tiny["data"].iterdir()] == [pd.DATASET_NAME], "no temporary files left"


def test_damaged_file_is_named_then_repaired_alone(tiny: dict[str, Path]) -> None:
    _prepare(tiny)
    victim = tiny["data"] / pd.DATASET_NAME / "val/bees/b2.jpg"
    victim.write_bytes(b"\xff\xd8 garbage")
    (tiny["data"] / pd.DATASET_NAME / "val/ants/a2.jpg").unlink()
    problems = pd.verify_dataset(tiny["data"] / pd.DATASET_NAME, tiny["manifest"])
    assert problems == [f"missing: {victim.parent.parent / 'ants/a2.jpg'}",
                        f"changed: {victim} (sha256 differs from the manifest)"]
    assert "2 file(s) put in place" in _prepare(tiny)
    assert victim.read_bytes() == TINY_FILES["val/bees/b2.jpg"]


def test_extra_files_are_reported_but_kept(tiny: dict[str, Path]) -> None:
    _prepare(tiny)
    extra = tiny["data"] / pd.DATASET_NAME / "train/ants/mine.jpg"
    extra.write_bytes(b"x")
    assert pd.verify_dataset(tiny["data"] / pd.DATASET_NAME, tiny["manifest"]) == [
        f"extra: {extra} (not part of the data set; harmless, left alone)"]
    assert "nothing to do" in _prepare(tiny) and extra.exists()


def test_zip_without_top_folder_is_accepted(tiny: dict[str, Path]) -> None:
    _make_zip(tiny["mirror"] / pd.DATASET_ZIP, TINY_FILES, top=None)
    (tiny["mirror"] / pd.MIRROR_SUMS).unlink()
    _prepare(tiny)
    assert pd.verify_dataset(tiny["data"] / pd.DATASET_NAME, tiny["manifest"]) == []


def test_corrupted_mirror_copy_is_refused_and_nothing_changes(tiny: dict[str, Path]) -> None:
    _prepare(tiny)
    before = _snapshot(tiny["data"])
    (tiny["data"] / pd.DATASET_NAME / "train/bees/b1.jpg").unlink()  # force a fetch
    before.pop(f"{pd.DATASET_NAME}/train/bees/b1.jpg")
    zip_path = tiny["mirror"] / pd.DATASET_ZIP
    raw = bytearray(zip_path.read_bytes())
    raw[100] ^= 0xFF  # one flipped byte: SHA256SUMS no longer matches
    zip_path.write_bytes(bytes(raw))
    with pytest.raises(pd.DataToolError, match=r"mirror.hymenoptera_data\.zip.*damaged"):
        _prepare(tiny)
    assert _snapshot(tiny["data"]) == before


def test_zip_with_the_wrong_content_is_refused(tiny: dict[str, Path]) -> None:
    wrong = dict(TINY_FILES, **{"val/bees/b2.jpg": _jpeg_bytes((1, 2, 3))})
    _make_zip(tiny["mirror"] / pd.DATASET_ZIP, wrong)
    (tiny["mirror"] / pd.MIRROR_SUMS).unlink()
    with pytest.raises(pd.DataToolError, match="does not hold the expected data set"):
        _prepare(tiny)
    assert list(tiny["data"].iterdir()) == []


def test_truncated_zip_is_refused(tiny: dict[str, Path]) -> None:
    zip_path = tiny["mirror"] / pd.DATASET_ZIP
    zip_path.write_bytes(zip_path.read_bytes()[:200])
    (tiny["mirror"] / pd.MIRROR_SUMS).unlink()
    with pytest.raises(pd.DataToolError, match="not a readable zip"):
        _prepare(tiny)
    assert list(tiny["data"].iterdir()) == []


@pytest.mark.parametrize("evil", ["hymenoptera_data/../../escaped.txt", "/tmp/escaped-abs.txt",
                                  "..\\escaped-win.txt", "C:/escaped-drive.txt"])
def test_zip_entry_escaping_the_target_is_refused_before_writing(tiny: dict[str, Path], evil: str) -> None:
    zip_path = tiny["mirror"] / pd.DATASET_ZIP
    with zipfile.ZipFile(zip_path, "a") as zf:
        zf.writestr(evil, b"owned")
    (tiny["mirror"] / pd.MIRROR_SUMS).unlink()
    with pytest.raises(pd.DataToolError, match="outside the target folder") as err:
        _prepare(tiny)
    assert evil in str(err.value)
    assert not (tiny["root"] / "escaped.txt").exists() and not (tiny["data"] / "escaped.txt").exists()
    assert list(tiny["data"].iterdir()) == [], "nothing extracted, no temporary folder left"


def test_safe_extract_writes_inside_the_target(tmp_path: Path) -> None:
    zip_path = _make_zip(tmp_path / "ok.zip", {"a/b.txt": b"1"}, top="top")
    written = pd.safe_extract(zip_path, tmp_path / "out")
    assert written == [tmp_path / "out/top/a/b.txt"] and written[0].read_bytes() == b"1"


# --------------------------------------------------------------------------- single files


def _artifact(tmp_path: Path, content: bytes = b'{"0": ["n0", "tench"]}') -> pd.FileArtifact:
    source = tmp_path / "upstream" / "index.json"
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(content)
    return pd.FileArtifact("index.json", source.as_uri(), hashlib.sha256(content).hexdigest())


def test_file_downloaded_verified_and_then_left_alone(tmp_path: Path, monkeypatch) -> None:
    artifact = _artifact(tmp_path)  # a file:// URL: the real download code, without a network
    data = tmp_path / "data"
    data.mkdir()
    assert "downloaded from" in pd.prepare_file(artifact, data, mirror=None)
    assert sha256_file(data / "index.json") == artifact.sha256
    monkeypatch.setattr(pd, "_fetch", lambda *a, **k: pytest.fail("fetched again"))
    assert "nothing to do" in pd.prepare_file(artifact, data, mirror=None)


def test_file_with_the_wrong_checksum_is_not_kept(tmp_path: Path) -> None:
    artifact = _artifact(tmp_path)
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "index.json").write_bytes(b"tampered")
    data = tmp_path / "data"
    data.mkdir()
    with pytest.raises(pd.DataToolError, match="index.json.*corrupted"):
        pd.prepare_file(artifact, data, pd.Mirror(mirror))
    assert list(data.iterdir()) == []


def test_failed_download_says_how_to_work_offline(tmp_path: Path) -> None:
    artifact = pd.FileArtifact("x.json", (tmp_path / "missing.json").as_uri(), "0" * 64)
    with pytest.raises(pd.DataToolError, match="--mirror DIR or COURSE_DATA_MIRROR"):
        pd.prepare_file(artifact, tmp_path, mirror=None)
    assert list(tmp_path.iterdir()) == []


def test_mirror_from_the_environment_and_a_wrong_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(pd.MIRROR_ENV_VAR, str(tmp_path))
    assert pd.resolve_mirror(None).root == tmp_path
    monkeypatch.delenv(pd.MIRROR_ENV_VAR)
    assert pd.resolve_mirror(None) is None
    gone = pd.resolve_mirror(tmp_path / "does-not-exist")  # harmless until a file is needed from it
    with pytest.raises(pd.DataToolError, match="does-not-exist does not exist, and x.zip is needed"):
        gone.get("x.zip")


# --------------------------------------------------------------------------- weights


def test_foreign_weights_in_a_mirror_are_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "vgg16-397923af.pth").write_bytes(b"not the checkpoint")
    with pytest.raises(pd.DataToolError, match="not the ImageNet checkpoint"):
        pd.prefetch_weights(pd.Mirror(mirror))
    assert not (tmp_path / "torch/hub/checkpoints/vgg16-397923af.pth").exists()


def test_weights_are_copied_from_a_mirror_into_the_hub_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.setattr(pd, "weights_genuine", lambda digest: True)  # no real 528 MB file here
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "vgg16-397923af.pth").write_bytes(b"pretend weights")
    assert "copied from mirror" in pd.prefetch_weights(pd.Mirror(mirror))
    cached = tmp_path / "torch/hub/checkpoints/vgg16-397923af.pth"
    assert cached.read_bytes() == b"pretend weights"
    assert "nothing to do" in pd.prefetch_weights(pd.Mirror(mirror))


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
    monkeypatch.delenv(pd.MIRROR_ENV_VAR, raising=False)
    mirror, data = tmp_path / "mirror", tmp_path / "data"
    assert pd.main(["--export", str(mirror)]) == 0
    sums = read_sha256sums(mirror / pd.MIRROR_SUMS)
    assert sorted(sums) == sorted([pd.DATASET_ZIP, pd.CLASS_INDEX.name, pd.DOG_PHOTO.name])
    assert all(sha256_file(mirror / name) == digest for name, digest in sums.items())

    capsys.readouterr()
    assert pd.main(["--data-dir", str(data), "--mirror", str(mirror)]) == 0
    assert capsys.readouterr().out.count("copied from mirror") == 3
    assert pd.main(["--data-dir", str(data), "--mirror", str(mirror)]) == 0
    assert capsys.readouterr().out.count("nothing to do") == 3

    assert pd.main(["--verify", "--data-dir", str(data)]) == 0
    victim = data / pd.DATASET_NAME / "val" / "ants" / sorted((data / "hymenoptera_data/val/ants").iterdir())[0].name
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
    monkeypatch.setattr(pd, "weights_genuine", lambda digest: True)  # no real 528 MB file here
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
