"""The speed setting: the rules per device and workload (hardware probes monkeypatched both ways), the
CPU's bf16 and channels_last timings and the real choice with oneDNN capped to CPUs without fast bf16,
fp32 as the book's exact arithmetic, bf16 close to fp32, fp16 with a scaler."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest
import torch
from torch import nn, optim
from torch.utils.data import DataLoader

import utils.settings.speed as speed_rules
from utils.settings.speed import BF16_MIN_SPEEDUP, CHANNELS_LAST_MIN_SPEEDUP, Speed, choose_speed
from utils.training import make_dataloaders, train_model
from utils.settings.language import display_width

CL, USUAL = torch.channels_last, torch.contiguous_format


def images(n: int = 16, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % 2
    return torch.randn(n, 3, 8, 8, generator=gen) + labels.view(-1, 1, 1, 1), labels


def patch_cpu(monkeypatch: pytest.MonkeyPatch, bf16: float | None, training: float = 1.0,
              inference: float = 1.0) -> None:
    """The CPU probes answer as a CPU would that measured these speed-ups."""
    monkeypatch.setattr(speed_rules, "cpu_bf16_speedup", lambda: bf16)
    timings = {True: training, False: inference}
    monkeypatch.setattr(speed_rules, "cpu_channels_last_speedup", lambda training: timings[training])


def layouts(speed: Speed) -> tuple[torch.memory_format, torch.memory_format]:
    return speed.memory_format(training=True), speed.memory_format(training=False)


# ----------------------------------------------------------------------------- the rules


@pytest.mark.parametrize("speedup, why", [(3.84, "bf16 measured 3.8x faster than fp32"),
                                          (BF16_MIN_SPEEDUP, f"bf16 measured {BF16_MIN_SPEEDUP}x faster")])
def test_cpu_uses_bf16_and_channels_last_where_bf16_measured_faster(monkeypatch, speedup, why) -> None:
    patch_cpu(monkeypatch, speedup, training=0.5, inference=0.5)  # bf16 kernels want channels_last
    speed = choose_speed("cpu")
    assert (speed.autocast_dtype, speed.use_grad_scaler, layouts(speed)) == (torch.bfloat16, False, (CL, CL))
    assert speed.label == "bf16 autocast + channels_last" and why in speed.describe()


@pytest.mark.parametrize("bf16, training, inference, expected, label", [
    # AVX2 (AMD Zen 3, most laptops): no bf16; channels_last pays for inference only.
    (None, 0.99, 1.59, (USUAL, CL), "fp32 + channels_last for inference"),
    (0.2, CHANNELS_LAST_MIN_SPEEDUP, 1.6, (CL, CL), "fp32 + channels_last"),  # AVX-512 without bf16
    (1.1, 1.0, 1.0, (USUAL, USUAL), "fp32"),
    (None, 1.15, 1.1, (USUAL, CL), "fp32 + channels_last for inference"),  # a wrong guess costs training more
    (None, 1.3, 1.0, (CL, USUAL), "fp32 + channels_last for training")])
def test_cpu_without_fast_bf16_takes_channels_last_per_workload_where_measured_faster(
        monkeypatch, bf16, training, inference, expected, label) -> None:
    patch_cpu(monkeypatch, bf16, training, inference)
    speed = choose_speed("cpu")
    assert (speed.autocast_dtype, layouts(speed), speed.label) == (None, expected, label)
    assert f"channels_last {inference:.1f}x inference, {training:.1f}x training" in speed.reason
    assert ("no bf16" if bf16 is None else f"bf16 {bf16:.1f}x") in speed.reason


def test_the_setup_lines_are_short_and_say_how_to_get_the_book(monkeypatch) -> None:
    patch_cpu(monkeypatch, None, 0.99, 1.59)
    lines = choose_speed("cpu").describe().splitlines()
    assert all(display_width(line) <= 100 for line in lines)  # JupyterLab wraps long lines mid-word
    assert lines[0].startswith("Speed: fp32 + channels_last for inference (")
    assert lines[1] == "  COURSE_SPEED=fp32 gives the book's plain fp32"
    assert choose_speed("cpu", "fp32").describe() == "Speed: fp32 (COURSE_SPEED=fp32: the book's arithmetic)"


def test_the_cpu_timings_are_quick_cached_and_leave_threads_and_random_numbers_alone() -> None:
    for probe, args in ((speed_rules.cpu_bf16_speedup, ()), (speed_rules.cpu_channels_last_speedup, (True,)),
                        (speed_rules.cpu_channels_last_speedup, (False,))):
        probe.cache_clear()
        threads, rng = torch.get_num_threads(), torch.get_rng_state()
        speedup = probe(*args)
        assert speedup is None or speedup > 0
        assert torch.get_num_threads() == threads and torch.equal(torch.get_rng_state(), rng)
        assert probe(*args) is speedup  # cached: measured once per process


def _hardware_has_amx() -> bool:
    return bool(getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)())


@pytest.mark.skipif(platform.machine().lower() not in {"x86_64", "amd64"}, reason="ONEDNN_MAX_CPU_ISA is x86's")
@pytest.mark.parametrize("isa", ["AVX512_CORE", "AVX2", ""])
def test_the_real_choice_with_onednn_capped_or_not(isa: str) -> None:
    """AVX512_CORE: AVX-512 without bf16 instructions (Skylake to Ice Lake), where oneDNN emulates bf16 at half
    the fp32 speed or worse; AVX2 (most laptops). Both must end with fp32 (the layouts are measured, and a
    busy machine scatters them: the rule is tested above). Uncapped, a CPU with AMX (3.5-4x) keeps bf16."""
    if not isa and not _hardware_has_amx():
        pytest.skip("no AMX here: whether bf16 pays off depends on the CPU")
    code = ("from utils.settings.speed import choose_speed as c; "
            "s = c('cpu'); print(s.autocast_dtype); print(s.describe())")
    env = {**os.environ, "ONEDNN_MAX_CPU_ISA": isa}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout.splitlines()
    assert out[0] == ("torch.bfloat16" if not isa else "None"), out[1]
    assert ("bf16 measured" if not isa else "Speed: fp32") in out[1]


@pytest.mark.parametrize("bf16, dtype, scaler", [(True, torch.bfloat16, False), (False, torch.float16, True)])
def test_cuda_uses_bf16_where_native_else_fp16_with_a_scaler(monkeypatch: pytest.MonkeyPatch, bf16: bool,
                                                             dtype, scaler: bool) -> None:
    asked = {}

    def is_bf16_supported(including_emulation: bool = True) -> bool:
        asked["emulation"] = including_emulation  # emulated bf16 (e.g. a T4) would be slow
        return bf16

    monkeypatch.setattr(torch.cuda, "is_bf16_supported", is_bf16_supported)
    speed = choose_speed(torch.device("cuda"))
    assert (speed.autocast_dtype, speed.use_grad_scaler, layouts(speed)) == (dtype, scaler, (CL, CL))
    assert asked == {"emulation": False}


@pytest.mark.parametrize("available, dtype", [(True, torch.float16), (False, None)])
def test_mps_uses_fp16_with_a_scaler_where_autocast_supports_it(monkeypatch: pytest.MonkeyPatch,
                                                                 available: bool, dtype) -> None:
    real = torch.amp.is_autocast_available
    monkeypatch.setattr(torch.amp, "is_autocast_available", lambda d: available if d == "mps" else real(d))
    speed = choose_speed("mps")
    assert (speed.autocast_dtype, speed.use_grad_scaler, layouts(speed)) == (dtype, available, (USUAL, USUAL))


def test_this_pytorch_has_mps_autocast() -> None:
    assert torch.amp.is_autocast_available("mps")  # so the rule above is live, not dead code


@pytest.mark.parametrize("device", ["cpu", "cuda", "mps"])
def test_fp32_is_the_book_everywhere(device: str) -> None:
    speed = choose_speed(device, "fp32")
    assert (speed.autocast_dtype, layouts(speed), speed.use_grad_scaler) == (None, (USUAL, USUAL), False)
    assert speed.label == "fp32"
    with speed.autocast():
        assert not torch.is_autocast_enabled(device)


def test_an_unknown_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="fp32"):
        choose_speed("cpu", "fp8")


# ----------------------------------------------------------------------------- arithmetic


def plain_book_loop(net: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int) -> list[float]:
    """The book's loop without any speed setting: the reference for bitwise equality."""
    optimizer = optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def test_fp32_setting_is_bitwise_the_plain_loop(tiny_vgg) -> None:
    x, y = images(8)
    reference = tiny_vgg(dropout=0.0)
    plain_book_loop(reference, x, y, steps=3)

    net = tiny_vgg(dropout=0.0)
    data = torch.utils.data.TensorDataset(x, y)
    loaders = {"train": DataLoader(data, batch_size=8), "val": DataLoader(data, batch_size=8)}  # x, y in order
    train_model(net, loaders, nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.05, momentum=0.9),
                num_epochs=3, device="cpu", speed=choose_speed("cpu", "fp32"))
    for (name, a), b in zip(reference.state_dict().items(), net.state_dict().values(), strict=True):
        assert torch.equal(a, b), name


def test_bf16_autocast_logits_are_close_to_fp32(tiny_vgg) -> None:
    net, (x, _) = tiny_vgg().eval(), images(16)
    speed = Speed("cpu", torch.bfloat16, True, True, "test")
    with torch.no_grad():
        fp32 = net(x)
        with speed.autocast():
            fast = net(x.to(memory_format=speed.memory_format(training=False)))
    assert fast.dtype == torch.bfloat16 and not torch.equal(fast.float(), fp32)  # autocast did act
    # bf16 keeps 8 significant bits: each rounding is off by up to 2**-8 = 0.4 % relative. Through
    # 4 rounded layers and sums of up to 64 terms the errors add partly at random: a few percent of
    # the logits' scale. 5 % of the largest logit catches a wrong dtype or layout, not rounding.
    scale = fp32.abs().max()
    assert (fast.float() - fp32).abs().max() <= 0.05 * scale
    assert (fast.float().argmax(1) == fp32.argmax(1)).float().mean() >= 0.9


def test_a_training_step_under_autocast_lowers_the_loss_and_keeps_fp32_weights(tmp_path, tiny_vgg) -> None:
    x, y = images(16)
    net = tiny_vgg(dropout=0.0)
    speed = Speed("cpu", torch.bfloat16, True, True, "test")  # runs (slowly) even without native bf16
    optimizer = optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    net.to(memory_format=speed.memory_format(training=True))
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        with speed.autocast():
            loss = nn.functional.cross_entropy(net(x.to(memory_format=speed.memory_format(training=True))), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]

    # Saved after training under autocast: a plain fp32 state_dict that loads into a fresh network.
    net.to(memory_format=torch.contiguous_format)
    torch.save(net.state_dict(), tmp_path / "w.pth")
    state = torch.load(tmp_path / "w.pth", weights_only=True)
    assert all(t.dtype == torch.float32 and t.is_contiguous() for t in state.values())
    fresh = tiny_vgg(seed=1)
    fresh.load_state_dict(state)
    assert torch.equal(fresh.eval()(x), net.eval()(x))


def test_train_model_under_autocast_learns_and_returns_a_contiguous_fp32_model(tiny_vgg) -> None:
    x, y = images(32)
    net = tiny_vgg(dropout=0.0)
    data = torch.utils.data.TensorDataset(x, y)
    history = train_model(net, make_dataloaders(data, data, batch_size=8), nn.CrossEntropyLoss(),
                          optim.SGD(net.parameters(), lr=0.05, momentum=0.9), num_epochs=3, device="cpu",
                          speed=Speed("cpu", torch.bfloat16, True, True, "test"))
    assert history.phase("val")[-1].loss < history.phase("val")[0].loss
    assert all(isinstance(r.loss, float) for r in history.records)  # statistics in fp32 Python floats
    assert all(p.dtype == torch.float32 and p.is_contiguous() for p in net.parameters())


def test_fp16_with_a_grad_scaler_trains(tiny_vgg) -> None:
    # The scaler's logic (scale, unscale, skip on overflow, update) runs on the CPU too; fp16
    # autocast on the CPU is what Colab's T4 runs on CUDA.
    device = "cuda" if torch.cuda.is_available() else "cpu"
    x, y = images(16)
    net = tiny_vgg(dropout=0.0).to(device)
    speed = Speed(device, torch.float16, True, True, "test")
    scaler = torch.amp.GradScaler(device, enabled=speed.use_grad_scaler, init_scale=2.0**10)
    optimizer = optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        with speed.autocast():
            inputs = x.to(device, memory_format=speed.memory_format(training=True))
            loss = nn.functional.cross_entropy(net(inputs), y.to(device))
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        losses.append(loss.item())
    assert scaler.is_enabled() and scaler.get_scale() > 0
    assert losses[-1] < losses[0]

    # An overflow: the scaler skips the step and halves its scale, the weights stay as they were.
    before = [p.detach().clone() for p in net.parameters()]
    scale = scaler.get_scale()
    optimizer.zero_grad()
    scaler.scale(net(x.to(device)).sum() * float("inf")).backward()
    scaler.step(optimizer)
    scaler.update()
    assert scaler.get_scale() == scale / 2
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters()))
