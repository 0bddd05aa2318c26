"""The Colab first cell (classroom/colab_first_cell.py): nothing happens outside Colab; on a faked Colab, in a
real kernel, it clones a temporary copy of this repository, installs it (the pip call only recorded), prepares the
data from the mirror and imports the clone's own ``utils``; run again, it updates the clone; with a Drive folder (a
temporary one), what notebook 03 saves in one runtime is there for 04 in the next. And `make colab-cells` keeps
notebooks, README and the other files that name the address in line with it."""

from __future__ import annotations

import json
import os
import re
import shutil
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
    assert set(namespace) == {"__builtins__", "sys", "DRIVE_FOLDER"} and os.getcwd() == cwd


def test_with_the_placeholder_address_the_cell_says_what_to_do_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from IPython.core.error import UsageError

    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail(f"ran {a}"))  # no `git clone` of OWNER
    source = colab_cells._URL_LINE.sub(lambda m: m[1] + "https://github.com/OWNER/vgg16-course" + m[3],
                                       colab_cells.cell_source())
    with pytest.raises(UsageError, match=r"no GitHub address yet: .*make colab-cells REPO_URL="):
        exec(source, {})


def test_the_cell_is_collapsed_in_colab_and_jupyterlab(repo_root: Path) -> None:
    for path in sorted((repo_root / "notebooks").glob("*.ipynb")):
        cell = next(c for c in nbformat.read(path, as_version=4).cells if c.get("id") == colab_cells.CODE_ID)
        assert cell.metadata.get("cellView") == "form", path.name
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, path.name
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 01 · Title")])
    colab_cells.update_notebook(nb, "print(1)")
    nb.cells[2].metadata = nbformat.from_dict({"tags": ["keep"], "jupyter": {"outputs_hidden": True}})
    assert colab_cells.update_notebook(nb, "print(1)")  # an expanded cell is collapsed again, its other keys kept
    assert nb.cells[2].metadata == {"tags": ["keep"], "cellView": "form",
                                    "jupyter": {"outputs_hidden": True, "source_hidden": True}}


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
    cell = _cell_for(source_repo, clone, tmp_path / "content" / "drive")
    for name in ("PYTHONPATH", "COURSE_DATA_DIR", "COURSE_OUTPUT_DIR"):  # a fresh kernel, as on Colab
        monkeypatch.delenv(name, raising=False)

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in (
        FAKE_COLAB, cell, REPORT, cell, ANOTHER_UTILS, cell)])  # the second run: already cloned; the third: stops
    nb.cells[-1].metadata["tags"] = ["raises-exception"]
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()

    report = json.loads(_outputs(nb.cells[2]).strip().splitlines()[-1])
    assert Path(report["utils"]).resolve().is_relative_to(clone.resolve()) and report["cwd"] == str(clone)
    git, pip, prepare = report["commands"]
    assert git[:2] == ["git", "clone"] and git[-4:] == ["--branch", "main", str(source_repo), str(clone)]
    assert pip[1:] == ["-m", "pip", "install", "--quiet", "-e", str(clone)]  # no -c: Colab's torch stays
    assert prepare[1:] == ["-m", "utils.prepare_data"]
    first = _outputs(nb.cells[1])
    assert "all 398 verified" in first
    assert f"Trained weights and run summaries go to {clone / 'weights'}, deleted with this runtime" in first
    assert "uploads into /content" in first
    assert (clone / "data" / "hymenoptera_data" / "val").is_dir()
    assert "Cloning" not in _outputs(nb.cells[3]) and f"Updating {clone}" in _outputs(nb.cells[3])
    assert "ImportError" in str(nb.cells[-1].outputs) and "Restart session" in _outputs(nb.cells[-1])


def test_a_drive_folder_carries_03s_summary_to_04_in_the_next_runtime(
        repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two runtimes, each with its own /content (a fresh clone), share one Google Drive (a temporary folder):
    the summary 03 saves in the first is what 04's setup finds in the second."""
    from nbclient import NotebookClient

    if not os.environ.get("COURSE_DATA_MIRROR"):
        pytest.skip("needs a data mirror: set COURSE_DATA_MIRROR (.ci/run does)")
    if not (repo_root / ".git").exists():
        pytest.skip("needs a git checkout of the course")
    source_repo, my_drive = publish_working_tree(repo_root, tmp_path / "published"), tmp_path / "google-drive"
    (my_drive / "MyDrive").mkdir(parents=True)
    for name in ("PYTHONPATH", "COURSE_DATA_DIR", "COURSE_OUTPUT_DIR"):
        monkeypatch.delenv(name, raising=False)
    fake_drive = (f"drive = types.ModuleType('google.colab.drive')\n"
                  f"drive.mount = lambda path: os.symlink({str(my_drive)!r}, path)\n"
                  "sys.modules['google.colab'].drive = sys.modules['google.colab.drive'] = drive\n")
    where = ("from utils.settings.environment import read_environment\n"
             "from utils.settings.paths import CoursePaths\n"
             "from utils.support.model_summary import load_run_summary, run_summary_path, save_run_summary\n"
             "env = read_environment()\n"
             "weights_dir = CoursePaths(env.data_dir, env.output_dir, Path('.'), env.smoke).weights_dir\n")
    saved = "print(save_run_summary({'name': 'transfer_learning', 'final_val_acc': 0.93}, " \
            "run_summary_path('transfer_learning', weights_dir)))"
    found = "print(json.dumps(load_run_summary(run_summary_path('transfer_learning', weights_dir))))"
    outputs = []
    for runtime, last in (("runtime-03", saved), ("runtime-04", found)):
        content = tmp_path / runtime / "content"
        cell = _cell_for(source_repo, content / "vgg16-course", content / "drive", drive_folder="vgg16-course")
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in (
            FAKE_COLAB + "import os, json\n" + fake_drive, cell, "from pathlib import Path\n" + where + last)])
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
        outputs.append((_outputs(nb.cells[1]), _outputs(nb.cells[2]).strip().splitlines()[-1]))
    course_output = my_drive / "MyDrive" / "vgg16-course"
    first_drive = tmp_path / "runtime-03" / "content" / "drive" / "MyDrive" / "vgg16-course"
    assert f"go to {first_drive / 'weights'}" in outputs[0][0]
    assert Path(outputs[0][1]).resolve().is_relative_to(course_output.resolve())  # 03 saved into Drive
    assert json.loads(outputs[1][1]) == {"name": "transfer_learning", "final_val_acc": 0.93}  # 04 found it
    assert not list((tmp_path / "runtime-03" / "content" / "vgg16-course").glob("**/*_summary.json"))


def _cell_for(source_repo: Path, clone: Path, drive: Path, drive_folder: str = "") -> str:
    """The Colab cell cloning ``source_repo`` into ``clone``, with Drive mounted at ``drive``."""
    cell = colab_cells.cell_source()
    replacements = {colab_cells.repo_url(): str(source_repo), 'Path("/content/vgg16-course")': f"Path({str(clone)!r})",
                    'Path("/content/drive")': f"Path({str(drive)!r})",
                    'DRIVE_FOLDER = ""': f"DRIVE_FOLDER = {drive_folder!r}"}
    for before, after in replacements.items():
        assert before in cell, before
        cell = cell.replace(before, after)
    return cell


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


def test_the_korean_readme_s_badges_open_the_korean_notebooks(repo_root: Path) -> None:
    korean = sorted((repo_root / "notebooks" / "ko").glob("*.ipynb"))
    titles = {f"ko/{p.name}": colab_cells.notebook_title(nbformat.read(p, as_version=4)) for p in korean}
    table = colab_cells.badge_table(colab_cells.repo_url(), titles, header="노트북")
    assert len(korean) == 5 and table in (repo_root / "notebooks" / "ko" / "README.md").read_text(encoding="utf-8")
    assert f"/blob/{colab_cells.BRANCH}/notebooks/ko/01_pretrained_vgg_inference.ipynb" in table


def test_every_notebook_starts_with_the_colab_cell(repo_root: Path) -> None:
    notebooks = [nbformat.read(p, as_version=4) for p in sorted((repo_root / "notebooks").glob("*.ipynb"))]
    assert all(any(c.get("id") == colab_cells.CODE_ID for c in nb.cells) for nb in notebooks), \
        "a notebook lost its Colab cell: `make colab-cells` puts it back"
    assert colab_cells.sync(repo_root, write=False) == [], "run `make colab-cells`"


def test_readdress_rewrites_every_spelling_of_the_address() -> None:
    text = ("git clone https://github.com/OWNER/vgg16-course /srv/vgg16-course/repo\n"
            "git-pull?repo=https%3A%2F%2Fgithub.com%2FOWNER%2Fvgg16-course&branch=student\n"
            "image: ghcr.io/owner/vgg16-course:2026-11-30\n"
            "not this one: https://github.com/OWNER/vgg16-course-mirror\n")
    new = colab_cells.readdress(text, "https://github.com/OWNER/vgg16-course", "https://github.com/Ada/course")
    assert new == ("git clone https://github.com/Ada/course /srv/vgg16-course/repo\n"
                   "git-pull?repo=https%3A%2F%2Fgithub.com%2FAda%2Fcourse&branch=student\n"
                   "image: ghcr.io/ada/course:2026-11-30\n"
                   "not this one: https://github.com/OWNER/vgg16-course-mirror\n")


def test_repo_url_writes_the_address_into_every_file_that_names_it(repo_root: Path, tmp_path: Path) -> None:
    copy = tmp_path / "course"
    for name in colab_cells.ADDRESSED:
        if (repo_root / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(repo_root / name, copy / name)
    changed = colab_cells.readdress_files(colab_cells.repo_url(), "https://github.com/Ada/course", copy)
    assert {"README.md", "classroom/README.md"} <= set(changed)
    for name in changed:
        text = (copy / name).read_text(encoding="utf-8")
        assert "github.com/Ada/course" in text or "github.com%2FAda%2Fcourse" in text or "ghcr.io/ada/course" in text
        assert github_path_of_the_cell() not in text


def github_path_of_the_cell() -> str:
    return f"github.com/{colab_cells.github_path(colab_cells.repo_url())}"


ONE_SPELLING = ("README.md", "classroom/README.md", "binder/README.md", "notebooks/README.md", "notebooks/ko/README.md",
                "classroom/config.yaml", "classroom/repo2docker_config.py")


def test_every_file_that_names_the_address_exists_and_is_checked(repo_root: Path) -> None:
    missing = [name for name in colab_cells.ADDRESSED if not (repo_root / name).is_file()]
    assert not missing, f"colab_cells.ADDRESSED names {missing}: remove them there"  # skipped silently otherwise
    assert set(ONE_SPELLING) == set(colab_cells.ADDRESSED)


def test_the_hub_files_name_the_image_of_the_address(repo_root: Path) -> None:
    image = f"ghcr.io/{colab_cells.github_path(colab_cells.repo_url()).lower()}"
    for name in ("classroom/config.yaml", "classroom/repo2docker_config.py", "classroom/README.md"):
        text = (repo_root / name).read_text(encoding="utf-8")
        assert re.search(re.escape(image) + r"[:\s]", text), f"{name} does not name the image {image}"


@pytest.mark.parametrize("name", ONE_SPELLING)
def test_the_address_has_one_spelling(repo_root: Path, name: str) -> None:
    text = (repo_root / name).read_text(encoding="utf-8")
    others = ("github.com/ORG/", "github.com%2FORG%2F", "https://HUB/", "registry.example.org", "<this repository>")
    for other in others:
        assert other not in text, f"{name} spells the address {other!r}: write {colab_cells.repo_url()} instead"


def test_the_guide_s_nbgitpuller_link_pulls_the_student_branch_of_the_address(repo_root: Path) -> None:
    guide = (repo_root / "classroom" / "README.md").read_text(encoding="utf-8")
    link = colab_cells.nbgitpuller_path(colab_cells.repo_url(), "01_pretrained_vgg_inference.ipynb", "student")
    assert f"https://<your hub>/hub/user-redirect/{link}" in guide
    korean = colab_cells.nbgitpuller_path(colab_cells.repo_url(), "ko/01_pretrained_vgg_inference.ipynb", "student")
    assert f"https://<your hub>/hub/user-redirect/{korean}" in guide and "notebooks%2Fko%2F01_" in korean
    binder = colab_cells.binder_link(colab_cells.repo_url(), "01_pretrained_vgg_inference.ipynb")
    assert binder.startswith(f"https://mybinder.org/v2/gh/{colab_cells.github_path(colab_cells.repo_url())}/binder?")
    assert "urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252F" in binder  # encoded once more for Binder
