"""An ImageNet model's output as class names and probabilities: the book's ``ILSVRCPredictor``, plus
a softmax top-k; the twin of notebook 01's (``tests/test_notebook_twins.py``)."""

import json
from pathlib import Path
from typing import NamedTuple
from collections.abc import Mapping, Sequence

import torch

from utils.settings.language import tr


class Prediction(NamedTuple):
    """One class of a top-k answer: ``(class_id, name, probability)``."""

    class_id: int
    name: str
    probability: float


def load_class_index(path: str | Path) -> dict[str, list[str]]:
    """``{"0": ["n01440764", "tench"], ...}``; ``FileNotFoundError`` (with the fix) or
    ``ValueError`` (not that)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            tr(
                "{path} is missing. Prepare the data first: `make data` or "
                "`python -m utils.prepare_data` (offline: add --mirror DIR).",
                path=path,
            )
        )
    try:
        class_index = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:  # a damaged or binary file
        raise ValueError(
            tr(
                "{path} is not valid JSON text ({err}); re-run `python -m utils.prepare_data`.",
                path=path,
                err=err,
            )
        ) from None
    if not isinstance(class_index, dict) or not class_index:
        raise ValueError(
            tr(
                "{path} should hold a non-empty JSON object {{\"0\": [wnid, name], ...}}.",
                path=path,
            )
        )
    if set(class_index) != {str(i) for i in range(len(class_index))}:
        raise ValueError(
            tr(
                "{path}: the keys should be the class ids \"0\" .. \"{last}\".",
                path=path,
                last=len(class_index) - 1,
            )
        )
    for key, value in class_index.items():
        if not (
            isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)
        ):
            raise ValueError(
                tr(
                    "{path}: entry {key!r} should be [wordnet_id, name], not {value!r}.",
                    path=path,
                    key=key,
                    value=value,
                )
            )
    return class_index


class ILSVRCPredictor:
    """Class names and probabilities from a 1000-class ImageNet model's output.

    Args:
        class_index: ``{"0": ["n01440764", "tench"], ...}`` from :func:`load_class_index`.

    Every method takes ``out``, the logits of ONE image: ``(1, C)`` or ``(C,)`` with ``C ==
    len(class_index)``, on any device, with or without gradient tracking."""

    def __init__(self, class_index: Mapping[str, Sequence[str]]) -> None:
        self.class_index = class_index
        self.num_classes = len(class_index)

    def _logits(self, out: torch.Tensor) -> torch.Tensor:
        logits = out.detach().cpu().float()  # off the graph and the GPU
        if logits.dim() == 2 and logits.shape[0] == 1:
            logits = logits[0]  # (1, C) -> (C,)
        if logits.dim() != 1 or logits.shape[0] != self.num_classes:
            raise ValueError(f"Expected the output of one image over {self.num_classes} classes, "
                             f"shape (1, {self.num_classes}); got {tuple(out.shape)}. For a "
                             "batch, call once per row: predictor.predict_max(out[i]).")
        return logits

    def name(self, class_id: int) -> str:
        return self.class_index[str(int(class_id))][1]

    def class_id(self, name: str) -> int:
        for key, (_, class_name) in self.class_index.items():
            if class_name == name:
                return int(key)
        raise KeyError(f"No ImageNet class is called {name!r}.")

    def predict_max(self, out: torch.Tensor) -> str:
        maxid = int(torch.argmax(self._logits(out)))
        return self.name(maxid)

    def probabilities(self, out: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self._logits(out), dim=0)

    def predict_topk(self, out: torch.Tensor, k: int = 5) -> list[Prediction]:
        if not 1 <= k <= self.num_classes:
            raise ValueError(f"k must be between 1 and {self.num_classes}, not {k}")
        top = torch.topk(self.probabilities(out), k)
        return [Prediction(int(i), self.name(int(i)), float(p))
                for p, i in zip(top.values, top.indices)]

    def class_rank(self, out: torch.Tensor, class_id: int) -> tuple[int, float]:
        probs = self.probabilities(out)
        p = probs[int(class_id)]
        return int((probs > p).sum()) + 1, float(p)  # rank 1 = the top prediction
