"""The course's data tool: fetch, verify and hand out the data and the VGG16 weights.

The command line of ``utils.datalib``: each failure becomes one line naming the file and the fix."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from utils.datalib.artifacts import (DATASET_SPACE, FILE_ARTIFACTS, WEIGHTS_SPACE,
                                     hub_checkpoints_dir, weights_path)
from utils.datalib.atomic_write import FETCH_DIR, FETCH_PREFIX, remove_stale_temp_files
from utils.datalib.fetch import (Mirror, data_elsewhere, export_mirror, prefetch_weights,
                                 prepare_dataset, prepare_file)
from utils.datalib.verify import fix_command, verify_all
from utils.errors import DataToolError, disk_error_line
from utils.settings.environment import DATA_DIR_VAR, MIRROR_VAR, read_folders, read_mirror
from utils.settings.language import tr


def _os_error_line(err: OSError, data_dir: Path) -> str:
    """One line naming the file (not a temporary folder, which is gone) and the fix."""
    where = Path(err.filename or data_dir)
    staged = [p.parent for p in (where, *where.parents) if p.name.startswith(FETCH_PREFIX)]
    if staged:
        where = staged[0]
    if hub_checkpoints_dir() in (where, *where.parents):
        elsewhere = tr("set TORCH_HOME=DIR to move torch's hub cache")
    else:
        elsewhere = data_elsewhere()
    needs = tr("the data set needs about {data_mb} MB in {data_dir}, the weights about "
               "{weights_mb} MB in {hub}", data_mb=DATASET_SPACE >> 20, data_dir=data_dir,
               weights_mb=WEIGHTS_SPACE >> 20, hub=hub_checkpoints_dir())
    line = disk_error_line(err.errno, where, needs, elsewhere)
    if line is None:
        line = tr("{where}: {why}. Check the disk and the path, then run again.",
                  where=where, why=err.strerror or err)
    return line


def build_parser() -> argparse.ArgumentParser:
    """The command line: ``--data-dir``, ``--mirror``, ``--weights``, ``--verify``, ``--export``."""
    data_dir = read_folders()[0]
    parser = argparse.ArgumentParser(
        prog="python -m utils.prepare_data",
        description=tr("The course's data tool: fetch, verify and hand out the data and the VGG16 weights."),
        epilog=tr("The same through make: make data, make weights, make verify, "
                  "make mirror DIR=/media/usb; offline: COURSE_DATA_MIRROR=/media/usb make lab."))
    parser.add_argument("--data-dir", type=Path, default=data_dir,
                        help=tr("where the data goes (default: ${var}, where the notebooks "
                                "look, else the repository's data/: {folder})", var=DATA_DIR_VAR, folder=data_dir))
    parser.add_argument("--mirror", metavar="DIR",
                        help=tr("take missing files from this mirror folder (default: "
                                "${var}), e.g. a USB stick in an offline classroom", var=MIRROR_VAR))
    parser.add_argument("--weights", action="store_true",
                        help=tr("also put the VGG16 ImageNet weights (528 MB) into the torch hub "
                                "cache ($TORCH_HOME), replacing a damaged copy (done anyway when the "
                                "mirror holds them)"))
    parser.add_argument("--verify", action="store_true",
                        help=tr("fetch nothing: re-check every file on disk, name each problem and "
                                "the command that fixes it, exit 1 if any"))
    parser.add_argument("--export", metavar="DIR", type=Path,
                        help=tr("write a mirror folder (data, cached weights, SHA256SUMS) to hand out"))
    return parser


def _run(args: argparse.Namespace, data_dir: Path) -> int:
    if args.verify:
        found = verify_all(data_dir, output_dir=read_folders()[1])
        if found:
            print("\n".join(found))
        problems = [p for p in found if not p.startswith("extra")]
        if problems:
            print(tr("{n} problem(s). Fix: `{fix}`.", n=len(problems), fix=fix_command(problems)))
            return 1
        print(tr("All course data in {folder} verified.", folder=data_dir))
    elif args.export:
        print(*export_mirror(data_dir, args.export.expanduser().resolve()), sep="\n")
    else:
        for folder in (data_dir, hub_checkpoints_dir()):
            remove_stale_temp_files(folder, pattern=FETCH_DIR)
        chosen = args.mirror or read_mirror()
        mirror = Mirror(chosen) if chosen else None
        data_dir.mkdir(parents=True, exist_ok=True)
        print(prepare_dataset(data_dir, mirror))
        for artifact in FILE_ARTIFACTS:
            print(prepare_file(artifact, data_dir, mirror))
        # A mirror that carries the weights is a classroom's whole kit: take them too.
        kit = mirror is not None and (mirror.root / weights_path().name).is_file()
        if args.weights or kit:
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
        line = tr("{err}. Restore the file (git checkout -- utils/manifests) and run again.", err=err)
    except KeyboardInterrupt:  # Ctrl-C: each file is staged in a temporary folder, moved in whole
        print(tr("interrupted: nothing half-fetched was kept; run the same command again to go on."),
              file=sys.stderr)
        return 130
    print(tr("error: {line}", line=line), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
