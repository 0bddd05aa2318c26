"""Progress bars that suit where the code runs.

A kernel started by JupyterLab (jupyter_server gives it ``JPY_SESSION_NAME``) shows ``tqdm.auto``'s
widgets. Headless runs (nbconvert, nbmake) would store a widget as a frozen "0%" line, and a terminal
has no widgets, so both get tqdm's text bars.
"""

import os

from tqdm.auto import tqdm as widget_tqdm
from tqdm.std import tqdm as text_tqdm

#: The ``tqdm`` class for this process: widgets under JupyterLab, text bars elsewhere.
tqdm = widget_tqdm if "JPY_SESSION_NAME" in os.environ else text_tqdm
