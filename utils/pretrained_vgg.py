"""Load VGG16 with the file ``vgg16(weights=VGG16_Weights.IMAGENET1K_V1)`` reads from the torch hub cache (fetched by
``utils.datalib``), its SHA-256 checked; a bad file is one message; in smoke mode a labelled random stand-in."""

from dataclasses import dataclass
from pathlib import Path

import torch
import wcwidth
from torch import nn
from torchvision import models
from torchvision.models import VGG16_Weights

from utils.datalib.artifacts import is_genuine_sha256, weights_path
from utils.datalib.checksums import cached_sha256
from utils.datalib.fetch import Mirror, prefetch_weights
from utils.errors import DataToolError, WeightsUnavailableError, disk_error_line
from utils.settings import paths
from utils.settings.environment import read_mirror
from utils.settings.language import tr
from utils.support.checkpoints import load_into, read_state_dict

WEIGHTS = VGG16_Weights.IMAGENET1K_V1  #: the weights every notebook uses
VGG16_NUM_PARAMETERS = 138_357_544  #: parameters of the 1000-class VGG16
GET_WEIGHTS = "`make weights` (python -m utils.prepare_data --weights)"


def _weights_fix() -> str:
    return tr("delete it, then run {command}", command=GET_WEIGHTS)


def _banner(text: str) -> str:
    """``text``'s lines between two rules of 80 "#"."""
    return "\n".join(["#" * 80, *(f"#  {line}" for line in text.splitlines()), "#" * 80])


def _standin_banner() -> str:
    return _banner(tr("STAND-IN WEIGHTS: this VGG16 is RANDOMLY INITIALISED, not trained on ImageNet.\n"
                      "Smoke mode uses it because the real weights are not available. Every\n"
                      "prediction, loss and accuracy below is MEANINGLESS; the code paths are real.\n"
                      "Real weights: {command}", command=GET_WEIGHTS))


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
        if self.genuine:
            return tr("ImageNet weights")
        if self.source == "standin":
            return tr("STAND-IN weights, meaningless")
        return tr("NOT the ImageNet checkpoint, meaningless")

    def describe(self) -> str:
        if self.source == "standin":
            lines = wcwidth.wrap(self.why, 88, break_on_hyphens=False)  # in columns: Hangul counts 2
            why = "\n".join(lines) + "\n" if self.why else ""
            return why + _standin_banner()
        if self.genuine:
            return tr("ImageNet weights loaded from {path} (sha256 {sha}..., genuine).",
                      path=self.path, sha=self.sha256[:8])
        return _banner(tr("NOT THE IMAGENET CHECKPOINT: {path}\n"
                          "has sha256 {sha}..., the genuine file's starts with {prefix}.\n"
                          "Its predictions and accuracies are MEANINGLESS. Delete the file and run\n"
                          "{command} to fetch the real one.", path=self.path, sha=self.sha256[:8],
                          prefix=paths.VGG16_SHA256_PREFIX, command=GET_WEIGHTS))


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
        if mirror:
            say(tr("{name} is not in {folder} yet: copying it from {mirror} or downloading it once (528 MB).",
                   name=path.name, folder=path.parent, mirror=mirror))
        else:
            say(tr("{name} is not in {folder} yet: downloading it once (528 MB).",
                   name=path.name, folder=path.parent))
        try:
            done = prefetch_weights(mirror=Mirror(mirror) if mirror else None, progress=progress)
        except (DataToolError, OSError) as err:  # offline, no space, or a hub cache folder we cannot write
            if isinstance(err, OSError):
                disk = disk_error_line(err.errno, path.parent, tr("{name} needs 528 MB", name=path.name),
                                       tr("set TORCH_HOME to a folder on another disk"))
                err = disk or tr("{folder} cannot be written ({why}); set TORCH_HOME to a writable folder.",
                                 folder=path.parent, why=err.strerror or err)
            hint = tr("Get the weights while online with {command}, or copy {name} from a course mirror "
                      "or another machine into {folder}.", command=GET_WEIGHTS, name=path.name, folder=path.parent)
            if not allow_standin:
                raise WeightsUnavailableError(tr(
                    "{name} is not in {folder} and could not be fetched: {err} {hint} Or, "
                    "for random stand-in weights, run `%env COURSE_SMOKE=1` and the notebook again.",
                    name=path.name, folder=path.parent, err=err, hint=hint)) from None
            why = tr("No weights, so smoke mode goes on with a random stand-in: {err} {hint}", err=err, hint=hint)
            info = WeightsInfo("standin", path=None, sha256=None, genuine=False, why=why)
            say(info.describe())
            return make_standin_vgg16(), info
        say(done)
    state = read_state_dict(path, "cpu", fix=_weights_fix())
    with torch.device("meta"):  # a skeleton without memory or random numbers: the file's tensors become its weights
        skeleton = models.vgg16(weights=None)
    net = load_into(skeleton, state, path, fix=_weights_fix(), assign=True)
    digest = cached_sha256(path)
    info = WeightsInfo("checkpoint", path=path, sha256=digest, genuine=is_genuine_sha256(digest))
    say(info.describe())
    return net, info
