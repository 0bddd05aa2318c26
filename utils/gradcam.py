"""Grad-CAM: where in a picture a convolutional network found the evidence for its answer.

Selvaraju et al. (2017): weight each feature map of a convolutional layer by how much the class
score grows with it (its mean gradient), add the weighted maps, keep the positive part, and scale
the result up to the picture's size. Notebook 04 defines the same function in a cell;
``tests/test_notebook_twins.py`` keeps the two copies equal.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def grad_cam(net: nn.Module, image: torch.Tensor, target_layer: nn.Module,
             class_idx: int | None = None) -> tuple[torch.Tensor, int]:
    """Compute a Grad-CAM heat map for one preprocessed image.

    Args:
        net: the classifier, in eval mode (dropout off), on the image's device.
        image: one preprocessed image ``(3, H, W)``.
        target_layer: the module whose output feature maps are explained, e.g. VGG16's last
            convolutional block ``net.features[29]`` (the ReLU after the last convolution).
        class_idx: the class to explain; ``None`` explains the predicted class.

    Returns:
        ``(heatmap, class_idx)``: a CPU float tensor ``(H, W)`` with values in [0, 1]
        (1 = strongest evidence), and the class it explains.
    """
    feature_maps = []
    hook = target_layer.register_forward_hook(lambda module, inputs, output: feature_maps.append(output))
    try:
        with torch.enable_grad():
            inputs = image.unsqueeze(0).requires_grad_(True)  # so the graph exists even if net is frozen
            logits = net(inputs)                               # (1, num_classes)
            if class_idx is None:
                class_idx = int(logits.argmax(dim=1))
            activations = feature_maps[0]                      # (1, K, h, w)
            gradients = torch.autograd.grad(logits[0, class_idx], activations)[0]
    finally:
        hook.remove()
    weights = gradients.mean(dim=(2, 3), keepdim=True)               # (1, K, 1, 1): one weight per map
    cam = F.relu((weights * activations).sum(dim=1, keepdim=True))   # (1, 1, h, w)
    cam = F.interpolate(cam, size=image.shape[-2:], mode="bilinear", align_corners=False)[0, 0]
    cam = cam - cam.min()
    if cam.max() > 0:
        cam = cam / cam.max()
    return cam.detach().cpu(), class_idx
