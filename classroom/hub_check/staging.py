"""What the learners get, put in place before the hub starts: the shared read-only folders (the admin's one-off
step), a Python environment other users may run, and this working tree published as a git repository (what
nbgitpuller clones; ``tests/test_colab_cell.py`` publishes it the same way for the Colab cell's clone).

Only the standard library and ``utils``: the Colab test imports this module without JupyterHub installed.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from classroom.hub_check import CheckFailed, log
from utils.settings.paths import CoursePaths

GIT_AUTHOR = ["-c", "user.name=hub-check", "-c", "user.email=hub-check@localhost"]


# ---------------------------------------------------------------- the course, as a git repository
def working_tree_files(repo: Path) -> list[str]:
    """The files of ``repo``'s working tree that git tracks or would track (committed or not; ignored ones, such
    as data/, weights/ and .venv, left out), relative to ``repo``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=repo,
                            check=True, capture_output=True).stdout.decode().split("\0")
    return [name for name in listed if name and (repo / name).is_file()]


def publish_working_tree(repo: Path, dest: Path, branch: str = "main") -> Path:
    """A new git repository in ``dest`` holding ``repo``'s working tree as one commit on ``branch``: the course
    as it would be published, uncommitted changes included. Returns ``dest``."""
    for name in working_tree_files(repo):
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, dest / name)
    for command in (["init", "-q", "-b", branch], ["add", "-A"], ["commit", "-q", "-m", "the course as published"]):
        subprocess.run(["git", *GIT_AUTHOR, *command], cwd=dest, check=True)
    return dest


def publish_bare(course: Path, dest: Path) -> Path:
    """A bare clone of ``course`` at ``dest``: what a git server serves."""
    subprocess.run(["git", "clone", "-q", "--bare", str(course), str(dest)], check=True)
    return dest


# ---------------------------------------------------------------- a Python the learners may run
def others_can_enter(path: Path) -> bool:
    """True when ``path`` and every folder above it let other users through (mode o+x)."""
    return all(os.stat(p).st_mode & stat.S_IXOTH for p in (path, *path.parents))


def copy_tree(src: Path, dest: Path) -> None:
    """``cp -a`` with hard links when ``dest`` is on the same disk (about a second for a 6 GB .venv)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if subprocess.run(["cp", "-a", "--link", str(src), str(dest)], stderr=subprocess.DEVNULL).returncode:
        shutil.rmtree(dest, ignore_errors=True)
        log(f"{dest} is on another disk than {src}: copying it (slow)")
        subprocess.run(["cp", "-a", str(src), str(dest)], check=True)


def replace_in(path: Path, old: str, new: str) -> None:
    """Rewrite ``path`` with ``old`` replaced, as a new file (never writing through a hard link)."""
    text = path.read_text()
    path.unlink()
    path.write_text(text.replace(old, new))


def stage_environment(venv: Path, dest: Path) -> tuple[Path, dict[str, str]]:
    """``(python, environment)`` the learners can run: the course's ``venv`` itself when others may enter it and
    its interpreter, else a hard-linked copy in ``dest`` (a repository under /root is closed to other users)."""
    venv = venv.resolve()
    cfg = {}
    for line in (venv / "pyvenv.cfg").read_text().splitlines():
        key, _, value = line.partition("=")
        cfg[key.strip()] = value.strip()
    base = Path(cfg["home"]).resolve().parent  # the interpreter's prefix, e.g. ~/.pyenv/versions/3.11.7
    if others_can_enter(venv) and others_can_enter(base):
        return venv / "bin" / "python", {}
    extra = {}
    new_base, new_venv = base, dest / "venv"
    if not others_can_enter(base):
        new_base = dest / "python"
        copy_tree(base, new_base)
        extra["LD_LIBRARY_PATH"] = str(new_base / "lib")  # pyenv links libpython by an absolute RUNPATH
    copy_tree(venv, new_venv)
    for link in (new_venv / "bin").iterdir():
        target = os.readlink(link) if link.is_symlink() else ""
        if target.startswith(str(base)):
            link.unlink()
            link.symlink_to(str(new_base) + target[len(str(base)):])
    replace_in(new_venv / "pyvenv.cfg", str(base), str(new_base))
    for spec in (new_venv / "share" / "jupyter" / "kernels").glob("*/kernel.json"):
        replace_in(spec, str(venv), str(new_venv))
    return new_venv / "bin" / "python", extra


# ---------------------------------------------------------------- the shared read-only folders
def prepare_shared(shared: CoursePaths, source_data: Path, folder: Path, repo: Path) -> None:
    """The admin's one-off step, into the folders ``shared`` names (all under ``folder``): the data set, class index
    and photo copied from ``source_data`` (this checkout's prepared data) and checked by the data tool, and, as the
    hub's weights, a random VGG16 saved as the checkpoint file (no network here, so the notebooks say NOT THE
    IMAGENET CHECKPOINT). Then ``folder`` is owned by root and read-only for everyone else (0755/0644)."""
    for dest in (shared.hymenoptera_dir, shared.class_index, shared.dog_photo):
        src = source_data / dest.relative_to(shared.data_dir)
        if not src.exists():
            raise CheckFailed(f"{src} is missing: run `make data` first")
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dest)
        else:
            shutil.copy2(src, dest)
    shared.vgg16_checkpoint.parent.mkdir(parents=True)
    env = {**os.environ, "TORCH_HOME": str(shared.hub_dir.parent), "PYTHONPATH": str(repo)}
    subprocess.run([sys.executable, "-m", "utils.prepare_data", "--data-dir", str(shared.data_dir), "--verify"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-c", "import sys, torch, torchvision; torch.manual_seed(0); "
                    "torch.save(torchvision.models.vgg16().state_dict(), sys.argv[1])",
                    str(shared.vgg16_checkpoint)], check=True)
    subprocess.run(["chown", "-R", "root:root", str(folder)], check=True)
    subprocess.run(["chmod", "-R", "u=rwX,go=rX", str(folder)], check=True)


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder under ``folder`` with its size, mtime and mode: to show that nothing changed."""
    found = {}
    for path in [folder, *folder.rglob("*")]:
        st = path.lstat()
        found[str(path)] = (st.st_size, st.st_mtime_ns, st.st_mode)
    return found
