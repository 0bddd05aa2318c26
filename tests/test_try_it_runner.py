"""The Try-it runner (tests/nbmake_try_it.py), without a kernel: it appends each solution's code to the notebook,
and the appended cells, run in order, fail on a ✘, on a missing check and on a solution that raises; nbmake
executes a copy in a temporary folder with the learner's photo, never notebooks/ itself."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from PIL import Image

from tests.nbmake_try_it import PHOTO, pytest_runtest_setup, pytest_runtest_teardown, with_solutions

RIGHT = '["RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotation(180)"]'


def notebook(first: str, second: str = 'check("02.5", Image.new("RGB", (3, 4)))') -> nbformat.NotebookNode:
    """A notebook "02" whose Try-it cell has two exercises with these solutions (as a learner types them)."""
    def exercise(number: int, title: str, check_id: str, code: str) -> str:
        return (f"{number}. **{title}** Why?\n\n   Check: `check(\"{check_id}\", ...)`.\n\n"
                "   <details><summary>Solution</summary>\n\n   ```python\n"
                + "".join(f"   {line}\n" for line in code.splitlines()) + "   ```\n   Because.\n   </details>\n")
    try_it = "## Try it\n\nType your code at the end.\n\n" + exercise(1, "Flips.", "02.2", first) + exercise(
        2, "Tall.", "02.5", second)
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("from PIL import Image"),
                                           nbformat.v4.new_markdown_cell(try_it),
                                           nbformat.v4.new_markdown_cell("## Summary")])


def run(nb: nbformat.NotebookNode) -> None:
    """Execute the code cells in order, in one namespace, as the kernel would."""
    namespace: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, cell.id, "exec"), namespace)  # noqa: S102 (the test's own cells)


def test_the_solutions_come_after_the_notebook_and_pass(capsys) -> None:
    nb = notebook(f'names = {RIGHT}\ncheck("02.2", names)')
    extended = with_solutions(nb, "02")
    assert [c.source for c in extended.cells[:3]] == [c.source for c in nb.cells]  # the notebook, unchanged
    assert len(extended.cells) == 3 + 1 + 2 + 1 and "names = [" in extended.cells[4].source
    nbformat.validate(extended)
    run(extended)
    assert capsys.readouterr().out.count("✔") == 2


@pytest.mark.parametrize(("first", "error"), [
    ('check("02.2", ["ColorJitter"])', "fails its check: ✘ 02.2"),      # a wrong answer
    ('names = ["RandomHorizontalFlip"]', "no ✔ for ['02.2']"),          # a solution that checks nothing
    ("raise ValueError('No image file at my_photo.jpg')", "No image file"),  # a solution that stops
])
def test_a_failing_or_missing_check_or_an_error_fails_the_run(first: str, error: str) -> None:
    with pytest.raises((AssertionError, ValueError), match=error.replace("[", r"\[").replace("]", r"\]")):
        run(with_solutions(notebook(first), "02"))


def test_a_notebook_without_solutions_runs_as_it_is() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Try it\n\n1. **A.** Why?")])
    assert with_solutions(nb, "02") is None


def test_nbmake_runs_a_copy_in_a_temporary_folder_with_a_photo(tmp_path: Path) -> None:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(notebook(f'check("02.2", {RIGHT})'), folder / "02_x.ipynb")
    before = sorted(folder.iterdir())
    item = SimpleNamespace(nbmake=True, config=SimpleNamespace(rootdir=tmp_path), filename="notebooks/02_x.ipynb")
    pytest_runtest_setup(item)
    copy = Path(item.filename)
    try:
        assert copy.parent != folder and copy.name == "02_x.ipynb" and sorted(folder.iterdir()) == before
        assert len(nbformat.read(copy, as_version=4).cells) == 7
        with Image.open(copy.parent / PHOTO) as photo:
            photo.verify()
    finally:
        pytest_runtest_teardown(item)
    assert not copy.parent.exists() and sorted(folder.iterdir()) == before
