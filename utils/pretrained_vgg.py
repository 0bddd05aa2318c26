"""Load VGG16 with its ImageNet weights the current torchvision way, and say what was loaded.

The real path is the default: ``torchvision.models.vgg16(weights=VGG16_Weights.IMAGENET1K_V1)``,
which downloads ``vgg16-397923af.pth`` (528 MB) once into the torch hub cache
(``$TORCH_HOME/hub/checkpoints``) and loads it from there afterwards, with no network.

What this module adds for a classroom:

* offline with no cached file, a short message saying how to get the file instead
  of a raw ``URLError`` traceback;
* a check that a cached file really is the ImageNet checkpoint: torchvision names
  the file after the first 8 hex digits of its SHA-256, ``397923af``;
* in smoke mode only, a randomly initialised stand-in when the weights are missing,
  announced by a banner, so that CI and offline rooms can still run every cell.
"""

from __future__ import annotations

import socket
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import torch
from torch import nn
from torchvision import models
from torchvision.models import VGG16_Weights

from utils.checksums import sha256_file
from utils.course_mode import STANDIN_BANNER, CourseMode, get_course_mode
from utils.paths import VGG16_CHECKPOINT_FILENAME

#: The weights every notebook uses.
WEIGHTS = VGG16_Weights.IMAGENET1K_V1
#: The file name torchvision gives the checkpoint in the hub cache.
CHECKPOINT_FILENAME = VGG16_CHECKPOINT_FILENAME  # a test checks it against WEIGHTS.url
#: The genuine checkpoint's SHA-256 starts with this (torchvision's naming rule).
GENUINE_SHA256_PREFIX = CHECKPOINT_FILENAME.rsplit("-", 1)[1].split(".")[0]
#: Parameters of the 1000-class VGG16.
VGG16_NUM_PARAMETERS = 138_357_544

PREFETCH_HINT = (
    "Get the weights while online with `python -m utils.prepare_data --weights` "
    "(or `make weights`), or copy {name} from a course mirror or another machine into {folder}."
)

# A download that stalls (a half-working classroom network) gives up after this many seconds.
_DOWNLOAD_SOCKET_TIMEOUT_S = 60


class WeightsUnavailableError(RuntimeError):
    """The ImageNet weights are neither cached nor downloadable."""


class CheckpointError(RuntimeError):
    """A checkpoint file exists but cannot be used (truncated, foreign, corrupt)."""


@dataclass(frozen=True)
class WeightsInfo:
    """What :func:`load_vgg16` loaded.

    Attributes:
        source: "checkpoint" (a file loaded through torchvision's ImageNet-weights path,
            from the hub cache or a fresh download; ``genuine`` says whether it is the real
            ImageNet file) or "standin" (random weights, smoke mode only).
        path: the checkpoint file, or None for a stand-in.
        sha256: the file's SHA-256, or None for a stand-in.
        genuine: True only for the real ImageNet checkpoint.
    """

    source: str
    path: Path | None
    sha256: str | None
    genuine: bool

    @property
    def label(self) -> str:
        """A short label for figure titles: which weights produced the numbers."""
        if self.genuine:
            return "ImageNet weights"
        if self.source == "standin":
            return "STAND-IN weights, meaningless"
        return "NOT the ImageNet checkpoint, meaningless"

    def describe(self) -> str:
        """One or more lines for the notebook to print."""
        if self.source == "standin":
            return STANDIN_BANNER
        if self.genuine:
            return f"ImageNet weights loaded from {self.path} (sha256 {self.sha256[:8]}..., genuine)."
        return not_genuine_message(self.path, self.sha256)


def hub_checkpoint_path() -> Path:
    """Where torch hub keeps (or will keep) ``vgg16-397923af.pth``; honours ``TORCH_HOME``."""
    return Path(torch.hub.get_dir()) / "checkpoints" / CHECKPOINT_FILENAME


def is_genuine_sha256(sha256: str) -> bool:
    """True if a SHA-256 hex digest is that of the ImageNet checkpoint (prefix ``397923af``)."""
    return sha256.lower().startswith(GENUINE_SHA256_PREFIX)


def not_genuine_message(path: Path | None, sha256: str | None) -> str:
    """The warning printed when the cached file is not the ImageNet checkpoint."""
    return (
        "################################################################################\n"
        f"#  NOT THE IMAGENET CHECKPOINT: {path}\n"
        f"#  has sha256 {sha256[:8] if sha256 else '?'}..., but the genuine file's starts with "
        f"{GENUINE_SHA256_PREFIX}.\n"
        "#  Its predictions and accuracies are MEANINGLESS. Delete the file and run\n"
        "#  `python -m utils.prepare_data --weights` to fetch the real one.\n"
        "################################################################################"
    )


def make_standin_vgg16(seed: int = 0) -> nn.Module:
    """A randomly initialised VGG16 (STAND-IN, not trained), identical for the same seed.

    The global random state is left untouched, so seeding in a notebook still
    controls shuffling and augmentation.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return models.vgg16(weights=None)


@contextmanager
def _socket_timeout(seconds: float) -> Iterator[None]:
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def _load_imagenet_vgg16(path: Path, progress: bool) -> nn.Module:
    """torchvision's own loading path: from the hub cache, downloading first if needed."""
    try:
        return models.vgg16(weights=WEIGHTS, progress=progress)
    except (RuntimeError, EOFError, OSError, ValueError) as err:
        if not path.exists():
            raise
        raise CheckpointError(
            f"{path} exists but could not be loaded ({type(err).__name__}: {str(err)[:200]}). "
            "It is probably truncated or corrupt: delete it and run "
            "`python -m utils.prepare_data --weights`."
        ) from err


def load_vgg16(mode: CourseMode | None = None, progress: bool = True, verbose: bool = True,
               ) -> tuple[nn.Module, WeightsInfo]:
    """Load VGG16 with ImageNet weights, or (smoke mode only) a labelled stand-in.

    Args:
        mode: the course mode (default: read ``COURSE_SMOKE``).
        progress: show a progress bar if the weights must be downloaded.
        verbose: print what was loaded (and the banners).

    Returns:
        ``(net, info)``: the 1000-class VGG16 in train mode, and what was loaded.

    Raises:
        WeightsUnavailableError: offline, no cached file, and not in smoke mode.
        CheckpointError: the cached file is truncated or not a VGG16 checkpoint.
    """
    mode = get_course_mode() if mode is None else mode
    path = hub_checkpoint_path()
    if verbose and not path.exists():
        print(f"{CHECKPOINT_FILENAME} is not in {path.parent} yet: torchvision will try to download "
              "it (528 MB, once).")
    try:
        with _socket_timeout(_DOWNLOAD_SOCKET_TIMEOUT_S):
            net = _load_imagenet_vgg16(path, progress)
    except CheckpointError:
        raise
    except OSError as err:  # URLError, socket errors, DNS failure: no network
        if not mode.allow_standin:
            raise WeightsUnavailableError(
                f"The VGG16 ImageNet weights are not in {path.parent} and could not be "
                f"downloaded ({getattr(err, 'reason', err)}).\n"
                + PREFETCH_HINT.format(name=CHECKPOINT_FILENAME, folder=path.parent)
                + "\nTo run the code paths without them, use smoke mode (COURSE_SMOKE=1)."
            ) from None
        info = WeightsInfo(source="standin", path=None, sha256=None, genuine=False)
        if verbose:
            print(info.describe())
            print(f"(Why: {CHECKPOINT_FILENAME} is not in {path.parent} and the download failed: "
                  f"{getattr(err, 'reason', err)}. "
                  + PREFETCH_HINT.format(name=CHECKPOINT_FILENAME, folder=path.parent) + ")")
        return make_standin_vgg16(), info
    digest = sha256_file(path)
    info = WeightsInfo(source="checkpoint", path=path, sha256=digest, genuine=is_genuine_sha256(digest))
    if verbose:
        print(info.describe())
    return net, info
