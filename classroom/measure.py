"""Peak memory and wall time of each notebook, to size a classroom's machines.

``python -m classroom.measure [--modes smoke,full] [notebook ...]`` runs each notebook top to bottom in a fresh
kernel (nbclient, as ``make run`` does), then asks that kernel for its peak resident memory (``getrusage``'s
``ru_maxrss``, what the hub's memory limit must hold) and prints a Markdown table. The
environment is passed on to the kernels (``COURSE_BATCH_SIZE``, ``TORCH_HOME``, ...); only ``COURSE_SMOKE`` is
set per mode, and ``COURSE_OUTPUT_DIR`` to a temporary folder, so that nothing is saved into ``weights/``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
#: Run in the kernel after the notebook: the kernel's peak resident memory (KiB on Linux) and the settings it ran
#: with. Child processes are left out: the course's DataLoaders have no workers, and a forked child's maxrss counts
#: the pages it shares with the kernel.
PROBE = """\
import json, resource
print(json.dumps({"peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "smoke": ctx.mode.smoke,
                  "batch_size": ctx.batch_size}))
"""


def measure(notebook: Path, smoke: bool, output_dir: Path) -> dict:
    """Run ``notebook`` in a fresh kernel; ``{"seconds", "peak_mib", "smoke", "batch_size", "rises"}``, where
    ``rises`` lists ``(MiB, cell number, first line)`` for each cell that raised the kernel's peak (Linux)."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    env = {**os.environ, "COURSE_SMOKE": "1" if smoke else "0", "COURSE_OUTPUT_DIR": str(output_dir)}
    client = NotebookClient(nb, timeout=-1, kernel_name="python3",
                            resources={"metadata": {"path": str(notebook.parent)}})
    rises, peak = [], [0]

    def after_cell(cell, cell_index: int, **_) -> None:
        with contextlib.suppress(OSError, AttributeError, StopIteration):
            status = Path(f"/proc/{client.km.provisioner.pid}/status").read_text().splitlines()
            hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
            if hwm > peak[0]:
                rises.append((hwm - peak[0], cell_index, cell.source.splitlines()[0] if cell.source else ""))
                peak[0] = hwm

    client.on_cell_executed = after_cell
    start = time.perf_counter()
    client.execute(env=env)
    seconds = time.perf_counter() - start
    probe = json.loads(nb.cells[-1].outputs[-1]["text"].strip().splitlines()[-1])
    return {"seconds": seconds, "peak_mib": probe.pop("peak_kib") / 1024, "rises": rises, **probe}


def describe_run() -> str:
    """Date, commit (``+`` when the work tree differs from it), machine and Python: what a figure depends on."""
    commit = subprocess.run(["git", "describe", "--always", "--dirty=+"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return (f"Measured {time.strftime('%Y-%m-%d')} on commit {commit}: {os.cpu_count()} CPUs ({cpu}), "
            f"Python {platform.python_version()}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/0*.ipynb")
    parser.add_argument("--modes", default="smoke,full", help="smoke, full or both (default smoke,full)")
    parser.add_argument("--cells", action="store_true", help="also name the cells that raised each peak most")
    args = parser.parse_args(argv)
    args.modes = args.modes.split(",")
    if not set(args.modes) <= {"smoke", "full"}:
        parser.error(f"--modes {','.join(args.modes)}: use smoke, full or smoke,full")
    notebooks = args.notebooks or sorted((REPO / "notebooks").glob("0*.ipynb"))
    print(describe_run())
    columns = ["notebook"] + [f"{mode} mode: {what}" for mode in args.modes for what in ("time", "peak memory")]
    print("| " + " | ".join(columns) + " |", "|" + "---|" * len(columns), sep="\n", flush=True)
    batch_sizes, notes = set(), []
    with tempfile.TemporaryDirectory(prefix="course-measure-") as output_dir:
        for notebook in notebooks:
            cells = []
            for mode in args.modes:
                result = measure(notebook, mode == "smoke", Path(output_dir))
                batch_sizes.add(result["batch_size"])
                cells += [f"{result['seconds']:.0f} s", f"{result['peak_mib'] / 1024:.2f} GiB"]
                if args.cells:
                    notes.append(f"{notebook.stem}, {mode} mode: " + "; ".join(
                        f"+{mib:.0f} MiB in cell {i} ({line[:60]})" for mib, i, line in sorted(result["rises"])[-3:]))
            print(f"| {notebook.stem} | " + " | ".join(cells) + " |", flush=True)
    print(f"Batch size as the notebooks report it: {', '.join(map(str, sorted(batch_sizes, key=str)))}", *notes,
          sep="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
