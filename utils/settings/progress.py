"""The ``tqdm`` for this process: widgets in a kernel that JupyterLab started, text bars elsewhere (headless runs
would store a widget as a frozen "0%" line, and a terminal has no widgets)."""

from collections.abc import Iterable
from typing import Any

from tqdm.auto import tqdm as widget_tqdm
from tqdm.std import tqdm as text_tqdm

from utils.settings.environment import in_jupyterlab


def tqdm(iterable: Iterable | None = None, **kwargs: Any) -> text_tqdm:
    """``tqdm(iterable, desc=...)`` as a widget where JupyterLab started the kernel, else a text bar;
    decided at each call, so a kernel's environment set after the import counts."""
    bar = widget_tqdm if in_jupyterlab() else text_tqdm
    return bar(iterable, **kwargs)
