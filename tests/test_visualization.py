"""Image helpers and figures: round trips, statistics, and figures with the right axes and titles."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
import torch
from PIL import Image
from torchvision import transforms

from utils.dataloader_image_classification import MEAN, STD
from utils.imagenet_inference import Prediction
from utils.support import visualization
from utils.support.visualization import (FIGURE_WIDTH, center_crop_region, channel_stats, denormalize,
                                         format_channel_stats, plot_channel_histograms, plot_topk, show_image_grid,
                                         show_images_side_by_side, show_kept_regions, show_topk_panels,
                                         tensor_to_image, to_display_array)


def test_denormalize_undoes_normalize() -> None:
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(3, 5, 7, generator=gen)
    y = transforms.Normalize(MEAN, STD)(x)
    assert not torch.allclose(y, x)
    assert torch.allclose(denormalize(y), x, atol=1e-6)
    batch = torch.rand(2, 3, 4, 4, generator=gen)
    assert torch.allclose(denormalize(transforms.Normalize(MEAN, STD)(batch)), batch, atol=1e-6)


def test_tensor_to_image_layout_and_range() -> None:
    x = torch.zeros(3, 4, 6)
    x[0] = 1.0  # pure red before normalisation
    arr = tensor_to_image(transforms.Normalize(MEAN, STD)(x))
    assert arr.shape == (4, 6, 3)
    np.testing.assert_allclose(arr[0, 0], [1.0, 0.0, 0.0], atol=1e-6)
    assert tensor_to_image(torch.full((3, 2, 2), 5.0), None, None).max() == 1.0  # clipped


def test_a_batch_becomes_one_tiled_picture_with_make_grid() -> None:
    batch = torch.zeros(3, 3, 4, 5)
    batch[1] = 1.0  # the middle image white, the others black, before normalisation
    arr = tensor_to_image(transforms.Normalize(MEAN, STD)(batch))
    assert arr.shape == (4 + 2 * 2, 3 * 5 + 4 * 2, 3)  # one row of 3, a 2-pixel white border (make_grid)
    assert arr[2:6, 2:7].max() < 1e-6 and arr[2:6, 9:14].min() > 1 - 1e-6 and arr[0].min() == 1.0


def test_to_display_array_takes_pil_uint8_float_and_tensor() -> None:
    red = np.zeros((2, 3, 3), dtype=np.uint8)
    red[..., 0] = 255
    for img in (Image.fromarray(red), red, red / 255.0, torch.tensor(red / 255.0).permute(2, 0, 1)):
        arr = to_display_array(img, normalized=False)
        assert arr.shape == (2, 3, 3) and arr.dtype == np.float32
        np.testing.assert_allclose(arr[0, 0], [1.0, 0.0, 0.0], atol=1e-6)


def test_channel_stats_on_a_known_tensor() -> None:
    x = torch.stack([torch.tensor([[0.0, 1.0], [0.0, 1.0]]),   # mean 0.5, std 0.5
                     torch.full((2, 2), 0.25),                   # constant
                     torch.tensor([[-1.0, 3.0], [1.0, 1.0]])])   # mean 1, std sqrt(2)
    stats = channel_stats(x)
    assert [s.channel for s in stats] == ["R", "G", "B"]
    assert (stats[0].mean, stats[0].std, stats[0].min, stats[0].max) == pytest.approx((0.5, 0.5, 0.0, 1.0))
    assert (stats[1].mean, stats[1].std) == pytest.approx((0.25, 0.0))
    assert (stats[2].mean, stats[2].std, stats[2].min, stats[2].max) == pytest.approx((1, 2 ** 0.5, -1, 3))
    batch_stats = channel_stats(torch.stack([x, x]))
    assert batch_stats[2].std == pytest.approx(2 ** 0.5)
    with pytest.raises(ValueError):
        channel_stats(torch.zeros(4, 2, 2))


def test_normalize_makes_imagenet_statistics_zero_mean_unit_std() -> None:
    gen = torch.Generator().manual_seed(1)
    noise = torch.randn(3, 64, 64, generator=gen)
    x = torch.tensor(MEAN).view(3, 1, 1) + noise * torch.tensor(STD).view(3, 1, 1)
    stats = channel_stats(transforms.Normalize(MEAN, STD)(x))
    for s in stats:
        assert s.mean == pytest.approx(0.0, abs=0.05) and s.std == pytest.approx(1.0, abs=0.05)


def test_format_channel_stats_table() -> None:
    stats = channel_stats(torch.zeros(3, 2, 2))
    text = format_channel_stats({"before": stats, "after Normalize": stats})
    lines = text.splitlines()
    assert lines[0].split() == ["stage", "channel", "mean", "std", "min", "max"]
    assert len(lines) == 2 + 6 and len({len(line) for line in lines}) == 1


def test_show_image_grid_axes_and_titles() -> None:
    images = [torch.zeros(3, 8, 8) for _ in range(5)]
    fig = show_image_grid(images, titles=[f"t{i}" for i in range(5)], ncols=3, suptitle="grid")
    assert len(fig.axes) == 6  # 2 rows x 3 columns, the last one blank
    assert [ax.get_title() for ax in fig.axes[:5]] == [f"t{i}" for i in range(5)]
    assert fig.axes[5].get_title() == ""


def test_plot_topk_bars_labels_and_highlight() -> None:
    preds = [(310, "ant", 0.7), (309, "bee", 0.2), (0, "tench", 0.1)]
    fig = plot_topk(preds, title="top-3", highlight_ids=[309, 310])
    (ax,) = fig.axes
    assert ax.get_title() == "top-3" and ax.get_xlabel() == "softmax probability"
    bars = ax.patches
    assert [b.get_width() for b in bars] == pytest.approx([0.7, 0.2, 0.1])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ant (310)", "bee (309)", "tench (0)"]
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # inverted: best on top
    orange = matplotlib.colors.to_rgba("tab:orange")
    assert [b.get_facecolor() == orange for b in bars] == [True, True, False]
    assert ax.get_xlim() == (0.0, 1.0)


def test_show_topk_panels_two_axes_per_image() -> None:
    images = [Image.new("RGB", (20, 10), "white"), torch.zeros(3, 8, 8)]
    preds = [[(1, "a", 0.6), (2, "b", 0.4)], [(2, "b", 0.9), (1, "a", 0.1)]]
    fig = show_topk_panels(images, preds, titles=["first", "second"], suptitle="s")
    assert len(fig.axes) == 4
    assert [fig.axes[i].get_title() for i in (0, 2)] == ["first", "second"]
    assert len(fig.axes[1].patches) == 2
    with pytest.raises(ValueError):
        show_topk_panels(images, preds[:1], titles=["x", "y"])


def test_plot_channel_histograms_one_panel_per_tensor() -> None:
    x = torch.rand(3, 16, 16)
    fig = plot_channel_histograms({"ToTensor": x, "Normalize": transforms.Normalize(MEAN, STD)(x)},
                                  suptitle="h")
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == ["ToTensor", "Normalize"]
    assert all(ax.get_xlabel() == "pixel value" and ax.get_ylabel() for ax in fig.axes)
    assert len(fig.axes[0].get_legend().get_texts()) == 3  # R, G, B


def test_side_by_side_uses_one_pixel_scale() -> None:
    big = Image.new("RGB", (64, 40))
    small = np.zeros((20, 20, 3), dtype=np.uint8)
    fig = show_images_side_by_side([big, small], titles=["big", "small"])
    assert [ax.get_title() for ax in fig.axes] == ["big", "small"]
    for ax in fig.axes:
        assert ax.get_xlim() == pytest.approx((-0.5, 63.5))
        assert ax.get_ylim() == pytest.approx((39.5, -0.5))
    assert fig.axes[0].get_xlabel() == "x (pixels)"


def test_center_crop_region_matches_torchvision() -> None:
    left, top, w, h = center_crop_region((640, 426), resize=224, crop=224)
    assert (left, top, w, h) == pytest.approx((107.0, 0.0, 426.0, 426.0))
    left, top, w, h = center_crop_region((640, 426), resize=256, crop=224)
    assert w == h == pytest.approx(426 * 224 / 256)
    assert (left, top) == pytest.approx(((640 - w) / 2, (426 - h) / 2))
    # the region really is what the pipeline keeps: crop the original there and compare
    gen = torch.Generator().manual_seed(0)
    img = transforms.ToPILImage()(torch.rand(3, 40, 60, generator=gen))
    pipeline = transforms.Compose([transforms.Resize(20), transforms.CenterCrop(20)])
    left, top, w, h = center_crop_region(img.size, 20, 20)
    manual = img.crop((int(left), int(top), int(left + w), int(top + h))).resize((20, 20), Image.BILINEAR)
    diff = np.abs(np.asarray(pipeline(img), dtype=float) - np.asarray(manual, dtype=float)).mean()
    assert diff < 0.1 * 255 / 4  # same content; only the resampling filter differs


def test_show_kept_regions_axes_and_legend() -> None:
    img = Image.new("RGB", (64, 40), "gray")
    regions = {"book": center_crop_region(img.size, 32, 32),
               "torchvision": center_crop_region(img.size, 36, 32)}
    results = {"book": torch.zeros(3, 32, 32), "torchvision": torch.zeros(3, 32, 32)}
    fig = show_kept_regions(img, regions, results, suptitle="kept")
    assert len(fig.axes) == 3
    assert len(fig.axes[0].patches) == 2
    assert len(fig.legends) == 1 and len(fig.legends[0].get_texts()) == 2
    assert fig.axes[1].get_title().startswith("book")


@pytest.mark.parametrize("titles_suffix", ["", "\nsecond line"])
def test_show_image_grid_captions_do_not_run_into_the_row_above(titles_suffix: str) -> None:
    images = torch.zeros(8, 3, 32, 32)  # a batch, as a DataLoader gives it
    fig = show_image_grid(images, titles=[f"ants (label 0){titles_suffix}"] * 8, ncols=4, suptitle="batch")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for below, above in zip(fig.axes[4:8], fig.axes[0:4]):
        assert below.title.get_window_extent(renderer).y1 < above.get_window_extent(renderer).y0
    top_caption = max(ax.title.get_window_extent(renderer).y1 for ax in fig.axes[:4])
    assert top_caption < fig._suptitle.get_window_extent(renderer).y0


def test_wide_figures_fit_a_laptop_notebook_area() -> None:
    photo = Image.new("RGB", (640, 426), "gray")  # the golden retriever photo's size
    crop = torch.zeros(3, 224, 224)
    preds = [(1, "a", 0.6), (2, "b", 0.4)]
    figures = {
        "side by side": show_images_side_by_side([photo, photo, crop], titles=["a", "b", "c\nd"], suptitle="s"),
        "kept regions": show_kept_regions(photo, {"book": center_crop_region(photo.size, 224, 224),
                                                  "tv": center_crop_region(photo.size, 256, 224)},
                                          {"book": crop, "tv": crop}, suptitle="k"),
        "histograms": plot_channel_histograms({"x": crop, "y": crop, "z": crop}),
        "grid": show_image_grid([crop] * 12, ncols=4, suptitle="g"),
        "top-k panels": show_topk_panels([photo, crop], [preds, preds], titles=["p", "q"]),
    }
    for name, fig in figures.items():
        width, height = fig.get_size_inches()
        assert width <= FIGURE_WIDTH + 1e-9, f"{name}: {width:.1f} inches wide"
        assert height <= 7.5, f"{name}: {height:.1f} inches high"
    assert figures["side by side"].get_size_inches()[1] >= 2.0  # still readable


def test_one_prediction_type() -> None:
    assert visualization.Prediction is Prediction  # predict_topk's NamedTuple, not a second alias
