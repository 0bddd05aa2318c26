"""The book's data API for the ants-and-bees task, twins of notebooks 01-03
(``tests/test_notebook_twins.py``). The notes' bugs are fixed: labels come from the folder's name,
images become RGB, non-images are left out."""

import re
from pathlib import Path
from typing import BinaryIO
from collections.abc import Callable, Sequence

import numpy as np
import torch
import torch.utils.data as data
from PIL import Image, ImageOps, UnidentifiedImageError
from torchvision import transforms

from utils.settings.language import tr


SIZE = 224  # VGG16's input size
#: ImageNet per-channel mean and standard deviation (R, G, B), used by every pretrained
#: torchvision model.
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
CLASS_NAMES: tuple[str, ...] = ("ants", "bees")  # the label is the index
#: File endings counted as images (compared lower-case). ``imageNotFound.gif`` is deliberately
#: not one.
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png"})


class BaseTransform:
    """A PIL image -> a normalised float tensor ``(3, resize, resize)``, as a pretrained VGG16
    expects it: Resize, CenterCrop, ToTensor, Normalize(mean, std)."""

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
    """``transform(img, phase)`` -> a float tensor ``(3, resize, resize)``: random augmentation for
    phase "train", the fixed steps of :class:`BaseTransform` for "val"."""

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


def make_datapath_list(phase: str, root: str | Path) -> list[str]:
    """The sorted image files under ``root/phase/<class>/`` (``phase`` "train" or "val"; ``root``
    the data set's folder, e.g. ``ctx.paths.hymenoptera_dir``); ``FileNotFoundError`` with the fix
    if there are none."""
    if phase not in ("train", "val"):
        raise ValueError(f"phase must be 'train' or 'val', not {phase!r}")
    phase_dir = Path(root) / phase
    if not phase_dir.is_dir():
        raise FileNotFoundError(f"{phase_dir} does not exist. Prepare the data first: `make data` "
                                "or `python -m utils.prepare_data` (offline: add --mirror DIR).")
    files = phase_dir.glob("*/*")  # every file in every class folder
    path_list = sorted(str(p) for p in files if p.suffix.lower() in IMAGE_EXTENSIONS)
    if not path_list:
        raise FileNotFoundError(f"{phase_dir} holds no .jpg/.jpeg/.png images in class "
                                "folders. Re-run `python -m utils.prepare_data --verify` "
                                "to see what is missing.")
    return path_list


def load_rgb_image(path: str | Path | BinaryIO, name: str | None = None) -> Image.Image:
    """An RGB PIL image (transparent pixels white, EXIF rotation applied, 16-bit and float grayscale
    scaled to 8 bits) from a file, or from an open binary file (an upload's bytes in ``io.BytesIO``)
    that messages call ``name``. Raises ``ValueError`` naming the file if it is missing, not an
    image, truncated, or too large for PIL."""
    source = path if hasattr(path, "read") else Path(path)
    path = source if isinstance(source, Path) else (name or tr("the uploaded image"))
    try:
        with Image.open(source) as img:
            img.load()  # read the pixels now, so a truncated file fails here
            img = ImageOps.exif_transpose(img)
            if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
                rgba = img.convert("RGBA")
                white = Image.new("RGBA", rgba.size, "white")
                return Image.alpha_composite(white, rgba).convert("RGB")
            # 16-bit grayscale: to 8 bits first, or all white
            if img.mode in ("I", "I;16", "I;16B", "I;16L"):
                img = img.point(lambda v: v / 256).convert("L")
            # 32-bit float: a plain convert() clips to 0..255, so 0..1 data turns black
            if img.mode == "F":
                pixels = np.asarray(img)
                lo, hi = float(pixels.min()), float(pixels.max())
                if not np.isfinite(pixels).all():
                    raise ValueError(tr(
                        "{path} is a float image with NaN or infinite pixels: save it as an 8-bit "
                        "PNG or JPEG with the range you want, then load that.", path=path
                    ))
                if lo >= 0 and hi <= 255:
                    lo, hi = 0.0, (1.0 if hi <= 1 else 255.0)
                img = img.point(lambda v: (v - lo) * 255 / max(hi - lo, 1e-12)).convert("L")
            return img.convert("RGB")
    except Image.DecompressionBombError as err:
        pixels = re.search(r"\((\d+) pixels\)", str(err))
        megapixels = int(pixels[1]) / 1e6 if pixels else 0.0
        size = tr("{mp:.3g} megapixels", mp=megapixels) if pixels else tr("too many pixels")
        limit = 2 * Image.MAX_IMAGE_PIXELS / 1e6  # PIL refuses twice its warning threshold
        raise ValueError(tr(
            "{path} has {size}, more than PIL opens by default ({limit:.0f} megapixels, a guard "
            "against decompression bombs): shrink it (the model sees 224 x 224 pixels), or if you "
            "trust the file set PIL.Image.MAX_IMAGE_PIXELS = None first.",
            path=path, size=size, limit=limit,
        )) from None
    except FileNotFoundError:
        where = ""
        if not Path(path).is_absolute():
            where = tr(" (a relative path starts in the working folder, {cwd})", cwd=Path.cwd())
        raise ValueError(tr(
            "No image file at {path}{where}: check the name, or give the full path. A picture of "
            "the data set? `python -m utils.prepare_data --verify` names what is missing.",
            path=path, where=where,
        )) from None
    except UnidentifiedImageError:
        raise ValueError(tr(
            "{path} is not a readable image (PIL cannot identify it). Replace it with a .jpg or "
            ".png file; `python -m utils.prepare_data` restores the course's data set.", path=path
        )) from None
    except (IsADirectoryError, PermissionError) as err:
        raise ValueError(tr(
            "{path} is not a readable image file ({why}): pass the path of a .jpg "
            "or .png file you may read.", path=path, why=err.strerror
        )) from None
    except OSError as err:  # truncated or otherwise damaged pixel data
        raise ValueError(tr(
            "{path} could not be decoded ({err}): probably truncated or corrupt. Replace it with "
            "a complete copy (`python -m utils.prepare_data` restores the course's data set).",
            path=path, err=err,
        )) from None


def label_from_path(path: str | Path, class_names: Sequence[str] = CLASS_NAMES) -> int:
    """The label from the folder's name (``.../train/ants/x.jpg`` -> 0); ``ValueError`` for another
    folder."""
    folder = Path(path).parent.name
    if folder not in class_names:
        raise ValueError(tr(
            "{path}: its folder {folder!r} is not a known class {classes}. "
            "Images must sit in a folder named after their class, e.g. train/ants/.",
            path=path, folder=folder, classes=tuple(class_names),
        ))
    return list(class_names).index(folder)


class HymenopteraDataset(data.Dataset):
    """``dataset[i]``: ``(transform(img, phase), label)``, a tensor ``(3, 224, 224)`` (or the PIL
    image) and an int."""

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
