"""Speed settings for the device in hand: ``channels_last`` and autocast in bf16 or fp16 (with a ``GradScaler``),
explained in notebook 04; ``COURSE_PRECISION=fp32`` turns both off: the book's arithmetic."""

import functools
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import torch

from utils.settings.environment import PRECISIONS

_DTYPE_NAMES = {torch.bfloat16: "bf16", torch.float16: "fp16"}
FP32_HINT = "COURSE_PRECISION=fp32 gives the book's plain fp32"
#: A CPU gets bf16 autocast only if one convolution runs at least this many times as fast in bf16 as in fp32.
#: Measured on one core: about 3.5-4x with AMX, 0.5x with AVX-512 bf16 alone, 0.1-0.2x where bf16 is emulated.
BF16_MIN_SPEEDUP = 1.3


@dataclass(frozen=True)
class SpeedSettings:
    """How ``train_model`` and the predictions compute on ``device_type``: ``autocast_dtype`` bf16, fp16 or None
    (fp32), ``channels_last`` for the model and every batch, and the ``reason`` for the choice."""

    device_type: str
    autocast_dtype: torch.dtype | None
    channels_last: bool
    reason: str

    @property
    def memory_format(self) -> torch.memory_format:
        return torch.channels_last if self.channels_last else torch.contiguous_format

    @property
    def use_grad_scaler(self) -> bool:
        """True for fp16, whose 5 exponent bits need a ``GradScaler``."""
        return self.autocast_dtype == torch.float16

    def autocast(self) -> AbstractContextManager:
        on = self.autocast_dtype is not None
        return torch.autocast(self.device_type, self.autocast_dtype) if on else nullcontext()

    @property
    def label(self) -> str:
        """E.g. "bf16 autocast + channels_last" or "fp32"."""
        name = f"{_DTYPE_NAMES[self.autocast_dtype]} autocast" if self.autocast_dtype else "fp32"
        return name + (" + channels_last" if self.channels_last else "")

    def describe(self) -> str:
        return f"Speed: {self.label} ({self.reason})"


@functools.cache
def cpu_bf16_speedup(repeats: int = 7) -> float | None:
    """How many times as fast one 3x3 convolution (64 channels, 56x56) runs in bf16 as in fp32 on one CPU core (the
    instructions oneDNN really uses, ``ONEDNN_MAX_CPU_ISA`` included): the best of ``repeats`` alternating runs.
    None where oneDNN has no bf16 at all. Cached per process; about 0.02-0.2 s."""
    check = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
    if not (torch.backends.mkldnn.is_available() and check is not None and check()):
        return None
    gen = torch.Generator().manual_seed(0)
    x, w = (torch.randn(shape, generator=gen).to(memory_format=torch.channels_last)
            for shape in ((1, 64, 56, 56), (64, 64, 3, 3)))

    def seconds(bf16: bool) -> float:
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            start = time.perf_counter()
            torch.nn.functional.conv2d(x, w, padding=1)
            return time.perf_counter() - start

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a busy machine scatters the timings of threads that wait for each other
    try:
        for bf16 in (False, True, False, True):  # warm-up: oneDNN builds its kernels on the first calls
            seconds(bf16)
        fp32, bf16 = zip(*((seconds(False), seconds(True)) for _ in range(repeats)), strict=True)
    finally:
        torch.set_num_threads(threads)
    return min(fp32) / min(bf16)


def choose_speed_settings(device: torch.device | str, precision: str = "auto") -> SpeedSettings:
    """Memory layout and autocast for ``device``; ``precision="fp32"``: the book's. "auto": channels_last, and on a
    CPU bf16 where :func:`cpu_bf16_speedup` is at least :data:`BF16_MIN_SPEEDUP`; CUDA bf16 where native, else
    fp16; MPS fp16 (bf16 is not on every Apple GPU) without channels_last (not faster there)."""
    kind = torch.device(device).type
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
    if precision == "fp32":
        return SpeedSettings(kind, None, False, "COURSE_PRECISION=fp32: the book's arithmetic")
    if kind == "cpu":
        if (speedup := cpu_bf16_speedup()) is None:
            return SpeedSettings(kind, None, True, "oneDNN has no bf16 on this CPU")
        if speedup >= BF16_MIN_SPEEDUP:
            return SpeedSettings(kind, torch.bfloat16, True, f"bf16 measured {speedup:.1f}x faster than fp32 here")
        gain = "" if speedup < 1 else ", too little to gain"
        return SpeedSettings(kind, None, True, f"bf16 would run at {speedup:.1f}x fp32 speed here{gain}")
    if kind == "cuda":
        if torch.cuda.is_bf16_supported(including_emulation=False):
            return SpeedSettings(kind, torch.bfloat16, True, "this GPU supports bf16")
        return SpeedSettings(kind, torch.float16, True, "this GPU has no native bf16: fp16 with a gradient scaler")
    if kind == "mps" and torch.amp.is_autocast_available("mps"):
        return SpeedSettings(kind, torch.float16, False, "Apple GPU: fp16 with a gradient scaler")
    return SpeedSettings(kind, None, False, f"no mixed precision rule for {kind}")
