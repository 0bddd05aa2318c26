"""Where the course keeps things on disk."""

import os
from pathlib import Path

#: The repository root (the folder holding ``notebooks/``, ``utils/`` and ``data/``).
REPO_ROOT: Path = Path(__file__).resolve().parents[2]

#: Downloaded data lives here (git-ignored, prepared by ``python -m utils.prepare_data``).
DATA_DIR: Path = REPO_ROOT / "data"

#: The ants-and-bees data set, with ``train/`` and ``val/`` inside.
HYMENOPTERA_DIR: Path = DATA_DIR / "hymenoptera_data"

#: The 1000 ImageNet classes as ``{"0": ["n01440764", "tench"], ...}``.
CLASS_INDEX_PATH: Path = DATA_DIR / "imagenet_class_index.json"

#: The golden retriever photo used in notebooks 01 and 02 (CC0, Pixabay 3724972).
DOG_PHOTO_PATH: Path = DATA_DIR / "goldenretriever-3724972_640.jpg"

#: Weights and run summaries that notebooks save in full mode: the learner's results (git-ignored).
WEIGHTS_DIR: Path = REPO_ROOT / "weights"

#: Where smoke runs save instead (``make test``, ``make notebooks``, CI), so they never touch ``weights/``.
SMOKE_WEIGHTS_DIR: Path = REPO_ROOT / "build" / "smoke" / "weights"

#: The file name torchvision gives the VGG16 ImageNet checkpoint in the torch hub cache: ``vgg16-``
#: and the first 8 hex digits of its SHA-256 (kept here so the data tool needs no torch import;
#: a test checks it against torchvision).
VGG16_CHECKPOINT_FILENAME: str = "vgg16-397923af.pth"
VGG16_SHA256_PREFIX: str = "397923af"


def hub_checkpoints_dir() -> Path:
    """``torch.hub.get_dir() / "checkpoints"`` worked out as torch does, without importing torch:
    under ``$TORCH_HOME``, else ``$XDG_CACHE_HOME/torch``, else ``~/.cache/torch``."""
    home = os.environ.get("TORCH_HOME") or Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache") / "torch"
    return Path(home).expanduser() / "hub" / "checkpoints"
