"""The one place that reads the course's environment variables (``utils/README.md`` lists them); a container's CPU
quota is read by ``utils.settings.device.cap_cpu_threads``."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from utils.errors import SettingsError
from utils.settings.language import tr

SMOKE_VAR = "COURSE_SMOKE"
SPEED_VAR = "COURSE_SPEED"
OLD_SPEED_VAR = "COURSE_PRECISION"  # the old name of COURSE_SPEED, still honoured
BATCH_SIZE_VAR = "COURSE_BATCH_SIZE"
DATA_DIR_VAR = "COURSE_DATA_DIR"
OUTPUT_DIR_VAR = "COURSE_OUTPUT_DIR"
MIRROR_VAR = "COURSE_DATA_MIRROR"
LANG_VAR = "COURSE_LANG"
#: ``COURSE_LANG``'s values: the English source and the Korean edition (``notebooks/ko/``).
LANGUAGES = ("en", "ko")
#: ``COURSE_SPEED``'s values: "auto" (``utils.settings.speed`` measures and chooses) or "fp32" (the
#: book's arithmetic in the usual memory layout).
SPEEDS = ("auto", "fp32")
BATCH_SIZE = 32  # the book's
DEFAULT_SEED = 1234  # the book's
#: The repository root (the folder holding ``notebooks/``, ``utils/`` and ``data/``).
REPO_ROOT: Path = Path(__file__).resolve().parents[2]

_TRUE_WORDS, _FALSE_WORDS = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class Environment:
    """The course's variables, checked; ``speed_note``: a line to show about ``COURSE_SPEED`` (its old
    name used), or None; ``hub_dir``: torch's hub cache (``TORCH_HOME``); ``lang``: ``COURSE_LANG``, "en" or "ko"."""

    smoke: bool
    lang: str
    speed: str
    speed_note: str | None
    batch_size: int
    data_dir: Path
    output_dir: Path
    hub_dir: Path


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


def read_hub_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The torch hub cache as ``torch.hub.get_dir()`` finds it, but from ``environ``: ``$TORCH_HOME/hub``,
    else ``$XDG_CACHE_HOME/torch/hub``, else ``~/.cache/torch/hub``."""
    env = os.environ if environ is None else environ
    torch_home = env.get("TORCH_HOME", "").strip()
    if not torch_home:
        cache = env.get("XDG_CACHE_HOME", "").strip() or "~/.cache"
        torch_home = str(Path(cache) / "torch")
    return Path(torch_home).expanduser() / "hub"


def read_language(environ: Mapping[str, str] | None = None) -> str:
    """``COURSE_LANG``: "en" or "ko"; English for anything else (``read_environment`` says what is wrong
    with a value it does not understand; the messages that say it must not fail themselves)."""
    lang = (os.environ if environ is None else environ).get(LANG_VAR, "").strip().lower()
    return lang if lang in LANGUAGES else "en"


def in_jupyterlab(environ: Mapping[str, str] | None = None) -> bool:
    """True in a kernel that JupyterLab started (jupyter_server sets ``JPY_SESSION_NAME``)."""
    return "JPY_SESSION_NAME" in (os.environ if environ is None else environ)


def read_environment(environ: Mapping[str, str] | None = None) -> Environment:
    """The course's variables in ``environ`` (default ``os.environ``); ``SettingsError`` for a value not understood."""
    env = os.environ if environ is None else environ
    smoke = env.get(SMOKE_VAR, "").strip().lower()
    if smoke not in _TRUE_WORDS | _FALSE_WORDS:
        raise SettingsError(tr("{var}={value!r} is not understood: use {var}=1 for smoke mode "
                               "or leave it unset for the full course.", var=SMOKE_VAR, value=env[SMOKE_VAR]))
    lang = env.get(LANG_VAR, "").strip().lower() or "en"
    if lang not in LANGUAGES:
        raise SettingsError(tr("{var}={value!r} is not understood: use {var}=ko for Korean "
                               "or leave it unset for English.", var=LANG_VAR, value=env[LANG_VAR]))
    speed_var, speed_note = SPEED_VAR, None
    if SPEED_VAR not in env and env.get(OLD_SPEED_VAR, "").strip():
        speed_var = OLD_SPEED_VAR
        speed_note = tr("{old} is now called {new}: honoured, but please rename it.",
                        old=OLD_SPEED_VAR, new=SPEED_VAR)
    speed = env.get(speed_var, "").strip().lower() or "auto"
    if speed not in SPEEDS:
        raise SettingsError(tr("{var}={value!r} is not understood: use {new}=fp32 "
                               "for the book's arithmetic or leave it unset (auto).",
                               var=speed_var, value=env[speed_var], new=SPEED_VAR))
    batch = env.get(BATCH_SIZE_VAR, "").strip() or str(BATCH_SIZE)
    if not batch.isascii() or not batch.isdecimal() or int(batch) < 1:
        raise SettingsError(tr("{var}={value!r} is not understood: use a whole number of images, "
                               "e.g. {var}=8 on a small machine, or leave it unset ({default}).",
                               var=BATCH_SIZE_VAR, value=env[BATCH_SIZE_VAR], default=BATCH_SIZE))
    return Environment(smoke in _TRUE_WORDS, lang, speed, speed_note, int(batch), *read_folders(env),
                       read_hub_dir(env))
