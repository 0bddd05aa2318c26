"""The course's data tool: fetch, verify and hand out the data and the VGG16 weights.

It prepares ``data/hymenoptera_data/`` (train 245 files, val 153; checked file by file against
``utils/manifests/``, since a mirror may re-pack the zip), the class index and the dog photo, and with
``--weights`` the VGG16 checkpoint in the torch hub cache, each by SHA-256. Files are staged in a
``.fetch-<pid>-*`` folder and moved in once verified (the next run removes a folder left by an interrupted
one); a second run fetches nothing. Offline: ``--mirror DIR`` (or ``COURSE_DATA_MIRROR``); ``--export DIR``
writes a mirror. Every failure is one line naming the file and the fix.
"""

from __future__ import annotations

import argparse
import errno
import os
import shutil
import socket
import stat
import sys
import zipfile
import zlib
from collections import namedtuple
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from utils.settings.progress import tqdm

from utils.datalib.atomic_write import atomic_open, fetch_dir, remove_stale_fetch_dirs, stale_fetch_dirs
from utils.datalib.atomic_write import stale_temp_report
from utils.errors import CourseError
from utils.datalib.checksums import cached_sha256, read_sha256sums, sha256_file, write_sha256sums
from utils.settings.paths import DATA_DIR, OUTPUT_DIR, VGG16_SHA256_PREFIX
from utils.settings.paths import VGG16_CHECKPOINT_FILENAME as WEIGHTS_NAME

MIRROR_ENV_VAR, MIRROR_SUMS = "COURSE_DATA_MIRROR", "SHA256SUMS"
#: One file in ``data/``: its name (also its name in a mirror), source URL and SHA-256.
FileArtifact = namedtuple("FileArtifact", "name url sha256")
CLASS_INDEX = FileArtifact(
    "imagenet_class_index.json",
    "https://s3.amazonaws.com/deep-learning-models/image-models/imagenet_class_index.json",
    "61e065144f3807db321be4d07e753e1526df9f9db1389c0b0d42695bb16ba302")
DOG_PHOTO = FileArtifact(
    "goldenretriever-3724972_640.jpg", "https://raw.githubusercontent.com/YutaroOgawa/pytorch_advanced/"
    "master/1_image_classification/data/goldenretriever-3724972_640.jpg",
    "f90ba4a47c10531e95a843d0addca3973f9f1369bd4fb5ee5bc771eb0dab1e3a")
FILE_ARTIFACTS = (CLASS_INDEX, DOG_PHOTO)
DATASET_NAME = "hymenoptera_data"
DATASET_ZIP = f"{DATASET_NAME}.zip"
DATASET_URL = "https://download.pytorch.org/tutorial/hymenoptera_data.zip"
#: SHA-256 of the official zip's bytes (a mirror's zip may differ; its content may not).
DATASET_ZIP_SHA256 = "fbc41b31d544714d18dd1230b1e2b455e1557766e13e67f9f5a7a23af7c02209"
DATASET_MANIFEST = Path(__file__).resolve().parent / "manifests" / "hymenoptera_data.sha256"
#: A zip is refused before extraction if one entry or the total is far beyond the data set
#: (largest file 2.1 MB, all 398 files 47 MB).
MAX_ENTRY_BYTES, MAX_TOTAL_BYTES = 16 << 20, 128 << 20
#: Free space needed where it is written (data set: the zip and its extracted copy).
DATASET_SPACE, WEIGHTS_SPACE = 100 << 20, 540 << 20


def hub_checkpoints_dir() -> Path:
    """Where torch hub keeps checkpoints: ``torch.hub.get_dir() / "checkpoints"`` (``TORCH_HOME``)."""
    import torch.hub  # here, so that the data tool starts without torch when it needs no weights

    return Path(torch.hub.get_dir()) / "checkpoints"


class DataToolError(CourseError):
    """A problem the user can fix; the message names the file and the fix."""


class DownloadError(DataToolError):
    """A file is in no mirror and could not be downloaded (offline?)."""


def _need_space(folder: Path, nbytes: int, what: str, elsewhere: str) -> None:
    if (free := shutil.disk_usage(folder).free) < nbytes:
        raise DataToolError(f"{folder} has {free >> 20} MB free, but {what} needs about {nbytes >> 20} "
                            f"MB there. Free some space on that disk (or {elsewhere}) and run again.")


def copy_file(src: Path, dest: Path, desc: str | None = None) -> None:
    """Copy ``src`` to ``dest`` atomically, with a progress bar."""
    with open(src, "rb") as fh, atomic_open(dest) as out, tqdm(
            total=src.stat().st_size, unit="B", unit_scale=True, desc=desc or dest.name, leave=False) as bar:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            bar.update(out.write(chunk))


class Mirror:
    """A local folder with the course files under their own names, and ``SHA256SUMS``; read only
    when a file is needed from it, so that a stale setting does no harm."""

    def __init__(self, root: str | Path) -> None:
        self.root, self._sums = Path(root).expanduser(), None

    def get(self, name: str) -> Path | None:
        """The mirror's copy of ``name``, checked against ``SHA256SUMS``; None if it has none."""
        if not self.root.is_dir():
            raise DataToolError(f"mirror folder {self.root} does not exist, and {name} is needed from "
                                f"it. Check the path given to --mirror or {MIRROR_ENV_VAR}.")
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


def resolve_mirror(mirror: str | Path | None) -> Mirror | None:
    """``--mirror`` if given, else ``$COURSE_DATA_MIRROR`` if set, else None (download)."""
    chosen = mirror or os.environ.get(MIRROR_ENV_VAR)
    return Mirror(chosen) if chosen else None


def _fetch(name: str, url: str, dest: Path, mirror: Mirror | None, progress: bool = True) -> tuple[str, str]:
    """Put ``name`` at ``dest`` from the mirror if it has it, else download it from ``url``.
    Returns ``(how, origin)``, e.g. ``("copied from mirror /media/usb", "/media/usb/x.zip")``."""
    if mirror and (source := mirror.get(name)):
        copy_file(source, dest, desc=f"copy {name}")
        return f"copied from mirror {mirror.root}", str(source)
    timeout = socket.getdefaulttimeout()
    try:
        from torch.hub import download_url_to_file  # a temporary file, a progress bar, a rename

        socket.setdefaulttimeout(60)  # a download that stalls on a half-working network gives up
        download_url_to_file(url, str(dest), progress=progress)
    except (OSError, ValueError) as err:
        fix = (f"The mirror {mirror.root} has no {name}: add it there (`make mirror DIR=...` on a "
               "machine that has the data)" if mirror else
               f"Offline? Use a course mirror: --mirror DIR or {MIRROR_ENV_VAR}=DIR")
        raise DownloadError(f"could not download {url} ({getattr(err, 'reason', err)}). {fix}.") from None
    finally:
        socket.setdefaulttimeout(timeout)
    return f"downloaded from {url}", url


def _install(name: str, url: str, dest: Path, mirror: Mirror | None, expected: str,
             progress: bool = True) -> str:
    """Fetch ``name`` into a ``.fetch-*`` folder beside ``dest``, check that its SHA-256 starts with
    ``expected``, and only then move it to ``dest``. Returns how it was fetched."""
    with fetch_dir(dest.parent) as tmp:
        how, origin = _fetch(name, url, tmp / name, mirror, progress)
        if not (digest := sha256_file(tmp / name)).startswith(expected):
            raise DataToolError(f"{origin} has sha256 {digest[:12]}..., not {expected[:12]}...: a corrupted "
                                "or different file. Nothing was kept; fix the mirror copy or download again.")
        os.replace(tmp / name, dest)
    return how


def prepare_file(artifact: FileArtifact, data_dir: Path, mirror: Mirror | None) -> str:
    """Make sure ``data_dir/artifact.name`` exists with the right SHA-256. Returns what it did."""
    dest = data_dir / artifact.name
    if dest.is_file() and sha256_file(dest) == artifact.sha256:
        return f"{artifact.name}: present and verified, nothing to do"
    how = _install(artifact.name, artifact.url, dest, mirror, artifact.sha256)
    return f"{artifact.name}: {how}, sha256 verified"


def dataset_problems(folder: Path, manifest: Path = DATASET_MANIFEST) -> list[tuple[str, str]]:
    """``(kind, path relative to folder)`` for each file "missing", "changed" or "extra"."""
    expected = load_manifest(manifest)
    found = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    return ([("missing", r) for r in sorted(expected.keys() - found)]
            + [("changed", r) for r in sorted(expected.keys() & found)
               if sha256_file(folder / r) != expected[r]]
            + [("extra", r) for r in sorted(found - expected.keys())])


def load_manifest(manifest: Path = DATASET_MANIFEST) -> dict[str, str]:
    """``{relative path: sha256}`` for every file of the data set."""
    return read_sha256sums(manifest)


def verify_dataset(dataset_dir: Path, manifest: Path = DATASET_MANIFEST) -> list[str]:
    """One line per problem ("missing: <path>", "changed: ...", "extra: ..."), empty if all is well.
    Extra files (a ``.DS_Store``, the learner's notes) are harmless: kept, and never exported."""
    if not dataset_dir.is_dir():
        return [f"missing: {dataset_dir} (the whole data set)"]
    note = {"missing": "", "changed": " (sha256 differs from the manifest)",
            "extra": " (not part of the data set; harmless, left alone)"}
    return [f"{kind}: {dataset_dir / rel}{note[kind]}"
            for kind, rel in dataset_problems(dataset_dir, manifest)]


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


def prepare_dataset(data_dir: Path, mirror: Mirror | None, manifest: Path = DATASET_MANIFEST,
                    url: str = DATASET_URL) -> str:
    """Make ``data_dir/hymenoptera_data`` match the manifest: only a zip whose content checks out file by
    file replaces missing or damaged files (extra files are left alone). Returns what it did."""
    dataset_dir, expected = data_dir / DATASET_NAME, load_manifest(manifest)
    todo = [rel for kind, rel in dataset_problems(dataset_dir, manifest) if kind != "extra"]
    if not todo:
        return f"{DATASET_NAME}/: present and verified ({len(expected)} files), nothing to do"
    _need_space(data_dir, DATASET_SPACE, f"the data set ({len(todo)} file(s) to fetch)",
                "use --data-dir DIR, with COURSE_DATA_DIR=DIR for the notebooks")
    with fetch_dir(data_dir) as tmp:
        how, origin = _fetch(DATASET_ZIP, url, tmp / DATASET_ZIP, mirror)
        if origin == url and sha256_file(tmp / DATASET_ZIP) != DATASET_ZIP_SHA256:
            print(f"note: {DATASET_ZIP} from {url} differs from the known official bytes; "
                  "checking its content file by file instead.")
        safe_extract(tmp / DATASET_ZIP, tmp / "x", label=origin, max_files=2 * len(expected) + 16)
        root = next((c for c in (tmp / "x" / DATASET_NAME, tmp / "x") if (c / "train").is_dir()
                     and (c / "val").is_dir()), None)
        if root is None:
            raise DataToolError(f"{origin} holds no train/ and val/ folders: it is not the ants-and-bees "
                                "data set. Replace the mirror copy.")
        if bad := [f"{kind} {rel}" for kind, rel in dataset_problems(root, manifest) if kind != "extra"]:
            raise DataToolError(f"{origin} does not hold the expected data set: {len(bad)} file(s) missing "
                                f"or changed, e.g. {bad[0]}. Nothing was changed in {dataset_dir}; replace "
                                "the mirror copy or download again.")
        for rel in todo:
            (dataset_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(root / rel, dataset_dir / rel)
    return f"{DATASET_NAME}/: {how}; {len(todo)} file(s) put in place, all {len(expected)} verified"


def prefetch_weights(mirror: Mirror | None, progress: bool = True) -> str:
    """Put the VGG16 ImageNet checkpoint into the torch hub cache (mirror first, else download), replacing
    a damaged one. Returns what it did; raises ``DownloadError`` offline, ``DataToolError`` if not genuine."""
    dest = hub_checkpoints_dir() / WEIGHTS_NAME
    damaged = dest.is_file() and not cached_sha256(dest).startswith(VGG16_SHA256_PREFIX)
    if dest.is_file() and not damaged:
        return f"{WEIGHTS_NAME}: present in {dest.parent} and genuine, nothing to do"
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_fetch_dirs(dest.parent)
    _need_space(dest.parent, WEIGHTS_SPACE, WEIGHTS_NAME, "set TORCH_HOME to a folder on a disk with room")
    how = _install(WEIGHTS_NAME, f"https://download.pytorch.org/models/{WEIGHTS_NAME}", dest, mirror,
                   VGG16_SHA256_PREFIX, progress)
    return f"{WEIGHTS_NAME}: {how} into {dest.parent}{', replacing a damaged copy' * damaged}, genuine"


def verify_all(data_dir: Path, manifest: Path = DATASET_MANIFEST) -> list[str]:
    """Every problem on disk, one line each, starting with its kind: "missing", "changed", "extra"
    (harmless), "leftover" (of an interrupted run) or "weights" (a damaged cached checkpoint)."""
    problems = verify_dataset(data_dir / DATASET_NAME, manifest)
    for path, sha in ((data_dir / a.name, a.sha256) for a in FILE_ARTIFACTS):
        if not path.is_file() or sha256_file(path) != sha:
            problems.append(f"changed: {path} (sha256 differs from the expected file)" if path.is_file()
                            else f"missing: {path}")
    problems += [f"leftover: {p} (a temporary folder of an interrupted run)"
                 for folder in (data_dir, hub_checkpoints_dir()) for p in stale_fetch_dirs(folder)]
    problems += stale_temp_report(OUTPUT_DIR / "weights")  # a killed save's .NAME.<pid>.tmp, with its own fix
    weights = hub_checkpoints_dir() / WEIGHTS_NAME
    if weights.is_file() and not cached_sha256(weights).startswith(VGG16_SHA256_PREFIX):
        problems.append(f"weights: {weights} is not the ImageNet checkpoint (damaged)")
    return problems


def export_mirror(data_dir: Path, out_dir: Path, manifest: Path = DATASET_MANIFEST) -> list[str]:
    """Write a mirror folder to hand out: the data set's own files zipped (reproducibly; extra files
    stay out), the two files, the weights if cached, and ``SHA256SUMS``. Returns what it did."""
    problems = [p for p in verify_all(data_dir, manifest) if p.startswith(("missing", "changed", "weights"))]
    if problems:
        raise DataToolError(f"cannot export: {len(problems)} problem(s), e.g. {problems[0]}. "
                            f"Run `{_fix_command(problems)}` first.")
    out_dir.mkdir(parents=True, exist_ok=True)
    with atomic_open(out_dir / DATASET_ZIP) as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel in sorted(load_manifest(manifest)):
            info = zipfile.ZipInfo(f"{DATASET_NAME}/{rel}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            zf.writestr(info, (data_dir / DATASET_NAME / rel).read_bytes())
    report, names = [f"{DATASET_ZIP}: packed from {data_dir / DATASET_NAME}"], [DATASET_ZIP]
    for src in [data_dir / a.name for a in FILE_ARTIFACTS] + [hub_checkpoints_dir() / WEIGHTS_NAME]:
        if src.is_file():
            copy_file(src, out_dir / src.name, desc=f"copy {src.name}")
            report.append(f"{src.name}: copied from {src.parent}")
            names.append(src.name)
    if WEIGHTS_NAME not in names:
        report.append(f"{WEIGHTS_NAME}: not cached here, left out (run with --weights online to include it)")
    write_sha256sums(out_dir / MIRROR_SUMS, {n: sha256_file(out_dir / n) for n in names})
    return [*report, f"{MIRROR_SUMS}: written for {len(names)} files"]


def _fix_command(problems: list[str]) -> str:
    """The command that fixes ``problems`` (``--weights`` also replaces a damaged checkpoint)."""
    return "python -m utils.prepare_data" + " --weights" * any(p.startswith("weights") for p in problems)


def _os_error_line(err: OSError, data_dir: Path) -> str:
    """One line naming the file (not a temporary folder, which is gone) and the fix."""
    where = Path(err.filename or data_dir)
    where = next((p.parent for p in (where, *where.parents) if p.name.startswith(".fetch-")), where)
    if err.errno == errno.ENOSPC:
        return (f"the disk holding {where} is full. The data set needs about {DATASET_SPACE >> 20} MB "
                f"free in {data_dir}, the weights about {WEIGHTS_SPACE >> 20} MB in {hub_checkpoints_dir()}: "
                "free some space there and run again.")
    if err.errno == errno.EROFS:
        return f"{where} is on a read-only disk: use --data-dir DIR on a writable one."
    if err.errno in (errno.EACCES, errno.EPERM):
        return (f"permission denied: {where}. Make it readable and writable for you "
                f"(e.g. `chmod -R u+rwX '{where}'`), or use --data-dir DIR for another folder.")
    return f"{where}: {err.strerror or err}. Check the disk and the path, then run again."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m utils.prepare_data", description=__doc__.split("\n")[0],
        epilog="The same through make: make data, make weights, make verify, make mirror DIR=/media/usb; "
               "offline: COURSE_DATA_MIRROR=/media/usb make lab.")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help=f"where the data goes ({DATA_DIR})")
    parser.add_argument("--mirror", metavar="DIR", help=f"take missing files from this mirror folder "
                        f"(default: ${MIRROR_ENV_VAR}), e.g. a USB stick in an offline classroom")
    parser.add_argument("--weights", action="store_true", help="also put the VGG16 ImageNet weights "
                        "(528 MB) into the torch hub cache, replacing a damaged copy (done anyway when "
                        "the mirror holds them)")
    parser.add_argument("--verify", action="store_true", help="fetch nothing: re-check every file on "
                        "disk, name each problem and the command that fixes it, exit 1 if any")
    parser.add_argument("--export", metavar="DIR", type=Path,
                        help="write a mirror folder (data, cached weights, SHA256SUMS) to hand out")
    return parser


def _run(args: argparse.Namespace, data_dir: Path) -> int:
    if args.verify:
        found = verify_all(data_dir)
        print(*found, sep="\n") if found else None
        if problems := [p for p in found if not p.startswith("extra")]:
            print(f"{len(problems)} problem(s). Fix: `{_fix_command(problems)}`.")
            return 1
        print(f"All course data in {data_dir} verified.")
    elif args.export:
        print(*export_mirror(data_dir, args.export.expanduser().resolve()), sep="\n")
    else:
        for path in remove_stale_fetch_dirs(data_dir) + remove_stale_fetch_dirs(hub_checkpoints_dir()):
            print(f"removed {path}, left behind by an interrupted run")
        mirror = resolve_mirror(args.mirror)
        data_dir.mkdir(parents=True, exist_ok=True)
        print(prepare_dataset(data_dir, mirror))
        for artifact in FILE_ARTIFACTS:
            print(prepare_file(artifact, data_dir, mirror))
        # A mirror that carries the weights is a classroom's whole kit: take them too (a local copy).
        if args.weights or (mirror is not None and (mirror.root / WEIGHTS_NAME).is_file()):
            print(prefetch_weights(mirror))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status. A failure is one line on stderr."""
    args = build_parser().parse_args(argv)
    data_dir: Path = args.data_dir.expanduser().resolve()
    try:
        return _run(args, data_dir)
    except DataToolError as err:
        line = str(err)
    except OSError as err:
        line = _os_error_line(err, data_dir)
    except ValueError as err:  # e.g. a damaged manifest
        line = f"{err}. Restore the file (git checkout -- utils/manifests) and run again."
    print(f"error: {line}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
