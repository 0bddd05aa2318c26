"""The file a learner chose with ``ipywidgets.FileUpload``, whichever ipywidgets is installed (Colab
has 7)."""

from collections.abc import Mapping, Sequence
from typing import Any

from utils.errors import UploadError
from utils.settings.language import tr


def first_upload(
    value: Mapping[str, Any] | Sequence[Mapping[str, Any]],
) -> tuple[str, bytes] | None:
    """``(file name, file bytes)`` of the first uploaded file in ``uploader.value``, or ``None`` if
    there is none.

    ipywidgets 8 gives a tuple of dicts ``{"name", "type", "size", "content" (a memoryview),
    "last_modified"}``; ipywidgets 7 (Google Colab) a dict ``{file name: {"metadata": {...},
    "content": bytes}}``."""
    if not value:
        return None
    if isinstance(value, Mapping):  # ipywidgets 7
        name, upload = next(iter(value.items()))
    elif isinstance(value, Sequence) and isinstance(value[0], Mapping):  # ipywidgets 8
        upload = value[0]
        name = upload.get("name")
    else:
        upload = name = None
    if not isinstance(upload, Mapping) or not isinstance(name, str) or "content" not in upload:
        raise UploadError(
            tr(
                "uploader.value is a {kind} in neither ipywidgets 7's nor 8's shape: "
                "pass the FileUpload's own .value, or upgrade ipywidgets "
                "(pip install -U ipywidgets).",
                kind=type(value).__name__,
            )
        )
    return name, bytes(upload["content"])
