"""The course's files: each one's name (from ``utils.settings.paths``), source, SHA-256 and place
on disk."""

from pathlib import Path
from typing import NamedTuple

from utils.settings import paths


class FileArtifact(NamedTuple):
    """One file in the data folder: its ``name`` (also its name in a mirror), source ``url`` and
    ``sha256``."""

    name: str
    url: str
    sha256: str


CLASS_INDEX = FileArtifact(
    paths.CLASS_INDEX_NAME,
    "https://s3.amazonaws.com/deep-learning-models/image-models/imagenet_class_index.json",
    "61e065144f3807db321be4d07e753e1526df9f9db1389c0b0d42695bb16ba302")
DOG_PHOTO = FileArtifact(
    paths.DOG_PHOTO_NAME, "https://raw.githubusercontent.com/YutaroOgawa/pytorch_advanced/master/"
    f"1_image_classification/data/{paths.DOG_PHOTO_NAME}",
    "f90ba4a47c10531e95a843d0addca3973f9f1369bd4fb5ee5bc771eb0dab1e3a")
FILE_ARTIFACTS = (CLASS_INDEX, DOG_PHOTO)
DATASET_ZIP = f"{paths.DATASET_NAME}.zip"
DATASET_URL = "https://download.pytorch.org/tutorial/hymenoptera_data.zip"
#: SHA-256 of the official zip's bytes (a mirror's zip may differ; its content may not).
DATASET_ZIP_SHA256 = "fbc41b31d544714d18dd1230b1e2b455e1557766e13e67f9f5a7a23af7c02209"
#: ``<sha256>  <relative path>`` of each of the data set's 398 files.
DATASET_MANIFEST = Path(__file__).resolve().parents[1] / "manifests" / "hymenoptera_data.sha256"
MIRROR_SUMS = "SHA256SUMS"  # a mirror folder's list of its files' SHA-256
#: Free space needed where it is written (data set: the zip and its extracted copy).
DATASET_SPACE, WEIGHTS_SPACE = 100 << 20, 540 << 20


def hub_checkpoints_dir() -> Path:
    """Where torch hub keeps checkpoints: ``torch.hub.get_dir() / "checkpoints"``
    (``TORCH_HOME``)."""
    import torch.hub  # here, so that the data tool starts without torch when it needs no weights

    return Path(torch.hub.get_dir()) / "checkpoints"


def weights_path() -> Path:
    """Where torchvision keeps (or will keep) the VGG16 ImageNet checkpoint."""
    return paths.vgg16_checkpoint_in(hub_checkpoints_dir().parent)


def weights_url() -> str:
    """Where torchvision downloads the VGG16 ImageNet checkpoint from:
    ``VGG16_Weights.IMAGENET1K_V1.url``."""
    from torchvision.models import VGG16_Weights

    return VGG16_Weights.IMAGENET1K_V1.url


def is_genuine_sha256(sha256: str) -> bool:
    """True if a SHA-256 hex digest is that of the ImageNet checkpoint
    (``paths.VGG16_SHA256_PREFIX``)."""
    return sha256.lower().startswith(paths.VGG16_SHA256_PREFIX)
