"""classroom/: the zero-to-jupyterhub values pass the chart's own schema (merged over its defaults, as helm does)
and set what the guide promises; the hub configuration only JupyterHub's own settings (``make hub-check``'s own
tests: tests/test_hub_check.py; the image's: tests/test_hub_image.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from classroom import colab_cells

CLASSROOM = Path(__file__).resolve().parents[1] / "classroom"

Z2JH = CLASSROOM / "z2jh"  # the chart's values.yaml and values.schema.yaml, tag 4.4.0 (z2jh/README.md)


def helm_merge(chart: dict, ours: dict) -> dict:
    """``ours`` over ``chart`` as ``helm --values`` merges them: mappings key by key, anything else replaced,
    a null deleting the chart's key."""
    merged = dict(chart)
    for key, value in ours.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def schema_errors(ours: dict) -> list[str]:
    """What the chart's schema finds wrong in its values with ``ours`` merged over them, as helm checks them."""
    jsonschema = pytest.importorskip("jsonschema")  # a Jupyter dependency (jupyter_events, nbformat)
    schema = yaml.safe_load((Z2JH / "values.schema.yaml").read_text())
    values = helm_merge(yaml.safe_load((Z2JH / "values.yaml").read_text()), ours)
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(values)]


def config_yaml() -> dict:
    return yaml.safe_load((CLASSROOM / "config.yaml").read_text())


def test_config_yaml_is_valid_for_the_chart() -> None:
    assert schema_errors(config_yaml()) == []


@pytest.mark.parametrize(("typo", "where"), [
    ({"singleuser": {"memory": {"limt": "6G"}}}, "singleuser.memory"),
    ({"singleuser": {"extraenv": {"TORCH_HOME": "/srv"}}}, "singleuser"),
    ({"singleuser": {"lifecycleHooks": {"postStrat": {}}}}, "singleuser.lifecycleHooks"),
    ({"cull": {"timeout": "an hour"}}, "cull.timeout"),
    ({"hub": {"config": {"authenticator": {"admin_users": ["teacher"]}}}}, "hub.config"),
], ids=["key", "case", "hook", "type", "class-name"])
def test_the_schema_check_catches_a_mistake(typo: dict, where: str) -> None:
    errors = schema_errors(helm_merge(config_yaml(), typo))
    assert errors and all(e.startswith(f"{where}: ") for e in errors), errors


def test_config_yaml_sets_what_the_guide_promises() -> None:
    values = config_yaml()
    user = values["singleuser"]
    assert user["image"]["tag"] not in ("", "latest")
    # COURSE_DATA_DIR and TORCH_HOME come from the image (binder/start), which keeps a value set here.
    assert user["extraEnv"] == {"COURSE_OUTPUT_DIR": "/home/jovyan/vgg16-course",
                                "OMP_NUM_THREADS": str(user["cpu"]["limit"])}
    gib = {"G": 1, "M": 1 / 1024}
    memory = {k: float(v[:-1]) * gib[v[-1]] for k, v in user["memory"].items()}
    assert 0 < memory["guarantee"] <= memory["limit"] and 0 < user["cpu"]["guarantee"] <= user["cpu"]["limit"]
    (shm,) = user["storage"]["extraVolumes"].values()
    (mount,) = user["storage"]["extraVolumeMounts"].values()
    assert shm["emptyDir"]["medium"] == "Memory" and mount == {"name": shm["name"], "mountPath": "/dev/shm"}
    assert values["hub"]["config"]["Authenticator"]["admin_users"] == ["teacher"]
    assert "authenticator_class" not in values["hub"]["config"].get("JupyterHub", {})  # an example, commented


def test_each_server_pulls_the_course_into_the_output_folder_and_opens_notebook_01(repo_root: Path) -> None:
    user = config_yaml()["singleuser"]
    shell, flag, command = user["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert (shell, flag) == ("sh", "-c") and command.endswith(" || true")  # a failed pull must not stop the server
    program, url, branch, target = command.removesuffix(" || true").split()
    assert (program, branch) == ("gitpuller", "student")  # the branch the guide's nbgitpuller link pulls
    assert url == colab_cells.repo_url()  # the one address, which `make colab-cells REPO_URL=...` writes
    assert target.replace("$HOME", "/home/jovyan").strip('"') == user["extraEnv"]["COURSE_OUTPUT_DIR"]
    first = sorted((repo_root / "notebooks").glob("01_*.ipynb"))[0].name
    assert user["defaultUrl"] == f"/lab/tree/vgg16-course/notebooks/{first}"


def test_the_gpu_profile_asks_for_one_gpu_next_to_the_cpu_default() -> None:
    cpu, gpu = config_yaml()["singleuser"]["profileList"]
    assert cpu["default"] is True and "kubespawner_override" not in cpu
    override = gpu["kubespawner_override"]
    assert override["extra_resource_limits"] == {"nvidia.com/gpu": "1"}
    assert override["image"].endswith("-cuda")  # the CPU image's PyTorch cannot use a GPU (repo2docker_config.py)


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
