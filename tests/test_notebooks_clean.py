"""The four notebooks exist, are valid, start with the shared setup cell, and carry no outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = [
    "01_pretrained_vgg_inference.ipynb",
    "02_preprocessing_and_augmentation.ipynb",
    "03_transfer_learning.ipynb",
    "04_fine_tuning_and_save_load.ipynb",
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


def test_the_checker_catches_a_notebook_with_outputs() -> None:
    dirty = {"cells": [{"cell_type": "markdown", "source": "# x"},
                       {"cell_type": "code", "execution_count": 3, "source": "1 + 1",
                        "outputs": [{"output_type": "execute_result", "data": {"text/plain": "2"}}]}]}
    assert stored_output_problems(dirty) == ["cell 1 has 1 stored output(s)", "cell 1 has execution_count 3"]


def test_exactly_the_four_course_notebooks(repo_root: Path) -> None:
    assert sorted(p.name for p in (repo_root / "notebooks").glob("*.ipynb")) == NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_committed_without_outputs(repo_root: Path, name: str) -> None:
    notebook = json.loads((repo_root / "notebooks" / name).read_text(encoding="utf-8"))
    assert stored_output_problems(notebook) == [], (
        f"{name} carries outputs: clear them (JupyterLab: Edit > Clear Outputs of All Cells) before committing")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_structure(repo_root: Path, name: str) -> None:
    notebook = json.loads((repo_root / "notebooks" / name).read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    cells = notebook["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert "setup_notebook(" in code[0], "the first code cell must be the shared setup cell"
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown").lower()
    for section in ("learning goals", "prerequisites", "try it", "summary"):
        assert section in text, f"{name} lacks a '{section}' section"
    for i, cell in enumerate(cells[1:], 1):
        if cell["cell_type"] == "code":
            assert cells[i - 1]["cell_type"] == "markdown", f"{name}: code cell {i} has no 'why' before it"
    for forbidden in ("pretrained=True", "class_inedx", "img_path[30:34]", "triand_list", "bathc_size"):
        assert forbidden not in "\n".join(code), f"{name} repeats a bug of the source notes: {forbidden}"
