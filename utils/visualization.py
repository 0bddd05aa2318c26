"""Turn tensors back into pictures, and draw grids of them with titles.

The preprocessing pipeline ends with ``Normalize(mean, std)``, so a model's input
tensor has values around -2..+2 and the layout ``(C, H, W)``. To look at it we undo
both: multiply by ``std``, add ``mean`` (de-normalise) and move the channel axis last
``(H, W, C)``, the layout matplotlib expects.

Also here: per-channel statistics and histograms (what ``Normalize`` does to the
values), side-by-side views with pixel axes (what ``Resize``/``CenterCrop`` do to the
size), the region a resize-and-crop pipeline keeps, and top-k probability bar charts.
Every drawing function returns its matplotlib ``Figure``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence, Union

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import Image

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
    # Each row gets room for its captions (about 0.2 inch per caption line) on top of the
    # picture, plus room for a suptitle; otherwise captions run into the pictures above them.
    caption_lines = max((str(t).count("\n") + 1 for t in titles), default=0) if titles is not None else 0
    height = nrows * (cell_size + 0.2 * caption_lines) + (0.5 if suptitle else 0.1)
    fig, axes = plt.subplots(nrows, ncols, figsize=(cell_size * ncols, height), squeeze=False)
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


# --------------------------------------------------------------------------------------
# Image inspection: per-channel statistics, side-by-side views, crop regions.
# --------------------------------------------------------------------------------------

#: Names and plot colours of the three colour channels, in tensor order.
CHANNEL_NAMES: tuple[str, str, str] = ("R", "G", "B")
CHANNEL_COLORS: tuple[str, str, str] = ("tab:red", "tab:green", "tab:blue")

ImageLike = Union[torch.Tensor, np.ndarray, Image.Image]


@dataclass(frozen=True)
class ChannelStats:
    """Summary of one colour channel: mean, (population) standard deviation, min and max."""

    channel: str
    mean: float
    std: float
    min: float
    max: float


def channel_stats(tensor: torch.Tensor, channel_names: Sequence[str] = CHANNEL_NAMES
                  ) -> list[ChannelStats]:
    """Per-channel mean, standard deviation, min and max of an image tensor.

    Args:
        tensor: ``(C, H, W)`` or a batch ``(N, C, H, W)`` (statistics over N, H, W), any device.
        channel_names: one name per channel.

    Returns:
        One :class:`ChannelStats` per channel, in channel order. The standard
        deviation is the population one (divides by the number of values), like
        the ImageNet ``std`` that ``Normalize`` uses.
    """
    t = tensor.detach().cpu().double()
    if t.dim() == 3:
        t = t.unsqueeze(0)
    if t.dim() != 4 or t.shape[1] != len(channel_names):
        raise ValueError(f"expected (C, H, W) or (N, C, H, W) with C={len(channel_names)}, "
                         f"got {tuple(tensor.shape)}")
    per_channel = t.transpose(0, 1).reshape(t.shape[1], -1)  # (C, N*H*W)
    return [ChannelStats(name, float(v.mean()), float(v.std(correction=0)), float(v.min()), float(v.max()))
            for name, v in zip(channel_names, per_channel)]


def format_channel_stats(stats_by_label: Mapping[str, Sequence[ChannelStats]], digits: int = 3) -> str:
    """An aligned text table of :func:`channel_stats` results, one row per (label, channel).

    Args:
        stats_by_label: e.g. ``{"after ToTensor": channel_stats(x), "after Normalize": channel_stats(y)}``.
        digits: decimals to show.

    Returns:
        The table as a string, ready to ``print``.
    """
    header = ("stage", "channel", "mean", "std", "min", "max")
    body = [(label, s.channel, *(f"{v:.{digits}f}" for v in (s.mean, s.std, s.min, s.max)))
            for label, stats in stats_by_label.items() for s in stats]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]

    def fmt(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([fmt(header), "-" * len(fmt(header)), *(fmt(row) for row in body)])


def plot_channel_histograms(tensors: Mapping[str, torch.Tensor], bins: int = 64,
                            suptitle: str | None = None) -> Figure:
    """Histogram of each colour channel's values, one panel per tensor.

    Args:
        tensors: ``{panel title: (3, H, W) tensor}``, e.g. before and after ``Normalize``.
        bins: histogram bins per channel.
        suptitle: a title for the whole figure.

    Returns:
        A ``Figure`` with one axis per tensor; the dashed lines mark each channel's mean.
    """
    if not tensors:
        raise ValueError("plot_channel_histograms needs at least one tensor")
    fig, axes = plt.subplots(1, len(tensors), figsize=(5.2 * len(tensors), 3.6), squeeze=False)
    for ax, (title, tensor) in zip(axes.flat, tensors.items()):
        t = tensor.detach().cpu().float()
        if t.dim() != 3 or t.shape[0] != len(CHANNEL_NAMES):
            raise ValueError(f"{title}: expected a (3, H, W) tensor, got {tuple(t.shape)}")
        for values, name, color in zip(t.reshape(3, -1), CHANNEL_NAMES, CHANNEL_COLORS):
            ax.hist(values.numpy(), bins=bins, histtype="step", color=color, linewidth=1.5, label=name)
            ax.axvline(float(values.mean()), color=color, linestyle="--", linewidth=1)
        ax.set_title(title)
        ax.set_xlabel("pixel value")
        ax.set_ylabel("number of pixels")
        ax.legend(title="channel (-- mean)", fontsize=8, title_fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def _as_display_array(img: ImageLike, normalized: bool = True) -> np.ndarray:
    """``(H, W, 3)`` float array in 0..1 from a PIL image, an array, or a ``(3, H, W)`` tensor."""
    if isinstance(img, Image.Image):
        return np.asarray(img.convert("RGB"), dtype=np.float32) / 255.0
    if isinstance(img, torch.Tensor):
        return tensor_to_image(img, *((MEAN, STD) if normalized else (None, None)))
    arr = np.asarray(img)
    if arr.dtype == np.uint8:
        return arr.astype(np.float32) / 255.0
    return np.clip(arr.astype(np.float32), 0.0, 1.0)


def show_images_side_by_side(images: Sequence[ImageLike], titles: Sequence[str] | None = None,
                             suptitle: str | None = None, same_scale: bool = True,
                             normalized: bool = True, panel_size: float = 3.6) -> Figure:
    """Draw images in one row with pixel axes, so their sizes can be compared.

    Args:
        images: PIL images, ``(H, W, 3)`` arrays (0..1 floats or uint8), or
            ``(3, H, W)`` tensors (de-normalised here when ``normalized``).
        titles: one caption per image.
        suptitle: a title for the whole figure.
        same_scale: give every panel the same pixel range (the largest width and
            height), so a 224-pixel crop looks smaller than the 640-pixel photo.
        normalized: whether tensors carry ImageNet normalisation to undo.
        panel_size: inches per panel.

    Returns:
        A ``Figure`` with one axis per image, labelled in pixels.
    """
    if not images:
        raise ValueError("show_images_side_by_side needs at least one image")
    arrays = [_as_display_array(img, normalized) for img in images]
    max_w = max(a.shape[1] for a in arrays)
    max_h = max(a.shape[0] for a in arrays)
    # Panels of equal height; each as wide as its picture's (or the common) aspect ratio asks.
    ratios = [max_w / max_h if same_scale else a.shape[1] / a.shape[0] for a in arrays]
    image_h = panel_size * 0.8
    width = image_h * sum(ratios) + 0.7 * len(arrays)               # room for tick labels
    height = image_h + 0.9 + (0.4 if suptitle else 0.0)            # room for titles and labels
    fig, axes = plt.subplots(1, len(arrays), figsize=(width, height), squeeze=False,
                             gridspec_kw={"width_ratios": ratios})
    for i, (ax, arr) in enumerate(zip(axes.flat, arrays)):
        ax.imshow(arr)
        if same_scale:
            ax.set_xlim(-0.5, max_w - 0.5)
            ax.set_ylim(max_h - 0.5, -0.5)
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
        ax.set_xlabel("x (pixels)")
        if i == 0:
            ax.set_ylabel("y (pixels)")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def center_crop_region(image_size: tuple[int, int], resize: int, crop: int
                       ) -> tuple[float, float, float, float]:
    """Which part of the original picture ``Resize(resize)`` then ``CenterCrop(crop)`` keeps.

    Args:
        image_size: the original ``(width, height)``, as PIL's ``img.size`` gives it.
        resize: the shorter side after ``Resize``.
        crop: the side of the square ``CenterCrop``.

    Returns:
        ``(left, top, width, height)`` of the kept square, in original pixels.
        For the 640 x 426 dog photo, ``Resize(224) + CenterCrop(224)`` keeps the
        central 426 x 426 square; ``Resize(256) + CenterCrop(224)`` keeps 372.75 x 372.75.
    """
    width, height = image_size
    scale = resize / min(width, height)          # original pixels -> resized pixels
    kept = min(crop / scale, width, height)      # the crop's side, back in original pixels
    return (width - kept) / 2, (height - kept) / 2, kept, kept


def show_kept_regions(image: Image.Image, regions: Mapping[str, tuple[float, float, float, float]],
                      results: Mapping[str, ImageLike], suptitle: str | None = None,
                      normalized: bool = True) -> Figure:
    """The original picture with the regions different pipelines keep, then each pipeline's result.

    Args:
        image: the original PIL image.
        regions: ``{label: (left, top, width, height)}`` in original pixels,
            e.g. from :func:`center_crop_region`.
        results: ``{label: image}``, what each pipeline produced (tensors are
            de-normalised when ``normalized``).
        suptitle: a title for the whole figure.
        normalized: whether tensors carry ImageNet normalisation to undo.

    Returns:
        A ``Figure`` with ``1 + len(results)`` axes.
    """
    from matplotlib.patches import Rectangle

    styles = ["-", "--", ":", "-."]
    colors = ["tab:orange", "cyan", "magenta", "yellow"]
    n = 1 + len(results)
    fig, axes = plt.subplots(1, n, figsize=(4.0 * n + 1.0, 4.8), squeeze=False,
                             gridspec_kw={"width_ratios": [1.5] + [1] * len(results)})
    ax0 = axes[0, 0]
    ax0.imshow(_as_display_array(image))
    for i, (label, (left, top, w, h)) in enumerate(regions.items()):
        ax0.add_patch(Rectangle((left - 0.5, top - 0.5), w, h, fill=False, linewidth=2.5,
                                edgecolor=colors[i % len(colors)], linestyle=styles[i % len(styles)],
                                label=f"{label}: {w:.0f} x {h:.0f} px"))
    ax0.set_title(f"original {image.size[0]} x {image.size[1]} (W x H)", fontsize=9)
    ax0.set_xlabel("x (pixels)")
    ax0.set_ylabel("y (pixels)")
    handles, labels = ax0.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(regions), fontsize=9,
               title="kept region of the original", title_fontsize=9)
    for i, (ax, (label, result)) in enumerate(zip(axes.flat[1:], results.items())):
        arr = _as_display_array(result, normalized)
        ax.imshow(arr)
        ax.set_title(f"{label}\n-> {arr.shape[1]} x {arr.shape[0]}", fontsize=9,
                     color="black")
        for spine in ax.spines.values():
            spine.set_edgecolor(colors[i % len(colors)])
            spine.set_linewidth(2.5)
            spine.set_linestyle(styles[i % len(styles)])
        ax.set_xlabel("x (pixels)")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout(rect=(0.0, 0.14, 1.0, 1.0))  # leave the bottom strip to the legend
    return fig


# --------------------------------------------------------------------------------------
# Predictions: top-k bar charts.
# --------------------------------------------------------------------------------------

def plot_topk(predictions: Sequence[tuple[int, str, float]], title: str | None = None,
              ax: Axes | None = None, highlight_ids: Sequence[int] = (), xmax: float | None = 1.0
              ) -> Figure:
    """Horizontal bar chart of top-k ``(class_id, name, probability)`` predictions, best on top.

    Args:
        predictions: e.g. ``ILSVRCPredictor.predict_topk(out, k=5)``.
        title: the axis title.
        ax: draw into this axis (default: a new figure).
        highlight_ids: class ids drawn in orange (e.g. 309 ``bee`` and 310 ``ant``).
        xmax: right end of the probability axis (1.0 shows confidence honestly;
            None lets matplotlib choose).

    Returns:
        The ``Figure`` holding the chart.
    """
    if not predictions:
        raise ValueError("plot_topk needs at least one prediction")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.0, 0.45 * len(predictions) + 1.2))
    else:
        fig = ax.figure
    labels = [f"{name} ({class_id})" for class_id, name, _ in predictions]
    probs = [p for _, _, p in predictions]
    colors = ["tab:orange" if class_id in set(highlight_ids) else "tab:blue" for class_id, _, _ in predictions]
    y = np.arange(len(predictions))
    ax.barh(y, probs, color=colors)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()  # the most probable class on top
    if xmax is not None:
        ax.set_xlim(0, xmax)
    right = ax.get_xlim()[1]
    for yi, p in zip(y, probs):
        inside = p > 0.75 * right
        ax.text(p - 0.01 * right if inside else p + 0.01 * right, yi, f"{p:.2%}", va="center",
                ha="right" if inside else "left", fontsize=8, color="white" if inside else "black")
    ax.set_xlabel("softmax probability")
    if title:
        ax.set_title(title, fontsize=10)
    if ax.figure is fig and len(fig.axes) == 1:
        fig.tight_layout()
    return fig


def show_topk_panels(images: Sequence[ImageLike], topk_lists: Sequence[Sequence[tuple[int, str, float]]],
                     titles: Sequence[str], suptitle: str | None = None,
                     highlight_ids: Sequence[int] = (), normalized: bool = True,
                     bar_title: str | None = None) -> Figure:
    """One row per image: the picture on the left, its top-k bar chart on the right.

    Args:
        images: PIL images, arrays or (normalised) ``(3, H, W)`` tensors.
        topk_lists: one ``predict_topk`` answer per image.
        titles: one title per row (shown above the picture).
        suptitle: a title for the whole figure.
        highlight_ids: class ids drawn in orange in every bar chart.
        normalized: whether tensors carry ImageNet normalisation to undo.
        bar_title: title of every bar chart (default: "top-k").

    Returns:
        A ``Figure`` with ``2 * len(images)`` axes.
    """
    if len(images) != len(topk_lists) or len(images) != len(titles) or not images:
        raise ValueError("show_topk_panels needs as many top-k lists and titles as images (at least one)")
    k = max(len(t) for t in topk_lists)
    row_h = max(2.8, 0.42 * k + 1.0)
    fig, axes = plt.subplots(len(images), 2, figsize=(10.5, row_h * len(images) + 0.5), squeeze=False,
                             gridspec_kw={"width_ratios": [1, 1.7]})
    for (ax_img, ax_bar), img, topk, title in zip(axes, images, topk_lists, titles):
        ax_img.imshow(_as_display_array(img, normalized))
        ax_img.set_title(title, fontsize=10)
        ax_img.axis("off")
        plot_topk(topk, title=bar_title or f"top-{len(topk)}", ax=ax_bar, highlight_ids=highlight_ids)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
