"""Put the course's files in place: from a mirror if it has them, else downloaded; staged in a ``.fetch-*``
folder beside the target and moved in only once their SHA-256 (the data set: file by file) checks out."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

from utils.datalib.artifacts import (DATASET_SPACE, DATASET_URL, DATASET_ZIP, DATASET_ZIP_SHA256, WEIGHTS_SPACE,
                                     FileArtifact, is_genuine_sha256, weights_path, weights_url)
from utils.datalib.atomic_write import fetch_dir, remove_stale_fetch_dirs
from utils.datalib.checksums import cached_sha256, sha256_file
from utils.datalib.errors import DataToolError, DownloadError
from utils.datalib.mirror import Mirror, copy_file
from utils.datalib.safezip import safe_extract
from utils.datalib.verify import dataset_problems, load_manifest
from utils.settings import paths
from utils.settings.environment import DATA_DIR_VAR, MIRROR_VAR

#: Where to go instead when the data folder's disk is full or read-only.
DATA_ELSEWHERE = f"set {DATA_DIR_VAR}=DIR to another folder (the notebooks and the data tool both read it)"


def need_space(folder: Path, nbytes: int, what: str, elsewhere: str) -> None:
    """Raise ``DataToolError`` if ``folder``'s disk has less than ``nbytes`` free for ``what``."""
    if (free := shutil.disk_usage(folder).free) < nbytes:
        raise DataToolError(f"{folder} has {free >> 20} MB free, but {what} needs about {nbytes >> 20} "
                            f"MB there. Free some space on that disk (or {elsewhere}) and run again.")


def _fetch(name: str, url: str, dest: Path, mirror: Mirror | None, sha256_prefix: str | None = None,
           progress: bool = True) -> tuple[str, str]:
    """Put ``name`` at ``dest`` from the mirror if it has it, else download it from ``url`` (torch.hub checks
    ``sha256_prefix`` then). Returns ``(how, origin)``, e.g. ``("copied from mirror /usb", "/usb/x.zip")``."""
    if mirror and (source := mirror.get(name)):
        copy_file(source, dest, desc=f"copy {name}")
        return f"copied from mirror {mirror.root}", str(source)
    timeout = socket.getdefaulttimeout()
    try:
        from torch.hub import download_url_to_file  # a temporary file, a progress bar, a rename

        socket.setdefaulttimeout(60)  # a download that stalls on a half-working network gives up
        download_url_to_file(url, str(dest), hash_prefix=sha256_prefix, progress=progress)
    except (OSError, ValueError) as err:
        fix = (f"The mirror {mirror.root} has no {name}: add it there (`make mirror DIR=...` on a machine that "
               "has the data)" if mirror else f"Offline? Use a course mirror: --mirror DIR or {MIRROR_VAR}=DIR")
        raise DownloadError(f"could not download {url} ({getattr(err, 'reason', err)}). {fix}.") from None
    except RuntimeError as err:  # torch.hub's hash check: invalid hash value (expected "...", got "...")
        raise DataToolError(f"{url} gave a corrupted or different file: {err}. Nothing was kept; try again.") from None
    finally:
        socket.setdefaulttimeout(timeout)
    return f"downloaded from {url}", url


def _install(name: str, url: str, dest: Path, mirror: Mirror | None, expected: str, progress: bool = True) -> str:
    """Fetch ``name`` into a ``.fetch-*`` folder beside ``dest``, check that its SHA-256 starts with
    ``expected``, and only then move it to ``dest``. Returns how it was fetched."""
    with fetch_dir(dest.parent) as tmp:
        how, origin = _fetch(name, url, tmp / name, mirror, expected, progress)
        if origin != url and not (digest := sha256_file(tmp / name)).startswith(expected):  # a download: checked
            raise DataToolError(f"{origin} has sha256 {digest[:12]}..., not {expected[:12]}...: a corrupted "
                                "or different file. Nothing was kept; fix the mirror copy or download again.")
        os.replace(tmp / name, dest)
    return how


def prepare_file(artifact: FileArtifact, data_dir: Path, mirror: Mirror | None) -> str:
    """Make sure ``data_dir/artifact.name`` exists with the right SHA-256. Returns what it did."""
    dest = data_dir / artifact.name
    if dest.is_file() and sha256_file(dest) == artifact.sha256:
        return f"{artifact.name}: present and verified, nothing to do"
    return f"{artifact.name}: {_install(artifact.name, artifact.url, dest, mirror, artifact.sha256)}, sha256 verified"


def prepare_dataset(data_dir: Path, mirror: Mirror | None, manifest: Path | None = None,
                    url: str = DATASET_URL) -> str:
    """Make ``data_dir/hymenoptera_data`` match the manifest: only a zip whose content checks out file by
    file replaces missing or damaged files (extra files are left alone). Returns what it did."""
    dataset_dir, expected = data_dir / paths.DATASET_NAME, load_manifest(manifest)
    todo = [rel for kind, rel in dataset_problems(dataset_dir, manifest) if kind != "extra"]
    if not todo:
        return f"{paths.DATASET_NAME}/: present and verified ({len(expected)} files), nothing to do"
    need_space(data_dir, DATASET_SPACE, f"the data set ({len(todo)} file(s) to fetch)", DATA_ELSEWHERE)
    with fetch_dir(data_dir) as tmp:
        how, origin = _fetch(DATASET_ZIP, url, tmp / DATASET_ZIP, mirror)
        if origin == url and sha256_file(tmp / DATASET_ZIP) != DATASET_ZIP_SHA256:
            print(f"note: {DATASET_ZIP} from {url} differs from the known official bytes; "
                  "checking its content file by file instead.")
        safe_extract(tmp / DATASET_ZIP, tmp / "x", label=origin, max_files=2 * len(expected) + 16)
        root = next((c for c in (tmp / "x" / paths.DATASET_NAME, tmp / "x") if (c / "train").is_dir()
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
    return f"{paths.DATASET_NAME}/: {how}; {len(todo)} file(s) put in place, all {len(expected)} verified"


def prefetch_weights(mirror: Mirror | None, progress: bool = True) -> str:
    """Put the VGG16 ImageNet checkpoint into the torch hub cache (mirror first, else download), replacing
    a damaged one. Returns what it did; raises ``DownloadError`` offline, ``DataToolError`` if not genuine."""
    dest = weights_path()
    damaged = dest.is_file() and not is_genuine_sha256(cached_sha256(dest))
    if dest.is_file() and not damaged:
        return f"{dest.name}: present in {dest.parent} and genuine, nothing to do"
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_fetch_dirs(dest.parent)
    need_space(dest.parent, WEIGHTS_SPACE, dest.name, "set TORCH_HOME to a folder on a disk with room")
    how = _install(dest.name, weights_url(), dest, mirror, paths.VGG16_SHA256_PREFIX, progress)
    return f"{dest.name}: {how} into {dest.parent}{', replacing a damaged copy' * damaged}, genuine"
