"""The course's data tool: fetch, verify and hand out the data and the VGG16 weights.

Run ``python -m utils.prepare_data --help``. What it prepares (spec section 3):

==================================  ==========================================
``data/hymenoptera_data/``          ants vs bees (train 245 files, val 153)
``data/imagenet_class_index.json``  the 1000 ImageNet class names
``data/goldenretriever-…_640.jpg``  the photo used in notebooks 01 and 02
``vgg16-397923af.pth`` (optional)   ImageNet weights, into the torch hub cache
==================================  ==========================================

Every file is checked by SHA-256. The data set is checked file by file against
``utils/manifests/hymenoptera_data.sha256`` rather than by the zip's bytes, because a
mirror's zip may be packed differently from the official one. Downloads and copies show
a progress bar and are written to a temporary file first, then renamed, so no half file
is ever left behind. A second run finds everything in place and fetches nothing.

Offline classrooms: ``--mirror DIR`` (or ``COURSE_DATA_MIRROR=DIR``) takes the same files
from a local folder, and ``--export DIR`` writes such a folder, with ``SHA256SUMS``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Sequence

from tqdm.auto import tqdm

from utils.atomic_write import atomic_open
from utils.checksums import read_sha256sums, sha256_file, write_sha256sums
from utils.paths import DATA_DIR, VGG16_CHECKPOINT_FILENAME

MIRROR_ENV_VAR = "COURSE_DATA_MIRROR"
MIRROR_SUMS = "SHA256SUMS"


@dataclass(frozen=True)
class FileArtifact:
    """One file in ``data/``: its name (also its name in a mirror), source URL and SHA-256."""

    name: str
    url: str
    sha256: str


CLASS_INDEX = FileArtifact(
    "imagenet_class_index.json",
    "https://s3.amazonaws.com/deep-learning-models/image-models/imagenet_class_index.json",
    "61e065144f3807db321be4d07e753e1526df9f9db1389c0b0d42695bb16ba302",
)
DOG_PHOTO = FileArtifact(
    "goldenretriever-3724972_640.jpg",
    "https://raw.githubusercontent.com/YutaroOgawa/pytorch_advanced/master/"
    "1_image_classification/data/goldenretriever-3724972_640.jpg",
    "f90ba4a47c10531e95a843d0addca3973f9f1369bd4fb5ee5bc771eb0dab1e3a",
)
FILE_ARTIFACTS = (CLASS_INDEX, DOG_PHOTO)

DATASET_NAME = "hymenoptera_data"
DATASET_ZIP = f"{DATASET_NAME}.zip"
DATASET_URL = "https://download.pytorch.org/tutorial/hymenoptera_data.zip"
#: SHA-256 of the official zip's bytes (a mirror's zip may differ; its content may not).
DATASET_ZIP_SHA256 = "fbc41b31d544714d18dd1230b1e2b455e1557766e13e67f9f5a7a23af7c02209"
#: Per-file SHA-256 of the data set, paths relative to ``hymenoptera_data/``.
DATASET_MANIFEST = Path(__file__).resolve().parent / "manifests" / "hymenoptera_data.sha256"

_CHUNK = 1 << 20
_TIMEOUT_S = 60
# Fixed timestamp for exported zips, so exporting the same data twice gives the same bytes.
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


class DataToolError(RuntimeError):
    """A problem the user can fix; the message names the file and the fix."""


# --------------------------------------------------------------------------- writing files


def _stream_to(src: BinaryIO, dest: Path, total: int | None, desc: str) -> None:
    """Copy ``src`` into ``dest`` with a progress bar, atomically (temp file, fsync, rename)."""
    with atomic_open(dest) as out, tqdm(total=total, unit="B", unit_scale=True,
                                        unit_divisor=1024, desc=desc, leave=False) as bar:
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            out.write(chunk)
            bar.update(len(chunk))


def download(url: str, dest: Path, desc: str | None = None) -> None:
    """Download ``url`` to ``dest`` atomically, with a progress bar.

    Raises:
        DataToolError: naming the URL and the offline fix, if the download fails.
    """
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as resp:
            length = resp.headers.get("Content-Length")
            _stream_to(resp, dest, int(length) if length else None, desc or dest.name)
    except (urllib.error.URLError, OSError) as err:
        raise DataToolError(
            f"could not download {url} ({getattr(err, 'reason', err)}). Offline? Use a course "
            f"mirror: --mirror DIR or {MIRROR_ENV_VAR}=DIR."
        ) from None


def copy_file(src: Path, dest: Path, desc: str | None = None) -> None:
    """Copy ``src`` to ``dest`` atomically, with a progress bar."""
    with open(src, "rb") as fh:
        _stream_to(fh, dest, src.stat().st_size, desc or dest.name)


# --------------------------------------------------------------------------- mirrors


class Mirror:
    """A local folder holding the course files under their own names, plus ``SHA256SUMS``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser()
        if not self.root.is_dir():
            raise DataToolError(
                f"mirror folder {self.root} does not exist. Check the path given to --mirror "
                f"or {MIRROR_ENV_VAR}."
            )
        sums = self.root / MIRROR_SUMS
        self.sums = read_sha256sums(sums) if sums.is_file() else {}

    def get(self, name: str) -> Path | None:
        """The mirror's copy of ``name``, checked against the mirror's ``SHA256SUMS``; None if absent."""
        path = self.root / name
        if not path.is_file():
            return None
        expected = self.sums.get(name)
        if expected is not None and sha256_file(path) != expected:
            raise DataToolError(
                f"mirror file {path} does not match its {MIRROR_SUMS} entry: the mirror copy is "
                "damaged. Copy the mirror again from its source (nothing in data/ was changed)."
            )
        return path


def resolve_mirror(mirror: str | Path | None) -> Mirror | None:
    """``--mirror`` if given, else ``$COURSE_DATA_MIRROR`` if set, else None (download)."""
    chosen = mirror if mirror else os.environ.get(MIRROR_ENV_VAR) or None
    return Mirror(chosen) if chosen else None


def _fetch(name: str, url: str, dest: Path, mirror: Mirror | None) -> tuple[str, str]:
    """Put ``name`` at ``dest`` from the mirror if it has it, else from ``url``.

    Returns:
        ``(how, origin)``: e.g. ``("copied from mirror /media/usb", "/media/usb/x.zip")``.
    """
    source = mirror.get(name) if mirror else None
    if source is not None:
        copy_file(source, dest, desc=f"copy {name}")
        return f"copied from mirror {mirror.root}", str(source)
    download(url, dest, desc=f"download {name}")
    return f"downloaded from {url}", url


# --------------------------------------------------------------------------- single files


def prepare_file(artifact: FileArtifact, data_dir: Path, mirror: Mirror | None) -> str:
    """Make sure ``data_dir/artifact.name`` exists with the right SHA-256. Returns what it did."""
    dest = data_dir / artifact.name
    if dest.is_file() and sha256_file(dest) == artifact.sha256:
        return f"{artifact.name}: present and verified, nothing to do"
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".fetch-") as tmp:
        staged = Path(tmp) / artifact.name
        how, origin = _fetch(artifact.name, artifact.url, staged, mirror)
        digest = sha256_file(staged)
        if digest != artifact.sha256:
            raise DataToolError(
                f"{origin} has sha256 {digest[:12]}..., expected "
                f"{artifact.sha256[:12]}...: a corrupted or different file. Nothing was kept; "
                "fix the mirror copy or try the download again."
            )
        os.replace(staged, dest)
    return f"{artifact.name}: {how}, sha256 verified"


# --------------------------------------------------------------------------- the data set


def load_manifest(manifest: Path = DATASET_MANIFEST) -> dict[str, str]:
    """``{relative path: sha256}`` for every file of the data set."""
    return read_sha256sums(manifest)


def verify_dataset(dataset_dir: Path, manifest: Path = DATASET_MANIFEST) -> list[str]:
    """Check every file of the data set against the manifest.

    Returns:
        One line per problem ("missing: train/ants/x.jpg", "changed: ..."); empty if all is well.
        Files on disk that the manifest does not list are reported as "extra".
    """
    expected = load_manifest(manifest)
    if not dataset_dir.is_dir():
        return [f"missing: {dataset_dir} (the whole data set)"]
    problems = []
    for rel, digest in sorted(expected.items()):
        path = dataset_dir / rel
        if not path.is_file():
            problems.append(f"missing: {path}")
        elif sha256_file(path) != digest:
            problems.append(f"changed: {path} (sha256 differs from the manifest)")
    on_disk = {p.relative_to(dataset_dir).as_posix() for p in dataset_dir.rglob("*") if p.is_file()}
    problems += [f"extra: {dataset_dir / rel} (not part of the data set)"
                 for rel in sorted(on_disk - expected.keys())]
    return problems


def _safe_member_path(member: str, zip_label: str) -> PurePosixPath:
    """The member's path if it stays inside the target folder; else a DataToolError."""
    name = member.replace("\\", "/")
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
        raise DataToolError(
            f"{zip_label} contains the entry '{member}', which would be written outside the "
            "target folder. The archive was refused and nothing was extracted; get a clean copy."
        )
    return pure


def safe_extract(zip_path: Path, target: Path, label: str | None = None) -> list[Path]:
    """Extract a zip into ``target``, refusing it whole if any entry would escape ``target``.

    Every entry is checked before anything is written. ``label`` names the zip in error
    messages (e.g. its mirror path or URL, when ``zip_path`` is a temporary copy).
    Returns the files written.

    Raises:
        DataToolError: for an unsafe entry or a damaged zip, naming the zip.
    """
    label = label or str(zip_path)
    try:
        with zipfile.ZipFile(zip_path) as zf:
            members = [(info, _safe_member_path(info.filename, label)) for info in zf.infolist()]
            written = []
            for info, rel in members:
                if info.is_dir() or not rel.parts:
                    continue
                dest = target.joinpath(*rel.parts)
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out, _CHUNK)
                written.append(dest)
            return written
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zipfile.zlib.error) as err:
        raise DataToolError(
            f"{label} is not a readable zip ({err}): a truncated or corrupted download or "
            "mirror copy. Nothing was kept; fetch it again."
        ) from None


def _dataset_root_in(extracted: Path, origin: str) -> Path:
    """Where ``train/`` and ``val/`` are inside an extracted zip (with or without a top folder)."""
    for candidate in (extracted / DATASET_NAME, extracted):
        if (candidate / "train").is_dir() and (candidate / "val").is_dir():
            return candidate
    raise DataToolError(
        f"{origin} holds no train/ and val/ folders: it is not the ants-and-bees "
        "data set. Replace the mirror copy."
    )


def prepare_dataset(data_dir: Path, mirror: Mirror | None,
                    manifest: Path = DATASET_MANIFEST, url: str = DATASET_URL) -> str:
    """Make sure ``data_dir/hymenoptera_data`` matches the manifest; fetch and extract if not.

    A complete, verified folder is left untouched. Otherwise the zip is fetched into a
    temporary folder, extracted safely, checked file by file, and only then are the
    missing or damaged files moved into place. Returns what it did.
    """
    dataset_dir = data_dir / DATASET_NAME
    problems = [p for p in verify_dataset(dataset_dir, manifest) if not p.startswith("extra:")]
    expected = load_manifest(manifest)
    if not problems:
        return f"{DATASET_NAME}/: present and verified ({len(expected)} files), nothing to do"
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".fetch-") as tmp:
        zip_path = Path(tmp) / DATASET_ZIP
        how, origin = _fetch(DATASET_ZIP, url, zip_path, mirror)
        if origin == url and sha256_file(zip_path) != DATASET_ZIP_SHA256:
            print(f"note: {DATASET_ZIP} from {url} differs from the known official bytes; "
                  "checking its content file by file instead.")
        extracted = Path(tmp) / "extracted"
        safe_extract(zip_path, extracted, label=origin)
        root = _dataset_root_in(extracted, origin)
        bad = [p for p in verify_dataset(root, manifest) if not p.startswith("extra:")]
        if bad:
            raise DataToolError(
                f"{origin} does not hold the expected data set: "
                f"{len(bad)} file(s) missing or changed, e.g. {bad[0]}. Nothing was changed in "
                f"{dataset_dir}; replace the mirror copy or download again."
            )
        repaired = 0
        for rel in sorted(expected):
            dest = dataset_dir / rel
            if dest.is_file() and sha256_file(dest) == expected[rel]:
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(root / rel, dest)
            repaired += 1
    return f"{DATASET_NAME}/: {how}; {repaired} file(s) put in place, all {len(expected)} verified"


# --------------------------------------------------------------------------- weights


def prefetch_weights(mirror: Mirror | None) -> str:
    """Put the VGG16 ImageNet checkpoint into the torch hub cache (mirror first, else download).

    Raises:
        DataToolError: if the file is not the genuine checkpoint or cannot be fetched.
    """
    from utils.pretrained_vgg import (CHECKPOINT_FILENAME, GENUINE_SHA256_PREFIX, WEIGHTS,
                                      hub_checkpoint_path, is_genuine_sha256)

    dest = hub_checkpoint_path()
    if dest.is_file():
        digest = sha256_file(dest)
        if is_genuine_sha256(digest):
            return f"{CHECKPOINT_FILENAME}: present in {dest.parent} and genuine, nothing to do"
        raise DataToolError(
            f"{dest} is not the ImageNet checkpoint (sha256 {digest[:8]}..., expected "
            f"{GENUINE_SHA256_PREFIX}...). Delete it and run this again."
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".fetch-") as tmp:
        staged = Path(tmp) / CHECKPOINT_FILENAME
        how, origin = _fetch(CHECKPOINT_FILENAME, WEIGHTS.url, staged, mirror)
        digest = sha256_file(staged)
        if not is_genuine_sha256(digest):
            raise DataToolError(
                f"{origin} has sha256 {digest[:8]}..., not "
                f"{GENUINE_SHA256_PREFIX}...: not the ImageNet checkpoint (or damaged). Nothing was kept."
            )
        os.replace(staged, dest)
    return f"{CHECKPOINT_FILENAME}: {how} into {dest.parent}, sha256 {digest[:8]}... genuine"


# --------------------------------------------------------------------------- verify and export


def verify_all(data_dir: Path, manifest: Path = DATASET_MANIFEST) -> list[str]:
    """Every problem with what is on disk: the data set, the two files, and cached weights if any."""
    problems = verify_dataset(data_dir / DATASET_NAME, manifest)
    for artifact in FILE_ARTIFACTS:
        path = data_dir / artifact.name
        if not path.is_file():
            problems.append(f"missing: {path}")
        elif sha256_file(path) != artifact.sha256:
            problems.append(f"changed: {path} (sha256 differs from the expected file)")
    from utils.pretrained_vgg import hub_checkpoint_path, is_genuine_sha256

    weights = hub_checkpoint_path()
    if weights.is_file() and not is_genuine_sha256(sha256_file(weights)):
        problems.append(f"changed: {weights} is not the ImageNet checkpoint")
    return problems


def _zip_folder(folder: Path, dest: Path) -> None:
    """Write ``folder`` as ``dest`` (a zip with ``folder.name/`` on top), reproducibly and atomically."""
    with atomic_open(dest) as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            arcname = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            info = zipfile.ZipInfo(arcname, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())


def export_mirror(data_dir: Path, out_dir: Path, manifest: Path = DATASET_MANIFEST) -> list[str]:
    """Write a mirror folder a teacher can hand out: the data, the weights if cached, ``SHA256SUMS``.

    Raises:
        DataToolError: if the data on disk is incomplete or damaged (fix it first).
    """
    problems = [p for p in verify_all(data_dir, manifest) if not p.startswith("extra:")]
    if problems:
        raise DataToolError(
            f"cannot export: {len(problems)} problem(s) in {data_dir}, e.g. {problems[0]}. "
            "Run `python -m utils.prepare_data` first."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    report = []
    _zip_folder(data_dir / DATASET_NAME, out_dir / DATASET_ZIP)
    report.append(f"{DATASET_ZIP}: packed from {data_dir / DATASET_NAME}")
    for artifact in FILE_ARTIFACTS:
        copy_file(data_dir / artifact.name, out_dir / artifact.name)
        report.append(f"{artifact.name}: copied")
    from utils.pretrained_vgg import CHECKPOINT_FILENAME, hub_checkpoint_path

    weights = hub_checkpoint_path()
    if weights.is_file():
        copy_file(weights, out_dir / CHECKPOINT_FILENAME, desc=f"copy {CHECKPOINT_FILENAME}")
        report.append(f"{CHECKPOINT_FILENAME}: copied from {weights.parent}")
    else:
        report.append(f"{CHECKPOINT_FILENAME}: not cached here, left out "
                      "(run with --weights while online to include it)")
    names = [DATASET_ZIP, *(a.name for a in FILE_ARTIFACTS)]
    names += [CHECKPOINT_FILENAME] if (out_dir / CHECKPOINT_FILENAME).is_file() else []
    write_sha256sums(out_dir / MIRROR_SUMS, {n: sha256_file(out_dir / n) for n in names})
    report.append(f"{MIRROR_SUMS}: written for {len(names)} files")
    return report


# --------------------------------------------------------------------------- command line


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m utils.prepare_data",
        description="Fetch, verify and export the course data (ants & bees, ImageNet class "
                    "index, the golden retriever photo) and the VGG16 ImageNet weights.",
        epilog="Examples:\n"
               "  python -m utils.prepare_data                       # download what is missing\n"
               "  python -m utils.prepare_data --mirror /media/usb    # offline, from a mirror\n"
               "  python -m utils.prepare_data --weights              # also prefetch VGG16 weights\n"
               "  python -m utils.prepare_data --verify               # re-check what is on disk\n"
               "  python -m utils.prepare_data --export /media/usb    # write a mirror to hand out",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR,
                        help=f"where the data goes (default: {DATA_DIR})")
    parser.add_argument("--mirror", metavar="DIR",
                        help=f"take files from this local mirror folder first (default: ${MIRROR_ENV_VAR})")
    parser.add_argument("--weights", action="store_true",
                        help="also put the VGG16 ImageNet weights (528 MB) into the torch hub cache "
                             "(done anyway when the mirror holds them)")
    parser.add_argument("--verify", action="store_true",
                        help="fetch nothing: re-check every file on disk, name each missing or "
                             "changed one, exit 1 if any")
    parser.add_argument("--export", metavar="DIR", type=Path,
                        help="write a mirror folder (data, cached weights, SHA256SUMS) to hand out")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    data_dir: Path = args.data_dir.expanduser().resolve()
    try:
        if args.verify:
            problems = verify_all(data_dir)
            for line in problems:
                print(line)
            if problems:
                print(f"{len(problems)} problem(s). Fix: `python -m utils.prepare_data` "
                      "restores missing and changed files.")
                return 1
            print(f"All course data in {data_dir} verified.")
            return 0
        if args.export:
            for line in export_mirror(data_dir, args.export.expanduser().resolve()):
                print(line)
            return 0
        mirror = resolve_mirror(args.mirror)
        data_dir.mkdir(parents=True, exist_ok=True)
        print(prepare_dataset(data_dir, mirror))
        for artifact in FILE_ARTIFACTS:
            print(prepare_file(artifact, data_dir, mirror))
        # A mirror that carries the weights is a classroom's whole kit: take them too (a local copy).
        mirror_has_weights = mirror is not None and (mirror.root / VGG16_CHECKPOINT_FILENAME).is_file()
        if args.weights or mirror_has_weights:
            print(prefetch_weights(mirror))
        return 0
    except DataToolError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
