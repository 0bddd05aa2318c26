"""Tests for utils.support.checkpoints: atomic save, safe load, and clear errors for bad files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import OrderedDict
from pathlib import Path

import pytest
import torch
from torch import nn

from utils.datalib.atomic_write import KEEP_COPIES, earlier_copies, keep_earlier_file
from utils.settings.paths import CoursePaths
from utils.support.checkpoints import (
    CheckpointError,
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


def test_a_truncated_file_keeps_torchs_first_line(saved: tuple[nn.Module, Path]) -> None:
    _, path = saved
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CheckpointError, match=r"\(RuntimeError: PytorchStreamReader failed reading zip"):
        load_state_dict(tiny_net(), path)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a CUDA GPU")
def test_a_sound_file_loaded_onto_a_missing_gpu_is_not_called_corrupt(saved: tuple[nn.Module, Path]) -> None:
    _, path = saved
    with pytest.raises(CheckpointError) as err:
        load_state_dict(tiny_net(), path, map_location="cuda")
    message = str(err.value)
    assert "corrupt" not in message and 'map_location="cpu"' in message
    assert "Attempting to deserialize object on a CUDA device" in message  # torch's own first line


def test_a_file_from_a_newer_torch_is_not_called_corrupt(saved, monkeypatch) -> None:
    _, path = saved
    said = ("Attempted to read a PyTorch file with version 99, but the maximum supported version for "
            "reading is 20. Your PyTorch installation may be too old.")

    def newer(*args, **kwargs):
        raise RuntimeError(said)

    monkeypatch.setattr(torch, "load", newer)
    with pytest.raises(CheckpointError) as err:
        load_state_dict(tiny_net(), path)
    assert "corrupt" not in str(err.value) and "newer PyTorch" in str(err.value)
    assert said.splitlines()[0].split(". ")[0] in str(err.value)


def test_running_out_of_memory_is_not_blamed_on_the_file(saved, monkeypatch) -> None:
    _, path = saved

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(torch, "load", no_memory)
    with pytest.raises(MemoryError):
        load_state_dict(tiny_net(), path)


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
    out = capsys.readouterr().out
    assert out.startswith(f"Kept the earlier {path.name} as {backups[0].name}") and str(path.parent) in out
    os.utime(path, (1_700_000_000, 1_700_000_000))  # same timestamp again: a new name, no overwrite
    save_state_dict(tiny_net(seed=8), path)
    assert len(list(path.parent.glob("net.*.pth"))) == 2 and backups[0].read_bytes() == first


def test_keep_earlier_file_without_a_file_does_nothing(tmp_path: Path, capsys) -> None:
    assert keep_earlier_file(tmp_path / "none.pth") is None
    assert capsys.readouterr().out == "" and list(tmp_path.iterdir()) == []


def test_smoke_outputs_are_replaced_without_a_copy(tmp_path: Path, capsys) -> None:
    folder = CoursePaths(tmp_path, tmp_path, tmp_path, smoke=True).weights_dir  # every smoke run: no pile of copies
    path = save_state_dict(tiny_net(seed=1), folder / "w.pth")
    save_state_dict(tiny_net(seed=2), path)
    assert [p.name for p in folder.iterdir()] == ["w.pth"] and capsys.readouterr().out == ""


def test_saving_the_same_weights_again_keeps_no_copy(saved: tuple[nn.Module, Path], capsys) -> None:
    net, path = saved
    save_state_dict(net, path)
    assert earlier_copies(path) == [] and "identical" in capsys.readouterr().out


# --------------------------------------------------------------------------- two processes, one file

WRITER = """
import os, sys, torch
from pathlib import Path
from utils.datalib.atomic_write import keep_earlier_file
from utils.support.checkpoints import save_state_dict
path, who, n, how = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
net = torch.nn.Sequential(*[torch.nn.Linear(64, 64) for _ in range(8)])
for i in range(n):
    with torch.no_grad():
        for p in net.parameters():
            p.fill_(who * 1000 + i)
    if how == "save_state_dict":
        save_state_dict(net, path)
    else:  # the notebook's literal lines
        save_path = Path(path)
        tmp_path = save_path.with_name(f".{save_path.name}.{os.getpid()}.tmp")
        torch.save(net.state_dict(), tmp_path)
        keep_earlier_file(save_path, tmp_path)
        os.replace(tmp_path, save_path)
"""

READER = """
import os, sys, torch
path, stop = sys.argv[1], sys.argv[2]
while not os.path.exists(stop):
    try:
        state = torch.load(path, weights_only=True)
        print(len(state), *sorted({v for t in state.values() for v in t.unique().tolist()}), flush=True)
    except Exception as err:
        print("error", type(err).__name__, flush=True)
"""


@pytest.mark.parametrize("how", ["save_state_dict", "literal"])
def test_two_processes_saving_one_file_never_mix_and_a_reader_sees_whole_files(tmp_path: Path, how: str) -> None:
    """The issue's race: two kernels saving to the same path while a third process loads it (with a plain
    torch.save(net.state_dict(), path) about two reads in three fail here)."""
    path, stop, n = tmp_path / "weights" / "w.pth", tmp_path / "stop", 25
    repo = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    run = [sys.executable, "-c"]
    subprocess.run([*run, WRITER, str(path), "9", "1", "save_state_dict"], env=env, check=True, capture_output=True)
    reader = subprocess.Popen([*run, READER, str(path), str(stop)], env=env, stdout=subprocess.PIPE, text=True)
    writers = [subprocess.Popen([*run, WRITER, str(path), str(who), str(n), how], env=env, text=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for who in (1, 2)]
    errors = [w.communicate(timeout=300)[1] for w in writers]
    time.sleep(0.5)  # the reader sees the final file too
    stop.touch()
    reads = reader.communicate(timeout=60)[0].splitlines()
    assert [w.returncode for w in writers] == [0, 0], errors  # no FileNotFoundError from a rotation race
    written = {9000} | {who * 1000 + i for who in (1, 2) for i in range(n)}
    assert len(reads) > 5 and not [r for r in reads if r.startswith("error")], reads[:5]
    for line in reads:
        count, *values = line.split()
        assert count == "16" and len(values) == 1 and int(float(values[0])) in written, line  # one whole network
    final = torch.load(path, weights_only=True)
    assert len({v for t in final.values() for v in t.unique().tolist()}) == 1
    assert len(earlier_copies(path)) <= KEEP_COPIES, "no backup storm"
    assert [p.name for p in path.parent.glob(".*")] == [], "no temporary file left"


# --------------------------------------------------------------------------- checkpoints from elsewhere

def test_a_whole_pickled_model_gets_the_way_to_extract_its_weights_and_no_delete(tmp_path: Path) -> None:
    path = tmp_path / "their_model.pth"
    original = tiny_net(seed=6)
    torch.save(original, path)  # a whole model, as other courses save it
    with pytest.raises(CheckpointError) as err:
        load_state_dict(tiny_net(), path)
    message = str(err.value)
    assert "\n" not in message and "delete" not in message.lower() and "trust" in message
    (code,) = re.findall(r"`(torch\.save\(torch\.load.*?)`", message)
    exec(code, {"torch": torch})  # the advice, followed in a trusted session (this test made the file)
    extracted = tmp_path / "their_model_state_dict.pth"
    fresh = load_state_dict(tiny_net(seed=1), extracted)
    assert all(torch.equal(a, b) for a, b in zip(fresh.state_dict().values(), original.state_dict().values()))
    assert path.exists(), "the learner's file is untouched"


def _write_safetensors(path: Path) -> None:
    import json
    import struct

    header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 8)


@pytest.mark.parametrize("name", ["model.safetensors", "model.pth"])
def test_a_safetensors_file_is_recognised_not_called_corrupt(tmp_path: Path, name: str) -> None:
    import importlib.util

    if importlib.util.find_spec("safetensors") and name.endswith(".safetensors"):
        pytest.skip("safetensors is installed: torch.load reads this file itself")
    path = tmp_path / name
    _write_safetensors(path)
    with pytest.raises(CheckpointError) as err:
        load_state_dict(tiny_net(), path)
    message = str(err.value)
    assert f"{path} is a safetensors file" in message and "safetensors.torch.load_file" in message
    assert "corrupt" not in message and "delete" not in message
    if name.endswith(".safetensors"):  # PyTorch's own hint is kept
        assert "safetensors is not installed" in message


@pytest.mark.parametrize("wrap, prefix", [(nn.DataParallel, "module."), (torch.compile, "_orig_mod.")])
def test_a_wrappers_prefix_is_named_and_can_be_stripped(tmp_path: Path, wrap, prefix: str) -> None:
    original = tiny_net(seed=3)
    path = tmp_path / "wrapped.pth"
    torch.save(wrap(original).state_dict(), path)
    net = tiny_net(seed=4)
    with pytest.raises(CheckpointError) as err:
        load_state_dict(net, path)
    message = str(err.value)
    assert f"every key starts with {prefix!r}" in message and f"strip_prefix={prefix!r}" in message
    assert "different architecture" not in message
    load_state_dict(net, path, strip_prefix=prefix)
    assert torch.equal(net.classifier[6].weight, original.classifier[6].weight)
    (one_line,) = re.findall(r"`(net\.load_state_dict\(.*?)`", message)
    other = tiny_net(seed=5)
    exec(one_line, {"net": other, "path": path, "torch": torch})  # the advice, as written
    assert torch.equal(other.classifier[6].weight, original.classifier[6].weight)


def test_loading_a_plain_file_into_a_compiled_network_says_where_to_load(saved: tuple[nn.Module, Path]) -> None:
    _, path = saved
    with pytest.raises(CheckpointError, match=r"load into the model inside, net\._orig_mod"):
        load_state_dict(torch.compile(tiny_net()), path)


@pytest.mark.parametrize("layout, key", [
    (lambda sd, opt: {"epoch": 3, "state_dict": sd}, "state_dict"),
    (lambda sd, opt: {"model": sd, "optimizer": opt}, "model"),
])
def test_a_training_checkpoint_names_the_key_that_holds_the_weights(tmp_path: Path, layout, key: str) -> None:
    original = tiny_net(seed=5)
    optimizer = torch.optim.SGD(original.parameters(), lr=0.1, momentum=0.9)
    original(torch.randn(2, 3, 8, 8)).sum().backward()
    optimizer.step()
    path = tmp_path / "training.pth"
    torch.save(layout(original.state_dict(), optimizer.state_dict()), path)
    with pytest.raises(CheckpointError) as err:
        load_state_dict(tiny_net(), path)
    assert f"the weights are under {key!r}" in str(err.value) and f"key={key!r}" in str(err.value)
    net = load_state_dict(tiny_net(), path, key=key)
    assert torch.equal(net.classifier[6].weight, original.classifier[6].weight)
    with pytest.raises(CheckpointError, match="has no entry 'weights'"):
        load_state_dict(tiny_net(), path, key="weights")


def test_a_long_mismatch_report_stays_short_and_shows_the_keys(tmp_path: Path) -> None:
    other = nn.Sequential(*[nn.Linear(4, 4) for _ in range(50)])
    path = save_state_dict(other, tmp_path / "long.pth")
    with pytest.raises(CheckpointError) as err:
        load_state_dict(tiny_net(), path)
    message = str(err.value)
    assert 'Unexpected key(s) in state_dict: "0.weight", "0.bias", "1.weight" and 97 more' in message
    assert len(message) < 600


def test_loading_checks_first_and_loads_once_without_copying_the_network(saved: tuple[nn.Module, Path],
                                                                         monkeypatch) -> None:
    import copy

    _, path = saved
    monkeypatch.setattr(copy, "deepcopy", lambda *a, **k: pytest.fail("the 528 MB network was copied"))
    net, calls = tiny_net(seed=2), []
    real = net.load_state_dict
    monkeypatch.setattr(net, "load_state_dict", lambda *a, **k: calls.append(1) or real(*a, **k))
    load_state_dict(net, path)
    with pytest.raises(CheckpointError):
        load_state_dict(net, save_state_dict(tiny_net(num_classes=3), path.with_name("three.pth")))
    assert calls == [1]


def test_advice_for_a_file_we_did_not_write_never_says_delete(saved: tuple[nn.Module, Path]) -> None:
    _, path = saved
    os.utime(path, (1_700_000_000, 1_700_000_000))
    save_state_dict(tiny_net(seed=9), path)  # an earlier copy now sits beside it
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(CheckpointError) as err:
        load_state_dict(tiny_net(), path)
    message = str(err.value)
    assert "delete" not in message and f"earlier copies beside it: {earlier_copies(path)[0].name}" in message


def test_a_file_cut_in_half_is_called_truncated_even_when_torch_raises_an_oserror(tmp_path) -> None:
    """torch reports some cut-off zips as ``OSError: [Errno 22]``: the file opens, so it is the content."""
    import os

    import torch
    from torch import nn

    from utils.support.checkpoints import CheckpointError, load_state_dict

    head, path = nn.Linear(4096, 2), tmp_path / "head.pth"
    torch.save(head.state_dict(), path)
    os.truncate(path, path.stat().st_size // 2)
    with pytest.raises(CheckpointError, match="truncated"):
        load_state_dict(head, path)


def test_saving_onto_a_folder_is_one_line_naming_the_path(tmp_path) -> None:
    from torch import nn

    from utils.errors import WriteError
    from utils.support.checkpoints import save_state_dict

    folder = tmp_path / "weights_fine_tuning.pth"
    folder.mkdir()  # a folder where the file should go
    with pytest.raises(WriteError, match="could not be written.*check the path"):
        save_state_dict(nn.Linear(2, 2), folder)
    assert folder.is_dir()
