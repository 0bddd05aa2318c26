"""The book's data API: file lists, labels, transforms, and images in odd formats."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from utils.dataloader_image_classification import (CLASS_NAMES, MEAN, SIZE, STD, BaseTransform,
                                                   HymenopteraDataset, ImageTransform,
                                                   label_from_path, load_rgb_image,
                                                   make_datapath_list)

# --------------------------------------------------------------------------- the real data set


def test_file_lists_have_the_documented_sizes(dataset_dir: Path) -> None:
    train = make_datapath_list("train", root=dataset_dir)
    val = make_datapath_list("val", root=dataset_dir)
    assert (len(train), len(val)) == (244, 153)  # 245 train files minus the placeholder GIF
    assert train == sorted(train) and val == sorted(val)
    assert not any(p.lower().endswith(".gif") for p in train + val)
    assert any(Path(p).name == "ant photos.jpg" for p in train), "file name with a space must be kept"
    assert any(Path(p).name == "formica.jpeg" for p in train), ".jpeg files must be kept"


def test_book_positional_signatures_still_work(dataset_dir: Path) -> None:
    train = make_datapath_list("train", dataset_dir)
    dataset = HymenopteraDataset(train[:2], ImageTransform(SIZE, MEAN, STD), "train")
    image, label = dataset[0]
    assert image.shape == (3, SIZE, SIZE) and label == 0


@pytest.mark.parametrize("phase", ["train", "val"])
def test_every_sample_loads_as_3x224x224_with_the_folder_label(dataset_dir: Path, phase: str) -> None:
    paths = make_datapath_list(phase, root=dataset_dir)
    dataset = HymenopteraDataset(paths, ImageTransform(SIZE, MEAN, STD), phase)
    counts = [0, 0]
    for i in range(len(dataset)):
        image, label = dataset[i]
        assert isinstance(image, torch.Tensor) and image.shape == (3, SIZE, SIZE), paths[i]
        assert image.dtype == torch.float32 and torch.isfinite(image).all(), paths[i]
        assert isinstance(label, int)
        assert label == CLASS_NAMES.index(Path(paths[i]).parent.name)
        counts[label] += 1
    expected = {"train": [123, 121], "val": [70, 83]}[phase]
    assert counts == expected


def test_missing_data_folder_names_the_folder_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="prepare_data") as err:
        make_datapath_list("train", root=tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(err.value)


def test_unknown_phase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'train' or 'val'"):
        make_datapath_list("test", root=tmp_path)


def test_the_data_folder_is_always_passed_in() -> None:
    # No folder is bound at import time: every caller says which data set it lists.
    defaults = [p.name for p in inspect.signature(make_datapath_list).parameters.values()
                if p.default is not inspect.Parameter.empty]
    assert defaults == []
    with pytest.raises(TypeError, match="root"):
        make_datapath_list("train")  # type: ignore[call-arg]


# --------------------------------------------------------------------------- synthetic trees


def _write_image(path: Path, mode: str = "RGB", size: tuple[int, int] = (40, 30), **save_kwargs) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    color = {"RGB": (200, 30, 30), "L": 128, "RGBA": (10, 200, 10, 0), "CMYK": (0, 255, 255, 0),
             "P": 3, "LA": (90, 0), "I;16": 40000}[mode]
    Image.new(mode, size, color).save(path, **save_kwargs)
    return path


def test_extensions_any_case_and_non_images_left_out(tmp_path: Path) -> None:
    for name in ["a.jpg", "b.JPG", "c.jpeg", "d.Jpeg", "e.png", "f.PNG"]:
        _write_image(tmp_path / "train" / "ants" / name, format="PNG")
    _write_image(tmp_path / "train" / "ants" / "imageNotFound.gif", mode="P", format="GIF")
    (tmp_path / "train" / "ants" / "notes.txt").write_text("not an image")
    names = [Path(p).name for p in make_datapath_list("train", root=tmp_path)]
    assert names == ["a.jpg", "b.JPG", "c.jpeg", "d.Jpeg", "e.png", "f.PNG"]


def test_label_comes_from_the_parent_folder_on_any_path(tmp_path: Path) -> None:
    assert label_from_path(tmp_path / "some" / "deep" / "place" / "val" / "bees" / "x.jpg") == 1
    assert label_from_path(r"C:\data\train\ants\x.jpg".replace("\\", "/")) == 0
    with pytest.raises(ValueError, match="wasps"):
        label_from_path(tmp_path / "train" / "wasps" / "x.jpg")


def test_unknown_class_folder_fails_when_the_dataset_is_built(tmp_path: Path) -> None:
    bad = _write_image(tmp_path / "train" / "wasps" / "w.jpg", format="JPEG")
    with pytest.raises(ValueError, match=str(bad.name)):
        HymenopteraDataset([bad], ImageTransform(SIZE, MEAN, STD), "train")


@pytest.mark.parametrize("mode, fmt", [("L", "JPEG"), ("RGBA", "PNG"), ("P", "PNG"), ("CMYK", "JPEG"),
                                       ("LA", "PNG"), ("I;16", "PNG")])
def test_odd_image_modes_become_rgb_tensors(tmp_path: Path, mode: str, fmt: str) -> None:
    path = _write_image(tmp_path / "val" / "bees" / f"odd.{fmt.lower()}", mode=mode, format=fmt)
    img = load_rgb_image(path)
    assert img.mode == "RGB" and img.size == (40, 30)
    image, label = HymenopteraDataset([path], ImageTransform(SIZE, MEAN, STD), "val")[0]
    assert image.shape == (3, SIZE, SIZE) and label == 1


def test_transparent_pixels_become_white_not_black(tmp_path: Path) -> None:
    path = _write_image(tmp_path / "rgba.png", mode="RGBA", format="PNG")  # fully transparent green
    assert load_rgb_image(path).getpixel((0, 0)) == (255, 255, 255)


def test_palette_with_transparency(tmp_path: Path) -> None:
    path = tmp_path / "p.png"
    img = Image.new("P", (8, 8), 0)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img.save(path, transparency=0)
    assert load_rgb_image(path).getpixel((0, 0)) == (255, 255, 255)


def test_16bit_grayscale_keeps_its_brightness(tmp_path: Path) -> None:
    path = _write_image(tmp_path / "deep.png", mode="I;16", format="PNG")  # 40000 / 65535 ~ 61 %
    assert abs(load_rgb_image(path).getpixel((0, 0))[0] - 40000 // 256) <= 1


def test_truncated_image_error_names_the_file(tmp_path: Path) -> None:
    good = _write_image(tmp_path / "full.jpg", size=(300, 300), format="JPEG", quality=95)
    truncated = tmp_path / "train" / "ants" / "truncated.jpg"
    truncated.parent.mkdir(parents=True)
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ValueError, match="truncated.jpg") as err:
        HymenopteraDataset([truncated], ImageTransform(SIZE, MEAN, STD), "train")[0]
    assert "prepare_data" in str(err.value)


def test_text_file_named_jpg_error_names_the_file(tmp_path: Path) -> None:
    fake = tmp_path / "val" / "ants" / "fake.jpg"
    fake.parent.mkdir(parents=True)
    fake.write_text("I am not a picture")
    with pytest.raises(ValueError, match="fake.jpg.*not a readable image"):
        load_rgb_image(fake)


def test_missing_file_error_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="gone.jpg"):
        load_rgb_image(tmp_path / "gone.jpg")


# --------------------------------------------------------------------------- transforms


def _photo() -> Image.Image:
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 256, size=(300, 400, 3), dtype=np.uint8))


def test_val_transform_is_deterministic_and_equals_base_transform() -> None:
    transform, img = ImageTransform(SIZE, MEAN, STD), _photo()
    a, b = transform(img, "val"), transform(img, "val")
    assert torch.equal(a, b) and torch.equal(a, BaseTransform(SIZE, MEAN, STD)(img))
    assert a.shape == (3, SIZE, SIZE)


def test_train_transform_is_random_but_seedable() -> None:
    transform, img = ImageTransform(SIZE, MEAN, STD), _photo()
    torch.manual_seed(0)
    a, b = transform(img, "train"), transform(img, "train")
    torch.manual_seed(0)
    a_again = transform(img, "train")
    assert a.shape == (3, SIZE, SIZE) and not torch.equal(a, b) and torch.equal(a, a_again)


def test_normalize_uses_imagenet_statistics() -> None:
    gray = Image.new("RGB", (224, 224), (124, 116, 104))  # ~ the ImageNet mean colour
    out = BaseTransform(SIZE, MEAN, STD)(gray)
    expected = torch.tensor([(c / 255 - m) / s for c, m, s in zip((124, 116, 104), MEAN, STD)])
    assert torch.allclose(out.mean(dim=(1, 2)), expected, atol=1e-5)
    assert out.abs().max() < 0.02


def test_transform_rejects_an_unknown_phase() -> None:
    with pytest.raises(ValueError, match="phase"):
        ImageTransform(SIZE, MEAN, STD)(_photo(), "test")


def test_a_folder_is_not_called_a_corrupt_image(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is not a readable image file") as err:
        load_rgb_image(tmp_path)  # once: "probably truncated or corrupt: delete it"
    assert "delete" not in str(err.value)


def test_a_huge_photo_is_one_line_with_its_size_and_what_to_do(tmp_path: Path, monkeypatch) -> None:
    path = _write_image(tmp_path / "huge.png", size=(200, 100), format="PNG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 5_000)  # 20 000 pixels: as a 200-megapixel photo by default
    with pytest.raises(ValueError) as err:
        load_rgb_image(path)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"{path} has 0.02 megapixels, more than PIL opens by default")
    assert "shrink it" in message and "PIL.Image.MAX_IMAGE_PIXELS = None" in message


@pytest.mark.parametrize("values, expected", [
    ((0.25, 0.75), (63, 191)),      # 0..1, the usual range of float images: not all black
    ((10.0, 200.0), (10, 200)),     # already 0..255
    ((-500.0, 3000.0), (0, 255)),   # anything else: its own min..max
])
def test_a_float_tiff_keeps_its_picture(tmp_path: Path, values: tuple[float, float], expected) -> None:
    path = tmp_path / "float.tif"
    Image.fromarray(np.array([values], dtype=np.float32), mode="F").save(path)
    img = load_rgb_image(path)
    assert img.mode == "RGB" and (img.getpixel((0, 0))[0], img.getpixel((1, 0))[0]) == expected


def test_a_float_tiff_with_nan_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "nan.tif"
    Image.fromarray(np.array([[0.5, np.nan]], dtype=np.float32), mode="F").save(path)
    with pytest.raises(ValueError, match="nan.tif is a float image with NaN"):
        load_rgb_image(path)


def test_a_damaged_photo_is_never_advised_to_be_deleted(tmp_path: Path) -> None:
    good = _write_image(tmp_path / "mine.jpg", size=(300, 300), format="JPEG", quality=95)
    good.write_bytes(good.read_bytes()[:2000])
    with pytest.raises(ValueError, match="truncated or corrupt") as err:
        load_rgb_image(good)
    assert "delete" not in str(err.value).lower()


def test_a_missing_photo_names_the_working_folder_a_relative_path_starts_in(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # in JupyterLab, the notebook's folder
    with pytest.raises(ValueError) as err:
        load_rgb_image("my_wasp.jpg")
    message = str(err.value)
    assert message.startswith("No image file at my_wasp.jpg") and f"working folder, {tmp_path})" in message
    assert "\n" not in message and "full path" in message


def test_an_upload_in_memory_loads_like_a_file_and_a_bad_one_is_named() -> None:
    """Notebook 05's own-photo upload: bytes in io.BytesIO, transparency on white, one line naming the upload."""
    import io

    buffer = io.BytesIO()
    Image.new("RGBA", (6, 4), (0, 0, 0, 0)).save(buffer, "PNG")
    img = load_rgb_image(io.BytesIO(buffer.getvalue()), name="my_wasp.png")
    assert img.mode == "RGB" and img.size == (6, 4) and img.getpixel((0, 0)) == (255, 255, 255)
    with pytest.raises(ValueError, match=r"^my_wasp\.png is not a readable image"):
        load_rgb_image(io.BytesIO(b"<html>not a photo</html>"), name="my_wasp.png")
