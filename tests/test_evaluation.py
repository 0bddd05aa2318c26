"""Tests for utils.support.evaluation: predictions over a loader, confusion matrix, and the figures."""

from __future__ import annotations

import pytest
import torch
from matplotlib.colors import to_rgba
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from utils.support.evaluation import (
    MISTAKE_COLOR,
    Predictions,
    confusion_matrix,
    format_history,
    gallery_indices,
    plot_confusion_matrix,
    plot_image_prediction,
    plot_learning_curves,
    predict_dataloader,
    predict_image,
    show_prediction_gallery,
)
from utils.settings.speed import Speed, choose_speed
from utils.training import EpochStats, History
from utils.settings.language import display_width


class FixedLogits(nn.Module):
    """Returns the logits stored in the first pixel: channel 0 -> class 0, channel 1 -> class 1."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x[:, :2, 0, 0]


def make_data() -> TensorDataset:
    """6 images (3, 8, 8) whose first pixel decides the prediction; labels 0,0,0,1,1,1.
    The model gets images 1 (ant as bee) and 5 (bee as ant) wrong."""
    images = torch.zeros(6, 3, 8, 8)
    predicted = [0, 1, 0, 1, 1, 0]
    for i, cls in enumerate(predicted):
        images[i, cls, 0, 0] = 2.0
    return TensorDataset(images, torch.tensor([0, 0, 0, 1, 1, 1]))


def test_confusion_matrix_counts_true_rows_against_predicted_columns() -> None:
    cm = confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], num_classes=2)
    assert cm.tolist() == [[1, 1], [1, 2]]
    assert confusion_matrix(torch.tensor([2, 2, 0]), torch.tensor([1, 2, 0]), 3).tolist() == [
        [1, 0, 0], [0, 0, 0], [0, 1, 1]]


def test_confusion_matrix_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="length"):
        confusion_matrix([0, 1], [0], 2)
    with pytest.raises(ValueError, match="0..1"):
        confusion_matrix([0, 2], [0, 1], 2)


def test_predict_dataloader_keeps_order_probabilities_and_training_mode() -> None:
    data = make_data()
    net = nn.Sequential(FixedLogits())
    net.train()
    preds = predict_dataloader(net, DataLoader(data, batch_size=4), device="cpu")
    assert preds.labels.tolist() == [0, 0, 0, 1, 1, 1]
    assert preds.preds.tolist() == [0, 1, 0, 1, 1, 0]
    assert preds.probs.shape == (6, 2)
    assert torch.allclose(preds.probs.sum(dim=1), torch.ones(6))
    assert preds.probs[0, 0] == pytest.approx(torch.softmax(torch.tensor([2.0, 0.0]), 0)[0].item())
    assert preds.accuracy == pytest.approx(4 / 6)
    assert preds.mistakes == [1, 5]
    assert net.training  # mode restored


def test_predict_dataloader_runs_in_eval_mode() -> None:
    net = nn.Sequential(nn.Flatten(), nn.Dropout(0.9), nn.Linear(3 * 8 * 8, 2))
    loader = DataLoader(make_data(), batch_size=6)
    first, second = predict_dataloader(net, loader, "cpu"), predict_dataloader(net, loader, "cpu")
    assert torch.equal(first.probs, second.probs)  # dropout off, so no randomness


def test_plot_confusion_matrix_labels_axes_and_writes_counts() -> None:
    fig = plot_confusion_matrix(torch.tensor([[3, 1], [2, 4]]), ("ants", "bees"), title="Val")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ants", "bees"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ants", "bees"]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3", "4"]
    assert ax.get_title().startswith("Val") and "0.7000 (7/10)" in ax.get_title()
    with pytest.raises(ValueError):
        plot_confusion_matrix(torch.zeros(3, 3), ("ants", "bees"))


def two_epochs() -> History:
    history = History(batches_trained=4, finished=True)
    for epoch, phase, loss, acc in [(0, "val", 0.7, 0.5), (1, "train", 0.5, 0.7), (1, "val", 0.2, 0.96),
                                    (2, "train", 0.3, 0.9), (2, "val", 0.15, 0.97)]:
        history.records.append(EpochStats(epoch, phase, loss, acc, 1.0, 10))
    return history


def test_format_history_has_a_row_per_phase_and_the_accuracy_before_and_after() -> None:
    history = two_epochs()
    lines = format_history(history).splitlines()
    assert len(lines) == 1 + 5 + 1 and lines[1].split() == ["0", "val", "0.7000", "0.5000", "10", "1.0"]
    assert lines[-1] == "val accuracy before training 0.5000, after the last epoch 0.9700"
    assert all(display_width(line) < 90 for line in lines)
    history.finished = False
    assert format_history(history).splitlines()[-1] == "(a stopped run: 4 training batches)"


def test_learning_curves_plot_val_from_epoch_0_and_train_from_epoch_1() -> None:
    history = two_epochs()
    fig = plot_learning_curves(history, title="Transfer learning")
    ax_loss, ax_acc = fig.axes
    assert (ax_loss.get_title(), ax_acc.get_title()) == ("Loss", "Accuracy")
    assert fig._suptitle.get_text() == "Transfer learning"
    for ax in (ax_loss, ax_acc):
        assert "epoch" in ax.get_xlabel() and ax.get_ylabel()
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert list(lines["val"].get_xdata()) == [0, 1, 2]
        assert list(lines["train"].get_xdata()) == [1, 2]
    assert list(ax_acc.get_lines()[1].get_ydata()) == [0.5, 0.96, 0.97]
    with pytest.raises(ValueError):
        plot_learning_curves(History())


def test_gallery_indices_show_the_mistakes_first_within_the_limit() -> None:
    labels = torch.zeros(40, dtype=torch.long)
    preds = labels.clone()
    preds[[3, 17, 30]] = 1
    p = Predictions(labels, preds, torch.full((40, 2), 0.5))
    chosen = gallery_indices(p, max_images=8)
    assert len(chosen) == 8 and chosen[:3] == [3, 17, 30]
    assert chosen[3:] == sorted(chosen[3:]) and not {3, 17, 30} & set(chosen[3:])
    everything = gallery_indices(p, max_images=50)
    assert everything[:3] == [3, 17, 30] and sorted(everything) == list(range(40))


def test_gallery_indices_spread_over_both_classes() -> None:
    labels = torch.tensor([0] * 50 + [1] * 50)
    preds = torch.zeros(100, dtype=torch.long)  # every bee is a mistake, every ant correct
    p = Predictions(labels, preds, torch.full((100, 2), 0.5))
    chosen = gallery_indices(p, max_images=12)
    assert len(chosen) == 12
    mistakes, correct = chosen[:6], chosen[6:]
    assert all(i >= 50 for i in mistakes) and all(i < 50 for i in correct)  # mistakes (bees) first
    assert mistakes[0] == 50 and mistakes[-1] > 90  # spread over all the bees, not just the first ones
    assert correct[0] == 0 and correct[-1] > 40


def test_prediction_gallery_titles_read_pred_over_true_with_mistakes_in_red() -> None:
    data = make_data()
    preds = predict_dataloader(nn.Sequential(FixedLogits()), DataLoader(data, batch_size=6), "cpu")
    fig = show_prediction_gallery(data, preds, ncols=3)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    colors = [ax.title.get_color() for ax in fig.axes if ax.get_title()]
    assert len(titles) == 6
    assert titles[0].startswith("✗ bees / ants") and titles[1].startswith("✗ ants / bees")  # mistakes first
    assert titles[2].startswith("✓ ants / ants")
    red = to_rgba(MISTAKE_COLOR)
    assert [to_rgba(c) == red for c in colors] == [True, True, False, False, False, False]
    assert "2 of 6 shown, mistakes first" in fig._suptitle.get_text()


def test_prediction_gallery_refuses_predictions_of_other_data() -> None:
    data = make_data()
    preds = predict_dataloader(nn.Sequential(FixedLogits()), DataLoader(data, batch_size=6), "cpu")
    with pytest.raises(ValueError, match="6 predictions"):
        show_prediction_gallery(TensorDataset(torch.zeros(2, 3, 8, 8), torch.zeros(2)), preds)


def test_predict_image_and_its_figure() -> None:
    image = torch.zeros(3, 8, 8)
    image[1, 0, 0] = 3.0
    net = nn.Sequential(FixedLogits()).train()
    probs = predict_image(net, image, device="cpu")
    assert probs.shape == (2,) and probs.sum().item() == pytest.approx(1.0)
    assert int(probs.argmax()) == 1 and net.training
    fig = plot_image_prediction(image, probs, ("ants", "bees"), title="A new image")
    ax_img, ax_bar = fig.axes
    assert ax_img.get_title() == "predicted: bees"
    assert [t.get_text() for t in ax_bar.get_yticklabels()] == ["ants (0)", "bees (1)"]
    assert [bar.get_width() for bar in ax_bar.patches] == pytest.approx(probs.tolist())
    assert [bar.get_facecolor() for bar in ax_bar.patches][1] != ax_bar.patches[0].get_facecolor()
    assert ax_bar.get_xlabel() == "softmax probability"
    with pytest.raises(ValueError):
        plot_image_prediction(image, torch.tensor([1.0]), ("ants", "bees"))


def test_predictions_under_autocast_are_fp32_and_leave_the_network_as_it_was() -> None:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(4 * 6 * 6, 2))
    loader = DataLoader(TensorDataset(torch.randn(6, 3, 8, 8), torch.tensor([0, 1] * 3)), batch_size=4)
    fp32 = predict_dataloader(net, loader, "cpu", choose_speed("cpu", "fp32"))
    fast = predict_dataloader(net, loader, "cpu", Speed("cpu", torch.bfloat16, True, True, "test"))
    assert fast.probs.dtype == torch.float32 and torch.allclose(fast.probs.sum(dim=1), torch.ones(6))
    assert torch.allclose(fast.probs, fp32.probs, atol=0.02)  # bf16 rounding: about 3 significant digits
    assert all(p.dtype == torch.float32 and p.is_contiguous() for p in net.parameters())
    probs = predict_image(net, torch.randn(3, 8, 8), "cpu", Speed("cpu", torch.bfloat16, True, True, "test"))
    assert probs.dtype == torch.float32 and probs.shape == (2,)
    assert net[0].weight.is_contiguous() and net.training


class LayoutRecorder(nn.Module):
    """A tiny classifier that records whether each batch it sees is in channels_last."""

    def __init__(self) -> None:
        super().__init__()
        self.conv, self.head, self.seen = nn.Conv2d(3, 4, 3), nn.Linear(4 * 6 * 6, 2), []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.seen.append((x.is_contiguous(memory_format=torch.channels_last),
                          self.conv.weight.is_contiguous(memory_format=torch.channels_last)))
        return self.head(self.conv(x).flatten(1))


@pytest.mark.parametrize("inference_cl", [True, False])
def test_predictions_compute_in_the_inference_layout_not_the_training_one(inference_cl: bool) -> None:
    net = LayoutRecorder()
    speed = Speed("cpu", None, not inference_cl, inference_cl, "test")
    predict_image(net, torch.randn(3, 8, 8), "cpu", speed)
    assert net.seen == [(inference_cl, inference_cl)]  # the batch and the network alike
    assert net.conv.weight.is_contiguous()  # the usual layout afterwards
