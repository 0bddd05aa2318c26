"""Grad-CAM (Selvaraju et al., 2017): where a network found the evidence for its answer; notebook 05's twin."""

import torch
import torch.nn.functional as F
from torch import nn


def grad_cam(net: nn.Module, image: torch.Tensor, target_layer: nn.Module,
             class_idx: int | None = None) -> tuple[torch.Tensor, int]:
    """``(heatmap, class_idx)``: a CPU float ``(H, W)`` map in [0, 1] (1 = strongest evidence) for one image
    ``(3, H, W)`` and the class it explains (default: the predicted one). ``net`` is in eval mode on the image's
    device; ``target_layer``'s output maps are explained (VGG16: ``net.features[29]``, the last ReLU)."""
    feature_maps = []
    hook = target_layer.register_forward_hook(lambda module, inputs, output: feature_maps.append(output))
    try:
        with torch.enable_grad():
            inputs = image.unsqueeze(0).requires_grad_(True)  # so the graph exists even if net is frozen
            logits = net(inputs)                               # (1, num_classes)
            if not feature_maps or feature_maps[0].dim() != 4:
                raise ValueError("target_layer must be a convolution block that net's forward pass uses "
                                 "(for VGG16: net.features[29]), with maps of shape (1, K, h, w)")
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
