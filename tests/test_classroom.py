"""classroom/: the zero-to-jupyterhub values use only the chart's documented names, the hub configuration only
JupyterHub's own settings, and ``make hub-check`` removes its users and their processes when it fails."""

from __future__ import annotations

import importlib.util
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
import yaml

CLASSROOM = Path(__file__).resolve().parents[1] / "classroom"

#: The chart's value paths this course sets, each looked up in the zero-to-jupyterhub chart's schema,
#: jupyterhub/values.schema.yaml at tag 4.4.0 (commit 5c5f5df751588a68a7781ead01d0f62e88e2e72f), rendered at
#: https://z2jh.jupyter.org/en/stable/resources/reference.html. A path ending in ``.*`` is free-form below that
#: point in the schema: extraEnv (environment variables), extraVolumes/extraVolumeMounts (Kubernetes' own objects).
DOCUMENTED = {
    "singleuser.image.name", "singleuser.image.tag", "singleuser.image.pullPolicy", "singleuser.defaultUrl",
    "singleuser.extraEnv.*", "singleuser.memory.guarantee", "singleuser.memory.limit", "singleuser.cpu.guarantee",
    "singleuser.cpu.limit", "singleuser.storage.capacity", "singleuser.storage.extraVolumes.*",
    "singleuser.storage.extraVolumeMounts.*", "singleuser.startTimeout",
    "cull.enabled", "cull.timeout", "cull.every", "cull.maxAge", "cull.users",
    "prePuller.hook.enabled", "prePuller.continuous.enabled",
    "scheduling.userScheduler.enabled", "scheduling.podPriority.enabled", "scheduling.userPlaceholder.enabled",
    "scheduling.userPlaceholder.replicas",
}


def key_paths(tree: dict, prefix: str = "") -> list[str]:
    """Every leaf of a nested mapping as a dotted path (lists are leaves: Kubernetes objects)."""
    return [path for key, value in tree.items() for path in
            (key_paths(value, f"{prefix}{key}.") if isinstance(value, dict) and value else [f"{prefix}{key}"])]


def is_documented(path: str) -> bool:
    return path in DOCUMENTED or any(path.startswith(p[:-1]) for p in DOCUMENTED if p.endswith(".*"))


def test_key_check_catches_a_typo():
    assert is_documented("singleuser.memory.limit") and is_documented("singleuser.extraEnv.TORCH_HOME")
    assert not is_documented("singleuser.memory.limt") and not is_documented("singleuser.extraenv.TORCH_HOME")


def test_config_yaml_uses_only_documented_keys():
    values = yaml.safe_load((CLASSROOM / "config.yaml").read_text())
    assert [path for path in key_paths(values) if not is_documented(path)] == []


def test_config_yaml_sets_what_the_guide_promises():
    user = yaml.safe_load((CLASSROOM / "config.yaml").read_text())["singleuser"]
    assert user["image"]["tag"] not in ("", "latest")
    assert user["extraEnv"] == {"COURSE_DATA_DIR": "/srv/vgg16-course/data", "TORCH_HOME": "/srv/vgg16-course/torch",
                                "COURSE_OUTPUT_DIR": "/home/jovyan/vgg16-course",
                                "OMP_NUM_THREADS": str(user["cpu"]["limit"])}
    gib = {"G": 1, "M": 1 / 1024}
    memory = {k: float(v[:-1]) * gib[v[-1]] for k, v in user["memory"].items()}
    assert 0 < memory["guarantee"] <= memory["limit"] and 0 < user["cpu"]["guarantee"] <= user["cpu"]["limit"]
    (shm,) = user["storage"]["extraVolumes"].values()
    (mount,) = user["storage"]["extraVolumeMounts"].values()
    assert shm["emptyDir"]["medium"] == "Memory" and mount == {"name": shm["name"], "mountPath": "/dev/shm"}


def test_jupyterhub_config_sets_only_spawner_settings_that_exist(monkeypatch: pytest.MonkeyPatch):
    pytest.importorskip("jupyterhub")  # the .[classroom] extra; make hub-check installs it
    from jupyterhub.spawner import Spawner
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("VGG16_COURSE_SHARED", "/srv/elsewhere")
    config = PyFileConfigLoader("jupyterhub_config.py", str(CLASSROOM)).load_config()
    assert set(config) == {"Spawner"} and set(config.Spawner) <= set(Spawner.class_trait_names())
    assert config.Spawner.environment.get_value({}) == {
        "COURSE_DATA_DIR": "/srv/elsewhere/data", "TORCH_HOME": "/srv/elsewhere/torch",
        "COURSE_OUTPUT_DIR": "~/vgg16-course", "OMP_NUM_THREADS": "2"}


def load_hub_check():
    spec = importlib.util.spec_from_file_location("hub_check", CLASSROOM / "hub_check.py")
    module = sys.modules["hub_check"] = importlib.util.module_from_spec(spec)  # dataclasses look it up there
    spec.loader.exec_module(module)
    return module


root_only = pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0 or not shutil.which("useradd"),
                               reason="creates a system user: needs root (CI runs as root)")


@pytest.fixture
def open_dir():
    """A folder other users may enter (pytest's tmp_path is 0700), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="hub-check-test-", dir="/srv" if Path("/srv").is_dir() else None))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@root_only
def test_a_learner_can_run_the_staged_python_of_a_closed_venv(tmp_path: Path, open_dir: Path):
    hub_check = load_hub_check()
    (closed := tmp_path / "closed").mkdir(mode=0o700)  # like a clone under /root
    (closed / "venv" / "bin").mkdir(parents=True)  # a venv as `python -m venv` makes it, without packages
    cfg = f"home = {Path(sys._base_executable).parent}\ninclude-system-site-packages = false\n"
    (closed / "venv" / "pyvenv.cfg").write_text(cfg)
    (closed / "venv" / "bin" / "python").symlink_to(sys._base_executable)
    python, env = hub_check.stage_environment(closed / "venv", open_dir / "env")
    subprocess.run(["chmod", "-R", "a+rX", str(open_dir / "env")], check=True)
    name = f"hubtest-{secrets.token_hex(3)}"
    with hub_check.throwaway_users([name], open_dir):
        run = subprocess.run([str(python), "-c", "import sys; print(sys.prefix)"], user=name, env=env,
                             capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert Path(run.stdout.strip()) == python.parent.parent != (closed / "venv")
    assert (closed / "venv" / "pyvenv.cfg").read_text() == cfg  # the original, not written through a hard link


@root_only
def test_hub_check_removes_its_users_and_their_processes_when_it_fails(tmp_path: Path):
    hub_check = load_hub_check()
    name = f"hubtest-{secrets.token_hex(3)}"
    tmp_path.chmod(0o755)
    with pytest.raises(RuntimeError, match="the check failed here"), hub_check.throwaway_users([name], tmp_path):
        uid = pwd.getpwnam(name).pw_uid
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o700  # a private home, as TLJH makes them
        sleeper = subprocess.Popen(["sleep", "600"], user=name)  # a learner's process still running
        threading.Thread(target=sleeper.wait, daemon=True).start()  # reaped once killed
        raise RuntimeError("the check failed here")
    assert name not in {user.pw_name for user in pwd.getpwall()}
    assert not (tmp_path / name).exists() and hub_check.processes_of(uid) == []
