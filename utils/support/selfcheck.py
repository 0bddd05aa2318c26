"""One-line checks for the Try-it exercises: ``check("03.4", net)`` prints ✔, or ✘ and a hint.

``CHECKS``: exercise ("03.4": notebook 03, exercise 4) -> (test of the answer, hint when wrong, line when right)."""

import inspect
import math
import textwrap
from pathlib import Path

import torch
from PIL import Image
from torch.utils.data import SequentialSampler
from torchvision.transforms import RandomResizedCrop

from utils.support.checkpoints import CheckpointError


def check(exercise: str, *answer) -> bool:
    """Print ``✔ 03.4: ...`` when ``answer`` solves Try-it exercise ``exercise``, else ``✘ 03.4: <hint>``."""
    test, hint, done = CHECKS.get(exercise, (None, f"no such check; there are {', '.join(CHECKS)}", ""))
    try:
        ok = test is not None and bool(test(*answer))
    except Exception as err:  # noqa: BLE001 (a wrong kind of answer: say what to pass)
        ok, hint = False, f"pass {', '.join(inspect.signature(test).parameters)} ({type(err).__name__}: {err})"
    line = textwrap.shorten(f"{'✔' if ok else '✘'} {exercise}: {done if ok else hint}", 250)
    print(textwrap.fill(line, 88, subsequent_indent="  "))  # short lines: JupyterLab wraps long ones mid-word
    return ok


def _picture(path) -> bool:  # a file that PIL can read (verify() raises for any other)
    if Path(path).is_file():
        with Image.open(path) as img:
            img.verify()
    return Path(path).is_file()


def _trains(net, *prefixes: str) -> bool:  # exactly the parameters whose names start with prefixes
    return all(p.requires_grad == name.startswith(prefixes) for name, p in net.named_parameters())


def _groups(optimizer) -> list[tuple[float, list[tuple[int, ...]]]]:  # each group's lr and parameter shapes
    return [(g["lr"], [tuple(p.shape) for p in g["params"]]) for g in optimizer.param_groups]


def _top5_share(val_1000) -> float:  # pictures whose ImageNet class ('ant' 310, 'bee' 309) is in their top 5
    right = torch.tensor([310, 309])[val_1000.labels]
    return float((val_1000.probs.topk(5, dim=1).indices == right[:, None]).any(dim=1).float().mean())


HEAD = [(2, 4096), (2,)]  # classifier[6] = Linear(4096, 2)
BLOCKS_4_5 = tuple(f"features.{i}." for i in (17, 19, 21, 24, 26, 28))
CHECKS = {  # exercise: (test of the answer, hint when wrong, line when right)
    "01.1": (lambda path: _picture(path), "no picture at that path: put it next to this notebook", "found your photo"),
    "01.2": (lambda names: set(names) == {"classifier.2", "classifier.5"},
             "not these: which layers act differently in train mode? (section 2)", "the two dropout layers"),
    "01.3": (lambda features_shape, avgpool_shape: [*features_shape, *avgpool_shape] == [1, 512, 10, 10, 1, 512, 7, 7],
             "not the shapes of a (1, 3, 320, 320) input", "10 x 10 after five poolings; avgpool makes 7 x 7"),
    "01.4": (lambda paths: sorted(Path(p).parts[-3:-1] for p in set(map(str, paths)))
             == [("val", "ants")] * 10 + [("val", "bees")] * 10,
             "not 10 different val ants and 10 val bees", "10 ants and 10 bees of the validation set"),
    "01.5": (lambda out_plain, out_no_grad: out_plain.grad_fn is not None
             and out_no_grad.grad_fn is None and not out_no_grad.is_inference(),
             "a grad_fn first (no with-block), then none (torch.no_grad())", "a graph, then none under no_grad()"),
    "02.1": (lambda wide: [tuple(t.scale) for t in wide.transforms if isinstance(t, RandomResizedCrop)] == [(0.08, 1)],
             "no RandomResizedCrop(224, scale=(0.08, 1.0)) in this Compose", "crops of 8 % to 100 % of the photo"),
    "02.2": (lambda names: {str(n).split("(")[0] for n in names}
             == {"RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotation"},
             "not quite: which turn a 'b' into a 'd' or a 'p', or a '6' into a '9'?",
             "flips and large rotations change what a digit or letter is"),
    "02.3": (lambda stats: len(stats) == 3 and all(abs(s.mean) < 1 and 0.5 < s.std < 2 for s in stats),
             "not ImageNet-normalised values: the batch `inputs` from the DataLoader", "near 0 and 1, not exactly"),
    "02.4": (lambda raw: tuple(raw.shape) == (3, 224, 224) and 0 <= raw.min() <= raw.max() <= 1,
             "not a (3, 224, 224) tensor in 0..1: mean=(0, 0, 0), std=(1, 1, 1)", "all in 0..1, not centred"),
    "02.5": (lambda tall: tall.height > tall.width, "this picture is not taller than wide",
             "taller than wide: the crops cut off top and bottom"),
    "03.1": (lambda more: len(more.phase("train")) == 3 and more.finished,
             "not a finished run of 3 epochs: num_epochs=3", "three more epochs: does val accuracy still rise?"),
    "03.2": (lambda optimizer: _groups(optimizer) in ([(0.01, HEAD)], [(1e-4, HEAD)]),
             "not SGD with lr 0.01 (or 0.0001) on the new head alone", "a new learning rate: compare the curves"),
    "03.3": (lambda loader: isinstance(loader.sampler, SequentialSampler) and loader.dataset.phase == "train",
             "not the training data in file order: shuffle=False", "file order: all the ants first, then the bees"),
    "03.4": (lambda net: _trains(net, "classifier.3.", "classifier.6."),
             "not classifier.3 and .6 alone: the names, then the freezing loop", "16,789,506 parameters train"),
    "03.5": (lambda wrong, val_predictions: sorted(set(wrong)) == val_predictions.mistakes,
             "not the misclassified ones: the i where preds[i] != labels[i]", "all of them: what makes them hard?"),
    "04.1": (lambda optimizer: [(lr, len(p)) for lr, p in _groups(optimizer)] == [(1e-3, 26), (1e-3, 4), (1e-3, 2)],
             "not three groups (26, 4, 2 tensors) with lr 1e-3", "lr 1e-3 for all three groups"),
    "04.2": (lambda net, optimizer: _trains(net, "classifier.") and {id(p) for p in net.parameters() if p.requires_grad}
             == {id(p) for g in optimizer.param_groups for p in g["params"]},
             "features must be frozen and out of the optimizer", "119,554,050 train; the convolutions are frozen"),
    "04.3": (lambda cpu_logits, logits_reloaded: cpu_logits.device.type == "cpu"
             and torch.allclose(cpu_logits, logits_reloaded.cpu(), atol=0.05),
             "not the saved network's logits, computed on the CPU", "close (atol 0.05): the same weights"),
    "04.4": (lambda caught: isinstance(caught, CheckpointError) and "truncated" in str(caught),
             "not the CheckpointError of a truncated file: cut it, then load_state_dict",
             "a CheckpointError that names the truncated file"),
    "04.5": (lambda photo, probs: _picture(photo) and probs.shape == (2,) and probs.min() >= 0
             and math.isclose(probs.sum(), 1, abs_tol=1e-3),
             "no picture at `photo`, or `probs` not predict_image's two probabilities", "two probabilities, sum 1"),
    "05.1": (lambda history: len(history.phase("train")) == 5 and history.finished,
             "not a finished run of 5 epochs: num_epochs=5", "five epochs: does it catch up?"),
    "05.2": (lambda share, val_1000: math.isclose(share, _top5_share(val_1000), abs_tol=1e-6),
             "not the share (0..1) with the right class (310, 309) in the top 5", "right: compare it with the top 1"),
    "05.3": (lambda net: _trains(net, *BLOCKS_4_5, "classifier."),
             "not features.17 to .28 plus the classifier: last_block", "132,533,250 train: 5.9 million more"),
    "05.4": (lambda maps_shape: tuple(maps_shape)[-3:] == (512, 28, 28),
             "not the maps of features[22]: net.features[:23](image[None]).shape", "28 x 28, finer than 14 x 14"),
}
