"""The branches learners and Binder use, committed from the current commit with git plumbing: your working tree,
your index and your current branch are never touched, and nothing is pushed.

    python -m classroom.branches student    # make student-branch: the student edition, for nbgitpuller and Colab
    python -m classroom.branches binder     # make binder-branch: only what Binder's image is built from

``student`` holds what a learner needs and no solution: the notebooks without their solutions
(``classroom.student_edition``; their Colab cell clones ``student``), ``utils/``, the data tool, the Makefile, the
READMEs and the requirements; not ``tests/`` (the self-check tests hold the answers) nor ``classroom/``.
``binder`` holds ``binder/``, ``utils/`` and what ``pip install -e .`` reads: Binder rebuilds its image only when
one of those changes, while nbgitpuller brings the notebooks from ``main`` at every launch.

Each new commit has the branch's previous commit as its parent, so learners' nbgitpuller merges stay ordinary
merges; a commit whose files are the same as the branch's adds nothing. Then push: ``git push origin student``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import nbformat

from classroom.colab_cells import CODE_ID
from classroom.student_edition import SolutionMarkupError, student_notebook
from utils.settings.environment import REPO_ROOT

TOP_FILES = ("Makefile", "README.md", "requirements.txt", "constraints.txt", "pyproject.toml", "environment.yml",
             ".gitignore", ".gitattributes", "LICENSE")
STUDENT = ("notebooks/", "utils/", "data/README.md", "jupyter-settings/", *TOP_FILES)
#: Left off the student branch: the Korean translation files hold the Korean solutions (the notebooks are built).
STUDENT_LEFT_OFF = ("notebooks/ko/translations/",)
BINDER = ("binder/", "utils/", "jupyter-settings/", ".dockerignore", "README.md", "requirements.txt",
          "constraints.txt", "pyproject.toml")
_BRANCH_LINE = re.compile(r'^(\s*BRANCH = ")([^"]*)(")', re.M)


def git(repo: Path, *args: str, stdin: str | bytes | None = None, env: dict[str, str] | None = None) -> str:
    """Run ``git`` in ``repo`` and return its output (stripped); ``RuntimeError`` with git's message on failure."""
    done = subprocess.run(["git", *args], cwd=repo, input=stdin.encode() if isinstance(stdin, str) else stdin,
                          capture_output=True, env={**os.environ, **(env or {})})
    if done.returncode:
        raise RuntimeError(f"git {' '.join(args)}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode().strip()


def selected(path: str, include: Sequence[str], left_off: Sequence[str] = ()) -> bool:
    """Whether ``path`` is in ``include`` (a folder ends with "/") and not in ``left_off``."""
    def within(items: Sequence[str]) -> bool:
        return any(path.startswith(item) if item.endswith("/") else path == item for item in items)

    return within(include) and not within(left_off)


def commit_branch(repo: Path, branch: str, include: Sequence[str], message: str, source: str = "HEAD",
                  rewrite: Callable[[str, bytes], bytes] | None = None, left_off: Sequence[str] = ()) -> str | None:
    """Commit the files of ``source`` that ``include`` selects (``rewrite(path, content)`` may change them) to
    ``branch``, after its previous commit; returns the new commit, or None when the files are those of the
    branch already. Only objects and ``refs/heads/<branch>`` are written."""
    entries = []
    for line in git(repo, "ls-tree", "-r", "-z", source).split("\0"):
        if not line:
            continue
        info, path = line.split("\t", 1)
        mode, kind, sha = info.split()
        if kind != "blob" or not selected(path, include, left_off):
            continue
        if rewrite is not None:
            content = subprocess.run(["git", "cat-file", "blob", sha], cwd=repo, capture_output=True,
                                     check=True).stdout
            new = rewrite(path, content)
            if new != content:
                sha = git(repo, "hash-object", "-w", "--stdin", stdin=new)
        entries.append(f"{mode} {sha}\t{path}")
    with tempfile.TemporaryDirectory() as scratch:  # an index of our own: the repository's stays as it is
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        git(repo, "update-index", "--add", "--index-info", stdin="\n".join(entries) + "\n", env=index)
        tree = git(repo, "write-tree", env=index)
    try:
        parent = git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}")
    except RuntimeError:
        parent = None
    if parent and git(repo, "rev-parse", f"{parent}^{{tree}}") == tree:
        return None
    commit = git(repo, "commit-tree", tree, *(["-p", parent] if parent else []), "-m", message)
    git(repo, "update-ref", f"refs/heads/{branch}", commit, parent or "0" * 40)
    return commit


def student_file(path: str, content: bytes) -> bytes:
    """A notebook as its student edition, its Colab cell cloning the ``student`` branch; other files as they are."""
    if not (path.startswith("notebooks/") and path.endswith(".ipynb")):
        return content
    nb, _ = student_notebook(nbformat.reads(content.decode("utf-8"), as_version=4), path)
    for cell in nb.cells:
        if cell.get("id") == CODE_ID:
            cell.source = _BRANCH_LINE.sub(lambda m: m[1] + "student" + m[3], cell.source)
    return (nbformat.writes(nb) + "\n").encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classroom.branches", description=__doc__.split("\n")[0])
    parser.add_argument("branch", choices=["student", "binder"])
    parser.add_argument("--repo", type=Path, default=REPO_ROOT, help="the repository (default: this one)")
    parser.add_argument("--source", default="HEAD", help="the commit to take the files from (default: HEAD)")
    args = parser.parse_args(argv)
    try:
        source = git(args.repo, "rev-parse", "--verify", f"{args.source}^{{commit}}")
        if args.branch == "student":
            commit = commit_branch(args.repo, "student", STUDENT, f"Student edition of {source[:12]}", source,
                                   student_file, left_off=STUDENT_LEFT_OFF)
        else:
            commit = commit_branch(args.repo, "binder", BINDER, f"Binder environment of {source[:12]}", source)
    except (RuntimeError, SolutionMarkupError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if commit is None:
        print(f"{args.branch}: already the files of {source[:12]}; nothing committed.")
    else:
        print(f"{args.branch}: committed {commit[:12]} from {source[:12]} (your working tree is untouched). "
              f"Publish it: git push origin {args.branch}")
    if git(args.repo, "status", "--porcelain", "--untracked-files=no"):
        print("Note: your uncommitted changes are not in it (it is made from the commit).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
