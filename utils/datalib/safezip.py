"""Unzip the data set without trusting the zip: nothing may land outside the target, and nothing is written
until every entry has been checked."""

from __future__ import annotations

import shutil
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from utils.datalib.errors import DataToolError

#: A zip is refused before extraction if one entry or the total is far beyond the data set
#: (largest file 2.1 MB, all 398 files 47 MB).
MAX_ENTRY_BYTES, MAX_TOTAL_BYTES = 16 << 20, 128 << 20


def _members(zf: zipfile.ZipFile, label: str, max_files: int) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The zip's files; the whole zip is refused if an entry would escape the target, is a link,
    clashes with a folder, or if the sizes are far beyond the data set."""
    refused = f"The archive was refused before anything was extracted; get a clean copy of {label}."
    members, total = [], 0
    for info in zf.infolist():
        rel = PurePosixPath(info.filename.replace("\\", "/"))
        if rel.is_absolute() or ".." in rel.parts or (rel.parts and ":" in rel.parts[0]):
            raise DataToolError(f"{label} contains the entry '{info.filename}', which would be written "
                                f"outside the target folder. {refused}")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise DataToolError(f"{label} contains the symbolic link '{info.filename}'. {refused}")
        if not info.is_dir() and rel.parts:
            total += info.file_size
            if info.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES or len(members) >= max_files:
                raise DataToolError(f"{label} holds far more than the data set (at '{info.filename}': "
                                    f"{info.file_size >> 20} MB, {total >> 20} MB and {len(members) + 1} "
                                    f"files so far; the data set is 47 MB). {refused}")
            members.append((info, rel))
    files = {rel for _, rel in members}
    if clash := sorted(files & {parent for rel in files for parent in rel.parents}):
        raise DataToolError(f"{label} has '{clash[0]}' both as a file and as a folder. {refused}")
    return members


def safe_extract(zip_path: Path, target: Path, label: str | None = None, max_files: int = 1000) -> list[Path]:
    """Extract a zip into ``target`` once :func:`_members` has checked every entry; returns the files.
    Raises ``DataToolError`` naming ``label`` (default the zip's path) for an unsafe or damaged zip."""
    label, written = label or str(zip_path), []
    try:
        with zipfile.ZipFile(zip_path) as zf:
            for info, rel in _members(zf, label, max_files):
                written.append(dest := target.joinpath(*rel.parts))
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
        return written
    except DataToolError:
        raise
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError) as err:
        raise DataToolError(f"{label} is not a readable zip ({err}): a truncated or corrupted download "
                            "or mirror copy. Nothing was kept; fetch it again.") from None
