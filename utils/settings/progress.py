"""The ``tqdm`` for this process: widgets in a kernel that JupyterLab started, text bars elsewhere (headless runs
would store a widget as a frozen "0%" line, and a terminal has no widgets)."""

from tqdm.auto import tqdm as widget_tqdm
from tqdm.std import tqdm as text_tqdm

from utils.settings.environment import in_jupyterlab

tqdm = widget_tqdm if in_jupyterlab() else text_tqdm
