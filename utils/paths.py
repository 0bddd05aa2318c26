"""Where the course keeps things on disk (constants only)."""

from pathlib import Path

#: The repository root (the folder holding ``notebooks/``, ``utils/`` and ``data/``).
REPO_ROOT: Path = Path(__file__).resolve().parents[1]

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

#: The file name torchvision gives the VGG16 ImageNet checkpoint in the torch hub cache
#: (``vgg16-<first 8 hex digits of its SHA-256>.pth``). Kept here so the data tool can
#: name it without importing torch; ``utils.pretrained_vgg`` checks it against torchvision.
VGG16_CHECKPOINT_FILENAME: str = "vgg16-397923af.pth"
