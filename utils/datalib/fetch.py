"""Put the course's files in place, from a mirror folder if it has them, else downloaded; staged
in a ``.fetch-*`` folder and moved in only once their SHA-256 (the data set: file by file) checks
out. Also writes a mirror."""

import errno
import os
import shutil
import socket
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from utils.datalib.artifacts import (DATASET_SPACE, DATASET_URL, DATASET_ZIP, DATASET_ZIP_SHA256,
                                     FILE_ARTIFACTS, MIRROR_SUMS, WEIGHTS_SPACE, FileArtifact,
                                     is_genuine_sha256, weights_path, weights_url)
from utils.datalib.atomic_write import FETCH_DIR, atomic_open, fetch_dir, remove_stale_temp_files
from utils.datalib.checksums import cached_sha256, read_sha256sums, sha256_file, write_sha256sums
from utils.datalib.verify import dataset_problems, fix_command, load_manifest, verify_all
from utils.errors import DISK_ERRNOS, DataToolError, DownloadError, disk_error_line
from utils.settings import paths
from utils.settings.environment import DATA_DIR_VAR, MIRROR_VAR
from utils.settings.language import tr
from utils.settings.progress import tqdm


#: A zip is refused before extraction if one entry or the total is far beyond the data set
#: (largest file 2.1 MB, all 398 files 47 MB).
MAX_ENTRY_BYTES, MAX_TOTAL_BYTES = 16 << 20, 128 << 20


def data_elsewhere() -> str:
    """Where to go instead when the data folder's disk is full or read-only."""
    return tr("set {var}=DIR to another folder (the notebooks and the data tool both read it)",
              var=DATA_DIR_VAR)


class Mirror:
    """A folder with the course's files under their own names and ``SHA256SUMS``, for an offline
    classroom (a USB stick, a shared folder); read only when a file is needed from it, so that a
    stale setting does no harm."""

    def __init__(self, root: str | Path) -> None:
        self.root, self._sums = Path(root).expanduser(), None

    def get(self, name: str) -> Path | None:
        """The mirror's copy of ``name``, checked against ``SHA256SUMS``; None if it has none.
        Raises ``DataToolError`` if the folder is missing, ``SHA256SUMS`` is damaged or the copy
        does not match it."""
        if not self.root.is_dir():
            raise DataToolError(tr("mirror folder {root} does not exist, and {name} is "
                                   "needed from it. Check the path given to --mirror or {var}.",
                                   root=self.root, name=name, var=MIRROR_VAR))
        path = self.root / name
        if not path.is_file():
            return None
        try:
            sums = self.root / MIRROR_SUMS
            self._sums = self._sums or (read_sha256sums(sums) if sums.is_file() else {})
        except ValueError as err:
            raise DataToolError(tr("{err}. The mirror's {sums} is damaged: copy the mirror "
                                   "again, or write it anew with `make mirror DIR=...`.",
                                   err=err, sums=MIRROR_SUMS)) from None
        if name in self._sums and sha256_file(path) != self._sums[name]:
            raise DataToolError(tr("mirror file {path} does not match its {sums} entry: "
                                   "the mirror copy is damaged. Copy the mirror again from its "
                                   "source.", path=path, sums=MIRROR_SUMS))
        return path


def copy_file(src: Path, dest: Path, desc: str | None = None) -> None:
    """Copy ``src`` to ``dest`` atomically, with a progress bar."""
    size = src.stat().st_size
    with (open(src, "rb") as fh, atomic_open(dest) as out,
          tqdm(total=size, unit="B", unit_scale=True, desc=desc or dest.name, leave=False) as bar):
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            bar.update(out.write(chunk))


def export_mirror(data_dir: Path, out_dir: Path, manifest: Path | None = None) -> list[str]:
    """Write a mirror folder to hand out: the data set's own files zipped (reproducibly; extra
    files stay out), the two files, the weights if cached, and ``SHA256SUMS``. Returns what it did;
    ``DataToolError`` for bad data."""
    problems = [p for p in verify_all(data_dir, manifest)
                if p.startswith(("missing", "changed", "weights"))]
    if problems:
        raise DataToolError(tr("cannot export: {n} problem(s), e.g. {first}. Run `{fix}` first.",
                               n=len(problems), first=problems[0], fix=fix_command(problems)))
    out_dir.mkdir(parents=True, exist_ok=True)
    with (atomic_open(out_dir / DATASET_ZIP) as fh,
          zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf):
        for rel in sorted(load_manifest(manifest)):
            info = zipfile.ZipInfo(f"{paths.DATASET_NAME}/{rel}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            zf.writestr(info, (data_dir / paths.DATASET_NAME / rel).read_bytes())
    report = [tr("{name}: packed from {folder}", name=DATASET_ZIP, folder=data_dir / paths.DATASET_NAME)]
    names = [DATASET_ZIP]
    weights = weights_path()
    for src in [data_dir / a.name for a in FILE_ARTIFACTS] + [weights]:
        if src.is_file():
            copy_file(src, out_dir / src.name, desc=tr("copy {name}", name=src.name))
            report.append(tr("{name}: copied from {folder}", name=src.name, folder=src.parent))
            names.append(src.name)
    if not weights.is_file():
        report.append(tr("{name}: not cached here, left out (run with --weights online to include it)",
                         name=weights.name))
    write_sha256sums(out_dir / MIRROR_SUMS, {n: sha256_file(out_dir / n) for n in names})
    return [*report, tr("{sums}: written for {n} files", sums=MIRROR_SUMS, n=len(names))]


def _check_entries(zf: zipfile.ZipFile, label: str, max_files: int) -> None:
    """Refuse the zip (``DataToolError`` naming ``label``) if an entry would land outside the
    target, is a link, or the sizes are far beyond the data set. ``extractall`` would strip a
    ``..`` or a drive silently and write a link as a small file: the course says so instead."""
    refused = tr("The archive was refused before anything was extracted; get a clean copy of {label}.",
                 label=label)
    total, count = 0, 0
    for info in zf.infolist():
        rel = PurePosixPath(info.filename.replace("\\", "/"))
        if rel.is_absolute() or ".." in rel.parts or (rel.parts and ":" in rel.parts[0]):
            raise DataToolError(tr("{label} contains the entry '{entry}', which would be "
                                   "written outside the target folder. {refused}",
                                   label=label, entry=info.filename, refused=refused))
        if stat.S_ISLNK(info.external_attr >> 16):
            raise DataToolError(tr("{label} contains the symbolic link '{entry}'. {refused}",
                                   label=label, entry=info.filename, refused=refused))
        if info.is_dir():
            continue
        total, count = total + info.file_size, count + 1
        if info.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES or count > max_files:
            raise DataToolError(tr("{label} holds far more than the data set (at '{entry}': "
                                   "{entry_mb} MB, {total_mb} MB and {count} files so "
                                   "far; the data set is 47 MB). {refused}",
                                   label=label, entry=info.filename, entry_mb=info.file_size >> 20,
                                   total_mb=total >> 20, count=count, refused=refused))


def safe_extract(zip_path: Path, target: Path, label: str | None = None,
                 max_files: int = 1000) -> list[Path]:
    """``zipfile.ZipFile.extractall`` into ``target`` once every entry is checked; returns the
    files. The whole zip is refused, a ``DataToolError`` naming ``label`` (default its path), if
    it is damaged or an entry would escape ``target``, is a link, clashes with a folder, or if the
    sizes are far beyond the data set."""
    label = label or str(zip_path)
    try:
        with zipfile.ZipFile(zip_path) as zf:
            _check_entries(zf, label, max_files)
            zf.extractall(target)
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError) as err:
        raise DataToolError(tr("{label} is not a readable zip ({err}): a truncated or corrupted "
                               "download or mirror copy. Nothing was kept; fetch it again.",
                               label=label, err=err)) from None
    except (FileExistsError, NotADirectoryError, IsADirectoryError) as err:
        clash = Path(err.filename or target).relative_to(target)
        raise DataToolError(tr("{label} has '{clash}' both as a file and as a folder. Nothing was "
                               "kept; get a clean copy of {label}.", label=label, clash=clash)) from None
    return [target.joinpath(*PurePosixPath(name).parts) for name in names]


def need_space(folder: Path, nbytes: int, what: str, elsewhere: str) -> None:
    """Raise ``DataToolError`` if ``folder``'s disk has less than ``nbytes`` free for ``what``."""
    if shutil.disk_usage(folder).free < nbytes:
        needs = tr("{what} needs about {mb} MB there", what=what, mb=nbytes >> 20)
        raise DataToolError(disk_error_line(errno.ENOSPC, folder, needs, elsewhere))


def _fetch(name: str, url: str, dest: Path, mirror: Mirror | None, sha256_prefix: str | None = None,
           progress: bool = True) -> tuple[str, str]:
    """Put ``name`` at ``dest`` from the mirror if it has it, else download it from ``url``
    (torch.hub checks ``sha256_prefix`` then). Returns ``(how, origin)``, e.g.
    ``("copied from mirror /usb", "/usb/x.zip")``."""
    source = mirror.get(name) if mirror else None
    if source:
        copy_file(source, dest, desc=tr("copy {name}", name=name))
        return tr("copied from mirror {root}", root=mirror.root), str(source)
    timeout = socket.getdefaulttimeout()
    try:
        from torch.hub import download_url_to_file  # a temporary file, a progress bar, a rename

        socket.setdefaulttimeout(60)  # a download that stalls on a half-working network gives up
        download_url_to_file(url, str(dest), hash_prefix=sha256_prefix, progress=progress)
    except (OSError, ValueError) as err:
        if getattr(err, "errno", None) in DISK_ERRNOS:
            raise  # the disk, not the network: the callers word it (prepare_data, load_vgg16)
        if mirror:
            fix = tr("The mirror {root} has no {name}: add it there "
                     "(`make mirror DIR=...` on a machine that has the data)", root=mirror.root, name=name)
        else:
            fix = tr("Offline? Use a course mirror: --mirror DIR or {var}=DIR", var=MIRROR_VAR)
        why = getattr(err, "reason", err)
        raise DownloadError(tr("could not download {url} ({why}). {fix}.", url=url, why=why, fix=fix)) from None
    except RuntimeError as err:  # torch.hub's hash check: "invalid hash value (expected ...)"
        raise DataToolError(tr("{url} gave a corrupted or different file: {err}. "
                               "Nothing was kept; try again.", url=url, err=err)) from None
    finally:
        socket.setdefaulttimeout(timeout)
    return tr("downloaded from {url}", url=url), url


def _install(name: str, url: str, dest: Path, mirror: Mirror | None, expected: str,
             progress: bool = True) -> str:
    """Fetch ``name`` into a ``.fetch-*`` folder beside ``dest``, and move it to ``dest`` only if
    its SHA-256 starts with ``expected``. Returns how it was fetched."""
    with fetch_dir(dest.parent) as tmp:
        how, origin = _fetch(name, url, tmp / name, mirror, expected, progress)
        digest = sha256_file(tmp / name) if origin != url else expected  # a download: checked
        if not digest.startswith(expected):
            raise DataToolError(tr("{origin} has sha256 {digest}..., not {expected}...: a "
                                   "corrupted or different file. Nothing was kept; fix the mirror "
                                   "copy or download again.",
                                   origin=origin, digest=digest[:12], expected=expected[:12]))
        os.replace(tmp / name, dest)
    return how


def prepare_file(artifact: FileArtifact, data_dir: Path, mirror: Mirror | None) -> str:
    """Make sure ``data_dir/artifact.name`` exists with the right SHA-256. Returns what it did."""
    dest = data_dir / artifact.name
    if dest.is_file() and sha256_file(dest) == artifact.sha256:
        return tr("{name}: present and verified, nothing to do", name=artifact.name)
    how = _install(artifact.name, artifact.url, dest, mirror, artifact.sha256)
    return tr("{name}: {how}, sha256 verified", name=artifact.name, how=how)


def prepare_dataset(data_dir: Path, mirror: Mirror | None, manifest: Path | None = None,
                    url: str = DATASET_URL) -> str:
    """Make ``data_dir/hymenoptera_data`` match the manifest: only a zip whose content checks out
    file by file replaces missing or damaged files (extra files are left alone). Returns what it
    did."""
    dataset_dir, expected = data_dir / paths.DATASET_NAME, load_manifest(manifest)
    todo = [rel for kind, rel in dataset_problems(dataset_dir, manifest) if kind != "extra"]
    if not todo:
        return tr("{name}/: present and verified ({n} files), nothing to do",
                  name=paths.DATASET_NAME, n=len(expected))
    what = tr("the data set ({n} file(s) to fetch)", n=len(todo))
    need_space(data_dir, DATASET_SPACE, what, data_elsewhere())
    with fetch_dir(data_dir) as tmp:
        how, origin = _fetch(DATASET_ZIP, url, tmp / DATASET_ZIP, mirror)
        if origin == url and sha256_file(tmp / DATASET_ZIP) != DATASET_ZIP_SHA256:
            print(tr("note: {name} from {url} differs from the known official bytes; "
                     "checking its content file by file instead.", name=DATASET_ZIP, url=url))
        safe_extract(tmp / DATASET_ZIP, tmp / "x", label=origin, max_files=2 * len(expected) + 16)
        tops = [c for c in (tmp / "x" / paths.DATASET_NAME, tmp / "x")
                if (c / "train").is_dir() and (c / "val").is_dir()]
        root = tops[0] if tops else None
        if root is None:
            raise DataToolError(tr("{origin} holds no train/ and val/ folders: it is not the "
                                   "ants-and-bees data set. Replace the mirror copy.", origin=origin))
        bad = [f"{kind} {rel}" for kind, rel in dataset_problems(root, manifest) if kind != "extra"]
        if bad:
            raise DataToolError(tr("{origin} does not hold the expected data set: {n} file(s) "
                                   "missing or changed, e.g. {first}. Nothing was changed in "
                                   "{folder}; replace the mirror copy or download again.",
                                   origin=origin, n=len(bad), first=bad[0], folder=dataset_dir))
        for rel in todo:
            (dataset_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(root / rel, dataset_dir / rel)
    return tr("{name}/: {how}; {n} file(s) put in place, all {total} verified",
              name=paths.DATASET_NAME, how=how, n=len(todo), total=len(expected))


def prefetch_weights(mirror: Mirror | None, progress: bool = True) -> str:
    """Put the VGG16 ImageNet checkpoint into the torch hub cache (mirror first, else download),
    replacing a damaged one. Returns what it did; raises ``DownloadError`` offline,
    ``DataToolError`` if not genuine."""
    dest = weights_path()
    damaged = dest.is_file() and not is_genuine_sha256(cached_sha256(dest))
    if dest.is_file() and not damaged:
        return tr("{name}: present in {folder} and genuine, nothing to do", name=dest.name, folder=dest.parent)
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(dest.parent, pattern=FETCH_DIR)
    need_space(dest.parent, WEIGHTS_SPACE, dest.name,
               tr("set TORCH_HOME to a folder on a disk with room"))
    how = _install(dest.name, weights_url(), dest, mirror, paths.VGG16_SHA256_PREFIX, progress)
    if damaged:
        return tr("{name}: {how} into {folder}, replacing a damaged copy, genuine",
                  name=dest.name, how=how, folder=dest.parent)
    return tr("{name}: {how} into {folder}, genuine", name=dest.name, how=how, folder=dest.parent)
