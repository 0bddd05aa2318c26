"""Settings read once: the environment variables, the run mode and its subset, the setup cell's context."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import torch

from utils.errors import SettingsError
from utils.settings.course_mode import FULL_MODE, SMOKE_MODE
from utils.settings.device import select_device
from utils.settings.environment import REPO_ROOT, read_environment
from utils.settings.notebook_setup import seed_everything, setup_notebook


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_smoke_values(value: str) -> None:
    assert read_environment({"COURSE_SMOKE": value}).smoke


@pytest.mark.parametrize("env", [{}, {"COURSE_SMOKE": ""}, {"COURSE_SMOKE": "0"}, {"COURSE_SMOKE": "off"}])
def test_full_mode_is_the_default(env: dict) -> None:
    assert not read_environment(env).smoke
    assert setup_notebook(verbose=False, environ=env).mode is FULL_MODE


@pytest.mark.parametrize("env, message", [
    ({"COURSE_SMOKE": "maybe"}, "COURSE_SMOKE='maybe' is not understood: use COURSE_SMOKE=1"),
    ({"COURSE_PRECISION": "bf16"}, "COURSE_PRECISION='bf16' is not understood: use COURSE_PRECISION=fp32"),
    ({"COURSE_BATCH_SIZE": "0"}, "COURSE_BATCH_SIZE='0' is not understood: use a whole number"),
    ({"COURSE_BATCH_SIZE": "big"}, "COURSE_BATCH_SIZE='big' is not understood")])
def test_an_unclear_value_is_one_line_naming_the_variable(env: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message) as err:
        read_environment(env)
    assert isinstance(err.value, ValueError)
    assert err.value._render_traceback_() == [f"SettingsError: {err.value}"]  # what Jupyter shows: one line


@pytest.mark.parametrize("env, precision", [({}, "auto"), ({"COURSE_PRECISION": ""}, "auto"),
                                             ({"COURSE_PRECISION": " FP32 "}, "fp32")])
def test_precision_reaches_the_speed_settings(env: dict, precision: str) -> None:
    assert read_environment(env).precision == precision
    speed = setup_notebook(verbose=False, environ=env).speed
    assert (speed.label == "fp32") == (precision == "fp32")


def test_folders_and_batch_size_come_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    env = {"COURSE_DATA_DIR": str(tmp_path / "shared"), "COURSE_OUTPUT_DIR": str(tmp_path / "home"),
           "COURSE_BATCH_SIZE": "8", "COURSE_SMOKE": "1"}
    ctx = setup_notebook(verbose=False, environ=env)
    assert ctx.batch_size == 8 and ctx.mode is SMOKE_MODE
    assert ctx.paths.hymenoptera_dir == tmp_path / "shared" / "hymenoptera_data"
    assert ctx.paths.weights_dir == tmp_path / "home" / "build" / "smoke" / "weights"
    assert ctx.paths.vgg16_checkpoint == tmp_path / "torch" / "hub" / "checkpoints" / "vgg16-397923af.pth"
    default = read_environment({})
    assert (default.data_dir, default.output_dir, default.batch_size) == (REPO_ROOT / "data", REPO_ROOT, 32)


def test_the_setup_says_up_front_when_the_weights_are_not_cached(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    setup_notebook(environ={})
    out = capsys.readouterr().out
    assert "not cached yet" in out and "%env COURSE_SMOKE=1" in out
    assert max(len(line) for line in out.splitlines()) <= 100, "short lines: JupyterLab wraps long ones mid-word"


def test_subset_is_class_balanced_sorted_and_order_independent() -> None:
    paths = [f"/d/train/{cls}/{i:03d}.jpg" for cls in ("ants", "bees") for i in range(20)]
    shuffled = paths[:]
    random.Random(3).shuffle(shuffled)
    subset = SMOKE_MODE.subset(shuffled)
    assert subset == SMOKE_MODE.subset(paths) == sorted(subset)
    assert [p.split("/")[3] for p in subset].count("ants") == SMOKE_MODE.images_per_class
    assert [p.split("/")[3] for p in subset].count("bees") == SMOKE_MODE.images_per_class
    assert FULL_MODE.subset(shuffled) == sorted(paths)


def test_seed_everything_repeats_random_numbers() -> None:
    seed_everything(7)
    first = (random.random(), torch.rand(3))
    seed_everything(7)
    again = (random.random(), torch.rand(3))
    assert first[0] == again[0] and torch.equal(first[1], again[1])


def test_select_device_falls_back_to_cpu_and_refuses_missing_devices() -> None:
    device = select_device()
    assert device.type in {"cuda", "mps", "cpu"}
    assert select_device("cpu").type == "cpu"
    if not torch.cuda.is_available():
        assert device.type in {"mps", "cpu"}
        with pytest.raises(RuntimeError, match="not available"):
            select_device("cuda")
