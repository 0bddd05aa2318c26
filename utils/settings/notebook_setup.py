"""The first code cell of every notebook: seeds, device, speed settings, versions and run mode in one call."""

from __future__ import annotations

import platform
import random
import sys
from dataclasses import dataclass

import numpy as np
import torch

from utils.settings.course_mode import CourseMode, get_course_mode
from utils.settings.device import select_device
from utils.settings.precision import SpeedSettings, choose_speed_settings
from utils.settings.paths import DATA_DIR, REPO_ROOT

#: The book's seed.
DEFAULT_SEED = 1234


@dataclass(frozen=True)
class NotebookContext:
    """What the setup cell hands to the notebook: ``device``, run ``mode``, ``seed`` and ``speed`` settings."""

    device: torch.device
    mode: CourseMode
    seed: int
    speed: SpeedSettings


def seed_everything(seed: int = DEFAULT_SEED) -> None:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and every GPU) with one number."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds CUDA and MPS generators


def setup_notebook(seed: int = DEFAULT_SEED, verbose: bool = True) -> NotebookContext:
    """Seed ``random``, NumPy and PyTorch, pick the device and its speed settings, read the run mode, and
    (``verbose``) print versions, device, speed, mode and paths. Returns a :class:`NotebookContext`."""
    import torchvision  # imported here so the report shows the version actually loaded

    seed_everything(seed)
    mode = get_course_mode()
    device = select_device()
    speed = choose_speed_settings(device, mode.precision)
    if verbose:
        print(f"Python {sys.version.split()[0]} ({platform.system()}), PyTorch {torch.__version__}, "
              f"torchvision {torchvision.__version__}, NumPy {np.__version__}")
        print(f"Device: {device}" + (f" ({torch.cuda.get_device_name(device)})"
                                     if device.type == "cuda" else ""))
        print(speed.describe())
        print(f"Repository: {REPO_ROOT}   data: {DATA_DIR}")
        print(f"Seed: {seed}.  {mode.describe()}")
    return NotebookContext(device=device, mode=mode, seed=seed, speed=speed)
