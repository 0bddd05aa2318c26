"""Shared fixtures: no network (sockets to other hosts are refused), figures closed, the prepared data, and a
VGG16-shaped toy network."""

from __future__ import annotations

import socket
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import matplotlib
import pytest
import torch
from torch import nn

matplotlib.use("Agg")  # figures are drawn without a display
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

from utils.settings.environment import REPO_ROOT, read_folders
from utils.settings.paths import DATASET_NAME

_real_connect = socket.socket.connect


def _loopback_only_connect(self: socket.socket, address, *args, **kwargs):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and (host.startswith("127.") or host in {"localhost", "::1"}
                                  or self.family == getattr(socket, "AF_UNIX", None)):
        return _real_connect(self, address, *args, **kwargs)
    raise OSError(f"network access is disabled in tests (tried {address!r})")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any connection that leaves this machine, so a test that needs the network fails."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only_connect)


@pytest.fixture(autouse=True)
def english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The course's messages in English (the tests' wording), whatever ``COURSE_LANG`` the shell has; a test
    sets it to "ko" for Korean."""
    monkeypatch.delenv("COURSE_LANG", raising=False)


@pytest.fixture(autouse=True)
def close_figures():
    """Close every matplotlib figure a test opened, so figures do not pile up across tests."""
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def dataset_dir() -> Path:
    """The prepared ants-and-bees data set; tells how to prepare it if it is missing."""
    dataset = read_folders()[0] / DATASET_NAME  # COURSE_DATA_DIR or the repository's data/
    if not (dataset / "train").is_dir():
        pytest.fail(f"{dataset} is missing: run `make data` (or `python -m utils.prepare_data "
                    "--mirror DIR`) before the tests.")
    return dataset


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


def _tiny_vgg(num_classes: int = 2, seed: int = 0, dropout: float = 0.5) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(OrderedDict(
        features=nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)),
        flatten=nn.Flatten(),
        classifier=nn.Sequential(nn.Linear(4 * 4 * 4, 16), nn.ReLU(), nn.Dropout(dropout),
                                 nn.Linear(16, 16), nn.ReLU(), nn.Dropout(dropout),
                                 nn.Linear(16, num_classes))))


@pytest.fixture
def tiny_vgg() -> Callable[..., nn.Module]:
    """A factory of VGG16-shaped toys, ``tiny_vgg(num_classes=2, seed=0, dropout=0.5)``, for inputs (B, 3, 8, 8):
    ``features.0`` a convolution, ``classifier.0``/``.3``/``.6`` linear layers (``.6`` the head) with dropout
    between them, as in VGG16. ``seed`` seeds the global generator (the same weights for the same seed)."""
    return _tiny_vgg
