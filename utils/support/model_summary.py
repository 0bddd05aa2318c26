"""What a model holds (a ``torchinfo`` layer table, parameter counts) and what its training runs did
(the JSON summaries that notebook 04 compares with notebook 03's)."""

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torchinfo import ModelStatistics, summary

from utils.datalib.atomic_write import atomic_open
from utils.errors import StoppedRunError
from utils.settings.language import tr
from utils.training import History


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of parameters of ``model`` (only those with ``requires_grad`` if
    ``trainable_only``)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def layer_table(
    model: nn.Module,
    input_size: Sequence[int] = (1, 3, 224, 224),
    depth: int = 2,
    device: torch.device | str | None = None,
) -> ModelStatistics:
    """torchinfo's ``ModelStatistics`` (``print`` it) for zeros of ``input_size`` on ``device``
    (default: the parameters'), in eval mode, rows ``depth`` modules deep (2: ``features.0``);
    ``forward()``'s operations get none."""
    if device is None:
        device = next((p.device for p in model.parameters()), torch.device("cpu"))
    flags = {m: m.training for m in model.modules()}
    zeros = torch.zeros(tuple(input_size), device=device)
    try:
        return summary(
            model,
            input_data=zeros,
            depth=depth,
            verbose=0,
            col_names=("output_size", "num_params"),
            row_settings=("var_names",),
            mode="eval",
            device=device,
        )
    finally:
        for module, flag in flags.items():
            module.training = flag


def finished_history(net: nn.Module) -> History:
    """``net.history``, kept by the training loops, if that run got to its end; else
    :class:`StoppedRunError`."""
    history = getattr(net, "history", None)
    if history is None:
        raise StoppedRunError(
            tr("This network has no training record yet: run the training cell first.")
        )
    if not history.finished:
        done = history.batches_trained
        if done == 1:
            said = tr(
                "This network's last training run was stopped after 1 training batch: "
                "run the training cell again, to its end, then this cell."
            )
        else:
            said = tr(
                "This network's last training run was stopped after {done} training batches: "
                "run the training cell again, to its end, then this cell.",
                done=done,
            )
        raise StoppedRunError(said)
    return history


def run_summary_path(name: str, folder: str | Path) -> Path:
    return Path(folder) / f"{name}_summary.json"


def run_summary(name: str, net: nn.Module, **extra: Any) -> dict[str, Any]:
    """A JSON-friendly record of ``net``'s last, finished training run: accuracies, seconds,
    parameters, and ``extra`` (e.g. ``weights=info.label``, ``speed="fp32"``, ``smoke=True``)."""
    history = finished_history(net)
    train, val = history.phase("train"), history.phase("val")
    return {
        "name": name,
        "num_epochs": len(train),
        "val_acc_before": val[0].acc if val else None,
        "final_val_acc": val[-1].acc if val else None,
        "train_seconds": round(sum(r.seconds for r in train), 2),
        "total_seconds": round(sum(r.seconds for r in history.records), 2),
        "trainable_params": count_parameters(net, trainable_only=True),
        "total_params": count_parameters(net),
        "train_images": train[-1].num_images if train else 0,
        "val_images": val[-1].num_images if val else 0,
        **extra,
    }


def save_run_summary(summary: Mapping[str, Any], path: str | Path) -> Path:
    """Write ``summary`` as JSON atomically, keeping an earlier file."""
    with atomic_open(path, keep_earlier=True) as fh:
        fh.write(json.dumps(dict(summary), indent=2).encode("utf-8"))
    return Path(path)


def load_run_summary(path: str | Path) -> dict[str, Any] | None:
    """Read a summary written by :func:`save_run_summary`; None if it is missing or unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def format_run_comparison(summaries: Sequence[Mapping[str, Any]]) -> str:
    """A Markdown table of :func:`run_summary` dicts, one row per run."""

    def acc(value: Any) -> str:
        return "-" if value is None else f"{value:.4f}"

    def share(s: Mapping[str, Any]) -> str:
        """8,194 of 134 million -> "0.0061 %", never broken across lines."""
        fraction = s["trainable_params"] / s["total_params"] if s.get("total_params") else 0.0
        return f"{fraction * 100:.4f}".rstrip("0").rstrip(".") + "\u00a0%"

    header = [
        tr("run"),
        tr("val acc before"),
        tr("val acc after"),
        tr("training epochs"),
        tr("train time (s)"),
        tr("trainable params"),
        tr("of all"),
        tr("arithmetic"),
        tr("weights"),
        tr("mode"),
    ]
    lines = [
        "| " + " | ".join(header) + " |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for s in summaries:
        cells = [
            s["name"],
            acc(s.get("val_acc_before")),
            acc(s.get("final_val_acc")),
            s.get("num_epochs", "-"),
            f"{s.get('train_seconds', 0):.1f}",
            f"{s['trainable_params']:,}",
            share(s),
            s.get("speed", "?"),
            s.get("weights", "?"),
            tr("smoke") if s.get("smoke") else tr("full"),
        ]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)
