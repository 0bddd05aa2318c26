"""SHA-256 helpers shared by the data tool and the weights loader."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def sha256_file(path: str | Path) -> str:
    """Return the hex SHA-256 digest of a file (read in chunks, never whole into memory)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def sha256_cache_path(path: str | Path) -> Path:
    """The small JSON file beside ``path`` that remembers its digest (``.<name>.sha256.json``)."""
    path = Path(path)
    return path.with_name(f".{path.name}.sha256.json")


def cached_sha256(path: str | Path) -> str:
    """:func:`sha256_file`, remembered beside the file for as long as its size and mtime stay the same.

    Meant for big files that are hashed on every use (the 528 MB ImageNet checkpoint). A missing,
    stale or unreadable cache simply means hashing again; a cache that cannot be written is skipped.
    """
    path = Path(path)
    stat = path.stat()
    key = {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    cache = sha256_cache_path(path)
    try:
        saved = json.loads(cache.read_text(encoding="utf-8"))
        if {k: saved.get(k) for k in key} == key and len(saved.get("sha256", "")) == 64:
            return saved["sha256"]
    except (OSError, ValueError, AttributeError):
        pass
    digest = sha256_file(path)
    try:
        cache.write_text(json.dumps({**key, "sha256": digest}), encoding="utf-8")
    except OSError:
        pass
    return digest


def read_sha256sums(path: str | Path) -> dict[str, str]:
    """Parse a ``sha256sum``-style file (``<hex>  <name>`` per line) into ``{name: hex}``.

    Names may contain spaces (everything after the two separating characters is
    the name). Blank lines and ``#`` comments are skipped.

    Raises:
        ValueError: naming the file (and line) if it is not text or has a malformed line.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a text file of '<sha256>  <name>' lines") from None
    sums: dict[str, str] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        digest, sep, name = line.partition(" ")
        name = name[1:] if name.startswith(("*", " ")) else name
        if not sep or len(digest) != 64 or not name:
            raise ValueError(f"{path}:{lineno}: not a '<sha256>  <name>' line: {line[:60]!r}")
        sums[name] = digest.lower()
    return sums


def write_sha256sums(path: str | Path, sums: dict[str, str]) -> None:
    """Write ``{name: hex}`` as a ``sha256sum``-compatible file, sorted by name."""
    lines = [f"{digest}  {name}\n" for name, digest in sorted(sums.items())]
    Path(path).write_text("".join(lines), encoding="utf-8")
