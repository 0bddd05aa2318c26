"""Tests for utils.training: freezing, parameter groups, both training loops (notebook 03's plain one and
notebook 04's fast one), what a stopped run leaves behind, and the run summaries built on them.

The loops are tested on a tiny network with VGG16's naming (``features`` / ``classifier``
with layers 0, 3 and 6) and 8x8 images, so the whole file runs in a few seconds.
Parameter names of the real VGG16 are checked on a model built on the ``meta``
device (structure only, no memory, no initialisation cost).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import OrderedDict

import pytest
import torch
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset
from torchvision import models

from utils.settings.environment import REPO_ROOT
from utils.settings.language import display_width
from utils.settings.speed import Speed, choose_speed
from utils.support.model_summary import (
    StoppedRunError,
    count_parameters,
    finished_history,
    format_run_comparison,
    load_run_summary,
    run_summary,
    run_summary_path,
    save_run_summary,
)
from utils.training import (
    FINE_TUNING_GROUPS,
    History,
    format_param_groups,
    make_dataloaders,
    make_fine_tuning_param_groups,
    train_model,
    train_model_plain,
)

#: Transfer learning (notebook 03, step 4): only the new output layer learns.
TRANSFER_LEARNING_PARAM_NAMES = ("classifier.6.weight", "classifier.6.bias")


def freeze_all_but_the_head(net: nn.Module) -> list[nn.Parameter]:
    """Notebook 03's freezing loop; returns its ``params_to_update``."""
    for name, param in net.named_parameters():
        param.requires_grad = name in TRANSFER_LEARNING_PARAM_NAMES
    return [param for param in net.parameters() if param.requires_grad]


#: Both loops, under the names the notebooks give them.
LOOPS = pytest.mark.parametrize("loop", [train_model_plain, train_model], ids=["03-plain", "04-fast"])
CHANNELS_LAST_FP32 = Speed("cpu", None, True, True, "test")


def tiny_vgg_like(num_classes: int = 2, seed: int = 0) -> nn.Module:
    """A VGG16-shaped toy: features.0 conv, classifier.0/3/6 linear, inputs (B, 3, 8, 8)."""
    torch.manual_seed(seed)
    return nn.Sequential(OrderedDict(
        features=nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)),
        flatten=nn.Flatten(),
        classifier=nn.Sequential(
            nn.Linear(4 * 4 * 4, 16), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(16, 16), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(16, num_classes)),
    ))


def toy_dataset(n: int = 16, seed: int = 0) -> TensorDataset:
    """n images (3, 8, 8); class 1 images are brighter, so the task is learnable."""
    gen = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % 2
    images = torch.randn(n, 3, 8, 8, generator=gen) * 0.5 + labels.view(-1, 1, 1, 1) * 1.5 - 0.75
    return TensorDataset(images, labels)


def toy_loaders(n: int = 16, batch_size: int = 8) -> dict[str, DataLoader]:
    return make_dataloaders(toy_dataset(n, seed=0), toy_dataset(n, seed=1), batch_size=batch_size, seed=0)


@pytest.fixture(scope="module")
def meta_vgg16() -> nn.Module:
    """The real VGG16 structure with the 2-class head, on the meta device (names and shapes only)."""
    with torch.device("meta"):
        net = models.vgg16(weights=None)
        net.classifier[6] = nn.Linear(in_features=4096, out_features=2)
    return net


# ----------------------------------------------------------------------------- freezing and groups


def test_transfer_learning_trains_only_the_new_head_8194_parameters(meta_vgg16: nn.Module) -> None:
    params_to_update = freeze_all_but_the_head(meta_vgg16)
    trainable = [name for name, p in meta_vgg16.named_parameters() if p.requires_grad]
    assert trainable == ["classifier.6.weight", "classifier.6.bias"]
    assert [tuple(p.shape) for p in params_to_update] == [(2, 4096), (2,)]
    assert count_parameters(meta_vgg16, trainable_only=True) == 8_194 == 4096 * 2 + 2
    assert count_parameters(meta_vgg16) == 134_268_738


def test_fine_tuning_groups_hold_exactly_the_named_parameters(meta_vgg16: nn.Module) -> None:
    for p in meta_vgg16.parameters():
        p.requires_grad = False  # the helper must switch them on itself
    groups = make_fine_tuning_param_groups(meta_vgg16)
    by_name = {g["name"]: g for g in groups}
    assert [g["name"] for g in groups] == list(FINE_TUNING_GROUPS)
    assert [g["lr"] for g in groups] == [1e-4, 5e-4, 1e-3]

    feature_names = [n for n, _ in meta_vgg16.named_parameters() if n.startswith("features.")]
    assert len(feature_names) == 26  # 13 conv layers x (weight, bias)
    assert by_name["features"]["param_names"] == feature_names
    assert by_name["classifier.0 + classifier.3"]["param_names"] == [
        "classifier.0.weight", "classifier.0.bias", "classifier.3.weight", "classifier.3.bias"]
    assert by_name["classifier.6"]["param_names"] == ["classifier.6.weight", "classifier.6.bias"]

    params = dict(meta_vgg16.named_parameters())
    for g in groups:  # the tensors are the model's own, in the same order as the names
        assert all(p is params[n] for p, n in zip(g["params"], g["param_names"], strict=True))
    assert all(p.requires_grad for p in meta_vgg16.parameters())
    assert sum(len(g["params"]) for g in groups) == len(params)


def test_fine_tuning_groups_work_with_sgd_and_keep_their_names(meta_vgg16: nn.Module) -> None:
    optimizer = optim.SGD(make_fine_tuning_param_groups(meta_vgg16), momentum=0.9)
    assert [(g["name"], g["lr"], g["momentum"]) for g in optimizer.param_groups] == [
        ("features", 1e-4, 0.9), ("classifier.0 + classifier.3", 5e-4, 0.9), ("classifier.6", 1e-3, 0.9)]
    table = format_param_groups(optimizer.param_groups)
    assert "features.0, ..., features.28" in table and "1e-04" in table and "134,268,738" in table
    assert all(display_width(line) < 90 for line in table.splitlines())


def test_fine_tuning_groups_freeze_what_no_group_names() -> None:
    net = tiny_vgg_like()
    groups = make_fine_tuning_param_groups(net, {"head": (("classifier.6.",), 1e-3)})
    assert groups[0]["param_names"] == ["classifier.6.weight", "classifier.6.bias"]
    assert [n for n, p in net.named_parameters() if p.requires_grad] == groups[0]["param_names"]


def test_fine_tuning_groups_reject_a_group_that_matches_nothing() -> None:
    with pytest.raises(ValueError, match="decoder"):
        make_fine_tuning_param_groups(tiny_vgg_like(), {"decoder": (("decoder.",), 1e-3)})


# ----------------------------------------------------------------------------- the training loops


@LOOPS
def test_a_few_epochs_lower_the_loss(loop) -> None:
    net = tiny_vgg_like()
    optimizer = optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    history = loop(net, toy_loaders(), nn.CrossEntropyLoss(), optimizer, num_epochs=8, device="cpu")
    val = history.phase("val")
    assert val[-1].loss < 0.7 * val[0].loss
    assert val[-1].acc >= 0.9


@LOOPS
def test_frozen_parameters_stay_fixed_and_trainable_ones_change(loop) -> None:
    net = tiny_vgg_like()
    params_to_update = freeze_all_but_the_head(net)
    before = {n: p.detach().clone() for n, p in net.named_parameters()}
    # The optimizer even holds every parameter: frozen ones get no gradient, so they do not move.
    optimizer = optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    loop(net, toy_loaders(), nn.CrossEntropyLoss(), optimizer, num_epochs=1, device="cpu")
    assert len(params_to_update) == 2
    for name, param in net.named_parameters():
        changed = not torch.equal(param.detach(), before[name])
        assert changed == (name in TRANSFER_LEARNING_PARAM_NAMES), name


class CountingSGD(optim.SGD):
    """SGD that counts its steps."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.steps = 0

    def step(self, closure=None):  # type: ignore[override]
        self.steps += 1
        return super().step(closure)


@LOOPS
def test_every_training_batch_takes_a_step_and_validation_none(loop) -> None:
    # The source notes had the forward/backward block outside the batch loop: one step per epoch.
    net = tiny_vgg_like()
    loaders = toy_loaders(n=20, batch_size=8)  # 3 train batches (8, 8, 4)
    optimizer = CountingSGD(net.parameters(), lr=0.01)
    history = loop(net, loaders, nn.CrossEntropyLoss(), optimizer, num_epochs=2, device="cpu")
    assert optimizer.steps == 2 * 3 == history.batches_trained


@LOOPS
def test_history_starts_with_a_validation_only_epoch_0(loop) -> None:
    net = tiny_vgg_like()
    loaders = toy_loaders(n=12, batch_size=5)
    history = loop(net, loaders, nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.01), num_epochs=2,
                   device="cpu")
    assert [(r.epoch, r.phase) for r in history.records] == [
        (0, "val"), (1, "train"), (1, "val"), (2, "train"), (2, "val")]
    for r in history.records:
        assert isinstance(r.loss, float) and isinstance(r.acc, float)  # no tensors leak into stats
        assert r.num_images == 12  # the last, smaller batch is counted with its real size
        assert r.seconds >= 0 and 0.0 <= r.acc <= 1.0
        assert r.acc * 12 == pytest.approx(round(r.acc * 12))
    assert history.finished and net.history is history  # the record also stays with the network


@LOOPS
def test_zero_epochs_only_validates_and_changes_nothing(loop) -> None:
    net = tiny_vgg_like()
    before = [p.detach().clone() for p in net.parameters()]
    history = loop(net, toy_loaders(), nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.1), 0, "cpu")
    assert [(r.epoch, r.phase) for r in history.records] == [(0, "val")]
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters()))
    assert not net.training  # left in eval mode, ready to predict


@LOOPS
def test_the_loops_print_the_books_lines(loop, capsys: pytest.CaptureFixture[str]) -> None:
    net = tiny_vgg_like()
    history = loop(net, toy_loaders(), nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.01), 1,
                   torch.device("cpu"))  # the book's positional order, then the device
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Epoch 0/1"
    assert f"  val   Loss: {history.records[0].loss:.4f} Acc: {history.records[0].acc:.4f}" in out
    assert f"  train Loss: {history.records[1].loss:.4f}" in out and "Stopped" not in out
    assert next(net.parameters()).device.type == "cpu"


def test_fast_loop_without_speed_takes_the_hardware_choice_not_the_environment(monkeypatch) -> None:
    # speed=None: the automatic choice for the device; only the setup cell reads COURSE_SPEED.
    monkeypatch.setenv("COURSE_SPEED", "fp32")
    results = []
    for speed in (None, choose_speed("cpu")):
        net = tiny_vgg_like()
        train_model(net, toy_loaders(), nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.05),
                    1, "cpu", speed)  # the book's positional order, then ours
        results.append(net.state_dict())
    assert all(torch.equal(a, b) for a, b in zip(results[0].values(), results[1].values(), strict=True))


def test_fast_loop_in_fp32_computes_what_the_plain_loop_computes() -> None:
    results = []
    for loop, extra in ((train_model_plain, {}), (train_model, {"speed": choose_speed("cpu", "fp32")})):
        net = tiny_vgg_like()
        torch.manual_seed(5)  # the same dropout masks
        history = loop(net, toy_loaders(), nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.05), 2,
                       device="cpu", **extra)
        results.append((net.state_dict(), [(r.loss, r.acc) for r in history.records]))
    (plain, plain_stats), (fast, fast_stats) = results
    assert plain_stats == fast_stats
    assert all(torch.equal(a, b) for a, b in zip(plain.values(), fast.values(), strict=True))


def test_fast_loop_uses_the_scaler_only_for_fp16(monkeypatch: pytest.MonkeyPatch) -> None:
    made = []
    real = torch.amp.GradScaler

    def recording_scaler(*args, **kwargs):
        made.append(kwargs["enabled"])
        return real(*args, **kwargs)

    monkeypatch.setattr(torch.amp, "GradScaler", recording_scaler)
    for dtype in (torch.bfloat16, torch.float16):
        net = tiny_vgg_like()
        train_model(net, toy_loaders(), nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.01), 1,
                    device="cpu", speed=Speed("cpu", dtype, True, True, "test"))
    assert made == [False, True]



class LayoutSpy(nn.Module):
    """Wraps a network; records, per forward pass, the mode and whether the batch and the first
    convolution's weight are in channels_last."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net, self.seen = net, []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight = self.net.features[0].weight
        self.seen.append(("train" if self.training else "val", x.is_contiguous(memory_format=torch.channels_last),
                          weight.is_contiguous(memory_format=torch.channels_last)))
        return self.net(x)


@pytest.mark.parametrize("training_cl, inference_cl", [(False, True), (True, False), (True, True)])
def test_fast_loop_trains_and_validates_each_in_its_own_layout(training_cl: bool, inference_cl: bool) -> None:
    # (False, True) is the rule on an AVX2 CPU: channels_last for inference only.
    net = LayoutSpy(tiny_vgg_like())
    speed = Speed("cpu", None, training_cl, inference_cl, "test")
    history = train_model(net, toy_loaders(), nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.05,
                          momentum=0.9), 2, "cpu", speed)
    expected = {"train": (training_cl, training_cl), "val": (inference_cl, inference_cl)}
    assert len(net.seen) == 10  # 5 phases (val, then train+val twice), 2 batches each
    assert all((batch, weight) == expected[phase] for phase, batch, weight in net.seen), net.seen
    assert history.finished and history.batches_trained == 4
    assert all(p.is_contiguous() for p in net.parameters()) and not net.training  # the usual layout, eval


def test_fast_loop_with_per_phase_layouts_learns_what_one_layout_learns() -> None:
    # Switching the layout between phases changes where the numbers lie, not what is learned.
    results = []
    for training_cl, inference_cl in ((False, False), (False, True)):
        net = tiny_vgg_like()
        torch.manual_seed(5)  # the same dropout masks
        history = train_model(net, toy_loaders(), nn.CrossEntropyLoss(),
                              optim.SGD(net.parameters(), lr=0.05, momentum=0.9), 2, "cpu",
                              Speed("cpu", None, training_cl, inference_cl, "test"))
        results.append(([(r.phase, round(r.loss, 5), r.acc) for r in history.records], net.state_dict()))
    (one, one_state), (two, two_state) = results
    assert one == two
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(one_state.values(), two_state.values(), strict=True))


# ----------------------------------------------------------------------------- a stopped run


class StopButton(nn.Module):
    """Wraps a network; raises KeyboardInterrupt (what Jupyter's stop button raises) inside the forward pass
    of training batch number ``stop_at`` (1-based), after checking the layout the loop computes in."""

    def __init__(self, net: nn.Module, stop_at: int) -> None:
        super().__init__()
        self.net, self.stop_at, self.seen, self.layouts = net, stop_at, 0, []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            self.seen += 1
            self.layouts.append(x.is_contiguous(memory_format=torch.channels_last))
            if self.seen == self.stop_at:
                raise KeyboardInterrupt
        return self.net(x)


@LOOPS
def test_a_stopped_run_leaves_eval_mode_the_usual_layout_and_a_stopped_record(loop, capsys) -> None:
    net = StopButton(tiny_vgg_like(), stop_at=3)
    loaders = toy_loaders(n=32, batch_size=8)  # 4 training batches per epoch
    extra = {"speed": CHANNELS_LAST_FP32} if loop is train_model else {}
    with pytest.raises(KeyboardInterrupt):
        loop(net, loaders, nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.01), 2, "cpu", **extra)
    assert not net.training and not any(m.training for m in net.modules())  # dropout off
    assert all(p.is_contiguous() for p in net.parameters())  # the usual layout, whatever the loop used
    assert net.layouts[0] == (loop is train_model)  # (the fast loop did compute in channels_last)
    history = net.history  # the loop never returned, but the record stays with the network
    assert not history.finished and history.batches_trained == 2
    assert [(r.epoch, r.phase) for r in history.records] == [(0, "val")]
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "Stopped after 2 of 8 training batches: the network is only partly trained."
    with pytest.raises(StoppedRunError, match="stopped after 2 training batches: run the training cell again"):
        run_summary("fine_tuning", net)
    with pytest.raises(StoppedRunError):
        finished_history(net)


class StopAtSample(torch.utils.data.Dataset):
    """A data set whose sample ``stop_at`` raises KeyboardInterrupt: the stop button while a batch loads."""

    def __init__(self, data: torch.utils.data.Dataset, stop_at: int) -> None:
        self.data, self.stop_at = data, stop_at

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, i: int):
        if i == self.stop_at:
            raise KeyboardInterrupt
        return self.data[i]


def test_a_stopped_run_replaces_the_record_of_the_earlier_finished_one() -> None:
    net = tiny_vgg_like()
    first = train_model(net, toy_loaders(), nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.01), 1, "cpu")
    assert finished_history(net) is first
    data = toy_dataset(16)
    loaders = {"train": DataLoader(StopAtSample(data, stop_at=12), batch_size=8), "val": DataLoader(data, batch_size=8)}
    with pytest.raises(KeyboardInterrupt):
        train_model(net, loaders, nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.01), 1, "cpu")
    # The weights changed in the second run (one batch): the finished record of the first run must not
    # describe them any more.
    assert net.history is not first and not net.history.finished and net.history.batches_trained == 1
    with pytest.raises(StoppedRunError, match="stopped after 1 training batch: run"):
        run_summary("fine_tuning", net)


SIGINT_CHILD = r"""
import json, sys, time, torch
from torch import nn, optim
from torch.utils.data import DataLoader, Dataset
sys.path.insert(0, sys.argv[1])
from tests.test_training import tiny_vgg_like
from utils.settings.speed import Speed
from utils.training import train_model

class Slow(Dataset):  # says when the loop is inside its second training batch, then gives time to stop it
    def __init__(self, train): self.train, self.calls = train, 0
    def __len__(self): return 32
    def __getitem__(self, i):
        self.calls += 1
        if self.train and self.calls == 9:
            print("INSIDE", flush=True)
        if self.train and self.calls > 8:
            time.sleep(0.2)
        return torch.randn(3, 8, 8), i % 2

net = tiny_vgg_like()
loaders = {"train": DataLoader(Slow(True), batch_size=8), "val": DataLoader(Slow(False), batch_size=8)}
try:
    train_model(net, loaders, nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.01), 1, "cpu",
                Speed("cpu", None, True, True, "test"))
except KeyboardInterrupt:
    print(json.dumps({"training": net.training, "contiguous": all(p.is_contiguous() for p in net.parameters()),
                      "finished": net.history.finished, "batches": net.history.batches_trained}), flush=True)
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGINT to a child process is a POSIX signal")
def test_a_real_sigint_mid_epoch_stops_the_loop_cleanly(tmp_path) -> None:
    script = tmp_path / "child.py"
    script.write_text(SIGINT_CHILD)
    child = subprocess.Popen([sys.executable, str(script), str(REPO_ROOT)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        for line in child.stdout:
            if line.strip() == "INSIDE":
                child.send_signal(signal.SIGINT)  # what JupyterLab's stop button sends to the kernel
                break
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()
    lines = out.strip().splitlines()
    assert lines[-2] == "Stopped after 1 of 4 training batches: the network is only partly trained.", err
    assert json.loads(lines[-1]) == {"training": False, "contiguous": True, "finished": False, "batches": 1}


# ----------------------------------------------------------------------------- data loaders


def test_make_dataloaders_shuffles_train_reproducibly_and_keeps_val_in_order() -> None:
    data = TensorDataset(torch.arange(40).float().view(40, 1), torch.arange(40))

    def first_epoch_order(seed: int) -> list[int]:
        loaders = make_dataloaders(data, data, batch_size=32, seed=seed)
        return torch.cat([labels for _, labels in loaders["train"]]).tolist()

    order = first_epoch_order(1234)
    assert sorted(order) == list(range(40)) and order != list(range(40))
    torch.manual_seed(999)  # other randomness in between must not change the shuffle
    assert first_epoch_order(1234) == order
    assert first_epoch_order(1) != order

    loaders = make_dataloaders(data, data, batch_size=32)
    assert torch.cat([labels for _, labels in loaders["val"]]).tolist() == list(range(40))
    assert loaders["train"].batch_size == 32 and loaders["train"].num_workers == 0


# ----------------------------------------------------------------------------- run summaries


def _trained_head() -> tuple[nn.Module, History]:
    net = tiny_vgg_like()
    freeze_all_but_the_head(net)
    history = train_model_plain(net, toy_loaders(), nn.CrossEntropyLoss(),
                                optim.SGD([p for p in net.parameters() if p.requires_grad], lr=0.01),
                                num_epochs=1, device="cpu")
    return net, history


def test_run_summary_describes_the_networks_last_run_and_round_trips(tmp_path) -> None:
    net, history = _trained_head()
    summary = run_summary("transfer_learning", net, weights="standin", speed="fp32", smoke=True)
    assert summary["trainable_params"] == 16 * 2 + 2 and summary["total_params"] == 1458
    assert summary["val_acc_before"] == history.records[0].acc
    assert summary["final_val_acc"] == history.records[-1].acc and summary["num_epochs"] == 1
    assert summary["train_images"] == summary["val_images"] == 16
    path = run_summary_path("transfer_learning", tmp_path / "weights")
    assert path.name == "transfer_learning_summary.json"
    save_run_summary(summary, path)
    assert load_run_summary(path) == summary
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_a_network_that_was_never_trained_has_no_summary() -> None:
    with pytest.raises(StoppedRunError, match="no training record yet: run the training cell first"):
        run_summary("transfer_learning", tiny_vgg_like())


def test_load_run_summary_returns_none_for_missing_or_broken_files(tmp_path) -> None:
    assert load_run_summary(tmp_path / "nope.json") is None
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "transfer', encoding="utf-8")
    assert load_run_summary(broken) is None


def test_format_run_comparison_has_one_row_per_run() -> None:
    net, _ = _trained_head()
    rows = [run_summary("transfer_learning", net, weights="standin", speed="fp32", smoke=True),
            run_summary("fine_tuning", net, weights="imagenet", speed="bf16 autocast", smoke=False)]
    table = format_run_comparison(rows).splitlines()
    assert len(table) == 4 and table[0].startswith("| run |")
    assert table[2].startswith("| transfer_learning |") and "| 34 | 2.332\u00a0% | fp32 |" in table[2]  # 34/1,458
    assert "| smoke |" in table[2]
    assert table[3].startswith("| fine_tuning |") and "| bf16 autocast | imagenet | full |" in table[3]
