"""The book's training code for notebooks 03 and 04: DataLoaders, the fine-tuning parameter groups,
and the two loops. Both validate once before training (epoch 0), so ``num_epochs=1`` is the book's
``num_epochs=2``."""

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn, optim
from torch.utils.data import DataLoader, Dataset

from utils.settings.device import select_device
from utils.settings.environment import BATCH_SIZE, DEFAULT_SEED
from utils.settings.language import tr
from utils.settings.speed import Speed, choose_speed
from utils.settings.progress import tqdm

#: Fine-tuning (notebook 04): group name -> (parameter-name prefixes, learning rate).
FINE_TUNING_GROUPS: dict[str, tuple[tuple[str, ...], float]] = {
    "features": (("features.",), 1e-4),
    "classifier.0 + classifier.3": (("classifier.0.", "classifier.3."), 5e-4),
    "classifier.6": (("classifier.6.",), 1e-3),
}


def make_dataloaders(
    train_dataset: Dataset,
    val_dataset: Dataset,
    batch_size: int = BATCH_SIZE,
    seed: int = DEFAULT_SEED,
) -> dict[str, DataLoader]:
    """The book's ``dataloaders_dict``: batches ``(inputs (B, 3, 224, 224), labels (B,))``,
    ``train`` shuffled by its own generator (the same order on every rerun). ``num_workers=0``:
    workers would re-import a notebook's classes (Windows, macOS) and cost more start-up time than 8
    batches win back."""
    generator = torch.Generator().manual_seed(seed)
    train = DataLoader(
        train_dataset, batch_size=batch_size, shuffle=True, num_workers=0, generator=generator
    )
    val = DataLoader(val_dataset, batch_size=batch_size, shuffle=False, num_workers=0)
    return {"train": train, "val": val}


def make_fine_tuning_param_groups(
    net: nn.Module,
    groups: Mapping[str, tuple[Sequence[str], float]] = FINE_TUNING_GROUPS,
) -> list[dict[str, Any]]:
    """Fine-tuning: each parameter learns in the first group (name -> (name prefixes, lr)) it
    matches, or is frozen. Returns ``{"name", "lr", "params", "param_names"}`` dicts for
    ``optim.SGD(groups, momentum=0.9)``; ``ValueError`` if a group matches no parameter."""
    result = [
        {"name": gname, "lr": lr, "params": [], "param_names": []}
        for gname, (_, lr) in groups.items()
    ]
    prefixes = [tuple(pfx) for pfx, _ in groups.values()]
    for name, param in net.named_parameters():
        index = next((i for i, pfx in enumerate(prefixes) if name.startswith(pfx)), None)
        param.requires_grad = index is not None
        if index is not None:
            result[index]["params"].append(param)
            result[index]["param_names"].append(name)
    if empty := [g["name"] for g in result if not g["params"]]:
        raise ValueError(
            tr("parameter group(s) {groups} match no parameter of this network", groups=empty)
        )
    return result


def format_param_groups(groups: Sequence[Mapping[str, Any]]) -> str:
    """A text table of :func:`make_fine_tuning_param_groups` (or ``optimizer.param_groups``), under
    90 columns."""
    lines = [f"{'group':<27} {'lr':>6} {'tensors':>7} {'parameters':>11}  layers", "-" * 84]
    for g in groups:
        layers = list(dict.fromkeys(name.rpartition(".")[0] for name in g.get("param_names", [])))
        count = sum(p.numel() for p in g["params"])
        shown = ", ".join(layers) if len(layers) <= 2 else f"{layers[0]}, ..., {layers[-1]}"
        name = g.get("name", "?")
        lines.append(f"{name:<27} {g['lr']:>6.0e} {len(g['params']):>7} {count:>11,}  {shown}")
    total = sum(p.numel() for g in groups for p in g["params"])
    lines += ["-" * 84, f"{'total':<27} {'':>6} {'':>7} {total:>11,}"]
    return "\n".join(lines)


@dataclass(frozen=True)
class EpochStats:
    """One phase of one epoch: mean loss per image, accuracy (0..1), seconds, images."""

    epoch: int
    phase: str
    loss: float
    acc: float
    seconds: float
    num_images: int


@dataclass
class History:
    """One run of a training loop (``net.history``): :class:`EpochStats` per epoch and phase,
    training batches done, and ``finished`` (False while it runs, and for good if it is stopped)."""

    records: list[EpochStats] = field(default_factory=list)
    batches_trained: int = 0
    finished: bool = False

    def phase(self, phase: str) -> list[EpochStats]:
        return [r for r in self.records if r.phase == phase]


def train_model_plain(net: nn.Module, dataloaders_dict: Mapping[str, DataLoader],
                      criterion: nn.Module, optimizer: optim.Optimizer, num_epochs: int,
                      device: torch.device | str = "cpu") -> History:
    """Notebook 03's loop (the book's, on ``device``, in fp32): returns the :class:`History`, also
    kept as ``net.history``; ``net`` ends in eval mode, even if stopped."""
    net.to(device)
    history = History()
    net.history = history  # kept on the network too: a stopped run still says what happened
    try:
        for epoch in range(num_epochs + 1):
            print(f"Epoch {epoch}/{num_epochs}")
            for phase in ["val"] if epoch == 0 else ["train", "val"]:  # epoch 0 only validates
                net.train(phase == "train")  # train(): dropout on; eval(): dropout off
                epoch_loss, epoch_corrects, start = 0.0, 0, time.perf_counter()
                for inputs, labels in tqdm(dataloaders_dict[phase], desc=f"epoch {epoch} {phase}"):
                    inputs, labels = inputs.to(device), labels.to(device)
                    optimizer.zero_grad()
                    with torch.set_grad_enabled(phase == "train"):  # a graph only for training
                        outputs = net(inputs)                        # (B, 2) logits
                        loss = criterion(outputs, labels)            # mean loss of the batch
                        preds = outputs.argmax(dim=1)                # (B,) predicted classes
                        if phase == "train":                         # every batch trains
                            loss.backward()
                            optimizer.step()
                            history.batches_trained += 1
                    epoch_loss += loss.item() * inputs.size(0)             # a Python float
                    epoch_corrects += int((preds == labels).sum().item())  # an int, not a tensor
                # Still inside the phase loop: the statistics of this phase.
                n = len(dataloaders_dict[phase].dataset)
                history.records.append(EpochStats(epoch, phase, epoch_loss / n, epoch_corrects / n,
                                                  time.perf_counter() - start, n))
                print(f"  {phase:<5} Loss: {epoch_loss / n:.4f} Acc: {epoch_corrects / n:.4f}")
        history.finished = True
    finally:  # however the loop ends, the stop button included
        net.eval()
        if not history.finished:
            planned = num_epochs * len(dataloaders_dict["train"])
            print(f"Stopped after {history.batches_trained} of {planned} training batches: "
                  "the network is only partly trained.")
    return history


def train_model(net: nn.Module, dataloaders_dict: Mapping[str, DataLoader], criterion: nn.Module,
                optimizer: optim.Optimizer, num_epochs: int,
                device: torch.device | str | None = None, speed: Speed | None = None) -> History:
    """Notebook 04's loop: :func:`train_model_plain` on the fastest device (default) with
    ``cudnn.benchmark`` and ``speed``'s autocast and layout per phase
    (``speed.memory_format(training=...)``; default: the device's choice). ``net`` ends in eval mode
    and the usual layout, even if stopped."""
    device = select_device() if device is None else torch.device(device)
    speed = choose_speed(device) if speed is None else speed
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # cuDNN keeps its fastest algorithm per shape
    net.to(device)
    scaler = torch.amp.GradScaler(device.type, enabled=speed.use_grad_scaler)  # fp16 only
    history = net.history = History()
    try:
        for epoch in range(num_epochs + 1):
            print(f"Epoch {epoch}/{num_epochs}")
            for phase in ["val"] if epoch == 0 else ["train", "val"]:
                net.train(phase == "train")
                layout = speed.memory_format(training=phase == "train")
                net.to(memory_format=layout)  # a no-op when the layout is unchanged
                epoch_loss, epoch_corrects, start = 0.0, 0, time.perf_counter()
                for inputs, labels in tqdm(dataloaders_dict[phase], desc=f"epoch {epoch} {phase}"):
                    inputs, labels = inputs.to(device, memory_format=layout), labels.to(device)
                    optimizer.zero_grad()
                    with torch.set_grad_enabled(phase == "train"), speed.autocast():
                        outputs = net(inputs)
                        loss = criterion(outputs, labels)
                        preds = outputs.argmax(dim=1)
                    if phase == "train":
                        scaler.scale(loss).backward()  # fp16: the loss scaled up first
                        scaler.step(optimizer)         # the gradients scaled back, then the step
                        scaler.update()                # fp16: the scale for the next batch
                        history.batches_trained += 1
                    epoch_loss += loss.item() * inputs.size(0)
                    epoch_corrects += int((preds == labels).sum().item())
                n = len(dataloaders_dict[phase].dataset)
                history.records.append(EpochStats(epoch, phase, epoch_loss / n, epoch_corrects / n,
                                                  time.perf_counter() - start, n))
                print(f"  {phase:<5} Loss: {epoch_loss / n:.4f} Acc: {epoch_corrects / n:.4f}")
        history.finished = True
    finally:  # however the loop ends: the usual layout, dropout off
        net.to(memory_format=torch.contiguous_format).eval()
        if not history.finished:
            print(f"Stopped after {history.batches_trained} of "
                  f"{num_epochs * len(dataloaders_dict['train'])} training batches: "
                  "the network is only partly trained.")
    return history
