"""The student edition (`make student`): solutions removed, exercises and every other cell kept, the notebooks
still valid; malformed solution markup stops the tool with the notebook, cell and line."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from classroom.student_edition import (
    SOLUTION_WORDS, TRY_IT_HEADINGS, SolutionMarkupError, main, remove_solutions, student_notebook, to_run,
)

SOLUTION = re.compile(r"<summary>\s*" + SOLUTION_WORDS, re.I)
TRY_IT = """\
## Try it

1. **First.** Do this?

   <details><summary>Solution</summary>

   ```python
   print("answer")
   ```
   Because.
   </details>
2. **Second.** And that?

   <details><summary>Solution</summary>
   Easy.
   <details><summary>Smoke mode</summary>
   nested, goes with its solution
   </details>
   </details>

<details><summary>Smoke mode</summary>

Stays.
</details>"""


def test_solutions_go_and_the_exercises_and_other_details_stay() -> None:
    text, removed = remove_solutions(TRY_IT)
    assert removed == 2
    assert text == ("## Try it\n\n1. **First.** Do this?\n2. **Second.** And that?\n\n"
                    "<details><summary>Smoke mode</summary>\n\nStays.\n</details>")


def test_a_cell_of_only_a_solution_goes_and_a_tagged_cell_goes() -> None:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_markdown_cell("<details><summary>Solutions</summary>\nall of them\n</details>"),
        nbformat.v4.new_code_cell("answer = 42", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("question = '?'")])
    student, removed = student_notebook(nb)
    assert removed == 2 and [c.source for c in student.cells] == ["# Title", "question = '?'"]
    assert len(nb.cells) == 4  # the teacher's notebook is left as it was


@pytest.mark.parametrize(("markup", "problem"), [
    ("x\n<details><summary>Solution</summary>\nanswer", "line 2: a Solution <details> is never closed"),
    ("<details><summary>Hint</summary>\nhint\n\n<details><summary>Solution</summary>\nx\n</details>",
     "line 1: <details> is never closed"),
    ("x\n\nanswer\n</details>", "line 4: </details> without its <details>"),
    ("1. x\n   <summary>Solution</summary>\n   answer", "line 2: a Solution <summary> outside <details>"),
])
def test_malformed_solution_markup_fails_loudly(markup: str, problem: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_markdown_cell(markup)])
    nb.cells[1].id = "bad-cell"
    with pytest.raises(SolutionMarkupError, match=re.escape(f"03.ipynb, cell 1 (id bad-cell), {problem}")):
        student_notebook(nb, "03.ipynb")


def test_the_tool_writes_nothing_when_one_notebook_is_malformed(tmp_path: Path, capsys) -> None:
    good = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(TRY_IT)])
    bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("<details><summary>Solution</summary>")])
    nbformat.write(good, tmp_path / "01.ipynb")
    nbformat.write(bad, tmp_path / "02.ipynb")
    assert main(["--out", str(tmp_path / "out"), str(tmp_path / "01.ipynb"), str(tmp_path / "02.ipynb")]) == 1
    assert "02.ipynb, cell 0" in capsys.readouterr().err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("folder, try_it", [("notebooks", TRY_IT_HEADINGS[0]), ("notebooks/ko", TRY_IT_HEADINGS[1])])
def test_the_course_notebooks(repo_root: Path, tmp_path: Path, folder: str, try_it: str) -> None:
    paths = sorted((repo_root / folder).glob("*.ipynb"))
    assert len(paths) == 5 and main(["--out", str(tmp_path), *map(str, paths)]) == 0
    for path in paths:
        teacher, student = nbformat.read(path, as_version=4), nbformat.read(tmp_path / path.name, as_version=4)
        nbformat.validate(student)
        teacher_md = "\n".join(c.source for c in teacher.cells if c.cell_type == "markdown")
        student_md = "\n".join(c.source for c in student.cells if c.cell_type == "markdown")
        assert SOLUTION.search(teacher_md) and not SOLUTION.search(student_md), path.name
        assert student_md.count("<details") == teacher_md.count("<details") - len(SOLUTION.findall(teacher_md))
        assert try_it in student_md and teacher.cells[-1].source.startswith("## ")  # the summary stays
        assert [c.source for c in student.cells if c.cell_type == "code"] == [
            c.source for c in teacher.cells if c.cell_type == "code" and "solution" not in c.metadata.get("tags", [])]
        assert student.metadata == teacher.metadata


def test_after_make_test_only_the_first_and_changed_student_notebooks_run(tmp_path: Path, capsys) -> None:
    """`make student-test STUDENT_TEST=changed` (CI): a student notebook whose code equals its teacher copy's, which
    `make test` executes, runs nothing new; one that lost a code cell tagged `solution` must run on its own."""
    teacher, student = tmp_path / "notebooks", tmp_path / "student"
    teacher.mkdir()
    tagged = nbformat.v4.new_code_cell("answer = 42", metadata={"tags": ["solution"]})
    for name, cells in {"01.ipynb": [], "02.ipynb": [], "03.ipynb": [tagged], "04.ipynb": []}.items():
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(TRY_IT),
                                             nbformat.v4.new_code_cell("x = 1"), *cells])
        nbformat.write(nb, teacher / name)
    assert main(["--out", str(student), *sorted(map(str, teacher.glob("*.ipynb")))]) == 0
    capsys.readouterr()
    assert to_run(sorted(student.glob("*.ipynb")), teacher) == [student / "01.ipynb", student / "03.ipynb"]
    err = capsys.readouterr().err
    assert "02.ipynb: the same code as" in err and "04.ipynb" in err and "03.ipynb" not in err
    assert main(["--to-run", str(teacher), str(student / "03.ipynb")]) == 0  # the first runs end to end
    assert capsys.readouterr().out.strip() == str(student / "03.ipynb")


def test_to_run_names_a_student_notebook_without_its_teacher_copy_in_one_line(tmp_path: Path, capsys) -> None:
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), tmp_path / "99_gone.ipynb")
    assert main(["--to-run", str(tmp_path / "teacher"), str(tmp_path / "99_gone.ipynb")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "99_gone.ipynb" in err and "make student" in err and len(err.splitlines()) == 1


# The answers of the Try-it exercises, as the solutions write them (each is in its teacher notebook's solution).
# The lesson text teaches some of them on purpose (01.2's dropout layers, section 2): those are not listed.
ANSWERS = {
    "01.3": ["512 × 10 × 10"],
    "02.2": ['"RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotation(180)"'],
    "03.3": ["123 ants first"],
    "03.4": ["16,789,506"],
    "05.3": ["132.5 million"],
    "05.4": ["28 × 28, not 14 × 14"],
}
OTHER_FORMS = [("01.3", "(1, 512, 10, 10)"), ("03.4", "16789506"), ("04.2", "119,554,050"), ("04.2", "119554050"),
               ("05.3", "132,533,250"), ("05.3", "132533250"), ("05.4", "(1, 512, 28, 28)")]  # as code prints them


def _text(path: Path) -> str:
    if path.suffix == ".ipynb":
        return "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
    return path.read_text(errors="replace")


def test_the_student_edition_and_utils_hold_no_answer(repo_root: Path, tmp_path: Path) -> None:
    paths = sorted((repo_root / "notebooks").glob("*.ipynb"))
    assert main(["--out", str(tmp_path), *map(str, paths)]) == 0
    assert main(["--out", str(tmp_path / "ko"), *map(str, sorted((repo_root / "notebooks/ko").glob("*.ipynb")))]) == 0
    teacher = {p.name[:2]: " ".join(_text(p).split()) for p in paths}
    for exercise, values in ANSWERS.items():
        for value in values:  # the list names real answers: the teacher's solutions hold them
            assert value in teacher[exercise[:2]], f"{exercise}: {value!r} is not in its solution any more"
    shipped = [*sorted(tmp_path.rglob("*.ipynb")), *sorted(p for p in (repo_root / "utils").rglob("*")
                                                           if p.is_file() and "__pycache__" not in p.parts)]
    assert len(shipped) > 20
    for path in shipped:
        text = " ".join(_text(path).split())  # a value wrapped over two lines is found too
        for exercise, value in [*((e, v) for e, values in ANSWERS.items() for v in values), *OTHER_FORMS]:
            assert value not in text, f"{path.name} gives away the answer to {exercise}: {value!r}"
