"""A mirror: a folder with the course's files under their own names and ``SHA256SUMS``, for an offline
classroom (a USB stick, a shared folder). Read it file by file; write one from prepared data."""

from __future__ import annotations

import zipfile
from pathlib import Path

from utils.datalib.artifacts import DATASET_ZIP, FILE_ARTIFACTS, MIRROR_SUMS, weights_path
from utils.datalib.atomic_write import atomic_open
from utils.datalib.checksums import read_sha256sums, sha256_file, write_sha256sums
from utils.datalib.errors import DataToolError
from utils.datalib.verify import fix_command, load_manifest, verify_all
from utils.settings.environment import MIRROR_VAR
from utils.settings.paths import DATASET_NAME
from utils.settings.progress import tqdm


def copy_file(src: Path, dest: Path, desc: str | None = None) -> None:
    """Copy ``src`` to ``dest`` atomically, with a progress bar."""
    with open(src, "rb") as fh, atomic_open(dest) as out, tqdm(
            total=src.stat().st_size, unit="B", unit_scale=True, desc=desc or dest.name, leave=False) as bar:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            bar.update(out.write(chunk))


class Mirror:
    """A mirror folder at ``root``, read only when a file is needed from it, so that a stale setting does no
    harm."""

    def __init__(self, root: str | Path) -> None:
        self.root, self._sums = Path(root).expanduser(), None

    def get(self, name: str) -> Path | None:
        """The mirror's copy of ``name``, checked against ``SHA256SUMS``; None if it has none. Raises
        ``DataToolError`` if the folder is missing, ``SHA256SUMS`` is damaged or the copy does not match it."""
        if not self.root.is_dir():
            raise DataToolError(f"mirror folder {self.root} does not exist, and {name} is needed from "
                                f"it. Check the path given to --mirror or {MIRROR_VAR}.")
        if not (path := self.root / name).is_file():
            return None
        try:
            sums = self.root / MIRROR_SUMS
            self._sums = self._sums or (read_sha256sums(sums) if sums.is_file() else {})
        except ValueError as err:
            raise DataToolError(f"{err}. The mirror's {MIRROR_SUMS} is damaged: copy the mirror again, "
                                "or write it anew with `make mirror DIR=...`.") from None
        if name in self._sums and sha256_file(path) != self._sums[name]:
            raise DataToolError(f"mirror file {path} does not match its {MIRROR_SUMS} entry: the mirror "
                                "copy is damaged. Copy the mirror again from its source.")
        return path


def export_mirror(data_dir: Path, out_dir: Path, manifest: Path | None = None) -> list[str]:
    """Write a mirror folder to hand out: the data set's own files zipped (reproducibly; extra files
    stay out), the two files, the weights if cached, and ``SHA256SUMS``. Returns what it did; raises
    ``DataToolError`` if the prepared data has problems."""
    problems = [p for p in verify_all(data_dir, manifest) if p.startswith(("missing", "changed", "weights"))]
    if problems:
        raise DataToolError(f"cannot export: {len(problems)} problem(s), e.g. {problems[0]}. "
                            f"Run `{fix_command(problems)}` first.")
    out_dir.mkdir(parents=True, exist_ok=True)
    with atomic_open(out_dir / DATASET_ZIP) as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel in sorted(load_manifest(manifest)):
            info = zipfile.ZipInfo(f"{DATASET_NAME}/{rel}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            zf.writestr(info, (data_dir / DATASET_NAME / rel).read_bytes())
    report, names, weights = [f"{DATASET_ZIP}: packed from {data_dir / DATASET_NAME}"], [DATASET_ZIP], weights_path()
    for src in [data_dir / a.name for a in FILE_ARTIFACTS] + [weights]:
        if src.is_file():
            copy_file(src, out_dir / src.name, desc=f"copy {src.name}")
            report.append(f"{src.name}: copied from {src.parent}")
            names.append(src.name)
    if not weights.is_file():
        report.append(f"{weights.name}: not cached here, left out (run with --weights online to include it)")
    write_sha256sums(out_dir / MIRROR_SUMS, {n: sha256_file(out_dir / n) for n in names})
    return [*report, f"{MIRROR_SUMS}: written for {len(names)} files"]
