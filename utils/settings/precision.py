"""Bridge (delete once notebooks 03 and 04 import ``utils.settings.speed``): the old names of
:mod:`utils.settings.speed`."""

import torch

from utils.settings.speed import Speed, choose_speed

SpeedSettings = Speed


def choose_speed_settings(device: torch.device | str, precision: str = "auto") -> Speed:
    """``choose_speed(device, precision)``."""
    return choose_speed(device, precision)
