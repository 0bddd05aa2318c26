"""The book's data API for the ants-and-bees task: transforms, file lists, Dataset.

Public names and positional signatures follow chapter 1 of the book
(``BaseTransform``, ``ImageTransform``, ``make_datapath_list``, ``HymenopteraDataset``) so readers
feel at home; the bugs of the original notes are fixed (labels come from the
parent folder's name, not from fixed string offsets; images are converted to RGB;
non-image files are left out).

Typical use::

    train_list = make_datapath_list(phase="train")
    train_dataset = HymenopteraDataset(train_list, ImageTransform(SIZE, MEAN, STD), "train")
    image, label = train_dataset[0]        # tensor (3, 224, 224), int 0 or 1
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import torch
import torch.utils.data as data
from PIL import Image, ImageOps, UnidentifiedImageError
from torchvision import transforms

from utils.paths import HYMENOPTERA_DIR

#: Input size VGG16 was trained with.
SIZE = 224
#: ImageNet per-channel mean and standard deviation (R, G, B), used by every pretrained torchvision model.
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)

#: Class names in label order: the label is the index (ants=0, bees=1).
CLASS_NAMES: tuple[str, ...] = ("ants", "bees")

#: File endings counted as images (compared lower-case). ``imageNotFound.gif`` is deliberately not one.
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png"})

PHASES = ("train", "val")


class BaseTransform:
    """The fixed preprocessing a pretrained VGG16 expects (no randomness).

    ``Resize(resize)`` scales the shorter side to ``resize`` pixels (keeping the
    aspect ratio), ``CenterCrop(resize)`` cuts the central square, ``ToTensor``
    turns the ``(H, W, C)`` 0..255 picture into a ``(C, H, W)`` float tensor in 0..1,
    and ``Normalize(mean, std)`` shifts each channel to the statistics the network
    saw during its ImageNet training.

    Args:
        resize: output side length in pixels (224 for VGG16).
        mean: per-channel mean (R, G, B).
        std: per-channel standard deviation (R, G, B).

    Because the class defines ``__call__``, an instance is used like a function:
    ``BaseTransform(224, MEAN, STD)(img)`` returns a tensor ``(3, 224, 224)``.
    """

    def __init__(self, resize: int, mean: Sequence[float], std: Sequence[float]) -> None:
        self.base_transform = transforms.Compose([
            transforms.Resize(resize),
            transforms.CenterCrop(resize),
            transforms.ToTensor(),
            transforms.Normalize(mean, std),
        ])

    def __call__(self, img: Image.Image) -> torch.Tensor:
        """Preprocess one PIL image; returns a float tensor ``(3, resize, resize)``."""
        return self.base_transform(img)


class ImageTransform:
    """Preprocessing for training (with augmentation) and validation (without).

    Args:
        resize: output side length in pixels (224 for VGG16).
        mean: per-channel mean (R, G, B) for ``Normalize``.
        std: per-channel standard deviation (R, G, B) for ``Normalize``.

    Calling ``transform(img, phase)`` with a PIL image returns a float tensor of
    shape ``(3, resize, resize)``.

    * ``"train"``: ``RandomResizedCrop(resize, scale=(0.5, 1.0))`` picks a random
      region covering 50-100 % of the image, ``RandomHorizontalFlip`` mirrors it
      half the time; every epoch therefore sees a slightly different picture.
    * ``"val"``: ``Resize(resize)`` then ``CenterCrop(resize)``, always the same
      result, so validation numbers are comparable between epochs.
    """

    def __init__(self, resize: int, mean: Sequence[float], std: Sequence[float]) -> None:
        self.data_transform: dict[str, Callable[[Image.Image], torch.Tensor]] = {
            "train": transforms.Compose([
                transforms.RandomResizedCrop(resize, scale=(0.5, 1.0)),
                transforms.RandomHorizontalFlip(),
                transforms.ToTensor(),
                transforms.Normalize(mean, std),
            ]),
            "val": BaseTransform(resize, mean, std),  # the same fixed steps as for inference
        }

    def __call__(self, img: Image.Image, phase: str = "train") -> torch.Tensor:
        """Transform ``img`` for ``phase`` ("train" or "val"); returns a (3, H, W) tensor."""
        if phase not in self.data_transform:
            raise ValueError(f"phase must be 'train' or 'val', not {phase!r}")
        return self.data_transform[phase](img)


def _check_phase(phase: str) -> None:
    if phase not in PHASES:
        raise ValueError(f"phase must be 'train' or 'val', not {phase!r}")


def is_image_file(path: str | Path) -> bool:
    """True if ``path`` ends in .jpg, .jpeg or .png (any case)."""
    return Path(path).suffix.lower() in IMAGE_EXTENSIONS


def make_datapath_list(phase: str = "train", root: str | Path = HYMENOPTERA_DIR) -> list[str]:
    """List the image files of one phase of the data set, sorted.

    Every file under ``root/phase/<class>/`` whose name ends in ``.jpg``,
    ``.jpeg`` or ``.png`` (any case) is listed. Anything else is left out, in
    particular ``train/ants/imageNotFound.gif``, a "picture not found"
    placeholder that is not an ant at all.

    Args:
        phase: "train" or "val".
        root: folder holding ``train/`` and ``val/`` (default: ``data/hymenoptera_data``).

    Returns:
        Sorted image paths as strings (sorted so every machine sees the same order).

    Raises:
        FileNotFoundError: if ``root/phase`` is missing or holds no images.
    """
    _check_phase(phase)
    phase_dir = Path(root) / phase
    if not phase_dir.is_dir():
        raise FileNotFoundError(
            f"{phase_dir} does not exist. Prepare the data first: "
            "`make data` or `python -m utils.prepare_data` (offline: add --mirror DIR)."
        )
    paths = sorted(str(p) for p in phase_dir.glob("*/*") if p.is_file() and is_image_file(p))
    if not paths:
        raise FileNotFoundError(
            f"{phase_dir} holds no .jpg/.jpeg/.png images in class folders. "
            "Re-run `python -m utils.prepare_data --verify` to see what is missing."
        )
    return paths


def load_rgb_image(path: str | Path) -> Image.Image:
    """Open an image file and return it as an RGB PIL image.

    Grayscale, palette, CMYK and 16-bit images are converted to RGB; transparent
    images (RGBA, LA, palette with transparency) are laid on a white background so
    that transparent pixels do not turn black. EXIF rotation from phone cameras is
    applied.

    Args:
        path: the image file.

    Returns:
        A fully loaded ``PIL.Image.Image`` in mode "RGB".

    Raises:
        ValueError: naming the file, if it is missing, not an image, or truncated.
    """
    path = Path(path)
    try:
        with Image.open(path) as img:
            img.load()  # read the pixels now, so a truncated file fails here
            img = ImageOps.exif_transpose(img)
            if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
                rgba = img.convert("RGBA")
                background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                return Image.alpha_composite(background, rgba).convert("RGB")
            if img.mode in ("I", "I;16", "I;16B", "I;16L"):
                # 16-bit grayscale: scale to 8 bits before converting, or it saturates to white.
                img = img.point(lambda v: v / 256).convert("L")
            return img.convert("RGB")
    except FileNotFoundError:
        raise ValueError(
            f"Image file not found: {path}. Re-run `python -m utils.prepare_data --verify`."
        ) from None
    except UnidentifiedImageError:
        raise ValueError(
            f"{path} is not a readable image (PIL cannot identify it). "
            "Delete or replace the file; `python -m utils.prepare_data` restores the data set."
        ) from None
    except OSError as err:  # truncated or otherwise damaged pixel data
        raise ValueError(
            f"{path} could not be decoded ({err}). The file is probably truncated or corrupt: "
            "delete it, or restore the data set with `python -m utils.prepare_data`."
        ) from None


def label_from_path(path: str | Path, class_names: Sequence[str] = CLASS_NAMES) -> int:
    """Return the label of an image from the name of its parent folder.

    ``.../train/ants/0013035.jpg`` -> 0, ``.../val/bees/x.jpg`` -> 1. This works
    on any path and any operating system, unlike cutting fixed character offsets
    out of the path string.

    Raises:
        ValueError: naming the file, if its folder is not one of ``class_names``.
    """
    folder = Path(path).parent.name
    if folder not in class_names:
        raise ValueError(
            f"{path}: its folder {folder!r} is not a known class {tuple(class_names)}. "
            "Images must sit in a folder named after their class, e.g. train/ants/."
        )
    return list(class_names).index(folder)


class HymenopteraDataset(data.Dataset):
    """Ants (label 0) and bees (label 1) as a PyTorch ``Dataset``.

    Args:
        file_list: image paths, e.g. from ``make_datapath_list``.
        transform: called as ``transform(img, phase)``, e.g. an ``ImageTransform``.
            ``None`` returns the RGB PIL image itself.
        phase: "train" or "val", passed on to ``transform``.

    ``dataset[i]`` returns ``(image, label)``: a tensor ``(3, 224, 224)`` with an
    ``ImageTransform`` and an ``int`` label taken from the parent folder's name.
    """

    def __init__(
        self,
        file_list: Sequence[str | Path],
        transform: Callable[[Image.Image, str], torch.Tensor] | None = None,
        phase: str = "train",
    ) -> None:
        _check_phase(phase)
        self.file_list = [str(p) for p in file_list]
        self.transform = transform
        self.phase = phase
        for path in self.file_list:  # fail now, naming the file, not halfway through an epoch
            label_from_path(path)

    def __len__(self) -> int:
        return len(self.file_list)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        img_path = self.file_list[index]
        img = load_rgb_image(img_path)
        img_transformed = self.transform(img, self.phase) if self.transform is not None else img
        return img_transformed, label_from_path(img_path)
