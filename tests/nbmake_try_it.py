"""A pytest plugin: nbmake runs each course notebook with its Try-it solutions typed in at the end.

    COURSE_SMOKE=1 python -m pytest -p tests.nbmake_try_it --nbmake notebooks     # make test, make notebooks

For each notebook that nbmake collects and whose ``## Try it`` cell has solutions, the run executes a copy:
the notebook's cells, then a cell that makes ``check`` strict (a ✘ raises), then each solution's ```python
blocks as one code cell, as a learner would type them in, then a cell that fails unless every exercise with a
``check("NN.k", ...)`` passed (or, for one marked "(GPU only)", skipped on a machine without a GPU). One
kernel, one run: the notebook is not executed twice. The copy lies in a temporary folder, which is the
kernel's working folder, with ``my_photo.jpg`` in it: the photo a learner puts next to the notebook. Nothing
is written into notebooks/.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import textwrap
from pathlib import Path

import nbformat
import pytest
from PIL import Image

from classroom.student_edition import TRY_IT_HEADINGS, solution_spans
from utils.tools.translate import fences

PHOTO = "my_photo.jpg"  # the file name the solutions of 01.1 and 04.5 read
_EXERCISE = re.compile(r"^(\d+)\. \*\*", re.M)
GPU_ONLY = re.compile(r"\((GPU only|GPU 전용)\)")  # an exercise's first line, in English or Korean
_CHECK = re.compile(r'check\("(\d\d\.\d+)"')


def try_it_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    return next((c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith(TRY_IT_HEADINGS)), None)


def exercises(text: str, prefix: str) -> dict[str, str]:
    """``{"03.4": the text of exercise 4 (its solution included)}`` from a Try-it cell's markdown."""
    parts = _EXERCISE.split(text)[1:]
    return {f"{prefix}.{number}": body for number, body in zip(parts[::2], parts[1::2])}


def solution_code(text: str) -> str:
    """The ```python blocks of the Solution ``<details>`` in an exercise's text, dedented, in order."""
    blocks = [fences(text[start:end]) for start, end in solution_spans(text)]
    return "\n".join(code for found in blocks for code in found)


def with_solutions(nb: nbformat.NotebookNode, prefix: str) -> nbformat.NotebookNode | None:
    """A copy of ``nb`` with its Try-it solutions appended as code cells, or None if it has none."""
    cell = try_it_cell(nb)
    items = exercises(cell.source, prefix) if cell is not None else {}
    solutions = {exercise: solution_code(text) for exercise, text in items.items()}
    if not any(solutions.values()):
        return None
    checked = list(dict.fromkeys(_CHECK.findall(cell.source)))  # every check the exercises name
    gpu_only = list(dict.fromkeys(c for text in items.values() if GPU_ONLY.search(text.split("\n", 1)[0])
                                  for c in _CHECK.findall(text)))
    nb = nbformat.from_dict(nb)  # a deep copy
    nb.cells.append(nbformat.v4.new_code_cell(textwrap.dedent("""\
        # tests/nbmake_try_it.py: a check that fails stops the run here, with the exercise's number
        import contextlib
        import io

        from utils.support import selfcheck as _selfcheck

        _checked = {}

        def check(exercise, *answer):
            with contextlib.redirect_stdout(io.StringIO()) as line:
                _checked[exercise] = _selfcheck.check(exercise, *answer)
            print(line.getvalue(), end="")
            assert _checked[exercise] is not False, f"the solution fails its check: {line.getvalue()}"
        """)))
    for exercise, code in solutions.items():
        source = f"# Try it {exercise}: the solution\n{code}" if code else f"# Try it {exercise}: no code"
        nb.cells.append(nbformat.v4.new_code_cell(source))
    nb.cells.append(nbformat.v4.new_code_cell(textwrap.dedent(f"""\
        # tests/nbmake_try_it.py: every exercise with a check passed it (a GPU-only one may skip)
        _expected, _gpu_only = {checked!r}, {gpu_only!r}
        _missing = [e for e in _expected if not _checked.get(e) and not (e in _gpu_only and e in _checked)]
        assert not _missing, f"no ✔ for {{_missing}}: a solution that does not run its check"
        """)))
    for number, new in enumerate(nb.cells[-len(solutions) - 2:]):
        new.id = f"try-it-run-{number}"
    return nb


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Point an nbmake item of a course notebook at its copy with the solutions, in a fresh working folder."""
    if not getattr(item, "nbmake", False):
        return
    source = Path(item.config.rootdir) / item.filename
    extended = with_solutions(nbformat.read(source, as_version=4), source.name[:2])
    if extended is None:
        return
    folder = Path(tempfile.mkdtemp(prefix=f"try-it-{source.stem[:2]}-"))
    Image.new("RGB", (320, 240), "orange").save(folder / PHOTO)  # the learner's photo
    nbformat.write(extended, folder / source.name)
    item.try_it_folder = folder
    item.filename = str(folder / source.name)  # nbmake executes this copy, with its folder as working folder


def pytest_runtest_teardown(item: pytest.Item) -> None:
    folder = getattr(item, "try_it_folder", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
