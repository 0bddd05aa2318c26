"""Turn tensors back into pictures, and draw grids of them with titles.

The preprocessing pipeline ends with ``Normalize(mean, std)``, so a model's input
tensor has values around -2..+2 and the layout ``(C, H, W)``. To look at it we undo
both: multiply by ``std``, add ``mean`` (de-normalise) and move the channel axis last
``(H, W, C)``, the layout matplotlib expects.
"""

from __future__ import annotations

import math
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from utils.dataloader_image_classification import MEAN, STD


def denormalize(tensor: torch.Tensor, mean: Sequence[float] = MEAN,
                std: Sequence[float] = STD) -> torch.Tensor:
    """Undo ``Normalize(mean, std)``: returns ``tensor * std + mean`` per channel.

    Args:
        tensor: shape ``(3, H, W)`` or ``(N, 3, H, W)``.

    Returns:
        A new tensor of the same shape, values about 0..1 (not clipped).
    """
    shape = (-1, 1, 1)
    m = torch.as_tensor(mean, dtype=tensor.dtype, device=tensor.device).view(shape)
    s = torch.as_tensor(std, dtype=tensor.dtype, device=tensor.device).view(shape)
    return tensor * s + m


def tensor_to_image(tensor: torch.Tensor, mean: Sequence[float] | None = MEAN,
                    std: Sequence[float] | None = STD) -> np.ndarray:
    """Convert a model input ``(3, H, W)`` into an ``(H, W, 3)`` array in 0..1 for ``imshow``.

    Args:
        tensor: a normalised image tensor (any device).
        mean, std: the ``Normalize`` statistics to undo; pass ``None`` for both if the
            tensor was never normalised.

    Returns:
        ``float32`` array ``(H, W, 3)`` clipped to 0..1.
    """
    t = tensor.detach().cpu().float()
    if mean is not None and std is not None:
        t = denormalize(t, mean, std)
    return np.clip(t.numpy().transpose(1, 2, 0), 0.0, 1.0)


def show_image_grid(images: Sequence[torch.Tensor | np.ndarray], titles: Sequence[str] | None = None,
                    ncols: int = 4, title_colors: Sequence[str] | None = None,
                    suptitle: str | None = None, cell_size: float = 2.6,
                    normalized: bool = True) -> Figure:
    """Draw images in a grid, each with an optional coloured title.

    Args:
        images: ``(3, H, W)`` tensors (de-normalised here when ``normalized``) or
            ``(H, W, 3)`` arrays in 0..1.
        titles: one caption per image.
        ncols: images per row.
        title_colors: one matplotlib colour per caption (e.g. red for mistakes).
        suptitle: a title for the whole figure.
        cell_size: inches per image.
        normalized: whether tensors carry ImageNet normalisation to undo.

    Returns:
        The matplotlib ``Figure`` (shown inline by Jupyter; save it with ``fig.savefig``).
    """
    n = len(images)
    if n == 0:
        raise ValueError("show_image_grid needs at least one image")
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(cell_size * ncols, cell_size * nrows + 0.4),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        img = images[i]
        if isinstance(img, torch.Tensor):
            img = tensor_to_image(img, *((MEAN, STD) if normalized else (None, None)))
        ax.imshow(img)
        if titles is not None:
            color = title_colors[i] if title_colors is not None else "black"
            ax.set_title(titles[i], fontsize=9, color=color)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
