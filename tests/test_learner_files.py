"""A learner's files are sacred: smoke runs save elsewhere, and saving again keeps the earlier file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from utils.settings.environment import REPO_ROOT
from utils.settings.notebook_setup import setup_notebook
from utils.support.model_summary import load_run_summary, run_summary_path, save_run_summary

WEIGHTS_DIR = REPO_ROOT / "weights"
SMOKE_WEIGHTS_DIR = REPO_ROOT / "build" / "smoke" / "weights"


def test_smoke_mode_saves_outside_the_learners_weights_folder(tmp_path: Path) -> None:
    assert setup_notebook(verbose=False, environ={}).paths.weights_dir == WEIGHTS_DIR
    assert setup_notebook(verbose=False, environ={"COURSE_SMOKE": "1"}).paths.weights_dir == SMOKE_WEIGHTS_DIR
    assert WEIGHTS_DIR not in SMOKE_WEIGHTS_DIR.parents
    elsewhere = setup_notebook(verbose=False, environ={"COURSE_OUTPUT_DIR": str(tmp_path)}).paths
    assert elsewhere.weights_dir == tmp_path / "weights" and elsewhere.data_dir == REPO_ROOT / "data"


def test_saving_a_summary_again_keeps_the_earlier_one(tmp_path: Path, capsys) -> None:
    path = run_summary_path("fine_tuning", tmp_path)
    save_run_summary({"name": "fine_tuning", "final_val_acc": 0.95}, path)
    capsys.readouterr()
    save_run_summary({"name": "fine_tuning", "final_val_acc": 0.5}, path)
    (backup,) = tmp_path.glob("fine_tuning_summary.*.json")
    assert load_run_summary(backup)["final_val_acc"] == 0.95
    assert load_run_summary(path)["final_val_acc"] == 0.5
    out = capsys.readouterr().out
    assert out.startswith(f"Kept the earlier {path.name} as {backup.name}") and str(tmp_path) in out


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else {}


def test_a_smoke_run_of_notebook_04_leaves_the_weights_folder_untouched(dataset_dir: Path, tmp_path: Path,
                                                                       monkeypatch) -> None:
    """Runs notebook 04 as `make test` does (smoke mode); whatever the learner keeps in weights/ (hashes
    and modification times) must be the same afterwards, and nothing may be added there. The test itself
    writes nothing into the checkout (COURSE_OUTPUT_DIR: a read-only classroom copy passes too)."""
    before = _snapshot(WEIGHTS_DIR)
    monkeypatch.setenv("COURSE_SMOKE", "1")  # the kernel inherits the environment
    monkeypatch.setenv("COURSE_OUTPUT_DIR", str(tmp_path))
    notebook = REPO_ROOT / "notebooks" / "04_fine_tuning_and_save_load.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook.parent)}}).execute()
    assert _snapshot(WEIGHTS_DIR) == before, "a smoke run changed or added files in weights/"
    assert not (tmp_path / "weights").exists(), "smoke mode saved into <output>/weights/, the learner's folder"
    assert (tmp_path / "build" / "smoke" / "weights" / "weights_fine_tuning.pth").is_file(), \
        "the smoke run saved its weights in <COURSE_OUTPUT_DIR>/build/smoke/weights/"


def test_make_clean_removes_generated_things_and_keeps_weights(tmp_path: Path) -> None:
    import shutil
    import subprocess

    shutil.copy(REPO_ROOT / "Makefile", tmp_path / "Makefile")
    made = ["build/smoke/weights/w.pth", "data/.fetch-1-x/half.zip", "utils/__pycache__/a.pyc",
            "torch/hub/checkpoints/.fetch-2-y/vgg16-397923af.pth"]
    kept = ["weights/weights_fine_tuning.pth", "weights/fine_tuning_summary.json", "data/a.json",
            "torch/hub/checkpoints/vgg16-397923af.pth"]
    for name in made + kept:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    subprocess.run(["make", "-s", "clean"], cwd=tmp_path, check=True, capture_output=True,
                   env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TORCH_HOME": str(tmp_path / "torch")})
    assert [n for n in made if (tmp_path / n).exists()] == []
    assert all((tmp_path / n).read_text() == n for n in kept)


def test_make_purge_finds_a_hubs_tilde_output_folder_and_deletes_nothing_unasked(tmp_path: Path) -> None:
    """A hub sets COURSE_OUTPUT_DIR=~/vgg16-course (jupyterhub_config.py); make must look where the course saves."""
    import shutil
    import subprocess

    shutil.copy(REPO_ROOT / "Makefile", tmp_path / "Makefile")
    weights = tmp_path / "home" / "vgg16-course" / "weights"
    weights.mkdir(parents=True)
    (weights / "weights_fine_tuning.pth").write_text("mine")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "COURSE_OUTPUT_DIR": "~/vgg16-course"}
    out = subprocess.run(["make", "-s", "purge"], cwd=tmp_path, input="n\n", text=True, capture_output=True,
                         env=env, check=True).stdout
    assert "weights_fine_tuning.pth" in out and "Nothing deleted." in out
    assert (weights / "weights_fine_tuning.pth").read_text() == "mine"


def test_make_run_saves_into_build_run_never_into_weights() -> None:
    import subprocess

    dry = subprocess.run(["make", "-n", "run"], cwd=REPO_ROOT, text=True, capture_output=True, check=True).stdout
    (execute,) = [line for line in dry.splitlines() if "nbconvert --to notebook --execute" in line]
    assert f'COURSE_OUTPUT_DIR="{REPO_ROOT / "build" / "run"}"' in execute
