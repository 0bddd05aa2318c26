"""`make wheelhouse` (classroom/wheelhouse.py) asks pip for every package `make setup` installs, at the locked
versions; `make setup` installs from ``$COURSE_DATA_MIRROR/wheels`` with ``--no-index`` when it exists. (The real
download and an offline setup from it were run by hand: README, "Offline classrooms".)"""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from classroom import wheelhouse


def test_the_wheelhouse_asks_for_everything_make_setup_installs(repo_root: Path) -> None:
    wanted = wheelhouse.requirements(repo_root)
    lines = (repo_root / "requirements.txt").read_text().splitlines()
    runtime = [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]
    extras = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert set(runtime) <= set(wanted) and "torch>=2.6" in wanted
    for extra in ("lab", "dev", "classroom", "ko"):  # make setup's, make hub-check's and make lab-ko's
        assert set(extras[extra]) <= set(wanted), extra
    assert "pip" in wanted and any(w.startswith("setuptools") for w in wanted)  # -e . builds with no index


def test_download_commands_use_the_lock_and_the_room_s_platform(repo_root: Path, tmp_path: Path) -> None:
    cpu, rest = wheelhouse.download_commands(tmp_path, "win_amd64, macosx_11_0_arm64", torch="cpu",
                                            repo_root=repo_root)
    for command in (cpu, rest):
        assert command[1:4] == ["-m", "pip", "download"] and ["-c", str(repo_root / "constraints.txt")] == \
            command[6:8] and command[command.index("--dest") + 1] == str(tmp_path)
        assert " --platform win_amd64 --platform macosx_11_0_arm64 --python-version 3.11 --only-binary=:all:" in \
            " ".join(command)
    assert cpu[-5:] == ["--no-deps", "--index-url", wheelhouse.TORCH_CPU_INDEX, "torch", "torchvision"]
    assert rest[rest.index("--find-links") + 1] == str(tmp_path)  # the CPU torch just fetched satisfies the lock
    (only,) = wheelhouse.download_commands(tmp_path, repo_root=repo_root)
    assert "--platform" not in only and "--index-url" not in only
    makefile = (repo_root / "Makefile").read_text()
    assert f"TORCH_CPU_INDEX = {wheelhouse.TORCH_CPU_INDEX}" in makefile


def _setup_commands(repo_root: Path, tmp_path: Path, **variables: str) -> list[str]:
    """The commands `make setup` would run for a fresh .venv (make -n: nothing is run)."""
    args = [f"{k}={v}" for k, v in {"VENV": str(tmp_path / "venv"), **variables}.items()]
    done = subprocess.run(["make", "-n", "setup", *args], cwd=repo_root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if " -m pip install" in line]


@pytest.mark.parametrize("torch", ["", "cpu"])
def test_make_setup_installs_from_the_mirror_s_wheelhouse_without_an_index(repo_root: Path, tmp_path: Path,
                                                                           torch: str) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "wheels").mkdir(parents=True)
    installs = _setup_commands(repo_root, tmp_path, COURSE_DATA_MIRROR=str(mirror), TORCH=torch)
    assert len(installs) == (3 if torch else 2)
    for line in installs:
        assert f'--no-index --find-links "{mirror}/wheels"' in line and "download.pytorch.org" not in line
    no_wheels = tmp_path / "data-only-mirror"
    no_wheels.mkdir()
    for line in _setup_commands(repo_root, tmp_path, COURSE_DATA_MIRROR=str(no_wheels), TORCH=torch):
        assert "--no-index" not in line  # a mirror of the data alone: packages from the index, as before


def test_an_unwritable_mirror_is_one_line(capsys) -> None:
    from classroom import wheelhouse

    assert wheelhouse.main(["/proc/no-such-mirror"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cannot make /proc/no-such-mirror/wheels" in err
