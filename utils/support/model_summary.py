"""A per-layer table of output shapes and parameter counts: ``torchinfo.summary`` with the course's columns.

Operations written in ``forward()`` rather than as modules (VGG16's ``torch.flatten``) get no row.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torchinfo import ModelStatistics, summary


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of parameters of ``model`` (only those with ``requires_grad`` if ``trainable_only``)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def layer_table(model: nn.Module, input_size: Sequence[int] = (1, 3, 224, 224), depth: int = 2,
                device: torch.device | str | None = None) -> ModelStatistics:
    """torchinfo's ``ModelStatistics`` (``print`` it) of ``model`` for zeros of shape ``input_size`` (batch
    first; zeros consume no random numbers), on ``device`` (default: the parameters'), in eval mode; every
    module's train/eval flag comes back. ``depth``: levels of nested modules with rows (2: ``features.0``)."""
    if device is None:
        device = next((p.device for p in model.parameters()), torch.device("cpu"))
    flags = {m: m.training for m in model.modules()}
    try:
        return summary(model, input_data=torch.zeros(tuple(input_size), device=device), depth=depth,
                       col_names=("output_size", "num_params"), row_settings=("var_names",),
                       mode="eval", device=device, verbose=0)
    finally:
        for module, flag in flags.items():
            module.training = flag
