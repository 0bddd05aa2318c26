"""Load VGG16 with the file ``vgg16(weights=VGG16_Weights.IMAGENET1K_V1)`` reads from the torch hub cache (fetched by
``utils.datalib``), its SHA-256 checked; a bad file is one message; in smoke mode a labelled random stand-in."""

import textwrap
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from torchvision import models
from torchvision.models import VGG16_Weights

from utils.datalib.artifacts import is_genuine_sha256, weights_path
from utils.datalib.checksums import cached_sha256
from utils.datalib.fetch import Mirror, prefetch_weights
from utils.errors import DataToolError, WeightsUnavailableError, disk_error_line
from utils.settings import paths
from utils.settings.environment import read_mirror
from utils.support.checkpoints import load_into, read_state_dict

WEIGHTS = VGG16_Weights.IMAGENET1K_V1  #: the weights every notebook uses
VGG16_NUM_PARAMETERS = 138_357_544  #: parameters of the 1000-class VGG16
GET_WEIGHTS = "`make weights` (python -m utils.prepare_data --weights)"
WEIGHTS_FIX = f"delete it, then run {GET_WEIGHTS}"


def _banner(*lines: str) -> str:
    return "\n".join(["#" * 80, *(f"#  {line}" for line in lines), "#" * 80])


STANDIN_BANNER = _banner("STAND-IN WEIGHTS: this VGG16 is RANDOMLY INITIALISED, not trained on ImageNet.",
                         "Smoke mode uses it because the real weights are not available. Every",
                         "prediction, loss and accuracy below is MEANINGLESS; the code paths are real.",
                         f"Real weights: {GET_WEIGHTS}")


@dataclass(frozen=True)
class WeightsInfo:
    """What :func:`load_vgg16` loaded: ``source`` "checkpoint" (``genuine`` for the ImageNet file) or "standin"
    (random weights, smoke mode only; ``why`` the real ones could not be had)."""

    source: str
    path: Path | None
    sha256: str | None
    genuine: bool
    why: str = ""

    @property
    def label(self) -> str:
        """For figure titles: which weights produced the numbers."""
        return ("ImageNet weights" if self.genuine else "STAND-IN weights, meaningless" if self.source == "standin"
                else "NOT the ImageNet checkpoint, meaningless")

    def describe(self) -> str:
        if self.source == "standin":
            return (textwrap.fill(self.why, 88, break_on_hyphens=False) + "\n" if self.why else "") + STANDIN_BANNER
        if self.genuine:
            return f"ImageNet weights loaded from {self.path} (sha256 {self.sha256[:8]}..., genuine)."
        return _banner(f"NOT THE IMAGENET CHECKPOINT: {self.path}",
                       f"has sha256 {self.sha256[:8]}..., the genuine file's starts with {paths.VGG16_SHA256_PREFIX}.",
                       "Its predictions and accuracies are MEANINGLESS. Delete the file and run",
                       f"{GET_WEIGHTS} to fetch the real one.")


def make_standin_vgg16(seed: int = 0) -> nn.Module:
    """A random VGG16, the same for the same seed (the global random state is left untouched)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return models.vgg16(weights=None)


def load_vgg16(allow_standin: bool = False, progress: bool = True, verbose: bool = True,
               mirror: str | Path | None = None) -> tuple[nn.Module, WeightsInfo]:
    """``(net, info)``: VGG16 with ImageNet weights in train mode (fetched once if missing: copied from
    ``mirror``, default ``COURSE_DATA_MIRROR``, if it has them, else downloaded) or, if ``allow_standin``
    (smoke mode), a labelled stand-in. Raises ``WeightsUnavailableError`` (offline, no cached file, not
    smoke mode), ``CheckpointError`` (a damaged or unsafe cached file) or ``DataToolError`` (a download
    that is not it)."""
    path, say = weights_path(), print if verbose else lambda *_: None
    mirror = read_mirror() if mirror is None else Path(mirror)
    if not path.exists():
        source = f"copying it from {mirror} or downloading it" if mirror else "downloading it"
        say(f"{path.name} is not in {path.parent} yet: {source} once (528 MB).")
        try:
            done = prefetch_weights(mirror=Mirror(mirror) if mirror else None, progress=progress)
        except (DataToolError, OSError) as err:  # offline, no space, or a hub cache folder we cannot write
            if isinstance(err, OSError):
                disk = disk_error_line(err.errno, path.parent, f"{path.name} needs 528 MB",
                                       "set TORCH_HOME to a folder on another disk")
                err = disk or (f"{path.parent} cannot be written ({err.strerror or err}); "
                               "set TORCH_HOME to a writable folder.")
            hint = (f"Get the weights while online with {GET_WEIGHTS}, or copy {path.name} from a course mirror "
                    f"or another machine into {path.parent}.")
            if not allow_standin:
                raise WeightsUnavailableError(
                    f"{path.name} is not in {path.parent} and could not be fetched: {err} {hint} Or, "
                    "for random stand-in weights, run `%env COURSE_SMOKE=1` and the notebook again.") from None
            info = WeightsInfo("standin", path=None, sha256=None, genuine=False,
                               why=f"No weights, so smoke mode goes on with a random stand-in: {err} {hint}")
            say(info.describe())
            return make_standin_vgg16(), info
        say(done)
    state = read_state_dict(path, "cpu", fix=WEIGHTS_FIX)
    with torch.device("meta"):  # a skeleton without memory or random numbers: the file's tensors become its weights
        skeleton = models.vgg16(weights=None)
    net = load_into(skeleton, state, path, fix=WEIGHTS_FIX, assign=True)
    digest = cached_sha256(path)
    info = WeightsInfo("checkpoint", path=path, sha256=digest, genuine=is_genuine_sha256(digest))
    say(info.describe())
    return net, info
