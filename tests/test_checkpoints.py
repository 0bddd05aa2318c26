"""Tests for utils.support.checkpoints: atomic save, safe load, and clear errors for bad files."""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path

import pytest
import torch
from torch import nn

from utils.settings.paths import CoursePaths
from utils.support.checkpoints import (
    CheckpointError,
    keep_earlier_file,
    load_state_dict,
    save_state_dict,
)


def tiny_net(num_classes: int = 2, seed: int = 0) -> nn.Module:
    """A VGG16-shaped toy with ``features`` and ``classifier`` (layer 6 is the head)."""
    torch.manual_seed(seed)
    return nn.Sequential(OrderedDict(
        features=nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)),
        flatten=nn.Flatten(),
        classifier=nn.Sequential(nn.Linear(64, 8), nn.ReLU(), nn.Dropout(0.5),
                                 nn.Linear(8, 8), nn.ReLU(), nn.Dropout(0.5),
                                 nn.Linear(8, num_classes)),
    ))


@pytest.fixture()
def saved(tmp_path: Path) -> tuple[nn.Module, Path]:
    net = tiny_net(seed=1)
    return net, save_state_dict(net, tmp_path / "weights" / "net.pth")


def test_round_trip_gives_identical_outputs(saved: tuple[nn.Module, Path]) -> None:
    net, path = saved
    fresh = tiny_net(seed=2)
    x = torch.randn(5, 3, 8, 8)
    net.eval(), fresh.eval()
    assert not torch.equal(fresh(x), net(x))  # a fresh model really differs before loading
    assert load_state_dict(fresh, path) is fresh
    assert torch.equal(fresh(x), net(x))
    for (name, a), (_, b) in zip(net.state_dict().items(), fresh.state_dict().items(), strict=True):
        assert torch.equal(a, b), name


def test_save_creates_the_folder_and_leaves_no_temporary_file(saved: tuple[nn.Module, Path]) -> None:
    _, path = saved
    assert path.is_file()
    assert [p.name for p in path.parent.iterdir()] == ["net.pth"]


def test_a_failed_save_keeps_the_old_file_and_leaves_no_debris(saved: tuple[nn.Module, Path],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _, path = saved
    good = path.read_bytes()

    def broken_save(obj, f, *args, **kwargs):
        f.write(b"PK\x03\x04 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_state_dict(tiny_net(seed=3), path)
    assert path.read_bytes() == good
    assert [p.name for p in path.parent.iterdir()] == ["net.pth"]


def test_saved_file_gets_the_usual_permissions(saved: tuple[nn.Module, Path]) -> None:
    _, path = saved
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not a private 0600 temp file


def test_map_location_as_in_the_book(saved: tuple[nn.Module, Path]) -> None:
    net, path = saved
    fresh = load_state_dict(tiny_net(seed=2), path, map_location={"cuda:0": "cpu"})
    assert all(p.device.type == "cpu" for p in fresh.parameters())
    fresh = load_state_dict(tiny_net(seed=2), path, map_location=torch.device("cpu"))
    assert torch.equal(fresh.classifier[6].weight, net.classifier[6].weight)


def test_missing_file_names_the_path_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "never_saved.pth"
    with pytest.raises(CheckpointError, match="never_saved.pth") as err:
        load_state_dict(tiny_net(), path)
    assert "save" in str(err.value)


def test_truncated_file_is_a_clear_error(saved: tuple[nn.Module, Path]) -> None:
    _, path = saved
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="truncated") as err:
        load_state_dict(tiny_net(), path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize("content", [b"", b"this is a text file, not weights\n", b"\x80\x02K\x01."])
def test_a_file_that_is_not_a_checkpoint_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.pth"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match="notes.pth"):
        load_state_dict(tiny_net(), path)


def test_a_pickled_object_is_refused_as_unsafe_without_running_its_code(tmp_path: Path) -> None:
    path = tmp_path / "whole_model.pth"
    torch.save(tiny_net(), path)  # the whole module, not its state_dict: needs full unpickling
    net = tiny_net(seed=5)
    before = net.classifier[6].weight.detach().clone()
    with pytest.raises(CheckpointError, match="whole_model.pth was refused as unsafe") as err:
        load_state_dict(net, path)
    assert "truncated" not in str(err.value) and "Sequential" in str(err.value)
    assert torch.equal(net.classifier[6].weight, before)


def test_a_container_that_is_not_a_state_dict_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.pth"
    torch.save([torch.zeros(2), torch.ones(2)], path)
    with pytest.raises(CheckpointError, match="not a state_dict"):
        load_state_dict(tiny_net(), path)


def test_another_head_is_named_as_such_and_nothing_is_half_loaded(tmp_path: Path) -> None:
    path = save_state_dict(tiny_net(num_classes=1000), tmp_path / "imagenet_head.pth")
    net = tiny_net(num_classes=2, seed=4)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    with pytest.raises(CheckpointError) as err:
        load_state_dict(net, path)
    message = str(err.value)
    assert message == (f"{path} holds a different head: classifier.6.weight has 1000 outputs in the "
                       "file, 2 in this network. Fix: build the same model before loading (for the "
                       "course: VGG16 with classifier[6] = nn.Linear(4096, 2)), or load the right file.")
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())  # nothing half-loaded


def test_a_checkpoint_of_another_architecture_lists_missing_and_unexpected_keys(tmp_path: Path) -> None:
    other = nn.Sequential(OrderedDict(backbone=nn.Linear(4, 4), head=nn.Linear(4, 2)))
    path = save_state_dict(other, tmp_path / "other.pth")
    with pytest.raises(CheckpointError) as err:
        load_state_dict(tiny_net(), path)
    message = str(err.value)
    assert "other.pth was saved from a different architecture" in message and "\n" not in message
    assert 'Missing key(s) in state_dict: "features.0.weight"' in message
    assert 'Unexpected key(s) in state_dict: "backbone.weight"' in message


def test_saving_again_keeps_the_earlier_file_and_says_where(saved: tuple[nn.Module, Path],
                                                            capsys) -> None:
    _, path = saved
    first = path.read_bytes()
    os.utime(path, (1_700_000_000, 1_700_000_000))
    capsys.readouterr()
    save_state_dict(tiny_net(seed=7), path)
    backups = sorted(path.parent.glob("net.*.pth"))
    assert len(backups) == 1 and backups[0].read_bytes() == first
    assert path.read_bytes() != first
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and str(path) in out[0] and str(backups[0]) in out[0]
    os.utime(path, (1_700_000_000, 1_700_000_000))  # same timestamp again: a new name, no overwrite
    save_state_dict(tiny_net(seed=8), path)
    assert len(list(path.parent.glob("net.*.pth"))) == 2 and backups[0].read_bytes() == first


def test_keep_earlier_file_without_a_file_does_nothing(tmp_path: Path, capsys) -> None:
    assert keep_earlier_file(tmp_path / "none.pth") is None
    assert capsys.readouterr().out == "" and list(tmp_path.iterdir()) == []


def test_smoke_outputs_are_replaced_without_a_copy(tmp_path: Path, capsys) -> None:
    smoke = CoursePaths(tmp_path, tmp_path, tmp_path, smoke=True).weights_dir  # every smoke run: no pile of copies
    path = save_state_dict(tiny_net(seed=1), smoke / "w.pth")
    save_state_dict(tiny_net(seed=2), path)
    assert [p.name for p in smoke.iterdir()] == ["w.pth"] and capsys.readouterr().out == ""
