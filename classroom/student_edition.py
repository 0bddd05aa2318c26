"""The student edition: the notebooks without their solutions, the exercises kept.

A solution is a ``<details><summary>Solution</summary> ... </details>`` block (``풀이`` in Korean) in a
markdown cell (other ``<details>`` blocks, such as "Smoke mode", stay), or a whole cell tagged ``solution``.
A ``<details>`` that is never closed, a ``</details>`` without its opening or a Solution summary outside
``<details>`` stops the tool, naming the notebook, the cell and the line.

    python -m classroom.student_edition --out build/student notebooks/*.ipynb     # make student

After ``make test`` has executed ``notebooks/``, a student notebook runs nothing new unless its code differs:
``--to-run notebooks build/student/*.ipynb`` prints the ones to execute (the first, end to end, and each whose
code or metadata differ from its teacher copy, i.e. lost a cell tagged ``solution``): ``make student-test
STUDENT_TEST=changed``, as CI runs it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbconvert.preprocessors import TagRemovePreprocessor

SOLUTION_TAG = "solution"
#: The first words of a Try-it cell and of a solution's ``<summary>``, in English and in Korean (notebooks/ko/).
TRY_IT_HEADINGS = ("## Try it", "## 직접 해 보기")
SOLUTION_WORDS = r"(?:solutions?\b|풀이)"
_DETAILS = re.compile(r"<details\b[^>]*>|</details\s*>", re.I)
_SUMMARY = re.compile(r"\s*(<summary\b[^>]*>)\s*(.*?)\s*</summary>", re.I | re.S)
_SOLUTION_SUMMARY = re.compile(r"<summary\b[^>]*>\s*" + SOLUTION_WORDS, re.I)


class SolutionMarkupError(ValueError):
    """A solution's ``<details>`` markup that cannot be removed safely."""


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def solution_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each outermost Solution ``<details>`` block in ``text``; ``SolutionMarkupError`` (with
    the line) when the ``<details>`` tags do not pair up or a Solution summary is not right after ``<details>``."""
    stack: list[tuple[int, bool]] = []  # (start, is a solution) of each open <details>
    spans, summaries = [], set()
    for tag in _DETAILS.finditer(text):
        if not tag[0].startswith("</"):
            summary = _SUMMARY.match(text, tag.end())
            is_solution = bool(summary and re.match(SOLUTION_WORDS, summary[2], re.I))
            if is_solution:
                summaries.add(summary.start(1))
            stack.append((tag.start(), is_solution))
        elif not stack:
            raise SolutionMarkupError(f"line {_line(text, tag.start())}: </details> without its <details>")
        else:
            start, is_solution = stack.pop()
            if is_solution and not any(outer for _, outer in stack):
                spans.append((start, tag.end()))
    if stack:
        start, is_solution = stack[-1]
        raise SolutionMarkupError(f"line {_line(text, start)}: {'a Solution ' if is_solution else ''}<details> "
                                  "is never closed by </details>")
    for summary in _SOLUTION_SUMMARY.finditer(text):
        if summary.start() not in summaries:
            raise SolutionMarkupError(f"line {_line(text, summary.start())}: a Solution <summary> outside <details>")
    return spans


def remove_solutions(text: str) -> tuple[str, int]:
    """``text`` without its Solution blocks (with their whole lines, and a blank line before each); and how many."""
    spans = solution_spans(text)
    for start, end in reversed(spans):
        line_start = text.rfind("\n", 0, start) + 1
        if not text[line_start:start].strip():  # the block starts its line: take the line, and a blank one before
            start = line_start
            before = text.rfind("\n", 0, max(start - 1, 0)) + 1
            if start and not text[before:start].strip():
                start = before
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end + 1
        if not text[end:line_end].strip():
            end = line_end
        text = text[:start] + text[end:]
    return (text.rstrip() if spans else text), len(spans)


def student_notebook(nb: nbformat.NotebookNode, name: str = "notebook") -> tuple[nbformat.NotebookNode, int]:
    """A copy of ``nb`` without solutions, and how many were removed; ``SolutionMarkupError`` names ``name``,
    the cell and the line."""
    nb = nbformat.from_dict(nb)  # a deep copy
    tagged = sum(SOLUTION_TAG in cell.metadata.get("tags", []) for cell in nb.cells)
    nb, _ = TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG}).preprocess(nb, {})
    removed, cells = tagged, []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            try:
                cell.source, count = remove_solutions(cell.source)
            except SolutionMarkupError as err:
                raise SolutionMarkupError(f"{name}, cell {index} (id {cell.get('id')}), {err}") from None
            removed += count
            if count and not cell.source:
                continue  # the cell held nothing but solutions
        cells.append(cell)
    nb.cells = cells
    nbformat.validate(nb)
    return nb, removed


def _code(nb: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def to_run(students: Sequence[Path], teacher_dir: Path) -> list[Path]:
    """The student notebooks an nbmake run must execute once ``teacher_dir``'s have run: the first (the edition
    end to end), and each whose code cells or metadata differ from the teacher notebook of the same name."""
    chosen = []
    for index, path in enumerate(students):
        student, teacher = (nbformat.read(p, as_version=4) for p in (path, teacher_dir / path.name))
        same = _code(student) == _code(teacher) and student.metadata == teacher.metadata
        if index == 0 or not same:
            chosen.append(path)
        else:
            print(f"{path.name}: the same code as {teacher_dir / path.name}, which make test executes", file=sys.stderr)
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classroom.student_edition", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, help="the folder to write the student notebooks to")
    parser.add_argument("--to-run", type=Path, metavar="TEACHER_DIR",
                        help="print which of the student notebooks given still need executing after TEACHER_DIR's")
    args = parser.parse_args(argv)
    if args.to_run:
        try:
            print(" ".join(map(str, to_run(args.notebooks, args.to_run))))
        except (OSError, ValueError, nbformat.ValidationError) as err:  # no teacher copy, not a notebook
            print(f"error: {err}. Run `make student` again (it starts from "
                  "an empty build/student/).", file=sys.stderr)
            return 1
        return 0
    if args.out is None:
        parser.error("--out is required (or --to-run)")
    try:  # every notebook first: a malformed one leaves no half-written edition
        editions = [(path, *student_notebook(nbformat.read(path, as_version=4), str(path))) for path in args.notebooks]
    except SolutionMarkupError as err:
        print(f"error: {err}. Fix the markup: <details><summary>Solution</summary> ... </details>", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for path, nb, removed in editions:
        nbformat.write(nb, args.out / path.name)
        print(f"{args.out / path.name}: {removed} solution(s) removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
