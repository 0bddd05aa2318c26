"""The course's two run modes, read from one environment variable in one place.

* **Full mode** (default): every image, the real ImageNet weights, the training
  epochs the book uses.
* **Smoke mode** (``COURSE_SMOKE=1``): a small, class-balanced, deterministic
  subset of images and one training epoch, so that every notebook runs in about a
  minute on a 2-core CPU. Only in smoke mode may a randomly initialised VGG16
  stand in when the real weights are unavailable.

Notebooks never branch on the mode themselves: they call :func:`get_course_mode`
and pass what it returns to the helpers, so the notebook code is identical in
both modes.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from utils.paths import SMOKE_WEIGHTS_DIR, WEIGHTS_DIR

#: The one environment variable that switches smoke mode on.
SMOKE_ENV_VAR = "COURSE_SMOKE"

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
    """

    smoke: bool
    images_per_class: int | None
    num_epochs: int
    allow_standin: bool

    def subset(self, paths: Sequence[str | Path]) -> list[str]:
        """Return the images this mode uses from a sorted list of image paths.

        Full mode returns every path. Smoke mode keeps the first
        ``images_per_class`` paths of each class folder (the parent folder's
        name), in sorted order, so the subset is class-balanced and identical on
        every run and every machine.

        Args:
            paths: image paths, e.g. from ``make_datapath_list``.

        Returns:
            The paths to use, as strings, in sorted order.
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
            return f"Full mode: all images, {self.num_epochs} training epoch(s)."
        return (
            f"Smoke mode ({SMOKE_ENV_VAR}=1): {self.images_per_class} images per class "
            f"and phase, {self.num_epochs} training epoch(s); a random-weight stand-in "
            "VGG16 is allowed if the ImageNet weights are missing."
        )


FULL_MODE = CourseMode(smoke=False, images_per_class=None, num_epochs=2, allow_standin=False)
SMOKE_MODE = CourseMode(smoke=True, images_per_class=4, num_epochs=1, allow_standin=True)


def get_course_mode(environ: Mapping[str, str] | None = None) -> CourseMode:
    """Read ``COURSE_SMOKE`` and return the matching :class:`CourseMode`.

    Args:
        environ: the environment to read (defaults to ``os.environ``; tests pass a dict).

    Returns:
        ``SMOKE_MODE`` or ``FULL_MODE``.

    Raises:
        ValueError: if the variable holds something that is neither yes nor no.
    """
    env = os.environ if environ is None else environ
    raw = env.get(SMOKE_ENV_VAR, "").strip().lower()
    if raw in _TRUE_WORDS:
        return SMOKE_MODE
    if raw in _FALSE_WORDS:
        return FULL_MODE
    raise ValueError(
        f"{SMOKE_ENV_VAR}={env.get(SMOKE_ENV_VAR)!r} is not understood: "
        f"use {SMOKE_ENV_VAR}=1 for smoke mode or leave it unset for the full course."
    )


STANDIN_BANNER = """\
################################################################################
#  STAND-IN WEIGHTS: this VGG16 is RANDOMLY INITIALISED, not trained on        #
#  ImageNet. Smoke mode uses it because the real weights are not available.    #
#  Every prediction, loss and accuracy below is MEANINGLESS; the code paths    #
#  are real. Real weights: python -m utils.prepare_data --weights              #
################################################################################"""
