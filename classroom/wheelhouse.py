"""A wheelhouse for an offline room: every Python package `make setup` installs, at the locked versions, downloaded
into ``DIR/wheels`` of a course mirror. `make setup` installs from ``$COURSE_DATA_MIRROR/wheels`` with
``--no-index`` when that folder exists, so a fresh machine in the room needs no internet.

    python -m classroom.wheelhouse DIR                          # make wheelhouse DIR=/media/usb/vgg16-course-mirror
    python -m classroom.wheelhouse DIR --torch cpu              # PyTorch's CPU-only wheels (0.2 GB instead of 4 GB)
    python -m classroom.wheelhouse DIR --platform win_amd64     # for the room's machines, not this one

``--platform`` takes pip's platform tags, comma-separated (``win_amd64``, ``macosx_11_0_arm64``); the room's Python
is 3.11 unless ``--python-version`` says otherwise. pip evaluates the packages' environment markers for the machine
it runs on, not for ``--platform``: from Linux, torch's CUDA build asks for its Linux-only NVIDIA packages even for
``win_amd64`` and the download fails. With ``--torch cpu`` there are none; otherwise run it on a machine like the
room's. What it downloads: ``requirements.txt``, the
extras ``lab``, ``dev``, ``classroom`` and ``ko`` of ``pyproject.toml``, and the build tools ``pip install -e .`` needs
(setuptools) and pip itself, each pinned by ``constraints.txt`` where the lock names it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

from utils.errors import human_size
from utils.settings.environment import REPO_ROOT

EXTRAS = ("lab", "dev", "classroom", "ko")
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"  # the Makefile's TORCH_CPU_INDEX


def requirements(repo_root: Path = REPO_ROOT, extras: Sequence[str] = EXTRAS) -> list[str]:
    """Every requirement `make setup` installs: ``requirements.txt``, the ``extras``, and the build tools."""
    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    lines = (repo_root / "requirements.txt").read_text(encoding="utf-8").splitlines()
    wanted = [line.split("#")[0].strip() for line in lines]
    for extra in extras:
        wanted += project["project"]["optional-dependencies"][extra]
    wanted += [*project["build-system"]["requires"], "pip"]
    return [name for name in dict.fromkeys(wanted) if name]


def download_commands(out: Path, platform: str | None = None, python_version: str = "3.11",
                      torch: str = "", repo_root: Path = REPO_ROOT) -> list[list[str]]:
    """The ``pip download`` commands that fill ``out`` (the first fetches CPU torch when ``torch == "cpu"``)."""
    pip = [sys.executable, "-m", "pip", "download", "--dest", str(out), "-c", str(repo_root / "constraints.txt")]
    if platform:  # another machine's wheels: binary only, since nothing can be built for it here
        pip += [arg for tag in platform.split(",") for arg in ("--platform", tag.strip())]
        pip += ["--python-version", python_version, "--only-binary=:all:"]
    commands = []
    if torch == "cpu":
        commands.append([*pip, "--no-deps", "--index-url", TORCH_CPU_INDEX, "torch", "torchvision"])
    # --find-links: the CPU torch just downloaded (2.14.1+cpu satisfies the lock's ==2.14.1, and a local version
    # wins over PyPI's) brings its own dependencies, not the CUDA build's NVIDIA packages.
    commands.append([*pip, "--find-links", str(out), *requirements(repo_root)])
    return commands


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classroom.wheelhouse", description=__doc__.split("\n")[0])
    parser.add_argument("mirror", type=Path, help="the course mirror (make mirror DIR=...); wheels go to DIR/wheels")
    parser.add_argument("--platform", help="pip's platform tags of the room's machines, comma-separated (default: "
                        "this machine's)")
    parser.add_argument("--python-version", default="3.11", help="the room's Python (with --platform; default 3.11)")
    parser.add_argument("--torch", choices=["", "cpu"], default="", help="cpu: PyTorch's CPU-only wheels")
    args = parser.parse_args(argv)
    out = args.mirror / "wheels"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:  # a read-only USB stick, a path that does not exist: one line
        print(f"error: cannot make {out} ({err.strerror or err}): give a writable mirror folder",
              file=sys.stderr)
        return 1
    for command in download_commands(out, args.platform, args.python_version, args.torch):
        print("+", " ".join(command[1:]), flush=True)
        if subprocess.run(command).returncode:
            print(f"error: pip download failed (see above); {out} may be incomplete: run the same command again "
                  "online (what is there already is not downloaded twice)", file=sys.stderr)
            return 1
    wheels = sorted(out.iterdir())
    size = human_size(sum(p.stat().st_size for p in wheels))
    print(f"{len(wheels)} files, {size} in {out}. In the room: COURSE_DATA_MIRROR={args.mirror} make setup")
    return 0


if __name__ == "__main__":
    sys.exit(main())
