"""The book's data API for the ants-and-bees task (chapter 1's names and signatures): transforms, file
lists, Dataset. Notebooks 01-03 hold the same definitions; ``tests/test_notebook_twins.py`` keeps them equal.
The notes' bugs are fixed: labels come from the folder's name, images become RGB, non-images are left out.
"""

from __future__ import annotations

import re
from pathlib import Path
from collections.abc import Callable, Sequence

import numpy as np
import torch
import torch.utils.data as data
from PIL import Image, ImageOps, UnidentifiedImageError
from torchvision import transforms

from utils.settings.paths import HYMENOPTERA_DIR

#: Input size VGG16 was trained with.
SIZE = 224
#: ImageNet per-channel mean and standard deviation (R, G, B), used by every pretrained torchvision model.
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)

#: Class names in label order: the label is the index (ants=0, bees=1).
CLASS_NAMES: tuple[str, ...] = ("ants", "bees")

#: File endings counted as images (compared lower-case). ``imageNotFound.gif`` is deliberately not one.
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png"})


class BaseTransform:
    """Resize, CenterCrop, ToTensor, Normalize(``mean``, ``std``) (R, G, B): a PIL image becomes a float
    tensor ``(3, resize, resize)``, what a pretrained VGG16 expects (``resize`` 224)."""

    def __init__(self, resize: int, mean: Sequence[float], std: Sequence[float]) -> None:
        self.base_transform = transforms.Compose([
            transforms.Resize(resize),        # shorter side -> resize, aspect ratio kept
            transforms.CenterCrop(resize),    # the central resize x resize square
            transforms.ToTensor(),            # (H, W, C) 0..255 -> (C, H, W) float 0..1
            transforms.Normalize(mean, std),  # per channel: (x - mean) / std
        ])

    def __call__(self, img: Image.Image) -> torch.Tensor:
        return self.base_transform(img)


class ImageTransform:
    """``transform(img, phase)``: random augmentation for "train", :class:`BaseTransform`'s fixed steps for
    "val"; returns a float tensor ``(3, resize, resize)``."""

    def __init__(self, resize: int, mean: Sequence[float], std: Sequence[float]) -> None:
        self.data_transform = {
            "train": transforms.Compose([
                transforms.RandomResizedCrop(resize, scale=(0.5, 1.0)),  # 50-100 % of the area
                transforms.RandomHorizontalFlip(),                       # mirrored half the time
                transforms.ToTensor(),
                transforms.Normalize(mean, std),
            ]),
            "val": transforms.Compose([
                transforms.Resize(resize),
                transforms.CenterCrop(resize),
                transforms.ToTensor(),
                transforms.Normalize(mean, std),
            ]),
        }

    def __call__(self, img: Image.Image, phase: str = "train") -> torch.Tensor:
        if phase not in self.data_transform:
            raise ValueError(f"phase must be 'train' or 'val', not {phase!r}")
        return self.data_transform[phase](img)


def make_datapath_list(phase: str = "train", root: str | Path = HYMENOPTERA_DIR) -> list[str]:
    """The .jpg/.jpeg/.png files (any case) under ``root/phase/<class>/``, sorted (not the placeholder
    ``train/ants/imageNotFound.gif``). Raises ``FileNotFoundError`` with the fix if there are none."""
    if phase not in ("train", "val"):
        raise ValueError(f"phase must be 'train' or 'val', not {phase!r}")
    phase_dir = Path(root) / phase
    if not phase_dir.is_dir():
        raise FileNotFoundError(f"{phase_dir} does not exist. Prepare the data first: `make data` "
                                "or `python -m utils.prepare_data` (offline: add --mirror DIR).")
    path_list = sorted(str(p) for p in phase_dir.glob("*/*") if p.suffix.lower() in IMAGE_EXTENSIONS)
    if not path_list:
        raise FileNotFoundError(f"{phase_dir} holds no .jpg/.jpeg/.png images in class folders. "
                                "Re-run `python -m utils.prepare_data --verify` to see what is missing.")
    return path_list


def load_rgb_image(path: str | Path) -> Image.Image:
    """Open an image as a loaded RGB PIL image (transparent pixels white, EXIF rotation applied, 16-bit and
    float grayscale scaled to 8 bits: floats from 0..1, or 0..255, else from their own min..max). Raises
    ``ValueError`` naming the file if it is missing, not an image, truncated, or too large for PIL."""
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
            if img.mode == "F":  # 32-bit float: a plain convert() clips to 0..255, so 0..1 data turns black
                pixels = np.asarray(img)
                lo, hi = float(pixels.min()), float(pixels.max())
                if not np.isfinite(pixels).all():
                    raise ValueError(f"{path} is a float image with NaN or infinite pixels: save it as an 8-bit "
                                     "PNG or JPEG with the range you want, then load that.")
                if lo >= 0 and hi <= 255:
                    lo, hi = 0.0, (1.0 if hi <= 1 else 255.0)
                img = img.point(lambda v: (v - lo) * 255 / max(hi - lo, 1e-12)).convert("L")
            return img.convert("RGB")
    except Image.DecompressionBombError as err:
        pixels = re.search(r"\((\d+) pixels\)", str(err))
        size = f"{int(pixels[1]) / 1e6:.3g} megapixels" if pixels else "too many pixels"
        raise ValueError(f"{path} has {size}, more than PIL opens by default ({2 * Image.MAX_IMAGE_PIXELS / 1e6:.0f} "
                         "megapixels, a guard against decompression bombs): shrink it (the model sees 224 x 224 "
                         "pixels), or if you trust the file set PIL.Image.MAX_IMAGE_PIXELS = None first.") from None
    except FileNotFoundError:
        raise ValueError(f"Image file not found: {path}. Re-run `python -m utils.prepare_data --verify`.") from None
    except UnidentifiedImageError:
        raise ValueError(f"{path} is not a readable image (PIL cannot identify it). Replace it with a .jpg or .png "
                         "file; `python -m utils.prepare_data` restores the course's data set.") from None
    except (IsADirectoryError, PermissionError) as err:
        raise ValueError(f"{path} is not a readable image file ({err.strerror}): pass the path of a .jpg "
                         "or .png file you may read.") from None
    except OSError as err:  # truncated or otherwise damaged pixel data
        raise ValueError(f"{path} could not be decoded ({err}). The file is probably truncated or corrupt: replace "
                         "it with a complete copy (`python -m utils.prepare_data` restores the course's data set)."
                         ) from None


def label_from_path(path: str | Path, class_names: Sequence[str] = CLASS_NAMES) -> int:
    """The label from the parent folder's name (``.../train/ants/x.jpg`` -> 0); ``ValueError`` naming
    the file if that folder is not one of ``class_names``."""
    folder = Path(path).parent.name
    if folder not in class_names:
        raise ValueError(f"{path}: its folder {folder!r} is not a known class {tuple(class_names)}. "
                         "Images must sit in a folder named after their class, e.g. train/ants/.")
    return list(class_names).index(folder)


class HymenopteraDataset(data.Dataset):
    """Ants (0) and bees (1): ``dataset[i]`` is ``(transform(img, phase), label)``, a tensor ``(3, 224, 224)``
    and an ``int`` (the PIL image itself if ``transform`` is None) for each path of ``file_list``."""

    def __init__(self, file_list: Sequence[str | Path],
                 transform: Callable[[Image.Image, str], torch.Tensor] | None = None,
                 phase: str = "train") -> None:
        self.file_list = [str(p) for p in file_list]
        self.transform = transform
        self.phase = phase
        for path in self.file_list:  # a file outside ants/ or bees/ fails now, not mid-epoch
            label_from_path(path)

    def __len__(self) -> int:
        return len(self.file_list)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        img_path = self.file_list[index]
        img = load_rgb_image(img_path)  # always RGB, unlike a bare Image.open
        if self.transform is not None:
            img = self.transform(img, self.phase)
        label = label_from_path(img_path)  # from the folder name, not from fixed offsets
        return img, label
