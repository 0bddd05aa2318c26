"""Where the course keeps things on disk: the data folder, where notebooks save, and torch's hub cache."""

from dataclasses import dataclass
from pathlib import Path

#: The file name torchvision gives the VGG16 ImageNet checkpoint in the hub cache: ``vgg16-`` and the first
#: 8 hex digits of its SHA-256 (a test checks both against ``VGG16_Weights.IMAGENET1K_V1.url``).
VGG16_CHECKPOINT_FILENAME = "vgg16-397923af.pth"
VGG16_SHA256_PREFIX = "397923af"
DATASET_NAME = "hymenoptera_data"
CLASS_INDEX_NAME = "imagenet_class_index.json"
DOG_PHOTO_NAME = "goldenretriever-3724972_640.jpg"


@dataclass(frozen=True)
class CoursePaths:
    """``data_dir`` (what ``python -m utils.prepare_data`` prepares) and the files in it, ``hub_dir`` (the torch hub
    cache) and ``weights_dir``: where notebooks save, ``build/smoke/weights/`` in smoke mode so that tests and CI
    never touch the learner's ``weights/``."""

    data_dir: Path
    output_dir: Path
    hub_dir: Path
    smoke: bool = False

    @property
    def hymenoptera_dir(self) -> Path:
        return self.data_dir / DATASET_NAME

    @property
    def class_index(self) -> Path:
        return self.data_dir / CLASS_INDEX_NAME

    @property
    def dog_photo(self) -> Path:
        return self.data_dir / DOG_PHOTO_NAME

    @property
    def weights_dir(self) -> Path:
        return self.output_dir / ("build/smoke/weights" if self.smoke else "weights")

    @property
    def vgg16_checkpoint(self) -> Path:
        return vgg16_checkpoint_in(self.hub_dir)


def vgg16_checkpoint_in(hub_dir: Path) -> Path:
    """Where torchvision keeps the VGG16 ImageNet checkpoint in the torch hub cache ``hub_dir``."""
    return hub_dir / "checkpoints" / VGG16_CHECKPOINT_FILENAME
