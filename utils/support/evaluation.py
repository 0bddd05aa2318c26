"""Look at what a trained classifier does: predictions (fp32 probabilities), confusion matrix,
learning curves, galleries; figures return the ``Figure``."""

from dataclasses import dataclass
from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from torch import nn
from torch.utils.data import Dataset

from utils.dataloader_image_classification import CLASS_NAMES
from utils.settings.device import select_device
from utils.settings.language import tr
from utils.settings.speed import Speed, choose_speed
from utils.training import History
from utils.support.visualization import show_image_grid, show_topk_panels

CORRECT_COLOR, MISTAKE_COLOR = "darkgreen", "red"  # title colours in galleries


@dataclass(frozen=True)
class Predictions:
    """A network's answers in loader order: ``labels`` and ``preds`` ``(N,)`` int64, ``probs``
    ``(N, C)`` float32."""

    labels: torch.Tensor
    preds: torch.Tensor
    probs: torch.Tensor

    def __len__(self) -> int:
        return int(self.labels.numel())

    @property
    def accuracy(self) -> float:
        return float((self.preds == self.labels).float().mean()) if len(self) else 0.0

    @property
    def mistakes(self) -> list[int]:
        return torch.nonzero(self.preds != self.labels).flatten().tolist()


@torch.no_grad()
def predict_dataloader(
    net: nn.Module,
    dataloader: Iterable,
    device: torch.device | str | None = None,
    speed: Speed | None = None,
) -> Predictions:
    """:class:`Predictions` of ``net`` (logits ``(B, C)``) for every batch ``(inputs (B, 3, H, W),
    labels (B,))`` of an unshuffled ``dataloader``, in eval mode and ``speed``'s inference layout;
    ``device`` and ``speed`` default as in ``train_model``, and ``net``'s train/eval mode and the
    usual layout come back afterwards."""
    device = select_device() if device is None else torch.device(device)
    speed = choose_speed(device) if speed is None else speed
    was_training = net.training
    layout = speed.memory_format(training=False)
    net.to(device, memory_format=layout).eval()
    labels, probs = [], []
    try:
        for inputs, batch_labels in dataloader:
            with speed.autocast():
                logits = net(inputs.to(device, memory_format=layout))
            probs.append(torch.softmax(logits.float(), dim=1).cpu())  # softmax in fp32
            labels.append(torch.as_tensor(batch_labels).cpu().long())
    finally:
        net.to(memory_format=torch.contiguous_format).train(was_training)
    if not labels:
        raise ValueError(tr("the DataLoader yielded no batches"))
    probs = torch.cat(probs)
    return Predictions(torch.cat(labels), probs.argmax(dim=1), probs)


def confusion_matrix(
    labels: torch.Tensor | Sequence[int],
    preds: torch.Tensor | Sequence[int],
    num_classes: int = len(CLASS_NAMES),
) -> torch.Tensor:
    """Int64 ``(C, C)`` counts of ``labels (N,)`` (row) predicted as ``preds (N,)`` (column)."""
    labels = torch.as_tensor(labels, dtype=torch.long).flatten()
    preds = torch.as_tensor(preds, dtype=torch.long).flatten()
    if labels.shape != preds.shape:
        raise ValueError(
            tr(
                "labels {labels} and preds {preds} differ in length",
                labels=tuple(labels.shape),
                preds=tuple(preds.shape),
            )
        )
    for name, t in (("labels", labels), ("preds", preds)):
        if t.numel() and (t.min() < 0 or t.max() >= num_classes):
            raise ValueError(tr("{name} must lie in 0..{last}", name=name, last=num_classes - 1))
    flat = torch.bincount(labels * num_classes + preds, minlength=num_classes * num_classes)
    return flat.reshape(num_classes, num_classes)


def plot_confusion_matrix(
    cm: torch.Tensor | np.ndarray,
    class_names: Sequence[str] = CLASS_NAMES,
    title: str | None = None,
) -> Figure:
    """A ``(C, C)`` confusion matrix with every count in its cell; the accuracy is appended to
    ``title``."""
    if title is None:  # the default, in the course's language
        title = tr("Confusion matrix")
    cm = np.asarray(cm)
    n = len(class_names)
    if cm.shape != (n, n):
        raise ValueError(
            tr(
                "cm has shape {shape}, expected ({n}, {n}) for {names}",
                shape=cm.shape,
                n=n,
                names=list(class_names),
            )
        )
    total = int(cm.sum())
    acc = np.trace(cm) / total if total else 0.0
    fig, ax = plt.subplots(figsize=(1.6 * n + 2.4, 1.6 * n + 1.2))
    image = ax.imshow(cm, cmap="Blues", vmin=0, vmax=max(int(cm.max()), 1))
    fig.colorbar(
        image,
        ax=ax,
        fraction=0.046,
        pad=0.04,
        label=tr("images"),
        ticks=MaxNLocator(integer=True),
    )
    threshold = cm.max() / 2 if cm.max() else 1
    for i, j in np.ndindex(n, n):
        ax.text(
            j,
            i,
            f"{int(cm[i, j])}",
            ha="center",
            va="center",
            fontsize=14,
            color="white" if cm[i, j] > threshold else "black",
        )
    ax.set_xticks(range(n), labels=list(class_names))
    ax.set_yticks(range(n), labels=list(class_names))
    ax.set(
        xlabel=tr("predicted class"),
        ylabel=tr("true class"),
        title=tr(
            "{title}\naccuracy {acc:.4f} ({right}/{total})",
            title=title,
            acc=acc,
            right=int(np.trace(cm)),
            total=total,
        ),
    )
    fig.tight_layout()
    return fig


def format_history(history: History) -> str:
    """A text table of a :class:`~utils.training.History`, then the val accuracy before and after
    training."""
    lines = [f"{'epoch':>5}  {'phase':<5} {'loss':>8} {'acc':>7} {'images':>7} {'seconds':>8}"]
    for r in history.records:
        numbers = f"{r.loss:>8.4f} {r.acc:>7.4f} {r.num_images:>7} {r.seconds:>8.1f}"
        lines.append(f"{r.epoch:>5}  {r.phase:<5} {numbers}")
    if val := history.phase("val"):
        lines.append(
            tr(
                "val accuracy before training {before:.4f}, after the last epoch {after:.4f}",
                before=val[0].acc,
                after=val[-1].acc,
            )
        )
    if not history.finished:
        lines.append(
            tr("(a stopped run: {n} training batches)", n=history.batches_trained)
        )
    return "\n".join(lines)


def plot_learning_curves(history: History, title: str | None = None) -> Figure:
    """Loss and accuracy per epoch, train and val (from epoch 0, before training), side by side."""
    if title is None:  # the default, in the course's language
        title = tr("Learning curves")
    if not history.records:
        raise ValueError(tr("the history is empty: run the training loop first"))
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.6))
    styles = {
        "train": dict(color="tab:blue", marker="o"),
        "val": dict(color="tab:orange", marker="s"),
    }
    legend = {"train": tr("train"), "val": tr("val")}
    for phase, style in styles.items():
        if records := history.phase(phase):
            epochs = [r.epoch for r in records]
            ax_loss.plot(epochs, [r.loss for r in records], label=legend[phase], **style)
            ax_acc.plot(epochs, [r.acc for r in records], label=legend[phase], **style)
    last_epoch = max(r.epoch for r in history.records)
    for ax, ylabel in ((ax_loss, tr("mean loss per image")), (ax_acc, tr("accuracy"))):
        ax.set(xlabel=tr("epoch (0 = before training)"), ylabel=ylabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(-0.3, max(last_epoch, 1) + 0.3)
        ax.grid(alpha=0.3)
        ax.legend()
    ax_loss.set_title(tr("Loss"))
    ax_acc.set(title=tr("Accuracy"), ylim=(-0.02, 1.02))
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _spread(items: Sequence[int], k: int) -> list[int]:
    n = max(min(k, len(items)), 0)
    return [items[int(i * (len(items) / n))] for i in range(n)]


def gallery_indices(predictions: Predictions, max_images: int = 12) -> list[int]:
    """At most ``max_images`` indices: up to half mistakes, then correct answers, each taken at even
    steps through the data set (so both classes appear)."""
    mistakes = predictions.mistakes
    correct = sorted(set(range(len(predictions))) - set(mistakes))
    if len(predictions) <= max_images:
        return mistakes + correct
    chosen = _spread(mistakes, max_images // 2)
    return chosen + _spread(correct, max_images - len(chosen))


def show_prediction_gallery(
    dataset: Dataset,
    predictions: Predictions,
    ncols: int = 6,
    suptitle: str | None = None,
) -> Figure:
    """The :func:`gallery_indices` images ``(3, H, W)`` of ``dataset`` titled "pred / true"
    (mistakes red), from :func:`predict_dataloader` on an unshuffled loader of it."""
    if suptitle is None:  # the default, in the course's language
        suptitle = tr("Validation predictions")
    if len(dataset) != len(predictions):
        raise ValueError(
            tr(
                "the data set has {images} images but there are "
                "{predictions} predictions: use the same, unshuffled data",
                images=len(dataset),
                predictions=len(predictions),
            )
        )
    indices = gallery_indices(predictions)
    images, titles, colors = [], [], []
    for i in indices:
        image, label = dataset[i]
        if int(label) != int(predictions.labels[i]):
            raise ValueError(
                tr(
                    "image {i}: label {label} differs from the prediction record; "
                    "were the predictions made on a shuffled loader?",
                    i=i,
                    label=label,
                )
            )
        pred = int(predictions.preds[i])
        wrong = pred != int(label)
        images.append(image)
        titles.append(
            f"{'✗' if wrong else '✓'} {CLASS_NAMES[pred]} / {CLASS_NAMES[int(label)]}\n"
            f"p({CLASS_NAMES[pred]}) = {float(predictions.probs[i, pred]):.2f}"
        )
        colors.append(MISTAKE_COLOR if wrong else CORRECT_COLOR)
    n_wrong = colors.count(MISTAKE_COLOR)
    title = tr(
        "{suptitle}\n'predicted / true'; red ✗ = mistake "
        "({wrong} of {shown} shown, mistakes first)",
        suptitle=suptitle,
        wrong=n_wrong,
        shown=len(indices),
    )
    fig = show_image_grid(images, titles=titles, ncols=ncols, title_colors=colors, suptitle=title)
    fig.tight_layout()  # a second pass: two-line titles no longer overlap the row above
    return fig


def predict_image(
    net: nn.Module,
    image: torch.Tensor,
    device: torch.device | str | None = None,
    speed: Speed | None = None,
) -> torch.Tensor:
    """Softmax probabilities ``(C,)`` (fp32, CPU) for one image ``(3, H, W)``, as
    :func:`predict_dataloader`."""
    return predict_dataloader(net, [(image.unsqueeze(0), [0])], device, speed).probs[0]


def plot_image_prediction(
    image: torch.Tensor,
    probs: torch.Tensor,
    class_names: Sequence[str] = CLASS_NAMES,
    title: str | None = None,
) -> Figure:
    """A normalised ``(3, H, W)`` image beside a bar chart of its ``(C,)`` probabilities (the winner
    in orange)."""
    if title is None:  # the default, in the course's language
        title = tr("Prediction")
    probs = torch.as_tensor(probs).detach().cpu().float()
    if probs.numel() != len(class_names):
        raise ValueError(
            tr(
                "{n} probabilities for {classes} classes",
                n=probs.numel(),
                classes=len(class_names),
            )
        )
    best = int(probs.argmax())
    bars = [(i, name, float(p)) for i, (name, p) in enumerate(zip(class_names, probs.tolist()))]
    return show_topk_panels(
        [image],
        [bars],
        titles=[tr("predicted: {name}", name=class_names[best])],
        suptitle=title,
        highlight_ids=[best],
        bar_title=tr("class probabilities (sum to 1)"),
    )
