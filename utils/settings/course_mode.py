"""Full mode: every picture, as in the book. Smoke mode (``COURSE_SMOKE=1``): a fixed, class-balanced subset, so
that every notebook runs in about a minute on 2 CPU cores, and random weights may stand in for missing ones."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from utils.settings.language import tr


@dataclass(frozen=True)
class CourseMode:
    """``smoke`` or not, and the pictures per class and phase that the mode uses (None: all)."""

    smoke: bool
    images_per_class: int | None

    def subset(self, paths: Sequence[str | Path]) -> list[str]:
        """The paths this mode uses, sorted: all, or the first ``images_per_class`` of each class folder."""
        by_class: dict[str, list[str]] = defaultdict(list)
        for path in sorted(str(p) for p in paths):
            by_class[Path(path).parent.name].append(path)
        return sorted(p for group in by_class.values() for p in group[:self.images_per_class])

    def describe(self) -> str:
        if not self.smoke:
            return tr("Full mode: every picture, as in the book.")
        return tr("Smoke mode (COURSE_SMOKE=1): {n} pictures per class and phase;\n"
                  "  random stand-in weights if the ImageNet ones are missing.", n=self.images_per_class)


FULL_MODE = CourseMode(smoke=False, images_per_class=None)
SMOKE_MODE = CourseMode(smoke=True, images_per_class=4)
