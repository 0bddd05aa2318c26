"""The benchmark times the real training step, and only the settings the course would choose."""

from __future__ import annotations

import pytest
import torch
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

import utils.settings.speed as speed_rules
from utils.settings.speed import Speed, choose_speed
import utils.tools.benchmark as benchmark
from utils.tools.benchmark import benchmark_step, speed_variants
from utils.training import train_model


@pytest.mark.parametrize("kind", ["transfer-learning step", "fine-tuning step"])
@pytest.mark.parametrize("speed", [choose_speed("cpu", "fp32"),
                                   Speed("cpu", torch.bfloat16, True, True, "test")], ids=lambda s: s.label)
def test_one_benchmark_step_is_one_step_of_train_model(tiny_vgg, kind: str, speed: Speed) -> None:
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


@pytest.mark.parametrize("speedup, rows", [
    (3.9, ["fp32, the book's loop", "fp32 + channels_last", "bf16 autocast", "bf16 autocast + channels_last"]),
    (0.5, ["fp32, the book's loop", "fp32 + channels_last", "fp32 + channels_last for inference"])])
def test_the_benchmark_times_bf16_only_where_the_course_would_choose_it(monkeypatch, speedup: float,
                                                                        rows: list[str]) -> None:
    monkeypatch.setattr(speed_rules, "cpu_bf16_speedup", lambda: speedup)
    monkeypatch.setattr(speed_rules, "cpu_channels_last_speedup", lambda training: 1.0 if training else 1.5)
    assert list(speed_variants(torch.device("cpu"))) == rows


def test_the_benchmark_times_each_setting_once_per_run_alternating_and_keeps_the_fastest(monkeypatch) -> None:
    monkeypatch.setattr(speed_rules, "cpu_bf16_speedup", lambda: None)
    monkeypatch.setattr(speed_rules, "cpu_channels_last_speedup", lambda training: 1.0 if training else 1.5)
    timed, rates = [], iter([10.0, 30.0, 20.0, 25.0] * 3)  # usual, channels_last, usual, channels_last

    def fake_rate(net, kind, speed, inputs, labels, steps) -> float:
        timed.append((kind, speed.memory_format(training=kind != "inference")))
        return next(rates)

    monkeypatch.setattr(benchmark, "images_per_second", fake_rate)
    got = benchmark.compare_speed_settings(torch.device("cpu"), batch_size=1, repeats=2)
    usual, cl = torch.contiguous_format, torch.channels_last
    assert timed == [(kind, layout) for kind in benchmark.KINDS for layout in (usual, cl, usual, cl)]
    assert got["fp32, the book's loop"] == dict.fromkeys(benchmark.KINDS, 20.0)
    assert got["fp32 + channels_last"] == dict.fromkeys(benchmark.KINDS, 30.0)
    # The course's choice: channels_last for inference, the usual layout for both training steps.
    assert got["fp32 + channels_last for inference"] == {"inference": 30.0, "transfer-learning step": 20.0,
                                                         "fine-tuning step": 20.0}
    verdict = benchmark.layout_verdict(got, speed_rules.choose_speed("cpu"))
    assert verdict[0] == ("inference: channels_last 1.50x the usual layout in fp32; the course uses "
                          "channels_last there, which agrees")
    assert verdict[1].startswith("fine-tuning step: channels_last 1.50x") and "does NOT agree" in verdict[1]
