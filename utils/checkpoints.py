"""Save a network's weights (its ``state_dict``) and load them back safely.

* :func:`save_state_dict` writes to a temporary file in the same folder and then
  renames it (``os.replace``), so an interrupted save never leaves a half-written
  ``.pth`` where a good one is expected.
* :func:`load_state_dict` reads with ``torch.load(..., weights_only=True)``: only
  tensors and plain containers are unpickled, so a malicious file cannot run code.
  ``map_location`` puts the tensors on the device you have (weights saved on a GPU
  load on a CPU-only laptop). Every way a file can be wrong (missing, truncated,
  not a checkpoint, saved from another architecture) becomes one
  :class:`~utils.pretrained_vgg.CheckpointError` that names the file and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import torch
from torch import nn

from utils.atomic_write import atomic_open
from utils.pretrained_vgg import CheckpointError

_MAX_LISTED = 5  # how many mismatched keys an error message names


def save_state_dict(net: nn.Module, path: str | Path) -> Path:
    """Save ``net.state_dict()`` to ``path`` atomically; the folder is created if needed.

    The tensors are saved on the device they live on (load them anywhere with
    ``map_location``).

    Args:
        net: the network whose parameters and buffers are saved.
        path: target file, conventionally ending in ``.pth``.

    Returns:
        The path written.
    """
    with atomic_open(path) as fh:
        torch.save(net.state_dict(), fh)
    return Path(path)


def _mismatch_report(expected: Mapping[str, torch.Tensor], found: Mapping[str, Any]) -> list[str]:
    """Human-readable differences between the model's state_dict and a loaded one."""
    missing = [k for k in expected if k not in found]
    unexpected = [k for k in found if k not in expected]
    shapes = [f"{k}: file {tuple(found[k].shape)} vs model {tuple(expected[k].shape)}"
              for k in expected
              if k in found and isinstance(found[k], torch.Tensor)
              and tuple(found[k].shape) != tuple(expected[k].shape)]

    def listed(items: list[str]) -> str:
        more = f" (+{len(items) - _MAX_LISTED} more)" if len(items) > _MAX_LISTED else ""
        return ", ".join(items[:_MAX_LISTED]) + more

    report = []
    if missing:
        report.append(f"missing in the file: {listed(missing)}")
    if unexpected:
        report.append(f"not in the model: {listed(unexpected)}")
    if shapes:
        report.append(f"different shapes: {listed(shapes)}")
    return report


def load_state_dict(net: nn.Module, path: str | Path,
                    map_location: str | torch.device | Mapping[str, str] | None = "cpu") -> nn.Module:
    """Load weights saved by :func:`save_state_dict` into ``net`` (``strict=True``).

    Args:
        net: a network with the same architecture as the saved one (for the course:
            VGG16 whose ``classifier[6]`` is ``nn.Linear(4096, 2)``).
        path: the ``.pth`` file.
        map_location: where the loaded tensors go, e.g. "cpu", ``device``, or
            ``{"cuda:0": "cpu"}``; passed to ``torch.load``.

    Returns:
        ``net`` itself, now holding the loaded weights.

    Raises:
        CheckpointError: naming the file and the fix, if the file is missing,
            truncated, not a ``state_dict``, or from a different architecture.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(
            f"No checkpoint at {path}. Run the cell that saves it (save_state_dict) first, "
            "or check the path.")
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # garbage bytes can make the unpickler raise almost anything
        raise CheckpointError(
            f"{path} could not be read as a PyTorch checkpoint ({type(err).__name__}: "
            f"{str(err).splitlines()[0][:160] if str(err) else 'no detail'}). It is truncated, "
            "corrupt, or not a .pth file: delete it and save the weights again.") from err
    if not isinstance(state, Mapping) or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items()):
        raise CheckpointError(
            f"{path} holds a {type(state).__name__}, not a state_dict (a mapping of parameter "
            "names to tensors). Save weights with save_state_dict(net, path), i.e. "
            "torch.save(net.state_dict(), path).")
    report = _mismatch_report(net.state_dict(), state)
    if report:
        raise CheckpointError(
            f"{path} was saved from a different architecture than this network: "
            + "; ".join(report)
            + ". Build the same model before loading (for the course: VGG16 with "
              "classifier[6] = nn.Linear(4096, 2)), or load the right file.")
    net.load_state_dict(state, strict=True)
    return net
