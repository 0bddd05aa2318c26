"""`make student-branch` and `make binder-branch` (classroom/branches.py), on a scratch repository holding this
working tree's files: the branch gets what it should and no solution, the teacher's working tree, index and
current branch stay as they were, and each new commit follows the branch's previous one."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from classroom import branches
from classroom.colab_cells import CODE_ID
from classroom.student_edition import remove_solutions, solution_spans, student_notebook

GIT = ["git", "-c", "user.name=teacher", "-c", "user.email=teacher@example.invalid"]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def teacher(repo_root: Path, tmp_path: Path) -> Path:
    """A scratch repository on branch main with this working tree's files (ignored ones left out)."""
    repo = tmp_path / "teacher"
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=repo_root,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, files):
        if (repo_root / name).is_file() and not (repo_root / name).is_symlink():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(repo_root / name, repo / name)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "the course")
    return repo


def _tree(repo: Path, ref: str) -> list[str]:
    return _git(repo, "ls-tree", "-r", "--name-only", ref).splitlines()


def _state(repo: Path) -> tuple[str, str, str, str]:
    """The current branch, its commit, the index and the working tree's status: what must not change."""
    return (_git(repo, "symbolic-ref", "HEAD"), _git(repo, "rev-parse", "HEAD"), _git(repo, "ls-files", "-s"),
            _git(repo, "status", "--porcelain"))


def test_the_student_branch_holds_what_a_learner_needs_and_no_solution(teacher: Path) -> None:
    (teacher / "notebooks" / "scratch.txt").write_text("the teacher's uncommitted work")
    before = _state(teacher)
    assert branches.main(["student", "--repo", str(teacher)]) == 0
    assert _state(teacher) == before and (teacher / "notebooks" / "scratch.txt").exists()

    files = _tree(teacher, "student")
    assert not [f for f in files if f.startswith(("tests/", "classroom/", ".ci/"))]
    for needed in ("utils/prepare_data.py", "Makefile", "README.md", "requirements.txt", "constraints.txt",
                   "pyproject.toml", "notebooks/README.md"):
        assert needed in files, needed
    notebooks = [f for f in files if f.endswith(".ipynb")]
    assert notebooks == [f for f in _tree(teacher, "main") if f.endswith(".ipynb")] and len(notebooks) == 10
    assert not [f for f in files if f.startswith("notebooks/ko/translations/")]  # they hold the Korean solutions
    answers, lessons = set(), ""  # each line of a solution that says something, and is not in the lesson itself
    for name in notebooks:
        for cell in nbformat.reads(_git(teacher, "show", f"main:{name}"), as_version=4).cells:
            lessons += remove_solutions(cell.source)[0] if cell.cell_type == "markdown" else cell.source
            for start, end in solution_spans(cell.source) if cell.cell_type == "markdown" else []:
                answers |= {line.strip() for line in cell.source[start:end].splitlines() if len(line.strip()) > 40}
    answers = {line for line in answers if line not in lessons}
    assert len(answers) > 10
    for name in files:  # no file on the branch holds a Try-it solution
        text = _git(teacher, "show", f"student:{name}")
        assert not [line for line in answers if line in text], name
        if name.endswith(".ipynb"):
            assert student_notebook(nbformat.reads(text, as_version=4))[1] == 0, name
    student_nb = nbformat.reads(_git(teacher, "show", f"student:{notebooks[0]}"), as_version=4)
    colab = next(c for c in student_nb.cells if c.get("id") == CODE_ID)
    assert 'BRANCH = "student"' in colab.source and colab.metadata["cellView"] == "form"


def test_a_new_commit_follows_the_last_and_an_unchanged_one_adds_nothing(teacher: Path) -> None:
    first = branches.commit_branch(teacher, "student", branches.STUDENT, "one", rewrite=branches.student_file)
    assert branches.commit_branch(teacher, "student", branches.STUDENT, "two", rewrite=branches.student_file) is None
    (teacher / "tests" / "test_new.py").write_text("# not for learners\n")
    _git(teacher, "add", "-A")
    _git(teacher, "commit", "-q", "-m", "a new test")
    assert branches.commit_branch(teacher, "student", branches.STUDENT, "three",
                                  rewrite=branches.student_file) is None  # tests/ is not on the branch
    (teacher / "utils" / "README.md").write_text("changed\n")
    _git(teacher, "commit", "-q", "-am", "utils docs")
    third = branches.commit_branch(teacher, "student", branches.STUDENT, "four", rewrite=branches.student_file)
    assert third and _git(teacher, "rev-parse", f"{third}^") == first  # learners' nbgitpuller merges stay simple
    assert _git(teacher, "show", "student:utils/README.md") == "changed"


def test_the_binder_branch_is_the_environment_only(teacher: Path) -> None:
    before = _state(teacher)
    assert branches.main(["binder", "--repo", str(teacher)]) == 0
    assert _state(teacher) == before
    files = _tree(teacher, "binder")
    assert {"binder/requirements.txt", "binder/postBuild", "binder/start", "pyproject.toml", "README.md",
            "requirements.txt", "constraints.txt", "utils/prepare_data.py"} <= set(files)
    assert not [f for f in files if f.startswith(("notebooks/", "tests/", "classroom/"))]
    modes = dict(line.split(" ", 1)[::-1] for line in
                 _git(teacher, "ls-tree", "-r", "--format=%(objectmode) %(path)", "binder").splitlines())
    assert modes["binder/postBuild"] == "100755"
    nb = teacher / "notebooks" / "01_pretrained_vgg_inference.ipynb"  # a typo fixed in a notebook
    nb.write_text(nb.read_text().replace("VGG16", "VGG-16", 1))
    _git(teacher, "commit", "-q", "-am", "typo")
    assert branches.main(["binder", "--repo", str(teacher)]) == 0
    assert len(_git(teacher, "rev-list", "refs/heads/binder").splitlines()) == 1  # Binder rebuilds nothing
