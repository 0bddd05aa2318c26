"""The course's two run modes, read from one environment variable in one place.

* **Full mode** (default): every image, the real ImageNet weights, and one
  training epoch, as in the book.
* **Smoke mode** (``COURSE_SMOKE=1``): a small, class-balanced, deterministic
  subset of images and one training epoch, so that every notebook runs in about a
  minute on a 2-core CPU. Only in smoke mode may a randomly initialised VGG16
  stand in when the real weights are unavailable.

``COURSE_PRECISION=fp32`` turns off the speed settings of ``utils.precision`` (the
default, ``auto``, picks them for the device).

Notebooks never branch on the mode themselves: they call :func:`get_course_mode`
and pass what it returns to the helpers, so the notebook code is identical in
both modes.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from collections.abc import Mapping, Sequence

from utils.paths import SMOKE_WEIGHTS_DIR, WEIGHTS_DIR

#: The one environment variable that switches smoke mode on.
SMOKE_ENV_VAR = "COURSE_SMOKE"
#: The environment variable that chooses the arithmetic: "auto" (default) or "fp32".
PRECISION_ENV_VAR = "COURSE_PRECISION"

_TRUE_WORDS = {"1", "true", "yes", "on"}
_FALSE_WORDS = {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class CourseMode:
    """What the current run mode allows.

    Attributes:
        smoke: True in smoke mode.
        images_per_class: images kept per class and phase (None keeps them all).
        num_epochs: training epochs for ``train_model`` (epoch 0, validation
            only, comes on top of these).
        allow_standin: whether a randomly initialised VGG16 may replace
            unavailable ImageNet weights.
        precision: "auto" (mixed precision and channels_last where the device
            gains from them) or "fp32" (the book's arithmetic).
    """

    smoke: bool
    images_per_class: int | None
    num_epochs: int
    allow_standin: bool
    precision: str = "auto"

    def subset(self, paths: Sequence[str | Path]) -> list[str]:
        """The image paths (e.g. from ``make_datapath_list``) this mode uses, as sorted strings.

        Full mode keeps every path. Smoke mode keeps the first ``images_per_class`` of each
        class folder (the parent folder's name) in sorted order: class-balanced, and
        identical on every run and every machine.
        """
        paths = sorted(str(p) for p in paths)
        if self.images_per_class is None:
            return paths
        kept: dict[str, list[str]] = defaultdict(list)
        for path in paths:
            cls = Path(path).parent.name
            if len(kept[cls]) < self.images_per_class:
                kept[cls].append(path)
        return sorted(p for group in kept.values() for p in group)

    @property
    def weights_dir(self) -> Path:
        """Where notebooks save weights and run summaries: ``weights/`` in full mode,
        ``build/smoke/weights/`` in smoke mode (so tests and CI never touch a learner's results)."""
        return SMOKE_WEIGHTS_DIR if self.smoke else WEIGHTS_DIR

    def describe(self) -> str:
        """One line that says which mode is active and what it changes."""
        if not self.smoke:
            return f"Full mode: all images, {self.num_epochs} training epoch(s), as in the book."
        return (
            f"Smoke mode ({SMOKE_ENV_VAR}=1): {self.images_per_class} images per class "
            f"and phase, {self.num_epochs} training epoch(s); a random-weight stand-in "
            "VGG16 is allowed if the ImageNet weights are missing."
        )


FULL_MODE = CourseMode(smoke=False, images_per_class=None, num_epochs=1, allow_standin=False)
SMOKE_MODE = CourseMode(smoke=True, images_per_class=4, num_epochs=1, allow_standin=True)


def get_course_mode(environ: Mapping[str, str] | None = None) -> CourseMode:
    """``SMOKE_MODE`` or ``FULL_MODE`` as ``COURSE_SMOKE`` says, with ``precision`` from
    ``COURSE_PRECISION``, read from ``environ`` (default ``os.environ``; tests pass a dict).

    Raises:
        ValueError: one line naming the variable and the fix, if a value is not understood.
    """
    env = os.environ if environ is None else environ
    raw = env.get(SMOKE_ENV_VAR, "").strip().lower()
    if raw in _TRUE_WORDS:
        mode = SMOKE_MODE
    elif raw in _FALSE_WORDS:
        mode = FULL_MODE
    else:
        raise ValueError(
            f"{SMOKE_ENV_VAR}={env.get(SMOKE_ENV_VAR)!r} is not understood: "
            f"use {SMOKE_ENV_VAR}=1 for smoke mode or leave it unset for the full course."
        )
    precision = env.get(PRECISION_ENV_VAR, "").strip().lower() or "auto"
    if precision not in ("auto", "fp32"):
        raise ValueError(
            f"{PRECISION_ENV_VAR}={env.get(PRECISION_ENV_VAR)!r} is not understood: use "
            f"{PRECISION_ENV_VAR}=fp32 for the book's exact arithmetic or leave it unset (auto)."
        )
    return mode if precision == mode.precision else replace(mode, precision=precision)


STANDIN_BANNER = """\
################################################################################
#  STAND-IN WEIGHTS: this VGG16 is RANDOMLY INITIALISED, not trained on        #
#  ImageNet. Smoke mode uses it because the real weights are not available.    #
#  Every prediction, loss and accuracy below is MEANINGLESS; the code paths    #
#  are real. Real weights: python -m utils.prepare_data --weights              #
################################################################################"""
