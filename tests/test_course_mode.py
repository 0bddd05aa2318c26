"""Smoke mode: one variable, read in one place, giving a small balanced deterministic subset."""

from __future__ import annotations

import random

import pytest
import torch

from utils.settings.course_mode import FULL_MODE, SMOKE_MODE, get_course_mode
from utils.settings.device import select_device
from utils.settings.notebook_setup import seed_everything


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_smoke_values(value: str) -> None:
    assert get_course_mode({"COURSE_SMOKE": value}) is SMOKE_MODE


@pytest.mark.parametrize("env", [{}, {"COURSE_SMOKE": ""}, {"COURSE_SMOKE": "0"}, {"COURSE_SMOKE": "off"}])
def test_full_mode_is_the_default(env: dict) -> None:
    assert get_course_mode(env) is FULL_MODE


def test_unclear_value_is_an_error_naming_the_variable() -> None:
    with pytest.raises(ValueError, match="COURSE_SMOKE"):
        get_course_mode({"COURSE_SMOKE": "maybe"})


def test_only_smoke_mode_allows_the_standin_and_both_train_one_epoch_like_the_book() -> None:
    assert SMOKE_MODE.allow_standin and not FULL_MODE.allow_standin
    assert SMOKE_MODE.num_epochs == FULL_MODE.num_epochs == 1  # the book's num_epochs=2 counts epoch 0
    assert "Smoke" in SMOKE_MODE.describe() and "Full" in FULL_MODE.describe()


@pytest.mark.parametrize("env, precision", [({}, "auto"), ({"COURSE_PRECISION": ""}, "auto"),
                                             ({"COURSE_PRECISION": " FP32 "}, "fp32"),
                                             ({"COURSE_PRECISION": "fp32", "COURSE_SMOKE": "1"}, "fp32")])
def test_precision_is_read_with_the_mode(env: dict, precision: str) -> None:
    mode = get_course_mode(env)
    assert mode.precision == precision
    assert mode.smoke == ("COURSE_SMOKE" in env)


def test_unclear_precision_is_one_clear_error() -> None:
    with pytest.raises(ValueError, match="COURSE_PRECISION='bf16' is not understood: use COURSE_PRECISION=fp32"):
        get_course_mode({"COURSE_PRECISION": "bf16"})


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
