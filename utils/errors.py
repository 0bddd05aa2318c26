"""The course's errors: each is one line that names the file or setting and the fix. Also the one
wording of a full or read-only disk, used wherever the course writes files."""

import errno
import shutil
from pathlib import Path

from utils.settings.language import tr

#: The ``errno`` codes that are about the disk, not the file or the network.
DISK_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)


class CourseError(Exception):
    """An error whose message says what is wrong and what to do; Jupyter shows that line, not a
    traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython's hook
        return [f"{type(self).__name__}: {self}"]


class SettingsError(CourseError, ValueError):
    """An environment variable of the course has a value it does not understand."""


class DataToolError(CourseError):
    """A problem with the course's files that the user can fix."""


class DownloadError(DataToolError):
    """A file is in no mirror and could not be downloaded (offline?)."""


class WriteError(CourseError, OSError):
    """A full disk or a read-only or forbidden folder: ``str()`` names the folder and the fix;
    ``errno`` as raised."""

    def __str__(self) -> str:
        return str(self.strerror)


class CheckpointError(CourseError, RuntimeError):
    """A checkpoint file is missing or cannot be used; the message names the file and the fix."""


class WeightsUnavailableError(CourseError):
    """The ImageNet weights are neither cached nor downloadable."""


class StoppedRunError(CourseError):
    """A summary was asked of a network whose last training run did not get to its end."""


class UploadError(CourseError, ValueError):
    """A ``FileUpload.value`` in neither ipywidgets 7's nor 8's shape."""


def human_size(n: float) -> str:
    """``n`` bytes as "512 MiB", "1.5 GiB", "1000 KiB", "12 KiB" or "80 bytes"."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            digits = 3 if n / scale < 1000 else 4
            return f"{n / scale:.{digits}g} {unit}"
    return f"{n:.0f} bytes"


def disk_error_line(code: int | None, folder: str | Path, needs: str, elsewhere: str) -> str | None:
    """The one line for an ``OSError`` with ``errno`` ``code`` in ``folder``: a full disk, a
    read-only disk or a folder that is not yours; None for any other error.

    ``needs``: what wanted the space ("w.pth needs 512 MiB"); ``elsewhere``: the other place to
    use ("set COURSE_OUTPUT_DIR to a folder on another disk")."""
    folder = Path(folder)
    if code in (errno.ENOSPC, errno.EDQUOT):
        free = human_size(shutil.disk_usage(folder).free) if folder.is_dir() else tr("too little")
        return tr("the disk holding {folder} is full ({free} free): {needs}. "
                  "Free some space there, or {elsewhere}.",
                  folder=folder, free=free, needs=needs, elsewhere=elsewhere)
    if code == errno.EROFS:
        return tr("{folder} is on a read-only disk: {elsewhere}.", folder=folder, elsewhere=elsewhere)
    if code in (errno.EACCES, errno.EPERM):
        return tr("permission denied: {folder}. Make it readable and writable for you "
                  "(e.g. `chmod -R u+rwX '{folder}'`), or {elsewhere}.",
                  folder=folder, elsewhere=elsewhere)
    return None
