"""Progress bars that suit where the code runs.

A kernel started by JupyterLab shows ``tqdm.auto``'s widgets. Headless runs (nbconvert, nbmake) would store a widget
as a frozen "0%" line, and a terminal has no widgets, so both get tqdm's text bars.
"""

from tqdm.auto import tqdm as widget_tqdm
from tqdm.std import tqdm as text_tqdm

from utils.settings.environment import in_jupyterlab

#: The ``tqdm`` class for this process: widgets under JupyterLab, text bars elsewhere.
tqdm = widget_tqdm if in_jupyterlab() else text_tqdm
