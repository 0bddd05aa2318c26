"""Save a network's ``state_dict`` atomically, keeping an earlier file, and load it back with
``torch.load(..., weights_only=True)`` (a malicious file cannot run code). Every way a file can be wrong
(missing, truncated, unsafe, not a checkpoint, another architecture) is one :class:`CheckpointError`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path

import torch
from torch import nn

from utils.datalib.atomic_write import atomic_open, keep_earlier_file

__all__ = ["CheckpointError", "keep_earlier_file", "load_into", "load_state_dict", "read_state_dict",
           "save_state_dict"]


class CheckpointError(RuntimeError):
    """A checkpoint file exists but cannot be used (truncated, unsafe, foreign, corrupt)."""


def save_state_dict(net: nn.Module, path: str | Path) -> Path:
    """Save ``net.state_dict()`` to ``path`` atomically (the folder is created if needed) and
    return ``path``. An existing file there is kept under a dated name; one printed line says where.
    """
    with atomic_open(path, keep_earlier=True) as fh:
        torch.save(net.state_dict(), fh)
    return Path(path)


def read_state_dict(path: str | Path, map_location=None,
                    fix: str = "delete it and save the weights again") -> dict[str, torch.Tensor]:
    """``torch.load(path, map_location, weights_only=True)``, checked to be a ``state_dict``; a
    :class:`CheckpointError` names the file and ``fix`` (what the reader should do about it)."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"No checkpoint at {path}. Run the cell that saves it "
                              "(save_state_dict) first, or check the path.")
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # noqa: BLE001 (garbage can make the unpickler raise anything)
        unsafe = re.search(r"Unsupported global: GLOBAL (\S+)", str(err))
        raise CheckpointError(
            f"{path} was refused as unsafe: it is a pickle that would create the Python object "
            f"{unsafe.group(1)}, and torch.load(weights_only=True) loads only tensors. It is not a "
            f"state_dict saved with save_state_dict: {fix}." if unsafe else
            f"{path} could not be read as a PyTorch checkpoint ({type(err).__name__}): it is "
            f"truncated, corrupt, or not a .pth file at all: {fix}.") from None
    if not isinstance(state, Mapping) or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items()):
        raise CheckpointError(f"{path} holds a {type(state).__name__}, not a state_dict (a mapping of "
                              "parameter names to tensors). Save weights with save_state_dict(net, "
                              "path), i.e. torch.save(net.state_dict(), path).")
    return dict(state)


def load_into(net: nn.Module, state: Mapping[str, torch.Tensor], path: str | Path,
              fix: str = "build the same model before loading (for the course: VGG16 with "
              "classifier[6] = nn.Linear(4096, 2)), or load the right file") -> nn.Module:
    """``net.load_state_dict(state, strict=True)``; on a mismatch ``net`` stays untouched and the
    error is a :class:`CheckpointError` with PyTorch's own report, the file name and ``fix``."""
    own = net.state_dict()
    bad = {k.rsplit(".", 1)[0] for k in own if k in state and own[k].shape != state[k].shape}
    try:  # a strict load copies what fits before it complains: try a mismatch on a copy
        (copy.deepcopy(net) if bad or own.keys() != state.keys() else net).load_state_dict(state)
    except RuntimeError as err:
        layer = f"{min(bad)}.weight" if len(bad) == 1 and own.keys() == state.keys() else ""
        report = " ".join(line.strip() for line in str(err).splitlines()[1:]).rstrip(".")  # PyTorch's words
        what = (f"holds a different head: {layer} has {state[layer].shape[0]} outputs in the file, "
                f"{own[layer].shape[0]} in this network" if layer in own else
                f"was saved from a different architecture than this network ({report[:300]}"
                f"{'...' * (len(report) > 300)})")
        raise CheckpointError(f"{path} {what}. Fix: {fix}.") from None
    return net


def load_state_dict(net: nn.Module, path: str | Path,
                    map_location: str | torch.device | Mapping[str, str] | None = "cpu") -> nn.Module:
    """Load weights saved by :func:`save_state_dict` into ``net`` (``strict=True``) and return it.

    ``net`` has the saved architecture (the course's: VGG16 with ``classifier[6] = nn.Linear(4096, 2)``);
    ``map_location`` (e.g. "cpu", ``device``) goes to ``torch.load``. Raises :class:`CheckpointError`
    naming the file and the fix; ``net`` is then unchanged.
    """
    return load_into(net, read_state_dict(path, map_location), path)
