"""Grad-CAM heat maps: shape, range, and that the map finds a pattern planted in a tiny network."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from utils.gradcam import grad_cam


def _tiny_net() -> nn.Sequential:
    """Conv (sums a 3x3 patch of all channels) -> ReLU -> global average -> class 0 likes it, 1 not."""
    net = nn.Sequential(nn.Conv2d(3, 4, kernel_size=3, padding=1), nn.ReLU(),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2))
    with torch.no_grad():
        net[0].weight.fill_(1 / 27)
        net[0].bias.zero_()
        net[4].weight.copy_(torch.tensor([[1.0] * 4, [-1.0] * 4]))
        net[4].bias.zero_()
    return net.eval()


def _image_with_square(top: int, left: int, size: int = 32, side: int = 6) -> torch.Tensor:
    image = torch.zeros(3, size, size)
    image[:, top:top + side, left:left + side] = 1.0
    return image


@pytest.mark.parametrize("top, left", [(2, 3), (22, 20)])
def test_heatmap_peaks_on_the_planted_square(top: int, left: int) -> None:
    net = _tiny_net()
    cam, class_idx = grad_cam(net, _image_with_square(top, left), net[1])
    assert class_idx == 0  # only class 0 gains from the square
    inside = cam[top:top + 6, left:left + 6]
    outside = cam.clone()
    outside[max(top - 2, 0):top + 8, max(left - 2, 0):left + 8] = 0  # the square plus the conv's reach
    assert inside.mean() > 0.5 and outside.max() < 0.05
    peak = divmod(int(cam.argmax()), cam.shape[1])
    assert top <= peak[0] < top + 6 and left <= peak[1] < left + 6


def test_shape_range_and_dtype() -> None:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(4),
                        nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                        nn.Flatten(), nn.Linear(8, 3)).eval()
    image = torch.rand(3, 40, 24)
    cam, class_idx = grad_cam(net, image, net[4])
    assert cam.shape == (40, 24) and cam.dtype == torch.float32 and cam.device.type == "cpu"
    assert float(cam.min()) >= 0.0 and float(cam.max()) <= 1.0
    assert class_idx == int(net(image.unsqueeze(0)).argmax())


def test_explaining_the_other_class_and_no_leftover_hook() -> None:
    net = _tiny_net()
    cam, class_idx = grad_cam(net, _image_with_square(10, 10), net[1], class_idx=1)
    assert class_idx == 1
    assert float(cam.max()) == 0.0  # the square only speaks against class 1: no positive evidence
    assert not net[1]._forward_hooks  # the hook was removed
    assert all(p.grad is None for p in net.parameters())  # the network's gradients were not touched


def test_a_layer_the_network_does_not_use_or_without_maps_is_one_clear_error() -> None:
    torch.manual_seed(0)
    net, image = _tiny_net(), torch.randn(3, 16, 16)
    for layer in (nn.Conv2d(1, 1, 1), net[-1]):  # never called / a Linear with (1, C) output
        with pytest.raises(ValueError, match="target_layer must be a convolution block"):
            grad_cam(net, image, layer)
