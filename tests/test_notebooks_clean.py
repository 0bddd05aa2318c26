"""The course notebooks (01-04, and the optional 05) exist, are valid, start with the shared setup cell, carry
no outputs, and store the metadata JupyterLab would write for the course's kernel (so opening one does not modify
it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ipykernel.ipkernel import IPythonKernel

from classroom.colab_cells import CODE_ID

NOTEBOOKS = [
    "01_pretrained_vgg_inference.ipynb",
    "02_preprocessing_and_augmentation.ipynb",
    "03_transfer_learning.ipynb",
    "04_fine_tuning_and_save_load.ipynb",
    "05_beyond_the_book.ipynb",
]


def stored_output_problems(notebook: dict) -> list[str]:
    """Describe every code cell that carries outputs or an execution count (empty list: clean)."""
    problems = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {index} has {len(cell['outputs'])} stored output(s)")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {index} has execution_count {cell['execution_count']}")
    return problems


def lesson_code(notebook: dict) -> list[str]:
    """The sources of the code cells, without the Colab cell (`make colab-cells`; tests/test_colab_cell.py)."""
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code" and c.get("id") != CODE_ID]


def test_the_checker_catches_a_notebook_with_outputs() -> None:
    dirty = {"cells": [{"cell_type": "markdown", "source": "# x"},
                       {"cell_type": "code", "execution_count": 3, "source": "1 + 1",
                        "outputs": [{"output_type": "execute_result", "data": {"text/plain": "2"}}]}]}
    assert stored_output_problems(dirty) == ["cell 1 has 1 stored output(s)", "cell 1 has execution_count 3"]


def test_exactly_the_course_notebooks(repo_root: Path) -> None:
    assert sorted(p.name for p in (repo_root / "notebooks").glob("*.ipynb")) == NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_committed_without_outputs(repo_root: Path, name: str) -> None:
    notebook = json.loads((repo_root / "notebooks" / name).read_text(encoding="utf-8"))
    assert stored_output_problems(notebook) == [], (
        f"{name} carries outputs: clear them (JupyterLab: Edit > Clear Outputs of All Cells) before "
        "committing")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_structure(repo_root: Path, name: str) -> None:
    notebook = json.loads((repo_root / "notebooks" / name).read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    cells = notebook["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    code = lesson_code(notebook)
    assert "setup_notebook(" in code[0], "the first code cell (after the Colab cell) must be the shared setup cell"
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown").lower()
    for section in ("learning goals", "prerequisites", "try it", "summary"):
        assert section in text, f"{name} lacks a '{section}' section"
    for i, cell in enumerate(cells[1:], 1):
        if cell["cell_type"] == "code":
            assert cells[i - 1]["cell_type"] == "markdown", f"{name}: code cell {i} has no 'why' before it"
    for forbidden in ("pretrained=True", "class_inedx", "img_path[30:34]", "triand_list", "bathc_size"):
        assert forbidden not in "\n".join(code), f"{name} repeats a bug of the source notes: {forbidden}"


def makefile_kernel_display_name(repo_root: Path) -> str:
    """The display name `make setup` gives the python3 kernel (the Makefile's KERNEL_DISPLAY_NAME)."""
    match = re.search(r"^KERNEL_DISPLAY_NAME\s*:?=\s*(.+?)\s*$", (repo_root / "Makefile").read_text(), re.M)
    assert match, "the Makefile must define KERNEL_DISPLAY_NAME"
    return match.group(1)


def pinned_python(repo_root: Path) -> str:
    """The exact Python version environment.yml pins (the one the lock is tested with)."""
    match = re.search(r"^\s*-\s*python=([0-9.]+)", (repo_root / "environment.yml").read_text(), re.M)
    assert match, "environment.yml must pin python=X.Y.Z"
    return match.group(1)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_metadata_is_what_jupyterlab_writes_for_the_course_kernel(repo_root: Path, name: str) -> None:
    metadata = json.loads((repo_root / "notebooks" / name).read_text(encoding="utf-8"))["metadata"]
    assert metadata["kernelspec"] == {"display_name": makefile_kernel_display_name(repo_root),
                                      "language": "python", "name": "python3"}, (
        f"{name}: the kernelspec must match the kernel `make setup` installs, or JupyterLab marks the "
        "notebook modified on open")
    # The kernel reports language_info; JupyterLab stores it. Everything but Python's patch version is
    # the same for every Python 3 kernel; the version is the one the course is tested with.
    expected = {**IPythonKernel.language_info, "version": pinned_python(repo_root)}
    assert metadata["language_info"] == expected, f"{name}: language_info differs from the kernel's"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_import_the_installed_course(repo_root: Path, name: str) -> None:
    notebook = json.loads((repo_root / "notebooks" / name).read_text(encoding="utf-8"))
    code = lesson_code(notebook)
    assert not any("sys.path" in cell for cell in code), f"{name} touches sys.path; make setup installs utils"
    assert "make setup" in code[0] and "except ModuleNotFoundError" in code[0], (
        f"{name}: the setup cell must say in one line what to run when the course is not installed")


def test_the_package_description_counts_the_notebooks(repo_root: Path) -> None:
    import tomllib

    description = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]["description"]
    in_words = {4: "four", 5: "five", 6: "six"}[len(NOTEBOOKS)]
    assert f"{in_words} notebooks" in description, f"pyproject.toml's description: {description!r}"
