"""Check the course's files on disk: the data set against its manifest, the two single files, the
cached weights, and what interrupted runs left behind."""

from pathlib import Path

from utils.datalib import artifacts
from utils.datalib.artifacts import (FILE_ARTIFACTS, hub_checkpoints_dir, is_genuine_sha256,
                                     weights_path)
from utils.datalib.atomic_write import FETCH_DIR, stale_temp_files, stale_temp_report
from utils.datalib.checksums import cached_sha256, read_sha256sums, sha256_file
from utils.settings import paths
from utils.settings.language import tr


def load_manifest(manifest: Path | None = None) -> dict[str, str]:
    """``{relative path: sha256}`` for every file of the data set (``manifest``: default the
    course's)."""
    return read_sha256sums(manifest or artifacts.DATASET_MANIFEST)


def dataset_problems(folder: Path, manifest: Path | None = None) -> list[tuple[str, str]]:
    """``(kind, path relative to folder)`` for each file "missing", "changed" or "extra"."""
    expected = load_manifest(manifest)
    found = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    changed = [r for r in sorted(expected.keys() & found) if sha256_file(folder / r) != expected[r]]
    return ([("missing", r) for r in sorted(expected.keys() - found)]
            + [("changed", r) for r in changed]
            + [("extra", r) for r in sorted(found - expected.keys())])


def verify_dataset(dataset_dir: Path, manifest: Path | None = None) -> list[str]:
    """One line per problem ("missing: <path>", "changed: ...", "extra: ..."), empty if all is well.
    Extra files (a ``.DS_Store``, the learner's notes) are harmless: kept, and never exported."""
    if not dataset_dir.is_dir():
        return ["missing: " + tr("{path} (the whole data set)", path=dataset_dir)]
    note = {"missing": "", "changed": tr(" (sha256 differs from the manifest)"),
            "extra": tr(" (not part of the data set; harmless, left alone)")}
    return [f"{kind}: {dataset_dir / rel}{note[kind]}"
            for kind, rel in dataset_problems(dataset_dir, manifest)]


def verify_all(data_dir: Path, manifest: Path | None = None,
               output_dir: Path | None = None) -> list[str]:
    """Every problem on disk, one line each, starting with its kind: "missing", "changed", "extra"
    (harmless; also a killed save's temporary file in ``output_dir/weights``, if given), "leftover"
    (a fetch's temporary folder) or "weights" (a damaged cached checkpoint)."""
    problems = verify_dataset(data_dir / paths.DATASET_NAME, manifest)
    for artifact in FILE_ARTIFACTS:
        path = data_dir / artifact.name
        if not path.is_file():
            problems.append(f"missing: {path}")
        elif sha256_file(path) != artifact.sha256:
            problems.append("changed: " + tr("{path} (sha256 differs from the expected file)", path=path))
    for folder in (data_dir, hub_checkpoints_dir()):
        problems += ["leftover: " + tr("{path} (a temporary folder of an interrupted run)", path=p)
                     for p, _ in stale_temp_files(folder, pattern=FETCH_DIR)]
    if output_dir is not None:
        problems += stale_temp_report(output_dir / "weights")
    weights = weights_path()
    if weights.is_file() and not is_genuine_sha256(cached_sha256(weights)):
        problems.append("weights: " + tr("{path} is not the ImageNet checkpoint (damaged)", path=weights))
    return problems


def fix_command(problems: list[str]) -> str:
    """The command that fixes ``problems`` (``--weights`` also replaces a damaged checkpoint)."""
    if any(p.startswith("weights") for p in problems):
        return "python -m utils.prepare_data --weights"
    return "python -m utils.prepare_data"
