"""Write files that appear complete or not at all, keep a bounded number of earlier copies, and
remove what an interrupted run left behind."""

import errno
import filecmp
import itertools
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from utils.errors import WriteError, disk_error_line, human_size
from utils.settings.language import tr

KEEP_COPIES = 2  # earlier copies that keep_earlier_file keeps beside a file (keep= changes it)
#: What an interrupted run leaves behind: a save's hidden temporary file ``.NAME.<random>.tmp``
#: and a fetch's folder ``.fetch-<random>``.
TEMP_FILE = re.compile(r"\..+\.tmp")
FETCH_PREFIX = ".fetch-"
FETCH_DIR = re.compile(rf"{re.escape(FETCH_PREFIX)}.+")
#: A temporary file or folder unchanged for this long is a leftover: no save or fetch of the
#: course runs for a day, and a running one keeps changing it.
STALE_AFTER_S = 24 * 3600.0
#: Outputs in a folder ending like this (smoke runs) are disposable: replaced without a copy.
DISPOSABLE_DIR = ("build", "smoke", "weights")


def _truncated_zip(path: Path) -> bool:
    """A file that starts as a zip (torch.save's format) but is not a whole one: a save cut off
    half-way. A complete file in another format (torch's legacy pickle, safetensors) is not."""
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04" and not zipfile.is_zipfile(path)


def folder_size(folder: str | Path) -> int:
    """Bytes used by the files directly in ``folder`` (a hard-linked file counts once)."""
    sizes = {}
    for p in Path(folder).iterdir():
        with suppress(FileNotFoundError):  # removed meanwhile by another process
            st = p.stat()
            sizes[st.st_dev, st.st_ino] = st.st_size if p.is_file() else 0
    return sum(sizes.values())


def write_error(err: BaseException, path: str | Path,
                needed: int | None = None) -> WriteError | None:
    """The :class:`WriteError` for ``err``, raised while writing ``path`` (``needed`` bytes), or
    None if ``err`` is not about the disk. ``torch.save``'s "unexpected pos" counts as a full
    disk."""
    path, text = Path(path), str(err)
    code = getattr(err if isinstance(err, OSError) else err.__context__, "errno", None)
    torch_full = "unexpected pos" in text or "failed writing" in text
    if code is None and "inline_container.cc" in text and torch_full:
        code = errno.ENOSPC  # torch.save to a path: the C++ writer hides the OSError
    size = human_size(needed) if needed else tr("more space")
    line = disk_error_line(
        code, path.parent,
        tr("{name} needs {size} (`make purge` lists old weights and deletes them after asking)",
           name=path.name, size=size),
        tr("set COURSE_OUTPUT_DIR to a writable folder on a disk with room (the notebooks save there)"))
    return None if line is None else WriteError(code, line, str(path.parent))


def _usual_mode() -> int:
    """The permissions ``open()`` gives a new file (0o666 less the umask); mkstemp's are 0o600."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_open(path: str | Path, keep_earlier: bool = False, keep: int = KEEP_COPIES,
                needed: int | None = None) -> Iterator[BinaryIO]:
    """Write ``path`` through a hidden temporary file ``.NAME.<random>.tmp`` beside it, renamed over
    ``path`` only when the ``with`` block ends without an error. ``keep_earlier``:
    :func:`keep_earlier_file` (``keep`` copies) first. ``needed``: the expected size, checked
    against the free space. Raises :class:`WriteError`, ``path`` unchanged."""
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temp_files(path.parent)
        if needed is not None and shutil.disk_usage(path.parent).free < needed:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path.parent))
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        tmp = Path(name)
        with open(fd, "wb") as fh:
            os.chmod(tmp, _usual_mode())
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if keep_earlier:
            keep_earlier_file(path, tmp, keep)
        os.replace(tmp, path)
    except BaseException as err:  # the stop button included: no temporary file stays behind
        if tmp is not None:
            with suppress(OSError):  # a read-only disk refuses to unlink even a missing file
                tmp.unlink(missing_ok=True)  # first, so that the message counts the space freed
        error = write_error(err, path, needed)
        if error is None:
            raise
        raise error from None


def earlier_copies(path: str | Path) -> list[Path]:
    """The copies :func:`keep_earlier_file` kept of ``path`` (``<stem>.<date>T<time>[-N]<suffix>``),
    oldest first."""
    path = Path(path)
    stamp = r"(\d{4}-\d\d-\d\dT\d{6})(?:-(\d+))?"
    pattern = re.compile(rf"{re.escape(path.stem)}\.{stamp}{re.escape(path.suffix)}")
    found = []
    for p in path.parent.glob(f"{path.stem}.*{path.suffix}"):
        match = pattern.fullmatch(p.name)
        if match:
            found.append((match[1], int(match[2] or 1), p))
    return [p for *_, p in sorted(found)]


def same_content(a: str | Path, b: str | Path) -> bool:
    """The same bytes, or zip archives (``torch.save``'s, whose top folder is named after the file)
    with the same members and CRC-32s below their top folders."""
    def members(p: str | Path) -> list[tuple[str, int, int]]:
        with zipfile.ZipFile(p) as zf:
            return sorted((i.filename.partition("/")[2], i.CRC, i.file_size) for i in zf.infolist())

    if zipfile.is_zipfile(a) and zipfile.is_zipfile(b):
        return members(a) == members(b)
    return filecmp.cmp(a, b, shallow=False)


def _copy_aside(path: Path) -> Path | None:
    """Hard-link ``path`` to the first free name ``<stem>.<its mtime>[-N]<suffix>`` (a plain copy
    where the file system has no hard links); None if another process kept this very file."""
    stamp = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%dT%H%M%S")
    for n in itertools.count(1):
        number = f"-{n}" if n > 1 else ""
        backup = path.with_name(f"{path.stem}.{stamp}{number}{path.suffix}")
        try:
            os.link(path, backup)  # never overwrites a copy
            return backup
        except FileExistsError:
            if os.path.samefile(path, backup):
                return None
        except OSError:  # no hard links here
            if not backup.exists():
                shutil.copy2(path, backup)
                return backup


def keep_earlier_file(path: str | Path, new_file: str | Path | None = None,
                      keep: int = KEEP_COPIES) -> Path | None:
    """Keep the file at ``path`` as ``<stem>.<its mtime>[-N]<suffix>``, delete the oldest copies
    beyond ``keep``, and say so in one printed line. Returns the copy, or None (``keep=0``, a smoke
    run's ``build/smoke/weights``, nothing to keep).

    ``new_file``: the complete file that ``os.replace(new_file, path)`` moves in next; the earlier
    one then stays readable at ``path`` (a hard link), and no copy is kept of a file identical to
    it or, a zip (``torch.save``) coming, of an incomplete zip. Without ``new_file`` the earlier
    file is moved aside."""
    path = Path(path)
    remove_stale_temp_files(path.parent)
    if keep <= 0 or not path.is_file() or path.resolve().parent.parts[-3:] == DISPOSABLE_DIR:
        return None
    try:
        if new_file is not None and same_content(path, new_file):
            print(tr("{path}: the new file is identical to the earlier one, so no copy is kept.",
                     path=path))
            return None
        if new_file is not None and zipfile.is_zipfile(new_file) and _truncated_zip(path):
            print(tr("{path}: the earlier file is incomplete (an interrupted save), "
                     "so no copy of it is kept.", path=path))
            return None
        size = path.stat().st_size
        backup = _copy_aside(path)
        if new_file is None:
            path.unlink(missing_ok=True)
    except FileNotFoundError:  # another process replaced or moved it first: its save keeps it
        return None
    if backup is None:
        return None
    old = earlier_copies(path)[:-keep]
    for p in old:
        p.unlink(missing_ok=True)
    deleted = "".join(tr("\n  deleted the oldest copy {name}", name=p.name) for p in old)
    total = human_size(folder_size(path.parent))
    print(tr("Kept the earlier {name} as {backup} ({size}){deleted}.\n"
             "  At most {keep} earlier copies are kept (keep=N changes it); "
             "`make purge` deletes them\n"
             "  after asking. The folder now holds {total}: {folder}",
             name=path.name, backup=backup.name, size=human_size(size), deleted=deleted, keep=keep,
             total=total, folder=path.parent))
    return backup


@contextmanager
def fetch_dir(folder: str | Path) -> Iterator[Path]:
    """A temporary folder ``.fetch-<random>`` in ``folder`` (what is staged there moves into place
    with an atomic rename), removed afterwards."""
    with tempfile.TemporaryDirectory(dir=folder, prefix=FETCH_PREFIX) as tmp:
        yield Path(tmp)


def stale_temp_files(folder: str | Path, older_than: float = STALE_AFTER_S,
                     pattern: re.Pattern = TEMP_FILE) -> list[tuple[Path, int]]:
    """``(path, size)`` of what interrupted runs left in ``folder``: names matching ``pattern``
    (:data:`TEMP_FILE` or :data:`FETCH_DIR`) unchanged for ``older_than`` seconds."""
    found, now = [], time.time()
    for path in Path(folder).glob(".*"):
        with suppress(FileNotFoundError):  # removed meanwhile
            st = path.stat()
            if pattern.fullmatch(path.name) and now - st.st_mtime >= older_than:
                found.append((path, st.st_size))
    return sorted(found)


def stale_temp_report(folder: str | Path) -> list[str]:
    """One "extra:" line per leftover temporary file in ``folder``, for
    ``python -m utils.prepare_data --verify``."""
    return ["extra: " + tr("{path} ({size}), the temporary file of an interrupted save: "
                           "`make clean` or the next save there removes it",
                           path=p, size=human_size(size))
            for p, size in stale_temp_files(folder)]


def remove_stale_temp_files(folder: str | Path, older_than: float = STALE_AFTER_S,
                            pattern: re.Pattern = TEMP_FILE) -> list[Path]:
    """Delete what :func:`stale_temp_files` finds, said in one line if any; returns the paths."""
    stale = stale_temp_files(folder, older_than, pattern)
    for path, _ in stale:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    if stale:
        names = ", ".join(p.name for p, _ in stale)
        size = human_size(sum(s for _, s in stale))
        if pattern is TEMP_FILE:
            print(tr("removed {n} temporary file(s) of interrupted saves from {folder} ({names}; {size})",
                     n=len(stale), folder=Path(folder), names=names, size=size))
        else:
            print(tr("removed {n} folder(s) of interrupted fetches from {folder} ({names}; {size})",
                     n=len(stale), folder=Path(folder), names=names, size=size))
    return [p for p, _ in stale]
