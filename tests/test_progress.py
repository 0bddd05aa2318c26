"""Progress bars: widgets in a JupyterLab kernel, text bars in nbconvert, nbmake and terminals."""

from __future__ import annotations


import pytest
import tqdm.auto
import tqdm.std

import utils.settings.progress


@pytest.mark.parametrize("jupyterlab", [True, False])
def test_widgets_only_under_jupyterlab_decided_when_the_bar_is_made(monkeypatch: pytest.MonkeyPatch,
                                                                    jupyterlab: bool) -> None:
    made = []
    monkeypatch.setattr(utils.settings.progress, "widget_tqdm", lambda it, **kw: made.append("widget") or it)
    monkeypatch.setattr(utils.settings.progress, "text_tqdm", lambda it, **kw: made.append("text") or it)
    if jupyterlab:  # after the import, as a kernel's %env would
        monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/03_transfer_learning.ipynb")
    else:
        monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert utils.settings.progress.tqdm([1, 2], desc="x") == [1, 2]
    assert made == (["widget"] if jupyterlab else ["text"])


def test_a_text_bar_is_a_real_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    bar = utils.settings.progress.tqdm(range(3), disable=True)
    assert isinstance(bar, tqdm.std.tqdm) and list(bar) == [0, 1, 2]
