"""SHA-256 helpers shared by the data tool and the weights loader."""

from __future__ import annotations

import hashlib
from pathlib import Path

_CHUNK = 1 << 20  # 1 MiB: large files are hashed without reading them into memory


def sha256_file(path: str | Path) -> str:
    """Return the hex SHA-256 digest of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_sha256sums(path: str | Path) -> dict[str, str]:
    """Parse a ``sha256sum``-style file (``<hex>  <name>`` per line) into ``{name: hex}``.

    Names may contain spaces (everything after the two separating characters is
    the name). Blank lines and ``#`` comments are skipped.

    Raises:
        ValueError: naming the file and line, for a malformed line.
    """
    sums: dict[str, str] = {}
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        digest, sep, name = line.partition(" ")
        name = name[1:] if name.startswith(("*", " ")) else name
        if not sep or len(digest) != 64 or not name:
            raise ValueError(f"{path}:{lineno}: not a '<sha256>  <name>' line: {line!r}")
        sums[name] = digest.lower()
    return sums


def write_sha256sums(path: str | Path, sums: dict[str, str]) -> None:
    """Write ``{name: hex}`` as a ``sha256sum``-compatible file, sorted by name."""
    lines = [f"{digest}  {name}\n" for name, digest in sorted(sums.items())]
    Path(path).write_text("".join(lines), encoding="utf-8")
