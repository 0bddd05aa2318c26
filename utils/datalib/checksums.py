"""SHA-256 helpers shared by the data tool and the weights loader."""

import contextlib
import hashlib
import json
from pathlib import Path

from utils.settings.language import tr


def sha256_file(path: str | Path) -> str:
    """Return the hex SHA-256 digest of a file (read in chunks, never whole into memory)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def sha256_cache_path(path: str | Path) -> Path:
    """The small JSON file beside ``path`` that remembers its digest: ``.<name>.sha256.json``."""
    return Path(path).with_name(f".{Path(path).name}.sha256.json")


def cached_sha256(path: str | Path) -> str:
    """:func:`sha256_file`, remembered beside the file while its path, size and mtime stay the
    same (for the 528 MB checkpoint); a missing, stale or damaged cache means hashing again."""
    st = Path(path).stat()
    key = {"path": str(Path(path).resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    try:
        saved = json.loads(sha256_cache_path(path).read_text(encoding="utf-8"))
        if {k: saved[k] for k in key} == key and len(saved["sha256"]) == 64:
            return saved["sha256"]
    except (OSError, ValueError, TypeError, KeyError):
        pass
    digest = sha256_file(path)
    with contextlib.suppress(OSError):  # a read-only cache folder only costs a rehash next time
        sha256_cache_path(path).write_text(json.dumps({**key, "sha256": digest}), encoding="utf-8")
    return digest


def read_sha256sums(path: str | Path) -> dict[str, str]:
    """``{name: hex}`` from a ``sha256sum``-style file (blank lines and ``#`` comments skipped);
    ``ValueError`` naming the file (and line) if it is not text or has a malformed line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise ValueError(tr("{path} is not a text file of '<sha256>  <name>' lines", path=path)) from None
    sums: dict[str, str] = {}
    for lineno, line in enumerate(lines, 1):
        digest, sep, name = line.partition(" ")
        name = name[1:] if name.startswith(("*", " ")) else name
        if line.strip() and not line.startswith("#"):
            if not sep or len(digest) != 64 or not name:
                raise ValueError(tr("{path}:{lineno}: not a '<sha256>  <name>' line: {line!r}",
                                    path=path, lineno=lineno, line=line[:60]))
            sums[name] = digest.lower()
    return sums


def write_sha256sums(path: str | Path, sums: dict[str, str]) -> None:
    """Write ``{name: hex}`` as a ``sha256sum``-compatible file, sorted by name."""
    Path(path).write_text("".join(f"{d}  {n}\n" for n, d in sorted(sums.items())), encoding="utf-8")
