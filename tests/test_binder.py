"""Binder (repo2docker) builds the image from binder/: CPU-only torch and the course, then postBuild, then start.
The Dockerfile repo2docker writes (no Docker needed) shows it; postBuild and start run here against a temporary
prefix standing in for the image's Python environment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from utils.datalib.checksums import sha256_cache_path
from utils.prepare_data import main as prepare_data
from utils.settings.paths import VGG16_CHECKPOINT_FILENAME, VGG16_SHA256_PREFIX


@pytest.fixture(scope="module")
def dockerfile(repo_root: Path) -> str:
    """The Dockerfile (and the log lines) of ``jupyter-repo2docker --no-build --debug``, as mybinder's user."""
    pytest.importorskip("repo2docker", reason="jupyter-repo2docker comes with the dev extra: pip install -e '.[dev]'")
    done = subprocess.run([sys.executable, "-m", "repo2docker", "--no-build", "--debug", "--user-id", "1000",
                           "--user-name", "jovyan", str(repo_root)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stderr + done.stdout


def test_repo2docker_builds_from_the_binder_folder(dockerfile: str) -> None:
    assert "Building conda environment for python=3.11" in dockerfile       # binder/runtime.txt
    assert "src/environment.yml" not in dockerfile                          # the top-level conda file is ignored
    steps = ['COPY --chown=1000:1000 src/ ${REPO_DIR}/',                    # the whole repository first: -e . needs it
             'pip install --no-cache-dir -r "binder/requirements.txt"',
             'RUN ./binder/postBuild',
             'ENV R2D_ENTRYPOINT="${REPO_DIR}/binder/start"']
    positions = [dockerfile.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), dict(zip(steps, positions))


def test_the_image_has_a_font_that_draws_hangul(dockerfile: str) -> None:
    """binder/apt.txt: the Korean notebooks' figure titles need a Korean font (utils/settings/fonts.py)."""
    assert re.search(r"apt-get install --yes --no-install-recommends fonts-nanum", dockerfile)


def test_binder_requirements_are_cpu_torch_the_lock_and_the_course(repo_root: Path) -> None:
    binder = repo_root / "binder"
    lines = [line.split("#")[0].strip() for line in (binder / "requirements.txt").read_text().splitlines()]
    cpu_index = re.search(r"^TORCH_CPU_INDEX\s*=\s*(\S+)", (repo_root / "Makefile").read_text(), re.M)[1]
    expected = [f"--extra-index-url {cpu_index}", "-c ../constraints.txt", ".[classroom,ko]"]  # installed, not -e
    assert [line for line in lines if line] == expected
    assert (binder / "../constraints.txt").is_file()  # pip reads -c relative to the requirements file


@pytest.mark.parametrize("name", ["postBuild", "start"])
def test_scripts_are_executable_bash(repo_root: Path, name: str) -> None:
    script = repo_root / "binder" / name
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash\n") and os.access(script, os.X_OK)
    if (repo_root / ".git").exists():  # the mode git stores is what Binder's clone gets
        mode = subprocess.run(["git", "ls-files", "-s", f"binder/{name}"], cwd=repo_root, capture_output=True,
                              text=True, check=True).stdout.split()[0]
        assert mode == "100755"
    assert "set -euo pipefail" in text if name == "postBuild" else text.rstrip().endswith('exec "$@"')


def _env(**extra: str) -> dict[str, str]:
    dropped = {"COURSE_DATA_DIR", "TORCH_HOME", "COURSE_OUTPUT_DIR", "PYTHONPATH"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}", **extra}


def test_start_exports_the_baked_paths_and_runs_the_command(repo_root: Path, tmp_path: Path) -> None:
    start = str(repo_root / "binder" / "start")
    shown = subprocess.run([start, "env"], env=_env(NB_PYTHON_PREFIX=str(tmp_path)), capture_output=True,
                           text=True, check=True).stdout.splitlines()
    assert f"COURSE_DATA_DIR={tmp_path}/share/vgg16-course/data" in shown
    assert f"TORCH_HOME={tmp_path}/share/vgg16-course/torch" in shown
    assert f"COURSE_OUTPUT_DIR={Path.home()}/vgg16-course" in shown  # next to the notebooks nbgitpuller brings
    kept = subprocess.run([start, "env"], env=_env(NB_PYTHON_PREFIX=str(tmp_path), COURSE_DATA_DIR="/hub/data"),
                          capture_output=True, text=True, check=True).stdout.splitlines()
    assert "COURSE_DATA_DIR=/hub/data" in kept  # a hub's own setting wins


def test_postbuild_bakes_the_data_and_weights_read_only(repo_root: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """postBuild for real, from the data mirror. Two stand-ins: a torch module that says "CPU build" (the
    environment's own may be a CUDA build), and a cached checkpoint whose remembered hash says "genuine"
    (the real 528 MB file cannot be downloaded here)."""
    mirror = os.environ.get("COURSE_DATA_MIRROR")
    if not mirror:
        pytest.skip("needs a data mirror: set COURSE_DATA_MIRROR (.ci/run does)")
    fake = tmp_path / "fake"
    (fake / "torch").mkdir(parents=True)
    (fake / "torch" / "__init__.py").write_text("__version__ = '0+cpu'\nclass version:\n    cuda = None\n")
    (fake / "torch" / "hub.py").write_text(  # where the data tool finds the hub folder
        "import os\ndef get_dir():\n    return os.path.join(os.environ['TORCH_HOME'], 'hub')\n")
    shared = tmp_path / "prefix" / "share" / "vgg16-course"
    weights = shared / "torch" / "hub" / "checkpoints" / VGG16_CHECKPOINT_FILENAME
    weights.parent.mkdir(parents=True)
    weights.write_bytes(b"stand-in")
    st = weights.stat()
    sha256_cache_path(weights).write_text(json.dumps({"path": str(weights.resolve()), "size": st.st_size,
                                                      "mtime_ns": st.st_mtime_ns,
                                                      "sha256": VGG16_SHA256_PREFIX.ljust(64, "0")}))

    done = subprocess.run(["binder/postBuild"], cwd=repo_root, capture_output=True, text=True,
                          env=_env(NB_PYTHON_PREFIX=str(tmp_path / "prefix"), COURSE_DATA_MIRROR=mirror,
                                   PYTHONPATH=f"{fake}{os.pathsep}{repo_root}"))
    assert done.returncode == 0, done.stdout + done.stderr
    monkeypatch.setenv("TORCH_HOME", str(shared / "torch"))
    assert prepare_data(["--data-dir", str(shared / "data"), "--verify"]) == 0
    writable = [p for p in [shared / "data", *shared.rglob("*")] if p.stat().st_mode & 0o222]
    assert not writable, f"left writable: {writable[:3]}"


def test_postbuild_stops_on_a_cuda_torch(repo_root: Path, tmp_path: Path) -> None:
    fake = tmp_path / "fake"
    (fake / "torch").mkdir(parents=True)
    (fake / "torch" / "__init__.py").write_text("__version__ = '2.14.1'\nclass version:\n    cuda = '13.0'\n")
    done = subprocess.run(["binder/postBuild"], cwd=repo_root, capture_output=True, text=True,
                          env=_env(NB_PYTHON_PREFIX=str(tmp_path / "prefix"), PYTHONPATH=str(fake)))
    assert done.returncode == 1 and "CUDA build" in done.stderr
    assert not (tmp_path / "prefix").exists()  # stopped before fetching anything
