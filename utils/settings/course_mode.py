"""The course's two run modes, read from the environment in one place.

Full mode (default): every image and the real ImageNet weights, as in the book. Smoke mode (``COURSE_SMOKE=1``):
a small, class-balanced, fixed subset, so that every notebook runs in about a minute on a 2-core CPU, and a
random VGG16 may stand in for missing weights. ``COURSE_PRECISION=fp32`` turns off ``utils.settings.precision``'s speed
settings. Notebooks never branch on the mode: they pass :func:`get_course_mode`'s answer to the helpers.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from collections.abc import Mapping, Sequence

from utils.settings.paths import SMOKE_WEIGHTS_DIR, WEIGHTS_DIR

#: The one environment variable that switches smoke mode on.
SMOKE_ENV_VAR = "COURSE_SMOKE"
#: The environment variable that chooses the arithmetic: "auto" (default) or "fp32".
PRECISION_ENV_VAR = "COURSE_PRECISION"
#: Its values: "auto" (``utils.settings.precision`` chooses) or "fp32" (the book's arithmetic).
PRECISIONS = ("auto", "fp32")

_TRUE_WORDS = {"1", "true", "yes", "on"}
_FALSE_WORDS = {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class CourseMode:
    """What the run mode allows: ``images_per_class`` per phase (None: all), ``num_epochs`` for ``train_model``,
    whether a random stand-in VGG16 is allowed, and ``precision`` "auto" (``utils.settings.precision``) or "fp32"."""

    smoke: bool
    images_per_class: int | None
    num_epochs: int
    allow_standin: bool
    precision: str = "auto"

    def subset(self, paths: Sequence[str | Path]) -> list[str]:
        """The paths this mode uses, sorted: all, or the first ``images_per_class`` of each class folder."""
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
        return (f"Smoke mode ({SMOKE_ENV_VAR}=1): {self.images_per_class} images per class and phase, "
                f"{self.num_epochs} training epoch(s); a random-weight stand-in VGG16 is allowed if the "
                "ImageNet weights are missing.")


FULL_MODE = CourseMode(smoke=False, images_per_class=None, num_epochs=1, allow_standin=False)
SMOKE_MODE = CourseMode(smoke=True, images_per_class=4, num_epochs=1, allow_standin=True)


def get_course_mode(environ: Mapping[str, str] | None = None) -> CourseMode:
    """``SMOKE_MODE`` or ``FULL_MODE`` as ``COURSE_SMOKE`` says, with ``precision`` from ``COURSE_PRECISION``,
    read from ``environ`` (default ``os.environ``). Raises ``ValueError`` naming the variable and the fix."""
    env = os.environ if environ is None else environ
    raw = env.get(SMOKE_ENV_VAR, "").strip().lower()
    if raw in _TRUE_WORDS:
        mode = SMOKE_MODE
    elif raw in _FALSE_WORDS:
        mode = FULL_MODE
    else:
        raise ValueError(f"{SMOKE_ENV_VAR}={env.get(SMOKE_ENV_VAR)!r} is not understood: "
                         f"use {SMOKE_ENV_VAR}=1 for smoke mode or leave it unset for the full course.")
    precision = env.get(PRECISION_ENV_VAR, "").strip().lower() or "auto"
    if precision not in PRECISIONS:
        raise ValueError(f"{PRECISION_ENV_VAR}={env.get(PRECISION_ENV_VAR)!r} is not understood: use "
                         f"{PRECISION_ENV_VAR}=fp32 for the book's exact arithmetic or leave it unset (auto).")
    return mode if precision == mode.precision else replace(mode, precision=precision)


STANDIN_BANNER = """\
################################################################################
#  STAND-IN WEIGHTS: this VGG16 is RANDOMLY INITIALISED, not trained on        #
#  ImageNet. Smoke mode uses it because the real weights are not available.    #
#  Every prediction, loss and accuracy below is MEANINGLESS; the code paths    #
#  are real. Real weights: python -m utils.prepare_data --weights              #
################################################################################"""
