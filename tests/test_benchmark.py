"""The benchmark times the real training step, and only the settings the course would choose."""

from __future__ import annotations

import pytest
import torch
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

import utils.settings.precision as precision
from utils.settings.precision import SpeedSettings, choose_speed_settings
from utils.tools.benchmark import benchmark_step, speed_variants
from utils.training import train_model


@pytest.mark.parametrize("kind", ["transfer-learning step", "fine-tuning step"])
@pytest.mark.parametrize("speed", [choose_speed_settings("cpu", "fp32"),
                                   SpeedSettings("cpu", torch.bfloat16, True, "test")], ids=lambda s: s.label)
def test_one_benchmark_step_is_one_step_of_train_model(tiny_vgg, kind: str, speed: SpeedSettings) -> None:
    gen = torch.Generator().manual_seed(0)
    x, y = torch.randn(8, 3, 8, 8, generator=gen), torch.arange(8) % 2
    timed, trained = tiny_vgg(dropout=0.0), tiny_vgg(dropout=0.0)
    start = {k: v.clone() for k, v in timed.state_dict().items()}
    benchmark_step(timed, kind, speed, x, y, lr=0.01)()

    for name, param in trained.named_parameters():
        param.requires_grad = kind == "fine-tuning step" or name.startswith("classifier.6")
    optimizer = optim.SGD([p for p in trained.parameters() if p.requires_grad], lr=0.01, momentum=0.9)
    loader = DataLoader(TensorDataset(x, y), batch_size=8)
    train_model(trained, {"train": loader, "val": loader}, nn.CrossEntropyLoss(), optimizer, num_epochs=1,
                device="cpu", speed=speed)

    for (name, a), b in zip(timed.state_dict().items(), trained.state_dict().values(), strict=True):
        assert torch.equal(a, b), f"{name} differs after one step"
    changed = {name.rsplit(".", 1)[0] for name, a in timed.state_dict().items() if not torch.equal(a, start[name])}
    assert changed == ({"classifier.6"} if kind == "transfer-learning step" else
                       {"features.0", "classifier.0", "classifier.3", "classifier.6"})


@pytest.mark.parametrize("speedup, rows", [(3.9, ["fp32, the book's loop", "fp32 + channels_last",
                                                   "bf16 autocast", "bf16 autocast + channels_last"]),
                                           (0.5, ["fp32, the book's loop", "fp32 + channels_last"])])
def test_the_benchmark_times_bf16_only_where_the_course_would_choose_it(monkeypatch, speedup: float,
                                                                        rows: list[str]) -> None:
    monkeypatch.setattr(precision, "cpu_bf16_speedup", lambda: speedup)
    assert list(speed_variants(torch.device("cpu"))) == rows
