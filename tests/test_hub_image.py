"""The hub's image is Binder's build (repo2docker from binder/, which tests/test_binder.py checks step by step) with
classroom/repo2docker_config.py: the repository and the entry point outside the home a hub mounts its volumes
over, the user zero-to-jupyterhub runs, the course installed (not editable), and a CUDA variant for the GPU
profile. Checked on the Dockerfile repo2docker writes (no Docker needed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
import yaml

CONFIG = Path(__file__).resolve().parents[1] / "classroom" / "repo2docker_config.py"


def image_settings(monkeypatch: pytest.MonkeyPatch, variant: str | None = None):
    from traitlets.config.loader import PyFileConfigLoader

    if variant is None:
        monkeypatch.delenv("VGG16_IMAGE", raising=False)
    else:
        monkeypatch.setenv("VGG16_IMAGE", variant)
    return PyFileConfigLoader(CONFIG.name, str(CONFIG.parent)).load_config().Repo2Docker


def dockerfile(repo_root: Path, variant: str) -> str:
    """The Dockerfile ``jupyter-repo2docker --config classroom/repo2docker_config.py`` builds from."""
    pytest.importorskip("repo2docker", reason="jupyter-repo2docker comes with the dev extra: pip install -e '.[dev]'")
    env = {**os.environ, "VGG16_IMAGE": variant}
    done = subprocess.run([sys.executable, "-m", "repo2docker", "--config", str(CONFIG), "--no-build", "--debug",
                           str(repo_root)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return done.stderr + done.stdout


def test_the_repository_is_outside_the_home_of_the_user_zero_to_jupyterhub_runs(
        repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = image_settings(monkeypatch)
    home = PurePosixPath("/home") / settings.user_name
    assert not PurePosixPath(settings.target_repo_dir).is_relative_to(home)  # the learner's volume hides $HOME
    chart = yaml.safe_load((repo_root / "classroom" / "z2jh" / "values.yaml").read_text())
    ours = yaml.safe_load((repo_root / "classroom" / "config.yaml").read_text())
    assert settings.user_id == chart["singleuser"]["uid"]
    assert ours["hub"]["config"]["KubeSpawner"]["working_dir"] == str(home)  # not the image's repository folder
    assert PurePosixPath(ours["singleuser"]["extraEnv"]["COURSE_OUTPUT_DIR"]).is_relative_to(home)


def test_the_image_is_binders_build_with_its_entry_point_outside_the_home(repo_root: Path) -> None:
    built = dockerfile(repo_root, "cpu")
    steps = ['COPY --chown=1000:1000 src/ ${REPO_DIR}/', 'pip install --no-cache-dir -r "binder/requirements.txt"',
             'RUN ./binder/postBuild', 'ENV R2D_ENTRYPOINT="${REPO_DIR}/binder/start"']
    positions = [built.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), dict(zip(steps, positions))
    assert "# Appendix:" not in built


def test_the_gpu_image_is_the_same_build_then_the_locked_cuda_wheels(repo_root: Path) -> None:
    cpu, cuda = dockerfile(repo_root, "cpu"), dockerfile(repo_root, "cuda")
    before, appendix = cuda.split("# Appendix:\n")
    assert before.strip() == cpu.strip()
    assert "--force-reinstall -c constraints.txt" in appendix and "torch torchvision" in appendix
    assert "sys.exit(not torch.version.cuda)" in appendix  # the build stops if a CPU build came in


def test_an_unknown_variant_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit, match="use cpu"):
        image_settings(monkeypatch, "rocm")


def test_binder_installs_the_course_itself_with_nbgitpuller(repo_root: Path) -> None:
    text = (repo_root / "binder" / "requirements.txt").read_text()
    lines = [line.split("#")[0].strip() for line in text.splitlines()]
    install = [line for line in lines if line and not line.startswith("-")]
    assert install == [".[classroom,ko]"] and not any(line.startswith(("-e", "--editable")) for line in lines)
    extra = (repo_root / "pyproject.toml").read_text().split("classroom = [", 1)[1].split("]", 1)[0]
    assert "nbgitpuller" in extra  # the `gitpuller` of config.yaml's postStart hook
