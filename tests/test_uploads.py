"""first_upload reads FileUpload.value in ipywidgets 7's shape (Colab) and in 8's (the course's lock)."""

from __future__ import annotations

import datetime as dt
import io

import ipywidgets
import pytest
from PIL import Image
from traitlets import Bunch

from utils.dataloader_image_classification import load_rgb_image
from utils.support.uploads import UploadError, first_upload


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (5, 3), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def value_7x(files: dict[str, bytes]) -> dict:
    """ipywidgets 7.x's ``FileUpload.on_incr_counter``: ``{name: {"metadata": ..., "content": bytes}}``."""
    return {name: {"metadata": {"name": name, "type": "image/png", "size": len(data), "lastModified": 0},
                   "content": data} for name, data in files.items()}


def value_8x(files: dict[str, bytes]) -> tuple:
    """ipywidgets 8.x's ``_deserialize_single_file``: a tuple of Bunches with the content as a memoryview."""
    return tuple(Bunch(name=name, type="image/png", size=len(data), content=memoryview(data),
                       last_modified=dt.datetime.fromtimestamp(0, tz=dt.UTC))
                 for name, data in files.items())


@pytest.mark.parametrize("make_value", [value_7x, value_8x])
def test_first_upload_reads_either_shape(make_value) -> None:
    data = png_bytes()
    name, content = first_upload(make_value({"bee.png": data, "other.png": b"x"}))
    assert (name, content) == ("bee.png", data)
    assert type(content) is bytes  # not a memoryview: BytesIO and PIL take it as it is
    assert load_rgb_image(io.BytesIO(content), name=name).size == (5, 3)


@pytest.mark.parametrize("empty", [{}, ()])
def test_nothing_uploaded_is_none(empty) -> None:
    assert first_upload(empty) is None


def test_the_installed_widget_after_an_upload() -> None:
    uploader = ipywidgets.FileUpload(accept="image/*")
    assert first_upload(uploader.value) is None
    if int(ipywidgets.__version__.split(".")[0]) < 8:
        pytest.skip("ipywidgets 7 takes an upload through metadata, data and _counter")
    data = png_bytes()
    # what the browser sends after an upload, through the widget's own deserializer
    uploader.set_state({"value": [{"name": "bee.png", "type": "image/png", "size": len(data),
                                   "content": memoryview(data), "last_modified": 0}]})
    assert first_upload(uploader.value) == ("bee.png", data)


@pytest.mark.parametrize("bad", [["bee.png"], {"bee.png": b"raw bytes"}, ({"content": b"x"},)])
def test_another_shape_is_one_clear_error(bad) -> None:
    with pytest.raises(UploadError, match="neither ipywidgets 7's nor 8's shape"):
        first_upload(bad)


@pytest.mark.parametrize("make_value", [value_7x, value_8x])
def test_notebook_05s_upload_cell_loads_a_photo_uploaded_in_either_shape(make_value, repo_root) -> None:
    """The cell itself, as Colab (ipywidgets 7) and the course's lock (8) hand it ``uploader.value``."""
    import types

    import nbformat

    notebook = nbformat.read(repo_root / "notebooks" / "05_beyond_the_book.ipynb", as_version=4)
    cell = next(c.source for c in notebook.cells
                if c.cell_type == "code" and "first_upload(uploader.value)" in c.source)
    namespace = {"uploader": types.SimpleNamespace(value=make_value({"bee.png": png_bytes()})),
                 "load_rgb_image": load_rgb_image, "ctx": None}
    exec(cell, namespace)
    assert namespace["photo_name"] == "bee.png" and namespace["photo"].size == (5, 3)
