"""A per-layer table of output shapes and parameter counts: ``torchinfo.summary`` with the course's columns.

``print(layer_table(net))`` shows what ``print(net)`` does not: the shape each layer produces, measured
by pushing a batch of zeros through the model (torchinfo hooks every layer and removes the hooks
afterwards). Operations written in ``forward()`` rather than as modules (VGG16's ``torch.flatten``)
get no row: notebook 01 shows that step by pushing a tensor through ``features`` and ``avgpool``.
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
    """``torchinfo.summary`` of ``model`` for an input of zeros of shape ``input_size``.

    Zeros rather than torchinfo's random input, so no random numbers are consumed; the pass runs in
    eval mode without gradients, and each module's train/eval flag comes back as it was.

    Args:
        model: any ``nn.Module`` taking one tensor.
        input_size: the input's shape, batch first, e.g. ``(1, 3, 224, 224)``.
        depth: how many levels of nested modules get rows (2: VGG16's ``features.0`` etc.).
        device: where to run (default: where the model's parameters are).

    Returns:
        torchinfo's ``ModelStatistics``: ``print`` it; ``total_params``, ``trainable_params``,
        ``summary_list``.
    """
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
