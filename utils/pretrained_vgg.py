"""Load VGG16 with its ImageNet weights the current torchvision way, and say what was loaded.

It loads what ``torchvision.models.vgg16(weights=VGG16_Weights.IMAGENET1K_V1)`` loads: the file
``vgg16-397923af.pth`` (528 MB), downloaded once with ``torch.hub.download_url_to_file`` into the
torch hub cache (``$TORCH_HOME/hub/checkpoints``), where torchvision looks for it too.

What this module adds for a classroom:

* offline with no cached file, a short message saying how to get the file instead
  of a raw ``URLError`` traceback;
* the file is read with ``weights_only=True``; a damaged or foreign file is one error
  naming the file and the fix;
* a check that a cached file really is the ImageNet checkpoint: torchvision names
  the file after the first 8 hex digits of its SHA-256, ``397923af`` (hashed once per
  file, then remembered beside it);
* in smoke mode only, a randomly initialised stand-in when the weights are missing,
  announced by a banner, so that CI and offline rooms can still run every cell.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from torchvision import models
from torchvision.models import VGG16_Weights

from utils.atomic_write import fetch_dir, remove_stale_fetch_dirs
from utils.checkpoints import CheckpointError, load_into, read_state_dict
from utils.checksums import cached_sha256
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

#: What to do with a cached weights file that cannot be used.
WEIGHTS_FIX = "delete it, then run `make weights` (python -m utils.prepare_data --weights)"
# A download that stalls (a half-working classroom network) gives up after this many seconds.
_DOWNLOAD_SOCKET_TIMEOUT_S = 60


class WeightsUnavailableError(RuntimeError):
    """The ImageNet weights are neither cached nor downloadable."""


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


def download_weights(dest: Path, progress: bool = True) -> None:
    """Download the checkpoint to ``dest`` with ``torch.hub.download_url_to_file``.

    It is staged in a ``.fetch-*`` folder beside ``dest`` (left-overs of interrupted runs are
    removed first) and moved into place only complete and with the right SHA-256 prefix.

    Raises:
        OSError: no network (``URLError`` and friends).
        CheckpointError: the download was not the ImageNet checkpoint; nothing is kept.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_fetch_dirs(dest.parent)
    with fetch_dir(dest.parent) as tmp, _socket_timeout(_DOWNLOAD_SOCKET_TIMEOUT_S):
        try:
            torch.hub.download_url_to_file(WEIGHTS.url, str(tmp / dest.name),
                                           hash_prefix=GENUINE_SHA256_PREFIX, progress=progress)
        except RuntimeError as err:  # the hash prefix did not match
            raise CheckpointError(f"The download from {WEIGHTS.url} is not the ImageNet checkpoint "
                                  f"({err}); nothing was kept. Try again later.") from None
        os.replace(tmp / dest.name, dest)


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
    if not path.exists():
        if verbose:
            print(f"{CHECKPOINT_FILENAME} is not in {path.parent} yet: downloading it once (528 MB).")
        try:
            download_weights(path, progress)
        except OSError as err:  # URLError, socket errors, DNS failure: no network
            why = (f"{CHECKPOINT_FILENAME} is not in {path.parent} and the download failed "
                   f"({getattr(err, 'reason', err)}).")
            hint = PREFETCH_HINT.format(name=CHECKPOINT_FILENAME, folder=path.parent)
            if not mode.allow_standin:
                raise WeightsUnavailableError(f"{why}\n{hint}\nTo run the code paths without them, "
                                              "use smoke mode (COURSE_SMOKE=1).") from None
            if verbose:
                print(f"{why} Smoke mode goes on with a random stand-in. {hint}")
                print(STANDIN_BANNER)
            return make_standin_vgg16(), WeightsInfo(source="standin", path=None, sha256=None,
                                                     genuine=False)
    state = read_state_dict(path, "cpu", fix=WEIGHTS_FIX)
    net = load_into(models.vgg16(weights=None), state, path, fix=WEIGHTS_FIX)
    digest = cached_sha256(path)
    info = WeightsInfo(source="checkpoint", path=path, sha256=digest, genuine=is_genuine_sha256(digest))
    if verbose:
        print(info.describe())
    return net, info
