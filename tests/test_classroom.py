"""classroom/: the zero-to-jupyterhub values use only the chart's documented names, the hub configuration only
JupyterHub's own settings (``make hub-check``'s own tests: tests/test_hub_check.py)."""

from __future__ import annotations

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
