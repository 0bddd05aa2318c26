"""One-line checks for the Try-it exercises: ``check("03.4", net, optimizer)`` prints ✔, or ✘ and
what is wrong, or ``–`` and why it was skipped (an exercise that needs a GPU, on a machine without
one).

A check never quotes the answer: it computes it from the course's own objects (VGG16's
architecture on the ``meta`` device, the learner's network and optimizer) or compares a digest.
``CHECKS``: exercise ("03.4": notebook 03, exercise 4) -> (test, hint when wrong, line when right).
A test returns True, False (the hint is shown) or a string that says more precisely what is wrong;
it raises :class:`Skip` when it cannot run here.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import torch
import wcwidth
from PIL import Image
from torch import nn
from torch.utils.data import SequentialSampler
from torchvision import models
from torchvision.transforms import RandomResizedCrop

from utils.dataloader_image_classification import MEAN, SIZE, STD, ImageTransform
from utils.gradcam import grad_cam
from utils.settings.environment import read_language
from utils.settings.language import tr
from utils.support.checkpoints import CheckpointError
from utils.training import FINE_TUNING_GROUPS

class Skip(Exception):  # noqa: N818 (not an error: the exercise cannot run on this machine)
    """Raised by a test whose exercise cannot run here; the message says why, in one line."""


def check(exercise: str, *answer) -> bool | None:
    """Print ``✔ 03.4: ...`` and return True when ``answer`` solves Try-it exercise ``exercise``;
    ``✘ 03.4: <what is wrong>`` and False when not; ``– 03.4: skipped: <why>`` and None when it
    cannot run here."""
    unknown = (None, tr("no such check; there are {ids}", ids=", ".join(CHECKS)), "")
    test, hint, done = CHECKS.get(exercise, unknown)
    try:
        result = test is not None and test(*answer)
    except Skip as why:
        print(_shorten(tr("– {exercise}: skipped: {why}", exercise=exercise, why=why), 88))
        return None
    except Exception as err:  # noqa: BLE001 (a wrong kind of answer: say what to pass)
        arguments = ", ".join(inspect.signature(test).parameters)
        result = tr(
            "pass {arguments} ({kind}: {err})",
            arguments=arguments,
            kind=type(err).__name__,
            err=err,
        )
    ok = not isinstance(result, str) and bool(result)
    if ok:
        said = done
    elif isinstance(result, str):
        said = result
    else:
        said = hint
    line = _shorten(f"{'✔' if ok else '✘'} {exercise}: {said}", 250)
    # Short lines: JupyterLab wraps long ones mid-word. wcwidth counts columns (Hangul: 2),
    # where textwrap counts characters.
    print("\n".join(wcwidth.wrap(line, 88, subsequent_indent="  ")))
    return ok


# What the course's own objects say (shapes only: VGG16 on the meta device takes no memory and
# no time)
def _vgg16() -> nn.Module:
    with torch.device("meta"):
        return models.vgg16(weights=None)


def _shapes_after(layers: nn.Module, size: int) -> tuple[int, ...]:
    return tuple(layers(torch.zeros(1, 3, size, size, device="meta")).shape)


def _last_two_blocks() -> tuple[str, ...]:
    """``"features.17.", "features.18.", ...``: all of ``features[17:]``."""
    return tuple(f"features.{i}." for i in range(17, len(_vgg16().features)))


def _shapes_320(features_shape, avgpool_shape) -> bool:
    vgg = _vgg16()
    maps = vgg.features(torch.zeros(1, 3, 320, 320, device="meta"))
    expected = (tuple(maps.shape), tuple(vgg.avgpool(maps).shape))
    return (tuple(features_shape), tuple(avgpool_shape)) == expected


def _shorten(text: str, width: int) -> str:
    """``textwrap.shorten`` in columns: spaces collapsed, words dropped at the end for " [...]"."""
    return wcwidth.wrap(" ".join(text.split()), width, max_lines=1)[0]


def _digest(names: Iterable) -> str:
    """A digest of the class names, without arguments: ``"RandomRotation(30)"`` -> ..."""
    classes = sorted({str(n).split("(")[0].strip() for n in names})
    return hashlib.sha256(",".join(classes).encode()).hexdigest()[:16]


# The learner's objects
def _picture(path) -> bool | str:  # a file that PIL can read (verify() raises for any other)
    if not Path(path).is_file():
        return tr(
            "no file at {path} (JupyterLab: next to this notebook; Colab: the path its file pane "
            "shows, e.g. /content/...)",
            path=Path(path).resolve(),
        )
    with Image.open(path) as img:
        img.verify()
    return True


def _trains(net: nn.Module, *prefixes: str) -> bool:
    """Exactly the parameters whose names start with ``prefixes`` learn."""
    return all(p.requires_grad == name.startswith(prefixes) for name, p in net.named_parameters())


def _ids(params: Iterable[torch.Tensor]) -> set[int]:
    return {id(p) for p in params}


def _trained_with(net: nn.Module, optimizer, history=None) -> bool | str:
    """True if ``optimizer`` holds exactly ``net``'s trainable parameters and has taken steps (and
    ``history``, if given, is a finished run of ``net``); else what is wrong."""
    params = [p for g in optimizer.param_groups for p in g["params"]]
    if _ids(params) != _ids(p for p in net.parameters() if p.requires_grad):
        return tr(
            "the optimizer does not hold exactly the parameters that `net` trains: was it built "
            "before `net` was (re)loaded or frozen? Build it after, from `net`"
        )
    if not any(optimizer.state.get(p) for p in params):
        return tr(
            "the optimizer has not taken a step yet: train with it (train_model), then check"
        )
    if history is None:
        return True
    of_net = getattr(net, "history", history) is history
    if not (history.finished and history.phase("train") and of_net):
        return tr("not the finished history of training `net` (what train_model returned)")
    return True


def _groups_match(net: nn.Module, optimizer, lr: float) -> bool:
    """The optimizer's groups hold ``FINE_TUNING_GROUPS``' parameters, all at ``lr``."""
    names = dict(net.named_parameters())
    wanted = [
        [p for n, p in names.items() if n.startswith(prefixes)]
        for prefixes, _ in FINE_TUNING_GROUPS.values()
    ]
    held = [(g["lr"], _ids(g["params"])) for g in optimizer.param_groups]
    return held == [(lr, _ids(w)) for w in wanted]


def _top5_share(val_1000) -> float:
    """The share of pictures whose ImageNet class ('ant' 310, 'bee' 309) is in their top 5."""
    right = torch.tensor([310, 309])[val_1000.labels]
    top5 = val_1000.probs.topk(5, dim=1).indices
    return float((top5 == right[:, None]).any(dim=1).float().mean())


def _on_gpu(tensor: torch.Tensor) -> bool:
    return tensor.device.type != "cpu"


def _close_to_gpu(cpu_logits: torch.Tensor, logits_reloaded: torch.Tensor) -> bool:
    if not _on_gpu(logits_reloaded):
        raise Skip(tr("logits_reloaded was computed on the CPU; this exercise needs a GPU"))
    scale = float(logits_reloaded.abs().max()) or 1.0
    close = torch.allclose(cpu_logits, logits_reloaded.cpu(), atol=0.01 * scale)
    return cpu_logits.device.type == "cpu" and close


def _photo_cam(heatmap: torch.Tensor, photo_net: nn.Module, photo: Image.Image) -> bool | str:
    if photo_net.training:
        return tr(
            "photo_net is in train mode: dropout changes the map on every call; "
            "photo_net.eval() first"
        )
    image = ImageTransform(SIZE, MEAN, STD)(photo, "val").to(next(photo_net.parameters()).device)
    expected, _ = grad_cam(photo_net, image, photo_net.features[29])
    if tuple(heatmap.shape) != tuple(expected.shape):
        return tr(
            "a map of shape {shape}, not one per pixel of the 224 x 224 input",
            shape=tuple(heatmap.shape),
        )
    if not torch.allclose(heatmap.cpu().float(), expected, atol=0.02):
        return tr("not the map of `photo` at features[29]: make its tensor again from `photo`")
    return True


def _photo_probs(photo, probs: torch.Tensor) -> bool | str:
    found = _picture(photo)
    if found is not True:
        return found
    return (
        tuple(probs.shape) == (2,)
        and bool(probs.min() >= 0)
        and math.isclose(float(probs.sum()), 1, abs_tol=1e-3)
    )


def _steps(*tests: Callable[[], bool | str]) -> bool | str:
    """True if every test passes; else what the first that fails says is wrong."""
    for test in tests:
        result = test()
        if result is not True:
            return result
    return True


def _head_lr(net, optimizer) -> bool | str:  # 03.2
    return _steps(
        lambda: _trains(net, "classifier.6.") or tr("`net` should train classifier[6] alone"),
        lambda: (
            {g["lr"] for g in optimizer.param_groups} <= {0.01, 1e-4}
            or tr("lr is neither 0.01 nor 0.0001")
        ),
        lambda: _trained_with(net, optimizer),
    )


def _trained(*prefixes: str, wrong: str) -> Callable[..., bool | str]:  # 03.4, 04.2, 05.3
    def test(net, optimizer, history) -> bool | str:
        return _steps(
            lambda: _trains(net, *prefixes) or wrong,
            lambda: _trained_with(net, optimizer, history),
        )

    return test


def _all_lr_1e3(net, optimizer) -> bool | str:  # 04.1
    return _steps(
        lambda: (
            _groups_match(net, optimizer, 1e-3)
            or tr("not the three groups of section 2, each lr 1e-3")
        ),
        lambda: _trained_with(net, optimizer),
    )


@functools.cache
def _checks(lang: str) -> dict[str, tuple[Callable[..., bool | str], str, str]]:
    """The table of the checks, its lines in ``lang`` (the course's language when it is built)."""
    return {
        "01.1": (_picture, tr("no picture at that path"), tr("found your photo")),
        "01.2": (
            lambda names: (
                {str(n) for n in names}
                == {n for n, m in _vgg16().named_modules() if isinstance(m, nn.Dropout)}
            ),
            tr("not these: which layers act differently in train mode? (section 2)"),
            tr("right: those layers, and no other"),
        ),
        "01.3": (
            _shapes_320,
            tr("not the shapes after features and after avgpool for a (1, 3, 320, 320) input"),
            tr("right: now say why classifier.0 still gets 25088 values"),
        ),
        "01.4": (
            lambda paths: (
                sorted(Path(p).parts[-3:-1] for p in set(map(str, paths)))
                == [("val", "ants")] * 10 + [("val", "bees")] * 10
            ),
            tr("not 10 different val ants and 10 val bees"),
            tr("10 ants and 10 bees of the validation set"),
        ),
        "01.5": (
            lambda out_plain, out_no_grad: (
                out_plain.grad_fn is not None
                and out_no_grad.grad_fn is None
                and not out_no_grad.is_inference()
            ),
            tr("a grad_fn first (no with-block), then none (torch.no_grad())"),
            tr("a graph, then none under no_grad()"),
        ),
        "02.1": (
            lambda wide: (
                [tuple(t.scale) for t in wide.transforms if isinstance(t, RandomResizedCrop)]
                == [(0.08, 1)]
            ),
            tr("no RandomResizedCrop(224, scale=(0.08, 1.0)) in this Compose"),
            tr("crops of 8 % to 100 % of the photo"),
        ),
        "02.2": (
            lambda names: _digest(names) == "6fb8d2287446939d",
            tr("not quite: which would turn one digit or letter into another?"),
            tr("right: an augmentation must keep the label true"),
        ),
        "02.3": (
            lambda stats: (
                len(stats) == 3 and all(abs(s.mean) < 1 and 0.5 < s.std < 2 for s in stats)
            ),
            tr("not ImageNet-normalised values: the batch `inputs` from the DataLoader"),
            tr("near 0 and 1, not exactly"),
        ),
        "02.4": (
            lambda raw: tuple(raw.shape) == (3, 224, 224) and 0 <= raw.min() <= raw.max() <= 1,
            tr("not a (3, 224, 224) tensor in 0..1: mean=(0, 0, 0), std=(1, 1, 1)"),
            tr("all in 0..1, not centred"),
        ),
        "02.5": (
            lambda tall: tall.height > tall.width,
            tr("this picture is not taller than wide"),
            tr("taller than wide: now compare what the two crops keep"),
        ),
        "03.1": (
            lambda more: len(more.phase("train")) == 3 and more.finished,
            tr("not a finished run of 3 epochs: num_epochs=3"),
            tr("three more epochs: does val accuracy still rise?"),
        ),
        "03.2": (
            _head_lr,
            tr("not SGD with lr 0.01 (or 0.0001) on the new head alone"),
            tr("a new learning rate: compare the curves"),
        ),
        "03.3": (
            lambda loader: (
                isinstance(loader.sampler, SequentialSampler) and loader.dataset.phase == "train"
            ),
            tr("not the training data in file order: shuffle=False"),
            tr("file order: now look at the first batches"),
        ),
        "03.4": (
            _trained(
                "classifier.3.",
                "classifier.6.",
                wrong=tr("not exactly classifier.3 and classifier.6 train"),
            ),
            tr("not classifier.3 and .6 alone"),
            tr("right: compare the count (step 4) and the accuracy (step 8)"),
        ),
        "03.5": (
            lambda wrong, val_predictions: sorted(set(wrong)) == val_predictions.mistakes,
            tr("not the misclassified ones: the i where preds[i] != labels[i]"),
            tr("all of them: what makes them hard?"),
        ),
        "04.1": (
            _all_lr_1e3,
            tr("not the three groups with lr 1e-3"),
            tr("lr 1e-3 for all three groups"),
        ),
        "04.2": (
            _trained("classifier.", wrong=tr("`features` must be frozen, the classifier not")),
            tr("features must be frozen and out of the optimizer"),
            tr("right: compare the two epochs' seconds"),
        ),
        "04.3": (
            _close_to_gpu,
            tr("not the saved network's logits, computed on the CPU"),
            tr("close, not equal: same weights"),
        ),
        "04.4": (
            lambda caught: isinstance(caught, CheckpointError) and "truncated" in str(caught),
            tr("not the CheckpointError of a truncated file: cut it, then load_state_dict"),
            tr("a CheckpointError that names the truncated file"),
        ),
        "04.5": (
            _photo_probs,
            tr("`probs` are not predict_image's two probabilities"),
            tr("two probabilities, sum 1"),
        ),
        "05.1": (
            lambda history: len(history.phase("train")) == 5 and history.finished,
            tr("not a finished run of 5 epochs: num_epochs=5"),
            tr("five epochs: does it catch up?"),
        ),
        "05.2": (
            lambda share, val_1000: math.isclose(share, _top5_share(val_1000), abs_tol=1e-6),
            tr("not the share (0..1) with the right class (310, 309) in the top 5"),
            tr("right: compare it with the top 1"),
        ),
        "05.3": (
            _trained(
                *_last_two_blocks(),
                "classifier.",
                wrong=tr("not features[17:] plus the classifier"),
            ),
            tr("not features[17:] plus the classifier"),
            tr("right: compare the count and the seconds with section 4's"),
        ),
        "05.4": (
            lambda maps_shape: tuple(maps_shape) == _shapes_after(_vgg16().features[:23], 224),
            tr("not the shape of features[22]'s output for one 224 x 224 picture"),
            tr("right: compare it with features[29]'s"),
        ),
        "05.5": (
            _photo_cam,
            tr("not the Grad-CAM map of your photo"),
            tr("your photo's map: is it on the insect?"),
        ),
    }


class _Checks(Mapping):
    """:data:`CHECKS`, read in the course's language of the moment (``COURSE_LANG``)."""

    def _table(self) -> dict[str, tuple[Callable[..., bool | str], str, str]]:
        return _checks(read_language())

    def __getitem__(self, exercise: str) -> tuple[Callable[..., bool | str], str, str]:
        return self._table()[exercise]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


#: Exercise ("03.4") -> (test, hint when wrong, line when right), in the course's language.
CHECKS: Mapping[str, tuple[Callable[..., bool | str], str, str]] = _Checks()
