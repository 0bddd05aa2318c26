"""The one place that reads the course's environment variables (``utils/README.md`` lists them); a container's CPU
quota is read by ``utils.settings.device.cap_cpu_threads``."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from utils.errors import SettingsError

SMOKE_VAR, PRECISION_VAR, BATCH_SIZE_VAR = "COURSE_SMOKE", "COURSE_PRECISION", "COURSE_BATCH_SIZE"
DATA_DIR_VAR, OUTPUT_DIR_VAR, MIRROR_VAR = "COURSE_DATA_DIR", "COURSE_OUTPUT_DIR", "COURSE_DATA_MIRROR"
#: ``COURSE_PRECISION``'s values: "auto" (``utils.settings.precision`` chooses) or "fp32" (the book's arithmetic).
PRECISIONS = ("auto", "fp32")
BATCH_SIZE = 32  # the book's
#: The repository root (the folder holding ``notebooks/``, ``utils/`` and ``data/``).
REPO_ROOT: Path = Path(__file__).resolve().parents[2]

_TRUE_WORDS, _FALSE_WORDS = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class Environment:
    """The course's variables, checked; ``in_jupyterlab``: a kernel that JupyterLab started (it draws widgets)."""

    smoke: bool
    precision: str
    batch_size: int
    data_dir: Path
    output_dir: Path
    in_jupyterlab: bool


def read_folders(environ: Mapping[str, str] | None = None) -> tuple[Path, Path]:
    """``(data folder, output folder)``: ``COURSE_DATA_DIR`` and ``COURSE_OUTPUT_DIR``, or the repository's."""
    env = os.environ if environ is None else environ
    data, output = (Path(v).expanduser().resolve() if (v := env.get(var, "").strip()) else default
                    for var, default in ((DATA_DIR_VAR, REPO_ROOT / "data"), (OUTPUT_DIR_VAR, REPO_ROOT)))
    return data, output


def read_mirror(environ: Mapping[str, str] | None = None) -> Path | None:
    """``COURSE_DATA_MIRROR`` as a folder, or None when unset (the data tool then downloads)."""
    mirror = (os.environ if environ is None else environ).get(MIRROR_VAR, "").strip()
    return Path(mirror).expanduser() if mirror else None


def in_jupyterlab(environ: Mapping[str, str] | None = None) -> bool:
    """True in a kernel that JupyterLab started (jupyter_server sets ``JPY_SESSION_NAME``)."""
    return "JPY_SESSION_NAME" in (os.environ if environ is None else environ)


def read_environment(environ: Mapping[str, str] | None = None) -> Environment:
    """The course's variables in ``environ`` (default ``os.environ``); ``SettingsError`` for a value not understood."""
    env = os.environ if environ is None else environ
    smoke = env.get(SMOKE_VAR, "").strip().lower()
    if smoke not in _TRUE_WORDS | _FALSE_WORDS:
        raise SettingsError(f"{SMOKE_VAR}={env[SMOKE_VAR]!r} is not understood: use {SMOKE_VAR}=1 for smoke mode "
                            "or leave it unset for the full course.")
    precision = env.get(PRECISION_VAR, "").strip().lower() or "auto"
    if precision not in PRECISIONS:
        raise SettingsError(f"{PRECISION_VAR}={env[PRECISION_VAR]!r} is not understood: use {PRECISION_VAR}=fp32 "
                            "for the book's arithmetic or leave it unset (auto).")
    batch = env.get(BATCH_SIZE_VAR, "").strip() or str(BATCH_SIZE)
    if not batch.isdigit() or int(batch) < 1:
        raise SettingsError(f"{BATCH_SIZE_VAR}={env[BATCH_SIZE_VAR]!r} is not understood: use a whole number "
                            f"of images, e.g. {BATCH_SIZE_VAR}=8 on a small machine, or leave it unset ({BATCH_SIZE}).")
    return Environment(smoke in _TRUE_WORDS, precision, int(batch), *read_folders(env), in_jupyterlab(env))
