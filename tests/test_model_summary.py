"""layer_table (torchinfo.summary, course settings): shapes, parameter totals, the model left as it was."""

from __future__ import annotations

import torch
from torchinfo import ModelStatistics
from torchinfo.layer_info import LayerInfo

from utils.support.model_summary import count_parameters, layer_table
from utils.pretrained_vgg import VGG16_NUM_PARAMETERS, make_standin_vgg16


def rows(table: ModelStatistics) -> dict[str, LayerInfo]:
    """Every layer's row by a dotted name, e.g. ``"features.0"`` (``"0"`` for a top-level child)."""
    return {(f"{i.parent_info.var_name}." if i.depth > 1 else "") + i.var_name: i for i in table.summary_list}


def test_tiny_model_shapes_and_params(tiny_vgg) -> None:
    net = tiny_vgg()
    table = layer_table(net, input_size=(3, 3, 8, 8))  # the batch size stays in every shape
    by_name = rows(table)
    assert by_name["features.0"].output_size == [3, 4, 8, 8] and by_name["features.0"].num_params == 3 * 4 * 9 + 4
    assert by_name["features.2"].output_size == [3, 4, 4, 4]
    assert by_name["flatten"].output_size == [3, 64]
    assert by_name["classifier.6"].output_size == [3, 2] and by_name["classifier.6"].num_params == 16 * 2 + 2
    assert table.total_params == count_parameters(net) == 112 + 1040 + 272 + 34


def test_trainable_counts_follow_requires_grad(tiny_vgg) -> None:
    net = tiny_vgg()
    net.features.requires_grad_(False)
    table = layer_table(net, input_size=(1, 3, 8, 8))
    assert table.trainable_params == 1040 + 272 + 34 == count_parameters(net, trainable_only=True)
    assert "Non-trainable params: 112" in str(table)


def test_model_is_left_as_it_was_and_the_rng_alone(tiny_vgg) -> None:
    net = tiny_vgg()
    net.train()
    net.classifier[2].eval()  # a mixed state must come back exactly, not as one flag for the whole model
    before = [m.training for m in net.modules()]
    torch.manual_seed(0)
    expected_next = torch.rand(1)
    torch.manual_seed(0)
    layer_table(net, input_size=(1, 3, 8, 8))
    assert torch.equal(torch.rand(1), expected_next)  # an input of zeros, not random numbers
    assert [m.training for m in net.modules()] == before
    assert sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in net.modules()) == 0
    assert all(p.grad is None for p in net.parameters())


def test_vgg16_shapes_and_the_138_million_total() -> None:
    net = make_standin_vgg16()  # random weights are enough: this is about shapes and counts
    table = layer_table(net)
    by_name = rows(table)
    assert by_name["features.30"].output_size == by_name["avgpool"].output_size == [1, 512, 7, 7]
    assert by_name["classifier.0"].num_params == 25088 * 4096 + 4096
    assert by_name["classifier.6"].output_size == [1, 1000]
    assert table.total_params == VGG16_NUM_PARAMETERS == 138_357_544
    assert "138,357,544" in str(table)
    assert sum(info.class_name == "Conv2d" for info in table.summary_list) == 13
    assert sum(info.class_name == "Linear" for info in table.summary_list) == 3
