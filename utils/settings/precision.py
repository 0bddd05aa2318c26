"""Speed settings for the device in hand, chosen in one place: ``channels_last`` memory layout and autocast
in bf16 (fp32's 8 exponent bits) or fp16 (5, so a ``GradScaler`` is needed). Notebook 04, "Going faster",
explains both; ``COURSE_PRECISION=fp32`` turns both off: the book's arithmetic.
"""

from __future__ import annotations

import contextlib
from contextlib import AbstractContextManager
from dataclasses import dataclass

import torch

from utils.settings.environment import PRECISIONS

_DTYPE_NAMES = {torch.bfloat16: "bf16", torch.float16: "fp16"}
#: How to get the book's arithmetic back.
FP32_HINT = "COURSE_PRECISION=fp32 gives the book's plain fp32"


@dataclass(frozen=True)
class SpeedSettings:
    """How ``train_model`` and the prediction helpers compute on ``device_type`` ("cpu",
    "cuda", "mps"): ``autocast_dtype`` bf16, fp16 or None (plain fp32), ``channels_last`` for
    the model and every batch, and the ``reason`` for the choice, shown by :meth:`describe`."""

    device_type: str
    autocast_dtype: torch.dtype | None
    channels_last: bool
    reason: str

    @property
    def memory_format(self) -> torch.memory_format:
        """The layout to pass to ``.to(memory_format=...)``."""
        return torch.channels_last if self.channels_last else torch.contiguous_format

    @property
    def use_grad_scaler(self) -> bool:
        """True for fp16, whose 5 exponent bits need a ``torch.amp.GradScaler``."""
        return self.autocast_dtype == torch.float16

    def autocast(self) -> AbstractContextManager:
        """``torch.autocast`` with the chosen dtype, or a context that changes nothing."""
        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device_type, dtype=self.autocast_dtype)

    @property
    def label(self) -> str:
        """Short name, e.g. "bf16 autocast + channels_last" or "fp32"."""
        name = f"{_DTYPE_NAMES[self.autocast_dtype]} autocast" if self.autocast_dtype else "fp32"
        return name + (" + channels_last" if self.channels_last else "")

    def describe(self) -> str:
        """One line: what was chosen and why."""
        return f"Speed: {self.label} ({self.reason})"


def cpu_has_native_bf16() -> bool:
    """Whether oneDNN runs bf16 natively on this CPU (AVX-512 bf16/AMX, Arm bf16); emulated bf16 is several
    times *slower* than fp32. ``ONEDNN_MAX_CPU_ISA=AVX2`` makes this False on any x86 CPU."""
    check = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
    return bool(torch.backends.mkldnn.is_available() and check is not None and check())


def choose_speed_settings(device: torch.device | str, precision: str = "auto") -> SpeedSettings:
    """Memory layout and autocast dtype for ``device``; ``precision="fp32"``: plain fp32, NCHW, the book.

    "auto": CPU: channels_last, bf16 if the CPU has it natively. CUDA: channels_last, bf16 where native
    (Ampere and newer), else fp16 with a gradient scaler. MPS: fp16 with a gradient scaler (bf16 is not on
    every Apple GPU) and no channels_last (not faster there), if this PyTorch has autocast for MPS.
    """
    kind = torch.device(device).type
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
    if precision == "fp32":
        return SpeedSettings(kind, None, False, "COURSE_PRECISION=fp32: the book's exact arithmetic")
    if kind == "cpu":
        if cpu_has_native_bf16():
            return SpeedSettings(kind, torch.bfloat16, True, "this CPU supports bf16")
        return SpeedSettings(kind, None, True, "this CPU has no native bf16, where bf16 would be slower")
    if kind == "cuda":
        if torch.cuda.is_bf16_supported(including_emulation=False):
            return SpeedSettings(kind, torch.bfloat16, True, "this GPU supports bf16")
        return SpeedSettings(kind, torch.float16, True, "this GPU has no native bf16: fp16 with a gradient scaler")
    if kind == "mps" and torch.amp.is_autocast_available("mps"):
        return SpeedSettings(kind, torch.float16, False, "Apple GPU: fp16 with a gradient scaler")
    return SpeedSettings(kind, None, False, f"no mixed precision rule for {kind}")
