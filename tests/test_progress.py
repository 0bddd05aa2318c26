"""Progress bars: widgets in a JupyterLab kernel, text bars in nbconvert, nbmake and terminals."""

from __future__ import annotations

import importlib

import pytest
import tqdm.auto
import tqdm.std

import utils.settings.progress


@pytest.mark.parametrize("jupyterlab", [True, False])
def test_widgets_only_under_jupyterlab(monkeypatch: pytest.MonkeyPatch, jupyterlab: bool) -> None:
    if jupyterlab:
        monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/03_transfer_learning.ipynb")
    else:
        monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    try:
        progress = importlib.reload(utils.settings.progress)
        assert progress.tqdm is (tqdm.auto.tqdm if jupyterlab else tqdm.std.tqdm)
    finally:
        monkeypatch.undo()
        importlib.reload(utils.settings.progress)
