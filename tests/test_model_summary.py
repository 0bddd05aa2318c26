"""layer_table: shapes from a real forward pass through hooks, parameter totals, hook hygiene."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from utils.model_summary import LayerTable, count_parameters, layer_table
from utils.pretrained_vgg import VGG16_NUM_PARAMETERS, make_standin_vgg16


class TinyNet(nn.Module):
    """Conv -> ReLU -> pool -> (flatten in forward) -> Dropout -> Linear, like a miniature VGG."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Dropout(0.5), nn.Linear(4 * 4 * 4, 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.features(x), 1))


class Exploding(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layer = nn.Linear(3, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.layer(x)
        raise RuntimeError("boom")


def _hook_count(model: nn.Module) -> int:
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


def test_tiny_model_rows_shapes_and_params() -> None:
    net = TinyNet()
    table = layer_table(net, input_size=(1, 3, 8, 8))
    names = [r.name for r in table.rows]
    assert names == ["(input)", "features.0", "features.1", "features.2", "(flatten)",
                     "classifier.0", "classifier.1"]
    assert table.row("features.0").output_shape == (1, 4, 8, 8)
    assert table.row("features.0").num_params == 3 * 4 * 9 + 4
    assert table.row("features.2").output_shape == (1, 4, 4, 4)
    flatten = table.row("(flatten)")
    assert flatten.output_shape == (1, 64) and flatten.type.startswith("flatten")
    assert table.row("classifier.1").output_shape == (1, 2)
    assert table.total_params == count_parameters(net) == sum(r.num_params for r in table.rows)


def test_batch_size_is_kept_and_values_per_sample_excludes_it() -> None:
    table = layer_table(TinyNet(), input_size=(3, 3, 8, 8))
    assert table.row("features.2").output_shape == (3, 4, 4, 4)
    assert table.row("features.2").values_per_sample == 64


def test_trainable_counts_follow_requires_grad() -> None:
    net = TinyNet()
    for p in net.features.parameters():
        p.requires_grad = False
    table = layer_table(net, input_size=(1, 3, 8, 8))
    assert table.trainable_params == 64 * 2 + 2 == count_parameters(net, trainable_only=True)
    assert table.row("features.0").trainable_params == 0
    assert "Non-trainable params: 112" in table.to_text()


def test_hooks_removed_and_modes_restored_after_success() -> None:
    net = TinyNet()
    net.train()
    net.classifier.eval()  # a mixed state must come back exactly
    before = {name: m.training for name, m in net.named_modules()}
    layer_table(net, input_size=(1, 3, 8, 8))
    assert _hook_count(net) == 0
    assert {name: m.training for name, m in net.named_modules()} == before


def test_hooks_removed_and_modes_restored_after_an_error() -> None:
    net = Exploding()
    net.train()
    with pytest.raises(RuntimeError, match="boom"):
        layer_table(net, input_size=(1, 3))
    assert _hook_count(net) == 0
    assert net.training and net.layer.training


def test_forward_runs_without_grad_and_leaves_the_rng_alone() -> None:
    net = TinyNet()
    torch.manual_seed(0)
    expected_next = torch.rand(1)
    torch.manual_seed(0)
    layer_table(net, input_size=(1, 3, 8, 8))
    assert torch.equal(torch.rand(1), expected_next)
    assert all(p.grad is None for p in net.parameters())


def test_text_table_is_aligned() -> None:
    text = layer_table(TinyNet(), input_size=(1, 3, 8, 8)).to_text()
    lines = text.splitlines()
    header, rule = lines[0], lines[1]
    table_lines = lines[2:2 + 7]
    assert all(len(line) == len(rule) for line in [header, *table_lines])
    col = header.index("Output shape")
    assert all(line[col - 2:col] == "  " for line in table_lines)  # columns start at the same place
    assert "[1, 4, 8, 8]" in text and "Total params:" in text


def test_vgg16_shows_the_25088_wide_flatten_and_the_total() -> None:
    net = make_standin_vgg16()  # random weights are enough: this is about shapes and counts
    table = layer_table(net, input_size=(1, 3, 224, 224))
    assert isinstance(table, LayerTable)
    assert table.row("features.30").output_shape == (1, 512, 7, 7)
    assert table.row("avgpool").output_shape == (1, 512, 7, 7)
    names = [r.name for r in table.rows]
    flatten = table.rows[names.index("classifier.0") - 1]
    assert flatten.name == "(flatten)" and flatten.output_shape == (1, 25088) == (1, 512 * 7 * 7)
    assert table.row("classifier.0").num_params == 25088 * 4096 + 4096
    assert table.row("classifier.6").output_shape == (1, 1000)
    assert table.total_params == VGG16_NUM_PARAMETERS == 138_357_544
    assert "138,357,544" in table.to_text()
    assert sum(1 for r in table.rows if r.type == "Conv2d") == 13
    assert sum(1 for r in table.rows if r.type == "Linear") == 3
