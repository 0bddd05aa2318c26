"""Turn normalised ``(C, H, W)`` tensors back into pictures and draw them: grids, size comparisons,
channel statistics, top-k bars. Every drawing function returns its ``Figure``, at most
:data:`FIGURE_WIDTH` inches wide."""

import math
from collections import namedtuple
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image
from torchvision.utils import make_grid

from utils.dataloader_image_classification import MEAN, STD
from utils.imagenet_inference import Prediction
from utils.settings.language import tr

ImageLike = torch.Tensor | np.ndarray | Image.Image
#: Inches: JupyterLab's notebook area on a laptop (900 px at 100 dpi), so no figure is shrunk.
FIGURE_WIDTH = 9.0
CHANNEL_NAMES, CHANNEL_COLORS = ("R", "G", "B"), ("tab:red", "tab:green", "tab:blue")


def denormalize(
    tensor: torch.Tensor, mean: Sequence[float] = MEAN, std: Sequence[float] = STD
) -> torch.Tensor:
    """Undo ``Normalize(mean, std)`` on ``(3, H, W)`` or ``(N, 3, H, W)``:
    ``tensor * std + mean``."""
    m = torch.as_tensor(mean, dtype=tensor.dtype, device=tensor.device).view(-1, 1, 1)
    s = torch.as_tensor(std, dtype=tensor.dtype, device=tensor.device).view(-1, 1, 1)
    return tensor * s + m


def tensor_to_image(
    tensor: torch.Tensor, mean: Sequence[float] | None = MEAN, std: Sequence[float] | None = STD
) -> np.ndarray:
    """A model input ``(3, H, W)``, or a batch ``(N, 3, H, W)`` tiled by ``make_grid``, as a float32
    ``(H, W, 3)`` array in 0..1. Pass ``mean=None, std=None`` for a tensor that was never
    normalised."""
    t = tensor.detach().cpu().float()
    if mean is not None and std is not None:
        t = denormalize(t, mean, std)
    t = make_grid(t, nrow=8, pad_value=1.0) if t.dim() == 4 else t  # a batch: one tiled picture
    return t.clamp(0, 1).permute(1, 2, 0).numpy()


def to_display_array(img: ImageLike, normalized: bool = True) -> np.ndarray:
    """``(H, W, 3)`` floats in 0..1 from a PIL image, an array (uint8 or 0..1) or a model input
    tensor."""
    if isinstance(img, torch.Tensor):
        if normalized:
            return tensor_to_image(img, MEAN, STD)
        return tensor_to_image(img, None, None)
    arr = np.asarray(img.convert("RGB") if isinstance(img, Image.Image) else img)
    if arr.dtype == np.uint8:
        return arr.astype(np.float32) / 255.0
    return np.clip(arr.astype(np.float32), 0, 1)


def imshow(
    img: ImageLike,
    ax: Axes,
    title: str | None = None,
    normalized: bool = True,
    color: str = "black",
    fontsize: float = 9,
) -> None:
    """Draw what :func:`to_display_array` takes into ``ax``."""
    ax.imshow(to_display_array(img, normalized))
    ax.set_title(title or "", fontsize=fontsize, color=color)


def show_image_grid(
    images: Sequence[ImageLike],
    titles: Sequence[str] | None = None,
    ncols: int = 4,
    title_colors: Sequence[str] | None = None,
    suptitle: str | None = None,
    normalized: bool = True,
) -> Figure:
    """Images in a grid with optional (coloured) titles, which never run into the row above; cells
    are 2.6 inches, smaller where the grid would not fit :data:`FIGURE_WIDTH`."""
    if len(images) == 0:
        raise ValueError(tr("show_image_grid needs at least one image"))
    ncols = max(1, min(ncols, len(images)))
    nrows, cell_size = math.ceil(len(images) / ncols), min(2.6, FIGURE_WIDTH / ncols)
    lines = 0  # the most lines of any title
    if titles is not None:
        lines = max((str(t).count("\n") + 1 for t in titles), default=0)
    height = nrows * (cell_size + 0.2 * lines) + (0.5 if suptitle else 0.1)
    fig, axes = plt.subplots(nrows, ncols, figsize=(cell_size * ncols, height), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            color = title_colors[i] if title_colors else "black"
            imshow(images[i], ax, titles and titles[i], normalized, color=color)
    return _finish(fig, suptitle)


def _finish(fig: Figure, suptitle: str | None, **layout) -> Figure:
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout(**layout)
    return fig


#: One colour channel's mean, population standard deviation (like ImageNet's ``std``), min and max.
ChannelStats = namedtuple("ChannelStats", "channel mean std min max")


def channel_stats(tensor: torch.Tensor) -> list[ChannelStats]:
    """Per-channel statistics of ``(3, H, W)`` or a batch ``(N, 3, H, W)`` (over N, H and W)."""
    t = tensor.detach().cpu().double()
    t = t.unsqueeze(0) if t.dim() == 3 else t
    if t.dim() != 4 or t.shape[1] != 3:
        raise ValueError(
            tr("expected (3, H, W) or (N, 3, H, W), got {shape}", shape=tuple(t.shape))
        )
    std, mean = torch.std_mean(t, dim=(0, 2, 3), correction=0)
    lo, hi = t.amin(dim=(0, 2, 3)), t.amax(dim=(0, 2, 3))
    return [
        ChannelStats(n, *(float(v[c]) for v in (mean, std, lo, hi)))
        for c, n in enumerate(CHANNEL_NAMES)
    ]


def format_channel_stats(stats_by_label: Mapping[str, Sequence[ChannelStats]]) -> str:
    """An aligned text table, one row per (label, channel) of ``{"ToTensor": stats, ...}``."""
    rows = [("stage", "channel", "mean", "std", "min", "max")]
    rows += [
        (label, s.channel, *(f"{v:.3f}" for v in (s.mean, s.std, s.min, s.max)))
        for label, stats in stats_by_label.items()
        for s in stats
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    lines = []
    for row in rows:  # the two names left-aligned, the numbers right-aligned
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells))
    return "\n".join([lines[0], "-" * len(lines[0]), *lines[1:]])


def plot_channel_histograms(
    tensors: Mapping[str, torch.Tensor], suptitle: str | None = None
) -> Figure:
    """One panel per ``(3, H, W)`` tensor: each channel's histogram, a dashed line at its mean."""
    if not tensors:
        raise ValueError(tr("plot_channel_histograms needs at least one tensor"))
    fig, axes = plt.subplots(
        1, len(tensors), figsize=(min(4.5 * len(tensors), FIGURE_WIDTH), 3.4), squeeze=False
    )
    for ax, (title, tensor) in zip(axes.flat, tensors.items()):
        t = tensor.detach().cpu().float()
        if t.dim() != 3 or t.shape[0] != 3:
            raise ValueError(
                tr(
                    "{title}: expected a (3, H, W) tensor, got {shape}",
                    title=title,
                    shape=tuple(t.shape),
                )
            )
        for values, name, color in zip(t.reshape(3, -1), CHANNEL_NAMES, CHANNEL_COLORS):
            ax.hist(
                values.numpy(), bins=64, histtype="step", color=color, linewidth=1.5, label=name
            )
            ax.axvline(float(values.mean()), color=color, linestyle="--", linewidth=1)
        ax.set(title=title, xlabel=tr("pixel value"), ylabel=tr("number of pixels"))
        ax.legend(title=tr("channel (-- mean)"), fontsize=8, title_fontsize=8)
    return _finish(fig, suptitle)


def show_images_side_by_side(
    images: Sequence[ImageLike],
    titles: Sequence[str] | None = None,
    suptitle: str | None = None,
    same_scale: bool = True,
    normalized: bool = True,
) -> Figure:
    """Images in one row with pixel axes, 3.6 inches high or less; ``same_scale``: every panel gets
    the largest width and height, so a 224-pixel crop looks smaller than the 640-pixel photo it came
    from."""
    if not images:
        raise ValueError(tr("show_images_side_by_side needs at least one image"))
    arrays = [to_display_array(img, normalized) for img in images]
    max_h, max_w = max(a.shape[0] for a in arrays), max(a.shape[1] for a in arrays)
    ratios = [max_w / max_h if same_scale else a.shape[1] / a.shape[0] for a in arrays]
    margins = 0.7 * len(arrays)  # room for each panel's tick labels
    image_h = min(3.6 * 0.8, (FIGURE_WIDTH - margins) / sum(ratios))
    lines = 1  # the most lines of any title
    if titles is not None:
        lines = max((str(t).count("\n") + 1 for t in titles), default=1)
    suptitle_h = 0.4 if suptitle else 0.0
    size = (image_h * sum(ratios) + margins, image_h + 0.7 + 0.2 * lines + suptitle_h)
    fig, axes = plt.subplots(1, len(arrays), figsize=size, squeeze=False, width_ratios=ratios)
    for i, (ax, arr) in enumerate(zip(axes.flat, arrays)):
        imshow(arr, ax, titles and titles[i])
        if same_scale:
            ax.set(xlim=(-0.5, max_w - 0.5), ylim=(max_h - 0.5, -0.5))
        ax.set(xlabel=tr("x (pixels)"), ylabel=tr("y (pixels)") if i == 0 else "")
    return _finish(fig, suptitle)


def center_crop_region(
    image_size: tuple[int, int], resize: int, crop: int
) -> tuple[float, float, float, float]:
    """``(left, top, width, height)`` in original pixels of what ``Resize(resize)`` +
    ``CenterCrop(crop)`` keep of a PIL ``(width, height)`` image: of the 640 x 426 photo 426 x 426
    (224/224), 372.75 (256/224)."""
    width, height = image_size
    # The crop's side in original pixels.
    kept = min(crop * min(width, height) / resize, width, height)
    return (width - kept) / 2, (height - kept) / 2, kept, kept


def show_kept_regions(
    image: Image.Image,
    regions: Mapping[str, tuple[float, float, float, float]],
    results: Mapping[str, ImageLike],
    suptitle: str | None = None,
    normalized: bool = True,
) -> Figure:
    """The original with each ``{label: (left, top, width, height)}`` framed, then each pipeline's
    result."""
    styles, colors = ["-", "--", ":", "-."] * 4, ["tab:orange", "cyan", "magenta", "yellow"] * 4
    aspect = image.size[0] / image.size[1]
    # Inches per image height: the panels share the width left after their tick labels.
    unit = min(3.0, (FIGURE_WIDTH - 0.6 * (1 + len(results))) / (aspect + len(results)))
    legend_h = 0.35 + 0.22 * len(regions)  # inches: the legend's title and one line per region
    suptitle_h = 0.35 if suptitle else 0.0
    height = unit + 1.0 + suptitle_h + legend_h  # titles, tick labels, suptitle, legend
    fig, axes = plt.subplots(
        1,
        1 + len(results),
        figsize=(FIGURE_WIDTH, height),
        squeeze=False,
        width_ratios=[aspect] + [1] * len(results),
    )
    ax0 = axes[0, 0]
    imshow(image, ax0, tr("original {w} x {h} (W x H)", w=image.size[0], h=image.size[1]))
    ax0.set(xlabel=tr("x (pixels)"), ylabel=tr("y (pixels)"))
    for i, (label, (left, top, w, h)) in enumerate(regions.items()):
        frame = Rectangle(
            (left - 0.5, top - 0.5),
            w,
            h,
            fill=False,
            linewidth=2.5,
            edgecolor=colors[i],
            linestyle=styles[i],
            label=f"{label}: {w:.0f} x {h:.0f} px",
        )
        ax0.add_patch(frame)
    fig.legend(
        *ax0.get_legend_handles_labels(),
        loc="lower center",
        ncol=1,
        fontsize=9,
        title=tr("kept region of the original"),
        title_fontsize=9,
    )
    for i, (ax, (label, result)) in enumerate(zip(axes.flat[1:], results.items())):
        arr = to_display_array(result, normalized)
        imshow(arr, ax, f"{label}\n-> {arr.shape[1]} x {arr.shape[0]}")
        ax.set_xlabel(tr("x (pixels)"))
        for spine in ax.spines.values():
            spine.set(edgecolor=colors[i], linewidth=2.5, linestyle=styles[i])
    above_legend = (0.0, legend_h / fig.get_figheight(), 1.0, 1.0)  # the legend's strip stays free
    return _finish(fig, suptitle, rect=above_legend)


def plot_topk(
    predictions: Sequence[Prediction],
    title: str | None = None,
    ax: Axes | None = None,
    highlight_ids: Sequence[int] = (),
) -> Figure:
    """Horizontal bars of top-k ``(class_id, name, probability)``, best on top, ``highlight_ids`` in
    orange, into ``ax`` if given; the axis runs to 1, to show confidence honestly."""
    if not predictions:
        raise ValueError(tr("plot_topk needs at least one prediction"))
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.0, 0.45 * len(predictions) + 1.2))
    else:
        fig = ax.figure
    y, probs = np.arange(len(predictions)), [p for *_, p in predictions]
    colors = ["tab:orange" if c in highlight_ids else "tab:blue" for c, _, _ in predictions]
    ax.barh(y, probs, color=colors)
    ax.set_yticks(y, [f"{name} ({class_id})" for class_id, name, _ in predictions])
    ax.invert_yaxis()  # the most probable class on top
    ax.set_xlim(0, 1)
    for yi, p in zip(y, probs):
        inside = p > 0.75
        ax.text(
            p + (-0.01 if inside else 0.01),
            yi,
            f"{p:.2%}",
            va="center",
            fontsize=8,
            ha="right" if inside else "left",
            color="white" if inside else "black",
        )
    ax.set_xlabel(tr("softmax probability"))
    ax.set_title(title or "", fontsize=10)
    if len(fig.axes) == 1:
        fig.tight_layout()
    return fig


def show_topk_panels(
    images: Sequence[ImageLike],
    topk_lists: Sequence[Sequence[Prediction]],
    titles: Sequence[str],
    suptitle: str | None = None,
    highlight_ids: Sequence[int] = (),
    normalized: bool = True,
    bar_title: str | None = None,
) -> Figure:
    """One row per image: the picture (titled) on the left, its :func:`plot_topk` chart on the
    right."""
    if not images or not len(images) == len(topk_lists) == len(titles):
        raise ValueError(
            tr("show_topk_panels needs as many top-k lists and titles as images (at least one)")
        )
    row_h = max(2.2, 0.3 * max(len(t) for t in topk_lists) + 0.7)  # two rows fit a laptop screen
    fig, axes = plt.subplots(
        len(images),
        2,
        figsize=(FIGURE_WIDTH, row_h * len(images) + 0.5),
        squeeze=False,
        width_ratios=[1, 1.7],
    )
    for (ax_img, ax_bar), img, topk, title in zip(axes, images, topk_lists, titles):
        imshow(img, ax_img, title, normalized, fontsize=10)
        ax_img.axis("off")
        bars_title = bar_title or tr("top-{k}", k=len(topk))
        plot_topk(topk, title=bars_title, ax=ax_bar, highlight_ids=highlight_ids)
    return _finish(fig, suptitle)
