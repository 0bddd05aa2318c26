"""Pick the fastest available device: a CUDA GPU, Apple's MPS, or the CPU."""

from __future__ import annotations

import torch


def select_device(prefer: str | None = None) -> torch.device:
    """``cuda`` if a CUDA GPU is present, else ``mps`` on Apple silicon, else ``cpu``; ``prefer`` forces one
    by name ("cpu", "cuda", "mps") and raises ``RuntimeError`` if this machine lacks it."""
    if prefer is not None:
        available = {"cpu": True, "cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available()}
        if not available.get(prefer, False):
            raise RuntimeError(f"Device {prefer!r} is not available here; available: "
                               f"{[name for name, ok in available.items() if ok]}")
        return torch.device(prefer)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")

