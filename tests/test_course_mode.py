"""Settings read once: the environment variables, the run mode and its subset, the setup cell's context, the CPU
threads of a container, and the data folder that the data tool and the notebooks share."""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest
import torch

from utils.errors import SettingsError
from utils.settings.course_mode import FULL_MODE, SMOKE_MODE
from utils.settings import notebook_setup
from utils.settings.device import cap_cpu_threads, cpu_quota, select_device
from utils.settings.environment import REPO_ROOT, read_environment, read_mirror
from utils.settings.notebook_setup import seed_everything, setup_notebook
from utils.settings.language import display_width


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_smoke_values(value: str) -> None:
    assert read_environment({"COURSE_SMOKE": value}).smoke


@pytest.mark.parametrize("env", [{}, {"COURSE_SMOKE": ""}, {"COURSE_SMOKE": "0"}, {"COURSE_SMOKE": "off"}])
def test_full_mode_is_the_default(env: dict) -> None:
    assert not read_environment(env).smoke
    assert setup_notebook(verbose=False, environ=env).mode is FULL_MODE


@pytest.mark.parametrize("env, message", [
    ({"COURSE_SMOKE": "maybe"}, "COURSE_SMOKE='maybe' is not understood: use COURSE_SMOKE=1"),
    ({"COURSE_SPEED": "bf16"}, "COURSE_SPEED='bf16' is not understood: use COURSE_SPEED=fp32"),
    ({"COURSE_PRECISION": "bf16"}, "COURSE_PRECISION='bf16' is not understood: use COURSE_SPEED=fp32"),
    ({"COURSE_BATCH_SIZE": "0"}, "COURSE_BATCH_SIZE='0' is not understood: use a whole number"),
    ({"COURSE_BATCH_SIZE": "big"}, "COURSE_BATCH_SIZE='big' is not understood"),
    ({"COURSE_BATCH_SIZE": "\u00b2"}, "COURSE_BATCH_SIZE='\u00b2' is not understood"),  # isdigit() says yes
    ({"COURSE_BATCH_SIZE": "8.5"}, "COURSE_BATCH_SIZE='8.5' is not understood")])
def test_an_unclear_value_is_one_line_naming_the_variable(env: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message) as err:
        read_environment(env)
    assert isinstance(err.value, ValueError)
    assert err.value._render_traceback_() == [f"SettingsError: {err.value}"]  # what Jupyter shows: one line


@pytest.mark.parametrize("env, setting", [({}, "auto"), ({"COURSE_SPEED": ""}, "auto"),
                                           ({"COURSE_SPEED": " FP32 "}, "fp32")])
def test_course_speed_reaches_the_speed_choice(env: dict, setting: str) -> None:
    assert read_environment(env).speed == setting and read_environment(env).speed_note is None
    speed = setup_notebook(verbose=False, environ=env).speed
    assert (speed.label == "fp32") == (setting == "fp32")


def test_the_old_name_course_precision_is_honoured_with_one_line(capsys) -> None:
    env = read_environment({"COURSE_PRECISION": "fp32"})
    assert env.speed == "fp32"
    assert env.speed_note == "COURSE_PRECISION is now called COURSE_SPEED: honoured, but please rename it."
    setup_notebook(verbose=True, environ={"COURSE_PRECISION": "fp32"})
    assert env.speed_note in capsys.readouterr().out.splitlines()
    both = read_environment({"COURSE_PRECISION": "fp32", "COURSE_SPEED": "auto"})
    assert (both.speed, both.speed_note) == ("auto", None)  # the new name wins


def test_folders_and_batch_size_come_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "not-this-one"))  # the process's, not environ's
    env = {"COURSE_DATA_DIR": str(tmp_path / "shared"), "COURSE_OUTPUT_DIR": str(tmp_path / "home"),
           "COURSE_BATCH_SIZE": "8", "COURSE_SMOKE": "1", "TORCH_HOME": str(tmp_path / "torch")}
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
    assert max(map(display_width, out.splitlines())) <= 100, "short lines: JupyterLab wraps long ones mid-word"


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


# ----------------------------------------------------------------------------- CPU threads and a container's quota


@pytest.mark.parametrize("files, quota", [
    ({"cpu.max": "200000 100000\n"}, 2.0),                       # cgroup v2: 2 CPUs
    ({"cpu.max": "150000 100000\n"}, 1.5),
    ({"cpu.max": "max 100000\n"}, None),                         # v2 without a limit
    ({"cpu/cpu.cfs_quota_us": "50000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 0.5),  # cgroup v1
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),    # v1 without a limit
    ({"cpu.max": "garbage"}, None),
    ({}, None)])                                                 # no cgroup files (macOS, Windows)
def test_cpu_quota_reads_cgroup_v2_and_v1(tmp_path: Path, files: dict, quota) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert cpu_quota(tmp_path) == quota


@pytest.mark.parametrize("cpu_max, threads, expected", [("200000 100000", 16, 2), ("50000 100000", 16, 1),
                                                         ("400000 100000", 2, None), ("max 100000", 16, None)])
def test_threads_are_capped_to_the_quota_only_when_lower(tmp_path: Path, monkeypatch, cpu_max: str, threads: int,
                                                         expected: int | None) -> None:
    (tmp_path / "cpu.max").write_text(cpu_max)
    calls = []
    monkeypatch.setattr(torch, "get_num_threads", lambda: threads)
    monkeypatch.setattr(torch, "set_num_threads", calls.append)
    line = cap_cpu_threads(tmp_path)
    assert calls == ([] if expected is None else [expected])
    if expected is not None:
        assert line.startswith(f"CPU threads: {expected} (the container's CPU quota is ") and display_width(line) < 80
        assert f"torch counted {threads} cores" in line


def test_the_setup_says_when_it_caps_the_threads(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "cpu.max").write_text("100000 100000")
    monkeypatch.setattr(torch, "get_num_threads", lambda: 4)
    monkeypatch.setattr(torch, "set_num_threads", lambda n: None)
    monkeypatch.setattr(notebook_setup, "cap_cpu_threads", functools.partial(cap_cpu_threads, tmp_path))
    setup_notebook(environ={})
    lines = capsys.readouterr().out.splitlines()
    assert "CPU threads: 1 (the container's CPU quota is 1; torch counted 4 cores)" in lines


# ----------------------------------------------------------------------------- the data tool reads the same folders


def test_the_data_tool_prepares_the_folder_the_notebooks_read(tmp_path: Path, monkeypatch) -> None:
    from utils.prepare_data import build_parser

    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "shared"))
    monkeypatch.setenv("COURSE_SMOKE", "maybe")  # not the data tool's business: it must not stop it
    assert build_parser().parse_args([]).data_dir == tmp_path / "shared"
    paths = setup_notebook(verbose=False, environ={"COURSE_DATA_DIR": str(tmp_path / "shared")}).paths
    assert paths.data_dir == tmp_path / "shared"
    monkeypatch.setenv("COURSE_DATA_MIRROR", str(tmp_path / "usb"))
    assert read_mirror() == tmp_path / "usb" and read_mirror({}) is None
