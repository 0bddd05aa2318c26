"""What the taught definitions do, tested on their own rather than by comparing two implementations:
the training augmentation mirrors left and right (never top and bottom), a photo's EXIF orientation is
applied, ``BaseTransform`` normalises a known picture to known values, and the plain loop (notebook 03)
turns dropout on for training and off for validation, clears the gradients every batch and weights the
epoch loss by batch size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

from utils.dataloader_image_classification import (MEAN, SIZE, STD, BaseTransform, ImageTransform,
                                                   load_rgb_image)
from utils.training import train_model_plain


def halves(vertical: bool, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """Black on the left (or the top), white on the right (or the bottom)."""
    img = Image.new("RGB", size, "white")
    width, height = size
    img.paste((0, 0, 0), (0, 0, width, height // 2) if vertical else (0, 0, width // 2, height))
    return img


# ----------------------------------------------------------------------------- pictures


def test_the_training_augmentation_mirrors_left_and_right_but_never_top_and_bottom() -> None:
    transform = ImageTransform(SIZE, MEAN, STD)
    torch.manual_seed(0)
    left_dark, top_dark = [], []
    for _ in range(24):
        lr = transform(halves(vertical=False), "train")[0]
        tb = transform(halves(vertical=True), "train")[0]
        left_dark.append(bool(lr[:, :8].mean() < lr[:, -8:].mean()))
        top_dark.append(bool(tb[:8].mean() < tb[-8:].mean()))
    # Every crop of 50-100 % of the area spans the middle, so only a flip can swap the halves.
    assert all(top_dark), "the augmentation turned a picture upside down"
    assert 0 < sum(left_dark) < 24, "the augmentation never (or always) mirrored left and right"


def test_a_photo_is_turned_upright_by_its_exif_orientation(tmp_path: Path) -> None:
    path = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; show the picture rotated 90 degrees clockwise
    halves(vertical=True, size=(80, 40)).save(path, exif=exif)  # stored 80 wide, 40 high, dark on top
    upright = load_rgb_image(path)
    assert upright.size == (40, 80)
    pixels = torch.from_numpy(np.array(upright)).float()
    assert pixels[:, -10:].mean() < 60 and pixels[:, :10].mean() > 190  # the dark half is now on the right


def test_base_transform_normalises_a_known_picture_to_known_values() -> None:
    image = BaseTransform(SIZE, MEAN, STD)(halves(vertical=False, size=(448, 300)))
    assert image.shape == (3, SIZE, SIZE) and image.dtype == torch.float32
    black = torch.tensor([(0 - m) / s for m, s in zip(MEAN, STD)])
    white = torch.tensor([(1 - m) / s for m, s in zip(MEAN, STD)])
    assert torch.allclose(image[:, :, 0], black.view(3, 1).expand(3, SIZE), atol=1e-5)  # left edge
    assert torch.allclose(image[:, :, -1], white.view(3, 1).expand(3, SIZE), atol=1e-5)  # right edge
    assert white.tolist() == pytest.approx([2.2489, 2.4286, 2.6400], abs=1e-4)  # ImageNet's mean and std


# ----------------------------------------------------------------------------- the plain loop


class Recorder(nn.Module):
    """A linear classifier with dropout that records, per forward pass, whether it trains and whether
    its dropout is on."""

    def __init__(self, dropout: float = 0.0) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.drop, self.linear, self.modes = nn.Dropout(dropout), nn.Linear(4, 2), []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.modes.append((self.training, self.drop.training))
        return self.linear(self.drop(x))


def loaders(n: int, batch_size: int, same: bool = False) -> dict[str, DataLoader]:
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(1, 4, generator=gen).repeat(n, 1) if same else torch.randn(n, 4, generator=gen)
    data = TensorDataset(x, torch.arange(n) % 2)
    return {"train": DataLoader(data, batch_size=batch_size), "val": DataLoader(data, batch_size=batch_size)}


def test_the_plain_loop_turns_dropout_on_for_training_and_off_for_validation() -> None:
    net = Recorder(dropout=0.5)
    train_model_plain(net, loaders(4, 2), nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.1), 1)
    # epoch 0: val (2 batches); epoch 1: train (2), then val (2)
    assert net.modes == [(False, False)] * 2 + [(True, True)] * 2 + [(False, False)] * 2
    assert not net.training  # eval mode at the end


def test_the_plain_loop_clears_the_gradients_every_batch() -> None:
    net = Recorder()
    optimizer = optim.SGD(net.parameters(), lr=0.0)  # the weights stay: every batch has the same gradient
    seen = []
    real_step = optimizer.step

    def step(*args, **kwargs):
        seen.append(net.linear.weight.grad.clone())
        return real_step(*args, **kwargs)

    optimizer.step = step
    train_model_plain(net, loaders(6, 2, same=True), nn.CrossEntropyLoss(), optimizer, 1)
    assert len(seen) == 3 and seen[0].abs().sum() > 0
    assert all(torch.allclose(g, seen[0]) for g in seen), "gradients piled up across batches"


def test_the_plain_loops_epoch_loss_is_the_mean_over_images_not_over_batches() -> None:
    net = Recorder()
    data = loaders(3, 2)  # batches of 2 and 1 picture
    history = train_model_plain(net, data, nn.CrossEntropyLoss(), optim.SGD(net.parameters(), lr=0.0), 0)
    x, y = data["val"].dataset.tensors
    with torch.no_grad():
        per_image = nn.functional.cross_entropy(net(x), y, reduction="none")
    batch_means = (per_image[:2].mean() + per_image[2:].mean()) / 2
    assert history.records[0].loss == pytest.approx(per_image.mean().item(), abs=1e-6)
    assert abs(per_image.mean() - batch_means) > 1e-3  # the data tells the two apart
