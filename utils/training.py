"""Train and validate a classifier the book's way: data loaders, freezing and parameter groups,
``train_model`` and its :class:`History`, and a JSON summary of a run (notebook 04 compares with 03).

``num_epochs`` counts **training** epochs; ``train_model`` first runs an *epoch 0* that only
validates. So ``num_epochs=1`` is epoch 0 (val) + epoch 1 (train, val): the book's ``num_epochs=2``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Iterable, Mapping, Sequence

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset
from utils.settings.progress import tqdm

from utils.datalib.atomic_write import atomic_open
from utils.settings.device import select_device
from utils.support.model_summary import count_parameters
from utils.settings.precision import SpeedSettings, choose_speed_settings

#: The book's batch size.
BATCH_SIZE = 32

#: Transfer learning (notebook 03): only the new output layer learns.
TRANSFER_LEARNING_PARAM_NAMES: tuple[str, ...] = ("classifier.6.weight", "classifier.6.bias")

#: Fine-tuning (notebook 04): group name -> (parameter-name prefixes, learning rate).
FINE_TUNING_GROUPS: dict[str, tuple[tuple[str, ...], float]] = {
    "features": (("features.",), 1e-4),
    "classifier.0 + classifier.3": (("classifier.0.", "classifier.3."), 5e-4),
    "classifier.6": (("classifier.6.",), 1e-3),
}


def make_dataloaders(train_dataset: Dataset, val_dataset: Dataset, batch_size: int = BATCH_SIZE,
                     seed: int = 1234) -> dict[str, DataLoader]:
    """The book's ``dataloaders_dict`` ``{"train", "val"}``, batches ``(inputs (B, 3, 224, 224), labels (B,))``.

    ``train`` is shuffled by its own generator seeded with ``seed`` (the same order on every rerun);
    ``val`` keeps its order. ``num_workers=0``: workers would re-import a notebook's classes (Windows,
    macOS) and cost more start-up time than 8 batches win back.
    """
    generator = torch.Generator().manual_seed(seed)
    return {"train": DataLoader(train_dataset, batch_size=batch_size, shuffle=True, num_workers=0,
                                generator=generator),
            "val": DataLoader(val_dataset, batch_size=batch_size, shuffle=False, num_workers=0)}


def freeze_all_except(net: nn.Module,
                      update_param_names: Iterable[str] = TRANSFER_LEARNING_PARAM_NAMES,
                      ) -> list[nn.Parameter]:
    """Let only the parameters named (as in ``net.named_parameters()``) learn: transfer learning.

    Returns the book's ``params_to_update``, in model order. Raises ``ValueError`` for a name that is
    not a parameter of ``net`` (a typo would silently freeze everything).
    """
    wanted = list(update_param_names)
    names = {name for name, _ in net.named_parameters()}
    if unknown := [name for name in wanted if name not in names]:
        raise ValueError(f"{unknown} are not parameters of this network; "
                         f"names look like {sorted(names)[:3]}...")
    for name, param in net.named_parameters():
        param.requires_grad = name in wanted
    return [param for param in net.parameters() if param.requires_grad]


def make_fine_tuning_param_groups(net: nn.Module,
                                  groups: Mapping[str, tuple[Sequence[str], float]] = FINE_TUNING_GROUPS,
                                  ) -> list[dict[str, Any]]:
    """Fine-tuning: each parameter joins the first group (name -> (name prefixes, learning rate))
    whose prefix it starts with and learns; parameters in no group are frozen (VGG16 has none).

    Returns dicts ``{"name", "lr", "params", "param_names"}`` in the order of ``groups``, for
    ``optim.SGD(groups, momentum=0.9)``. Raises ``ValueError`` if a group matches no parameter.
    """
    result = [{"name": gname, "lr": lr, "params": [], "param_names": []}
              for gname, (_, lr) in groups.items()]
    prefixes = [tuple(pfx) for pfx, _ in groups.values()]
    for name, param in net.named_parameters():
        index = next((i for i, pfx in enumerate(prefixes) if name.startswith(pfx)), None)
        param.requires_grad = index is not None
        if index is not None:
            result[index]["params"].append(param)
            result[index]["param_names"].append(name)
    if empty := [g["name"] for g in result if not g["params"]]:
        raise ValueError(f"parameter group(s) {empty} match no parameter of this network")
    return result


def describe_param_groups(groups: Sequence[Mapping[str, Any]]) -> str:
    """A text table of :func:`make_fine_tuning_param_groups` (or ``optimizer.param_groups``)."""
    lines = [f"{'group':<28} {'lr':>8} {'tensors':>8} {'parameters':>12}  names",
             "-" * 100]
    total = 0
    for g in groups:
        names = list(g.get("param_names", []))
        count = sum(p.numel() for p in g["params"])
        total += count
        shown = ", ".join(names) if len(names) <= 4 else f"{names[0]}, {names[1]}, ..., {names[-1]}"
        lines.append(f"{g.get('name', '?'):<28} {g['lr']:>8.0e} {len(g['params']):>8} {count:>12,}  {shown}")
    lines.append("-" * 100)
    lines.append(f"{'total':<28} {'':>8} {'':>8} {total:>12,}")
    return "\n".join(lines)


@dataclass(frozen=True)
class EpochStats:
    """One phase of one epoch: mean loss per image, accuracy (0..1), seconds, images seen."""

    epoch: int
    phase: str
    loss: float
    acc: float
    seconds: float
    num_images: int


@dataclass
class History:
    """What :func:`train_model` measured, one :class:`EpochStats` per epoch and phase."""

    records: list[EpochStats] = field(default_factory=list)

    def add(self, stats: EpochStats) -> None:
        self.records.append(stats)

    def phase(self, phase: str) -> list[EpochStats]:
        return [r for r in self.records if r.phase == phase]

    @property
    def num_epochs(self) -> int:
        """Training epochs run (epoch 0 not counted)."""
        return max((r.epoch for r in self.records), default=0)

    @property
    def val_acc_before_training(self) -> float | None:
        return next((r.acc for r in self.phase("val") if r.epoch == 0), None)

    @property
    def final_val_acc(self) -> float | None:
        return self.phase("val")[-1].acc if self.phase("val") else None

    @property
    def best_val_acc(self) -> float | None:
        """Epoch 0 included."""
        return max((r.acc for r in self.phase("val")), default=None)

    @property
    def train_seconds(self) -> float:
        return sum(r.seconds for r in self.phase("train"))

    @property
    def total_seconds(self) -> float:
        return sum(r.seconds for r in self.records)

    def format_table(self) -> str:
        lines = [f"{'epoch':>5} {'phase':<5} {'loss':>8} {'acc':>7} {'images':>7} {'seconds':>8}"]
        for r in self.records:
            lines.append(f"{r.epoch:>5} {r.phase:<5} {r.loss:>8.4f} {r.acc:>7.4f} "
                         f"{r.num_images:>7} {r.seconds:>8.1f}")
        return "\n".join(lines)


def train_model(net: nn.Module, dataloaders_dict: Mapping[str, DataLoader], criterion: nn.Module,
                optimizer: torch.optim.Optimizer, num_epochs: int,
                device: torch.device | str | None = None, progress: bool = True,
                verbose: bool = True, speed: SpeedSettings | None = None) -> History:
    """Validate once (epoch 0), then train and validate ``num_epochs`` times; returns a :class:`History`.

    ``dataloaders_dict`` is ``{"train", "val"}`` yielding ``(inputs (B, 3, H, W), labels (B,))``. ``net`` moves to
    ``device`` (default :func:`utils.settings.device.select_device`) and is left there in eval mode. ``speed``
    (layout, autocast) defaults to ``utils.settings.precision``'s choice; ``progress`` shows tqdm bars; ``verbose``
    prints each phase.
    """
    if num_epochs < 0:
        raise ValueError(f"num_epochs must be >= 0, not {num_epochs}")
    device = select_device() if device is None else torch.device(device)
    speed = choose_speed_settings(device) if speed is None else speed
    net.to(device, memory_format=speed.memory_format)  # speed: see notebook 04, "Going faster"
    scaler = torch.amp.GradScaler(device.type, enabled=speed.use_grad_scaler)  # only fp16 needs it
    history = History()

    for epoch in range(num_epochs + 1):
        phases = ["val"] if epoch == 0 else ["train", "val"]  # epoch 0: validation only
        if verbose:
            print(f"Epoch {epoch}/{num_epochs}" + ("  (validation only, before any training)" if epoch == 0 else ""))

        for phase in phases:
            training = phase == "train"
            net.train(training)  # train(): dropout on; eval(): dropout off (VGG16 has no batch norm)
            epoch_loss, epoch_corrects, seen = 0.0, 0, 0
            start = time.perf_counter()

            for inputs, labels in tqdm(dataloaders_dict[phase], desc=f"epoch {epoch} {phase}",
                                       disable=not progress):
                inputs = inputs.to(device, memory_format=speed.memory_format)  # channels_last where faster
                labels = labels.to(device)
                optimizer.zero_grad()

                # No graph while validating; autocast computes in bf16/fp16 where that is faster.
                with torch.set_grad_enabled(training), speed.autocast():
                    outputs = net(inputs)               # (B, num_classes) logits
                    loss = criterion(outputs, labels)   # mean loss over the batch
                    preds = outputs.argmax(dim=1)       # (B,) predicted class per image
                if training:                            # inside the batch loop: every batch trains
                    scaler.scale(loss).backward()       # loss.backward(), the loss scaled for fp16
                    scaler.step(optimizer)              # optimizer.step(), skipped if fp16 overflowed
                    scaler.update()

                epoch_loss += loss.item() * inputs.size(0)                # .item(): a Python float
                epoch_corrects += int((preds == labels).sum().item())    # a Python int, not a tensor
                seen += inputs.size(0)

            # Still inside the phase loop: statistics for this phase of this epoch.
            if seen == 0:
                raise ValueError(f"the {phase} DataLoader yielded no batches")
            stats = EpochStats(epoch, phase, loss=epoch_loss / seen, acc=epoch_corrects / seen,
                               seconds=time.perf_counter() - start, num_images=seen)
            history.add(stats)
            if verbose:
                print(f"  {phase:<5} Loss: {stats.loss:.4f} Acc: {stats.acc:.4f}  "
                      f"({seen} images, {stats.seconds:.1f} s)")

    net.to(memory_format=torch.contiguous_format)  # the usual layout again, for saving and comparing
    net.eval()
    return history


def run_summary_path(name: str, folder: Path) -> Path:
    """``<folder>/<name>_summary.json``; notebooks pass ``ctx.paths.weights_dir``."""
    return Path(folder) / f"{name}_summary.json"


def run_summary(name: str, history: History, net: nn.Module, **extra: Any) -> dict[str, Any]:
    """A JSON-friendly record of run ``name`` ("transfer_learning"): the ``history`` figures, the
    trainable and total parameters of ``net``, and ``extra`` (e.g. ``weights=info.source``, ``smoke=``)."""
    train, val = history.phase("train"), history.phase("val")
    return {
        "name": name,
        "num_epochs": history.num_epochs,
        "val_acc_before": history.val_acc_before_training,
        "final_val_acc": history.final_val_acc,
        "best_val_acc": history.best_val_acc,
        "train_seconds": round(history.train_seconds, 2),
        "total_seconds": round(history.total_seconds, 2),
        "trainable_params": count_parameters(net, trainable_only=True),
        "total_params": count_parameters(net, trainable_only=False),
        "train_images": train[-1].num_images if train else 0,
        "val_images": val[-1].num_images if val else 0,
        **extra,
    }


def save_run_summary(summary: Mapping[str, Any], path: str | Path) -> Path:
    """Write ``summary`` as JSON atomically, keeping an earlier file (as ``save_state_dict`` does)."""
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
    """A Markdown table of :func:`run_summary` dicts, one row per run: accuracies, time, parameters."""
    def acc(value: Any) -> str:
        return "-" if value is None else f"{value:.4f}"

    def share(s: Mapping[str, Any]) -> str:  # 8,194 of 134 million -> "0.0061 %"
        fraction = s["trainable_params"] / s["total_params"] if s.get("total_params") else 0.0
        return f"{fraction * 100:.4f}".rstrip("0").rstrip(".") + " %"

    lines = ["| run | val acc before | final val acc | best val acc | training epochs "
             "| train time (s) | trainable params | of total | weights | mode |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for s in summaries:
        lines.append(
            f"| {s['name']} | {acc(s.get('val_acc_before'))} | {acc(s.get('final_val_acc'))} "
            f"| {acc(s.get('best_val_acc'))} | {s.get('num_epochs', '-')} "
            f"| {s.get('train_seconds', 0):.1f} | {s['trainable_params']:,} | {share(s)} "
            f"| {s.get('weights', '?')} | {'smoke' if s.get('smoke') else 'full'} |")
    return "\n".join(lines)
