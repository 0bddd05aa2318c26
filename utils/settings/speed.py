"""How the course computes on the device in hand, explained in notebook 04: the memory layout per workload
(``channels_last`` where it is measured faster) and autocast in bf16 or fp16 (with a ``GradScaler``).
``COURSE_SPEED=fp32`` turns both off: the book's arithmetic and the usual layout."""

import functools
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import torch

from utils.settings.environment import SPEED_VAR, SPEEDS
from utils.settings.language import tr

_DTYPE_NAMES = {torch.bfloat16: "bf16", torch.float16: "fp16"}
#: A CPU gets bf16 autocast only if one convolution runs at least this many times as fast in bf16 as
#: in fp32. Measured on one core: about 3.5-4x with AMX, 0.5x with AVX-512 bf16 alone, 0.1-0.2x where
#: bf16 is emulated.
BF16_MIN_SPEEDUP = 1.3
#: A CPU computes training (forward and backward) in channels_last only if one convolution runs at
#: least this many times as fast in it, and inference only from the second figure on: a wrong choice
#: costs training more. With oneDNN capped to AVX2, one core measured 1.1-1.6x for inference (lower on
#: a busy machine) and 0.9-1.1x for training; the whole stand-in VGG16 1.4x and 0.7-1.1x.
CHANNELS_LAST_MIN_SPEEDUP = 1.2
CHANNELS_LAST_MIN_SPEEDUP_INFERENCE = 1.05


@dataclass(frozen=True)
class Speed:
    """How ``train_model`` and the predictions compute on ``device_type``: ``autocast_dtype`` bf16, fp16
    or None (fp32); ``channels_last`` or the usual layout for training (forward and backward) and for
    inference (validation, predictions, Grad-CAM); and the ``reason`` for the choice."""

    device_type: str
    autocast_dtype: torch.dtype | None
    channels_last_training: bool
    channels_last_inference: bool
    reason: str

    def memory_format(self, training: bool) -> torch.memory_format:
        """The layout of the network and its batches for training (True) or inference (False)."""
        channels_last = self.channels_last_training if training else self.channels_last_inference
        return torch.channels_last if channels_last else torch.contiguous_format

    @property
    def use_grad_scaler(self) -> bool:
        """True for fp16, whose 5 exponent bits need a ``GradScaler``."""
        return self.autocast_dtype == torch.float16

    def autocast(self) -> AbstractContextManager:
        """``torch.autocast`` in ``autocast_dtype``, or a context that changes nothing (fp32)."""
        if self.autocast_dtype is None:
            return nullcontext()
        return torch.autocast(self.device_type, self.autocast_dtype)

    @property
    def label(self) -> str:
        """E.g. "bf16 autocast + channels_last", "fp32 + channels_last for inference" or "fp32"."""
        name = "fp32"
        if self.autocast_dtype is not None:
            name = f"{_DTYPE_NAMES[self.autocast_dtype]} autocast"
        if self.channels_last_training and self.channels_last_inference:
            return f"{name} + channels_last"
        if self.channels_last_inference:
            return tr("{name} + channels_last for inference", name=name)
        if self.channels_last_training:
            return tr("{name} + channels_last for training", name=name)
        return name

    def describe(self) -> str:
        """The setup cell's lines: the choice and its reason, then how to get the book's fp32."""
        if self.label == "fp32":
            return tr("Speed: {label} ({reason})", label=self.label, reason=self.reason)
        return tr("Speed: {label} ({reason})\n  {var}=fp32 gives the book's plain fp32",
                  label=self.label, reason=self.reason, var=SPEED_VAR)


def _best_of(runs: dict[str, Callable[[], None]], repeats: int) -> dict[str, float]:
    """The fastest of ``repeats`` alternating runs of each function, in seconds, on one CPU thread,
    after two warm-up rounds (oneDNN builds its kernels on the first calls)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a busy machine scatters the timings of threads that wait for each other
    try:
        best = {name: float("inf") for name in runs}
        for round_number in range(repeats + 2):
            for name, run in runs.items():
                start = time.perf_counter()
                run()
                seconds = time.perf_counter() - start
                if round_number >= 2:
                    best[name] = min(best[name], seconds)
    finally:
        torch.set_num_threads(threads)
    return best


def _probe_tensors(memory_format: torch.memory_format) -> tuple[torch.Tensor, torch.Tensor]:
    """One VGG16-like 3x3 convolution's input (1, 64, 56, 56) and weight (64, 64, 3, 3), seeded."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn((1, 64, 56, 56), generator=gen).to(memory_format=memory_format)
    w = torch.randn((64, 64, 3, 3), generator=gen).to(memory_format=memory_format)
    return x, w


@functools.cache
def cpu_bf16_speedup(repeats: int = 7) -> float | None:
    """How many times as fast one 3x3 convolution runs in bf16 as in fp32 on one CPU core (the
    instructions oneDNN really uses, ``ONEDNN_MAX_CPU_ISA`` included): the best of ``repeats``
    alternating runs. None where oneDNN has no bf16 at all. Cached per process; about 0.02-0.2 s."""
    check = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
    if not torch.backends.mkldnn.is_available() or check is None or not check():
        return None
    x, w = _probe_tensors(torch.channels_last)

    def convolve(bf16: bool) -> None:
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            torch.nn.functional.conv2d(x, w, padding=1)

    best = _best_of({"fp32": lambda: convolve(False), "bf16": lambda: convolve(True)}, repeats)
    return best["fp32"] / best["bf16"]


@functools.cache
def cpu_channels_last_speedup(training: bool, repeats: int = 9) -> float:
    """How many times as fast one fp32 3x3 convolution runs in channels_last as in the usual layout on
    one CPU core: forward only (``training=False``) or forward and backward (``training=True``); the
    best of ``repeats`` alternating runs. Cached per process; about 0.05-0.3 s."""
    tensors = {}
    for name, layout in (("usual", torch.contiguous_format), ("channels_last", torch.channels_last)):
        tensors[name] = [t.requires_grad_(training) for t in _probe_tensors(layout)]

    def convolve(name: str) -> None:
        x, w = tensors[name]
        with torch.set_grad_enabled(training):
            out = torch.nn.functional.conv2d(x, w, padding=1)
            if training:
                out.sum().backward()

    best = _best_of({name: functools.partial(convolve, name) for name in tensors}, repeats)
    return best["usual"] / best["channels_last"]


def _cpu_speed() -> Speed:
    """The CPU rule: bf16 and channels_last where bf16 is measured faster; otherwise fp32, with
    channels_last for each workload where it is measured faster."""
    bf16 = cpu_bf16_speedup()
    if bf16 is not None and bf16 >= BF16_MIN_SPEEDUP:
        reason = tr("bf16 measured {speedup:.1f}x faster than fp32", speedup=bf16)
        return Speed("cpu", torch.bfloat16, True, True, reason)
    training, inference = cpu_channels_last_speedup(True), cpu_channels_last_speedup(False)
    bf16_part = tr("no bf16") if bf16 is None else f"bf16 {bf16:.1f}x"
    reason = tr("channels_last {inference:.1f}x inference, {training:.1f}x training; {bf16}",
                inference=inference, training=training, bf16=bf16_part)
    return Speed("cpu", None, training >= CHANNELS_LAST_MIN_SPEEDUP,
                 inference >= CHANNELS_LAST_MIN_SPEEDUP_INFERENCE, reason)


def choose_speed(device: torch.device | str, setting: str = "auto") -> Speed:
    """Memory layouts and autocast for ``device``; ``setting="fp32"``: the book's. "auto": on a CPU, see
    :func:`_cpu_speed`; CUDA channels_last and bf16 where native, else fp16; MPS fp16 (bf16 is not on
    every Apple GPU) in the usual layout (channels_last is not faster there)."""
    kind = torch.device(device).type
    if setting not in SPEEDS:
        raise ValueError(tr("setting must be one of {speeds}, not {setting!r}", speeds=SPEEDS, setting=setting))
    if setting == "fp32":
        return Speed(kind, None, False, False, tr("{var}=fp32: the book's arithmetic", var=SPEED_VAR))
    if kind == "cpu":
        return _cpu_speed()
    if kind == "cuda":
        if torch.cuda.is_bf16_supported(including_emulation=False):
            return Speed(kind, torch.bfloat16, True, True, tr("this GPU supports bf16"))
        return Speed(kind, torch.float16, True, True, tr("no native bf16 on this GPU: fp16, scaled"))
    if kind == "mps" and torch.amp.is_autocast_available("mps"):
        return Speed(kind, torch.float16, False, False, tr("Apple GPU: fp16 with a gradient scaler"))
    return Speed(kind, None, False, False, tr("no mixed precision rule for {kind}", kind=kind))

