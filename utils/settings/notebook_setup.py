"""The first code cell of every notebook: read the settings once, seed, pick the device, its CPU threads and its
speed settings."""

import os
import platform
import random
import sys
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch

from utils.settings.course_mode import FULL_MODE, SMOKE_MODE, CourseMode
from utils.settings.device import cap_cpu_threads, select_device
from utils.errors import SettingsError
from utils.settings.environment import DEFAULT_SEED, LANG_VAR, LANGUAGES, read_environment
from utils.settings.fonts import use_korean_font
from utils.settings.language import tr
from utils.settings.paths import CoursePaths
from utils.settings.speed import Speed, choose_speed



@dataclass(frozen=True)
class NotebookContext:
    """What the setup cell hands to the notebook, to pass on to every call that needs it."""

    device: torch.device
    mode: CourseMode
    seed: int
    speed: Speed
    batch_size: int
    paths: CoursePaths


def seed_everything(seed: int = DEFAULT_SEED) -> None:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and every GPU)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds CUDA and MPS generators


def weights_line(paths: CoursePaths, smoke: bool) -> str:
    """Whether the VGG16 weights are cached, and what to do offline if they are not."""
    if paths.vgg16_checkpoint.is_file():
        return tr("VGG16 weights: cached in {folder}", folder=paths.vgg16_checkpoint.parent)
    if smoke:
        return tr("VGG16 weights: not cached yet; the first notebook that needs them downloads 528 MiB.\n"
                  "  Offline: random stand-in weights (smoke mode).")
    return tr("VGG16 weights: not cached yet; the first notebook that needs them downloads 528 MiB.\n"
              "  Offline? `make weights` while online, or run `%env COURSE_SMOKE=1`\n"
              "  and this cell again (random stand-in weights).")


def setup_notebook(seed: int = DEFAULT_SEED, lang: str | None = None, verbose: bool = True,
                   environ: Mapping[str, str] | None = None) -> NotebookContext:
    """Read the environment (``environ``, default ``os.environ``) once, seed, pick the device, cap its CPU threads,
    choose the speed settings, and (``verbose``) say so in short lines. ``SettingsError`` for a bad variable.

    ``lang``: the notebook's language, "en" or "ko" (default: ``COURSE_LANG``). It becomes ``COURSE_LANG`` for
    this kernel and what it starts, so the course's messages and figure titles speak it; "ko" also picks a
    Korean font for the figures."""
    import torchvision  # imported here so the report shows the version actually loaded

    if lang is not None and lang not in LANGUAGES:
        raise SettingsError(tr("setup_notebook(lang={lang!r}): use one of {languages}.",
                               lang=lang, languages=", ".join(map(repr, LANGUAGES))))
    if environ is None and lang is not None:
        os.environ[LANG_VAR] = lang  # first, so that a message about another variable speaks it too
    env = read_environment(environ)
    lang = lang or env.lang
    if environ is None:  # a test passes its own environ and leaves the process's alone
        os.environ[LANG_VAR] = lang
    font_hint = use_korean_font() if lang == "ko" else None
    seed_everything(seed)
    device = select_device()
    threads_line = cap_cpu_threads()  # before the speed choice, which times the CPU
    ctx = NotebookContext(device=device, mode=SMOKE_MODE if env.smoke else FULL_MODE, seed=seed,
                          speed=choose_speed(device, env.speed), batch_size=env.batch_size,
                          paths=CoursePaths(env.data_dir, env.output_dir, env.hub_dir, env.smoke))
    if verbose:
        print(f"Python {sys.version.split()[0]} ({platform.system()}), PyTorch {torch.__version__}, "
              f"torchvision {torchvision.__version__}")
        gpu = f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else ""
        print(tr("Device: {device}{gpu}", device=device, gpu=gpu))
        if threads_line:
            print(threads_line)
        print(ctx.speed.describe())
        if env.speed_note:
            print(env.speed_note)
        print(tr("Data: {data}\nSaving to: {weights}", data=ctx.paths.data_dir, weights=ctx.paths.weights_dir))
        print(weights_line(ctx.paths, env.smoke))
        print(tr("Seed {seed}, batch size {batch_size}. {mode}", seed=seed, batch_size=env.batch_size,
                 mode=ctx.mode.describe()))
    if font_hint:
        print(font_hint)
    return ctx
