"""Turn a 1000-class ImageNet model's output into class names and probabilities.

This is the book's post-processing step: ``ILSVRCPredictor(class_index)`` with
``predict_max(out)``, plus a top-k with softmax probabilities. ILSVRC (the
ImageNet Large Scale Visual Recognition Challenge) is the 1000-class subset of
ImageNet that VGG16 was trained on.

Typical use::

    class_index = load_class_index()                  # {"0": ["n01440764", "tench"], ...}
    predictor = ILSVRCPredictor(class_index)
    with torch.inference_mode():
        out = net(inputs)                             # (1, 1000) logits
    predictor.predict_max(out)                        # "golden_retriever" with real weights
    predictor.predict_topk(out, k=5)                  # [Prediction(207, "golden_retriever", 0.9...), ...]

The model's output may live on any device and may carry gradients: every method
works on ``out.detach().cpu()``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping, NamedTuple, Sequence

import torch

from utils.paths import CLASS_INDEX_PATH


class Prediction(NamedTuple):
    """One class of a top-k answer: ``(class_id, name, probability)``."""

    class_id: int
    name: str
    probability: float


def load_class_index(path: str | Path = CLASS_INDEX_PATH) -> dict[str, list[str]]:
    """Read ``imagenet_class_index.json``: ``{"0": ["n01440764", "tench"], ...}``.

    Args:
        path: the JSON file (default: ``data/imagenet_class_index.json``).

    Returns:
        The book's dictionary: keys are the class ids as strings ("0" .. "999"),
        values ``[wordnet_id, name]``.

    Raises:
        FileNotFoundError: if the file is missing (with the command that fetches it).
        ValueError: naming the file, if it is not such a dictionary.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing. Prepare the data first: `make data` or "
            "`python -m utils.prepare_data` (offline: add --mirror DIR)."
        )
    try:
        with path.open(encoding="utf-8") as f:
            class_index = json.load(f)
    except json.JSONDecodeError as err:
        raise ValueError(f"{path} is not valid JSON ({err}); re-run `python -m utils.prepare_data`.") from None
    if not isinstance(class_index, dict) or not class_index:
        raise ValueError(f"{path} should hold a non-empty JSON object {{\"0\": [wnid, name], ...}}.")
    expected_keys = {str(i) for i in range(len(class_index))}
    if set(class_index) != expected_keys:
        raise ValueError(f"{path}: the keys should be the class ids \"0\" .. \"{len(class_index) - 1}\".")
    for key, value in class_index.items():
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
            raise ValueError(f"{path}: entry {key!r} should be [wordnet_id, name], not {value!r}.")
    return class_index


class ILSVRCPredictor:
    """Read class names and probabilities off a 1000-class ImageNet model's output.

    Args:
        class_index: the book's dictionary from :func:`load_class_index`,
            ``{"0": ["n01440764", "tench"], ...}``.

    Attributes:
        class_index: that dictionary (spelt correctly, unlike the source notes'
            ``class_inedx``).

    ``out`` is the model's output for ONE image: logits of shape ``(1, C)``
    (a batch of one, as the model returns it) or ``(C,)``, on any device, with
    or without gradient tracking, where ``C == len(class_index)``.
    """

    def __init__(self, class_index: Mapping[str, Sequence[str]]) -> None:
        self.class_index = class_index

    @property
    def num_classes(self) -> int:
        """How many classes the index names (1000 for ImageNet)."""
        return len(self.class_index)

    def _logits(self, out: torch.Tensor) -> torch.Tensor:
        """Detach, move to the CPU and flatten ``(1, C)`` or ``(C,)`` to ``(C,)`` floats."""
        logits = out.detach().cpu().float()
        if logits.dim() == 2 and logits.shape[0] == 1:
            logits = logits[0]
        if logits.dim() != 1:
            raise ValueError(
                f"Expected the output for one image, shape (1, {self.num_classes}) or "
                f"({self.num_classes},), got {tuple(out.shape)}. For a batch, call the predictor "
                "once per row: predictor.predict_max(out[i])."
            )
        if logits.shape[0] != self.num_classes:
            raise ValueError(
                f"The output has {logits.shape[0]} values but the class index names "
                f"{self.num_classes} classes: is this the 1000-class ImageNet model?"
            )
        return logits

    def name(self, class_id: int) -> str:
        """The class name of ``class_id``, e.g. ``name(207) == "golden_retriever"``."""
        return self.class_index[str(int(class_id))][1]

    def class_id(self, name: str) -> int:
        """The id of the class called ``name``, e.g. ``class_id("ant") == 310``.

        Raises:
            KeyError: if no class has that name.
        """
        for key, (_, class_name) in self.class_index.items():
            if class_name == name:
                return int(key)
        raise KeyError(f"No ImageNet class is called {name!r}.")

    def predict_max(self, out: torch.Tensor) -> str:
        """Return the name of the class with the highest score.

        Args:
            out: logits ``(1, C)`` or ``(C,)`` for one image (any device).

        Returns:
            The class name, e.g. ``"golden_retriever"``.
        """
        maxid = int(torch.argmax(self._logits(out)))
        return self.name(maxid)

    def probabilities(self, out: torch.Tensor) -> torch.Tensor:
        """Softmax of the logits: a CPU tensor ``(C,)`` of probabilities that sum to 1."""
        return torch.softmax(self._logits(out), dim=0)

    def predict_topk(self, out: torch.Tensor, k: int = 5) -> list[Prediction]:
        """Return the ``k`` most probable classes, most probable first.

        Args:
            out: logits ``(1, C)`` or ``(C,)`` for one image (any device).
            k: how many classes (1 .. C).

        Returns:
            ``k`` :class:`Prediction` tuples ``(class_id, name, probability)``.
        """
        if not 1 <= k <= self.num_classes:
            raise ValueError(f"k must be between 1 and {self.num_classes}, not {k}")
        probs = self.probabilities(out)
        top = torch.topk(probs, k)
        return [Prediction(int(i), self.name(int(i)), float(p)) for p, i in zip(top.values, top.indices)]

    def class_rank(self, out: torch.Tensor, class_id: int) -> tuple[int, float]:
        """Where ``class_id`` ranks in this output (1 = the top prediction) and its probability.

        Args:
            out: logits ``(1, C)`` or ``(C,)`` for one image (any device).
            class_id: the class to look up, e.g. 310 (``ant``).

        Returns:
            ``(rank, probability)``.
        """
        probs = self.probabilities(out)
        p = probs[int(class_id)]
        return int((probs > p).sum()) + 1, float(p)
