"""Loading VGG16 weights: a pre-seeded hub cache without network, the offline message, the stand-in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from utils.datalib.artifacts import is_genuine_sha256, weights_path, weights_url
from utils.pretrained_vgg import (
    VGG16_NUM_PARAMETERS,
    WEIGHTS,
    WeightsInfo,
    WeightsUnavailableError,
    load_vgg16,
    make_standin_vgg16,
)
from utils.settings import paths
from utils.settings.paths import VGG16_CHECKPOINT_FILENAME
from utils.support.checkpoints import CheckpointError
from utils.settings.language import display_width


@pytest.fixture(scope="module")
def seeded_torch_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A torch hub cache holding a RANDOM-weight VGG16 under the ImageNet file name (a stand-in)."""
    home = tmp_path_factory.mktemp("torch_home")
    path = home / "hub" / "checkpoints" / VGG16_CHECKPOINT_FILENAME
    path.parent.mkdir(parents=True)
    torch.save(make_standin_vgg16(seed=5).state_dict(), path)
    return home


def test_names_follow_torchvision() -> None:
    assert weights_url() == WEIGHTS.url
    assert Path(WEIGHTS.url).name == VGG16_CHECKPOINT_FILENAME  # what torchvision downloads and looks for
    assert paths.VGG16_SHA256_PREFIX == "397923af"
    assert f"vgg16-{paths.VGG16_SHA256_PREFIX}.pth" == VGG16_CHECKPOINT_FILENAME
    assert is_genuine_sha256("397923AF" + "0" * 56) and not is_genuine_sha256("0" * 64)


def test_hub_path_honours_torch_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    assert weights_path() == tmp_path / "hub" / "checkpoints" / VGG16_CHECKPOINT_FILENAME


def test_one_prefix_decides_genuine_for_the_loader_and_the_data_tool(seeded_torch_home: Path, monkeypatch) -> None:
    from utils.datalib.checksums import cached_sha256
    from utils.datalib.verify import verify_all

    monkeypatch.setenv("TORCH_HOME", str(seeded_torch_home))
    monkeypatch.setattr(paths, "VGG16_SHA256_PREFIX", cached_sha256(weights_path())[:8])  # the stand-in passes
    assert load_vgg16(False, progress=False, verbose=False)[1].genuine
    assert not [p for p in verify_all(seeded_torch_home / "no-data") if p.startswith("weights")]


def test_preseeded_cache_loads_without_network_and_is_flagged(seeded_torch_home: Path, monkeypatch,
                                                              capsys) -> None:
    from utils.datalib import checksums

    monkeypatch.setenv("TORCH_HOME", str(seeded_torch_home))  # the no_network fixture blocks sockets
    checksums.sha256_cache_path(weights_path()).unlink(missing_ok=True)  # another test may have hashed it
    hashed = []
    real = checksums.sha256_file
    monkeypatch.setattr(checksums, "sha256_file", lambda p: hashed.append(p) or real(p))
    _, first = load_vgg16(False, progress=False, verbose=False)
    net, info = load_vgg16(False, progress=False)
    assert info.sha256 == first.sha256 == real(info.path) and len(hashed) == 1, "hashed once per file"
    assert info.source == "checkpoint" and info.path == weights_path()
    assert not info.genuine and info.sha256 and not info.sha256.startswith(paths.VGG16_SHA256_PREFIX)
    out = capsys.readouterr().out
    assert "NOT THE IMAGENET CHECKPOINT" in out and str(info.path) in out
    expected = make_standin_vgg16(seed=5).state_dict()
    assert net.state_dict().keys() == expected.keys()
    for name, tensor in net.state_dict().items():  # every tensor, not a random one left from the skeleton
        assert torch.equal(tensor, expected[name]), f"{name} must come from the cache file"
    assert all(p.device.type == "cpu" and p.requires_grad for p in net.parameters()), "no meta tensor left"
    assert sum(p.numel() for p in net.parameters()) == VGG16_NUM_PARAMETERS
    rng = torch.get_rng_state()
    load_vgg16(False, progress=False, verbose=False)
    assert torch.equal(rng, torch.get_rng_state()), "loading draws no random numbers"


def test_offline_without_cache_gives_an_actionable_message(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(WeightsUnavailableError) as err:
        load_vgg16(False, progress=False, verbose=False)
    message = str(err.value)
    assert "prepare_data --weights" in message and str(tmp_path / "hub" / "checkpoints") in message
    assert "COURSE_SMOKE=1" in message
    assert not (tmp_path / "hub" / "checkpoints" / VGG16_CHECKPOINT_FILENAME).exists()


def test_smoke_mode_offline_uses_a_labelled_deterministic_standin(tmp_path: Path, monkeypatch,
                                                                   capsys) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    net, info = load_vgg16(True, progress=False)
    assert info.source == "standin" and not info.genuine and info.path is None
    out = capsys.readouterr().out
    assert "STAND-IN WEIGHTS" in out
    flat = " ".join(out.split())
    assert "No weights, so smoke mode goes on with a random stand-in: could not download" in flat
    assert " ".join(info.why.split()) in flat and info.describe() in out  # notebooks print describe()
    lines = info.describe().splitlines()
    assert max(map(display_width, lines)) <= 88, "short lines: a long one wraps mid-word in JupyterLab"
    assert torch.equal(net.classifier[6].weight, make_standin_vgg16().classifier[6].weight)


def test_standin_leaves_the_global_random_state_alone() -> None:
    torch.manual_seed(0)
    expected = torch.rand(2)
    torch.manual_seed(0)
    make_standin_vgg16(seed=9)
    assert torch.equal(torch.rand(2), expected)


@pytest.mark.parametrize("damage", ["truncated", "foreign"])
def test_broken_cached_file_names_the_file_and_the_fix(seeded_torch_home: Path, tmp_path: Path,
                                                       monkeypatch, damage: str) -> None:
    path = tmp_path / "hub" / "checkpoints" / VGG16_CHECKPOINT_FILENAME
    path.parent.mkdir(parents=True)
    if damage == "truncated":
        good = seeded_torch_home / "hub" / "checkpoints" / VGG16_CHECKPOINT_FILENAME
        with open(good, "rb") as fh:
            path.write_bytes(fh.read(5_000_000))
    else:
        torch.save(torch.nn.Linear(2, 2).state_dict(), path)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(CheckpointError) as err:
        load_vgg16(True, progress=False, verbose=False)  # even smoke mode must not hide this
    assert str(path) in str(err.value) and "delete it" in str(err.value)


def test_label_says_which_weights() -> None:
    genuine = WeightsInfo(source="checkpoint", path=Path("x.pth"), sha256="397923af" + "0" * 56, genuine=True)
    foreign = WeightsInfo(source="checkpoint", path=Path("x.pth"), sha256="deadbeef" + "0" * 56, genuine=False)
    standin = WeightsInfo(source="standin", path=None, sha256=None, genuine=False)
    assert genuine.label == "ImageNet weights"
    assert "meaningless" in foreign.label and "NOT" in foreign.label
    assert "STAND-IN" in standin.label


def _cached_file(home: Path) -> Path:
    path = home / "hub" / "checkpoints" / VGG16_CHECKPOINT_FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("content, expected", [
    ("portal", "could not be read as a PyTorch checkpoint"),
    ("pickle", "was refused as unsafe"),
    ("two_classes", "holds a different head: classifier.6.weight has 2 outputs in the file, 1000"),
])
def test_a_bad_cached_file_is_one_clear_error(tmp_path: Path, monkeypatch, content: str,
                                              expected: str) -> None:
    path = _cached_file(tmp_path)
    if content == "portal":  # a captive portal's page saved under the weights' name
        path.write_bytes(b"<!DOCTYPE html><html><body>Please log in to the Wi-Fi</body></html>\n")
    elif content == "pickle":
        torch.save(torch.nn.Linear(2, 2), path)
    else:
        net = make_standin_vgg16()
        net.classifier[6] = torch.nn.Linear(4096, 2)
        torch.save(net.state_dict(), path)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(CheckpointError) as err:
        load_vgg16(True, progress=False, verbose=False)
    message = str(err.value)
    assert message.startswith(f"{path} ") and expected in message and "\n" not in message
    assert "delete it, then run `make weights`" in message


def test_the_hash_cache_is_keyed_by_size_and_mtime(tmp_path: Path, monkeypatch) -> None:
    from utils.datalib import checksums

    calls = []
    real = checksums.sha256_file
    monkeypatch.setattr(checksums, "sha256_file", lambda p: calls.append(p) or real(p))
    path = tmp_path / "big.pth"
    path.write_bytes(b"one")
    assert checksums.cached_sha256(path) == checksums.cached_sha256(path) == real(path)
    assert len(calls) == 1
    path.write_bytes(b"two")  # replaced: other size and mtime
    assert checksums.cached_sha256(path) == real(path) and len(calls) == 2
    checksums.sha256_cache_path(path).write_text("{not json")  # a damaged cache: just hash again
    assert checksums.cached_sha256(path) == real(path) and len(calls) == 3


def test_an_interrupted_download_leaves_nothing_the_next_run_keeps(tmp_path: Path, monkeypatch) -> None:
    checkpoints = _cached_file(tmp_path).parent
    dead = checkpoints / ".fetch-999999999-abc"  # a folder of a process that no longer exists
    dead.mkdir()
    (dead / f"{VGG16_CHECKPOINT_FILENAME}.1234.partial").write_bytes(b"half")
    os.utime(dead, (0, 0))  # unchanged for over a day: a leftover (the age rule)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(WeightsUnavailableError):
        load_vgg16(False, progress=False, verbose=False)  # offline: the download fails
    assert list(checkpoints.iterdir()) == []


def test_an_unwritable_hub_cache_is_one_line_and_smoke_mode_goes_on(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where TORCH_HOME's hub/ folder would have to go")
    monkeypatch.setenv("TORCH_HOME", str(blocker))
    with pytest.raises(WeightsUnavailableError) as err:  # once a raw FileExistsError/NotADirectoryError
        load_vgg16(False, progress=False, verbose=False)
    assert "cannot be written" in str(err.value) and "TORCH_HOME" in str(err.value)
    net, info = load_vgg16(True, progress=False, verbose=False)
    assert info.source == "standin" and "cannot be written" in info.describe()


def test_too_little_space_for_the_download_is_one_line_and_smoke_mode_goes_on(tmp_path: Path, monkeypatch) -> None:
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda folder: usage(1 << 30, 1 << 30, 10 << 20))  # 10 MiB free
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(WeightsUnavailableError) as err:  # once the data tool's own error, a raw traceback
        load_vgg16(False, progress=False, verbose=False)
    assert "10 MiB free" in str(err.value) and "TORCH_HOME" in str(err.value)
    net, info = load_vgg16(True, progress=False, verbose=False)
    assert info.source == "standin" and "10 MiB free" in " ".join(info.describe().split())


def test_an_offline_classroom_copies_the_weights_from_course_data_mirror(seeded_torch_home: Path, tmp_path: Path,
                                                                         monkeypatch) -> None:
    from utils.datalib.checksums import sha256_file

    checkpoint = seeded_torch_home / "hub" / "checkpoints" / VGG16_CHECKPOINT_FILENAME
    mirror = tmp_path / "usb"
    mirror.mkdir()
    (mirror / VGG16_CHECKPOINT_FILENAME).write_bytes(checkpoint.read_bytes())
    digest = sha256_file(checkpoint)
    (mirror / "SHA256SUMS").write_text(f"{digest}  {VGG16_CHECKPOINT_FILENAME}\n")
    monkeypatch.setattr(paths, "VGG16_SHA256_PREFIX", digest[:8])  # the stand-in counts as genuine here
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "empty_home"))
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(mirror))  # the no_network fixture blocks any download
    net, info = load_vgg16(False, progress=False, verbose=False)
    assert info.source == "checkpoint" and info.genuine and weights_path().is_file()
    assert weights_path().parent == tmp_path / "empty_home" / "hub" / "checkpoints"
