"""The Colab first cell (classroom/colab_first_cell.py): nothing happens outside Colab; on a faked Colab, in a
real kernel, it clones a temporary copy of this repository, installs it (the pip call only recorded), prepares the
data from the mirror and imports the clone's own ``utils``. And `make colab-cells` keeps notebooks and README in
line with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from classroom import colab_cells
from classroom.hub_check.staging import publish_working_tree

# Runs in the kernel before the cell: Colab's module, and subprocess.run that records every command and only
# pretends to run pip (a real install would repoint this environment's `utils` at the temporary clone).
FAKE_COLAB = """\
import subprocess, sys, types
sys.modules["google.colab"] = types.ModuleType("google.colab")
commands, _real_run = [], subprocess.run
def _run(command, *args, **kwargs):
    commands.append([str(part) for part in command])
    if list(command[1:3]) == ["-m", "pip"]:
        return subprocess.CompletedProcess(command, 0, stdout="")
    return _real_run(command, *args, **kwargs)
subprocess.run = _run
"""
REPORT = """\
import json, os, utils
print(json.dumps({"utils": utils.__file__, "cwd": os.getcwd(), "commands": commands}))
"""
ANOTHER_UTILS = """\
import types
sys.modules["utils"] = types.ModuleType("utils")  # as if PyPI's `utils` had been imported first
sys.modules["utils"].__file__ = "/usr/lib/python3/dist-packages/utils/__init__.py"
"""


def test_outside_colab_the_cell_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail(f"ran {a}"))
    namespace: dict = {}
    cwd = os.getcwd()
    exec(colab_cells.cell_source(), namespace)
    assert set(namespace) == {"__builtins__", "sys"} and os.getcwd() == cwd


def _outputs(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") + o.get("evalue", "") for o in cell.outputs)


def test_on_colab_the_cell_clones_installs_prepares_and_imports_the_course(
        repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nbclient import NotebookClient

    if not os.environ.get("COURSE_DATA_MIRROR"):
        pytest.skip("needs a data mirror: set COURSE_DATA_MIRROR (.ci/run does)")
    if not (repo_root / ".git").exists():
        pytest.skip("needs a git checkout of the course")
    source_repo = publish_working_tree(repo_root, tmp_path / "published")  # as make hub-check publishes it
    clone = tmp_path / "content" / "vgg16-course"
    url, location = colab_cells.repo_url(), 'Path("/content/vgg16-course")'
    cell = colab_cells.cell_source()
    assert url in cell and location in cell
    cell = cell.replace(url, str(source_repo)).replace(location, f"Path({str(clone)!r})")
    for name in ("PYTHONPATH", "COURSE_DATA_DIR"):  # the kernel starts as a fresh Colab one would
        monkeypatch.delenv(name, raising=False)

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in (
        FAKE_COLAB, cell, REPORT, cell, ANOTHER_UTILS, cell)])  # the second run: already cloned; the third: stops
    nb.cells[-1].metadata["tags"] = ["raises-exception"]
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()

    report = json.loads(_outputs(nb.cells[2]).strip().splitlines()[-1])
    assert Path(report["utils"]).resolve().is_relative_to(clone.resolve()) and report["cwd"] == str(clone)
    git, pip, prepare = report["commands"]
    assert git[:2] == ["git", "clone"] and git[-2:] == [str(source_repo), str(clone)]
    assert pip[1:] == ["-m", "pip", "install", "--quiet", "-e", str(clone)]  # no -c: Colab's torch stays
    assert prepare[1:] == ["-m", "utils.prepare_data"]
    assert "all 398 verified" in _outputs(nb.cells[1])
    assert (clone / "data" / "hymenoptera_data" / "val").is_dir()
    assert "Cloning" not in _outputs(nb.cells[3])
    assert "ImportError" in str(nb.cells[-1].outputs) and "Restart session" in _outputs(nb.cells[-1])


def test_update_notebook_inserts_once_then_updates_in_place() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 01 · Title"),
                                         nbformat.v4.new_markdown_cell("why"), nbformat.v4.new_code_cell("setup()")])
    assert colab_cells.update_notebook(nb, "print(1)")
    assert [c.get("id") for c in nb.cells[1:3]] == [colab_cells.WHY_ID, colab_cells.CODE_ID]
    assert not colab_cells.update_notebook(nb, "print(1)")
    assert colab_cells.update_notebook(nb, "print(2)") and nb.cells[2].source == "print(2)" and len(nb.cells) == 5
    nbformat.validate(nb)
    nb.cells.insert(1, nbformat.v4.new_code_cell("x = 1"))
    with pytest.raises(ValueError, match="first code cell"):
        colab_cells.update_notebook(nb, "print(2)")


@pytest.mark.parametrize(("url", "path"), [("https://github.com/me/vgg16-course", "me/vgg16-course"),
                                           ("git@github.com:me/vgg16-course.git\n", "me/vgg16-course"),
                                           ("https://github.com/me/course.v2.git", "me/course.v2")])
def test_github_addresses(url: str, path: str) -> None:
    assert colab_cells.github_path(url) == path


def test_other_addresses_are_refused() -> None:
    with pytest.raises(ValueError, match="not a GitHub address"):
        colab_cells.github_path("https://gitlab.com/me/vgg16-course")


def test_readme_badges_name_every_notebook_and_the_cells_address(repo_root: Path) -> None:
    titles = {p.name: colab_cells.notebook_title(nbformat.read(p, as_version=4))
              for p in sorted((repo_root / "notebooks").glob("*.ipynb"))}
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    table = colab_cells.badge_table(colab_cells.repo_url(), titles)
    assert table in readme, "README's badges are out of date: run `make colab-cells`"


def test_every_notebook_starts_with_the_colab_cell(repo_root: Path) -> None:
    notebooks = [nbformat.read(p, as_version=4) for p in sorted((repo_root / "notebooks").glob("*.ipynb"))]
    assert all(any(c.get("id") == colab_cells.CODE_ID for c in nb.cells) for nb in notebooks), \
        "a notebook lost its Colab cell: `make colab-cells` puts it back"
    assert colab_cells.sync(repo_root, write=False) == [], "run `make colab-cells`"
