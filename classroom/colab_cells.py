"""Put the Colab cell (``colab_first_cell.py``, with a short "why" before it) first in every notebook, and the
"Open in Colab" and Binder badges into README.md, all with the repository address that cell names: the one
place the address is kept. ``--repo-url`` also writes it wherever the docs and the hub files name it
(``ADDRESSED``: the clone commands, the nbgitpuller link, the image ``ghcr.io/<owner>/<name>``).

    python -m classroom.colab_cells                      # make colab-cells
    python -m classroom.colab_cells --repo-url URL       # first set the address (https://github.com/OWNER/NAME)
    python -m classroom.colab_cells --check              # change nothing; exit 1 if something is out of date

Without ``--repo-url``, a placeholder address (``OWNER``) is replaced by the GitHub address of ``git remote
origin`` when there is one.
"""

from __future__ import annotations

import argparse
import json
import re
import urllib.parse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat

from utils.settings.environment import REPO_ROOT
from utils.tools import translate

CELL_FILE = Path(__file__).with_name("colab_first_cell.py")
CODE_ID, WHY_ID = "colab-setup", "colab-why"
WHY = ("**On Google Colab?** Run the next cell first: it installs the course and its data (about a minute) "
       "and can keep your results in Drive. Elsewhere it does nothing.")
#: Colab shows the cell collapsed to its title and form (cellView), JupyterLab collapsed (source_hidden).
CELL_METADATA = {"cellView": "form", "jupyter": {"source_hidden": True}}
PLACEHOLDER = "OWNER"
BRANCH = "main"
#: Binder builds its image from this branch (binder/, utils/, the requirements: `make binder-branch`), and
#: nbgitpuller brings the notebooks from ``BRANCH``: a change of the notebooks alone rebuilds nothing.
BINDER_BRANCH = "binder"
#: Files that name the repository; ``--repo-url`` rewrites the address in them (tests/test_colab_cell.py: all exist).
ADDRESSED = ("README.md", "classroom/README.md", "binder/README.md", "notebooks/README.md", "notebooks/ko/README.md",
             "classroom/config.yaml", "classroom/repo2docker_config.py")
BADGES_START = "<!-- launch-badges: `make colab-cells` writes this table -->"
BADGES_END = "<!-- /launch-badges -->"
_URL_LINE = re.compile(r'^(\s*REPO_URL = ")([^"]*)(")', re.M)


def cell_source() -> str:
    """The Colab cell, exactly as the notebooks store it."""
    return CELL_FILE.read_text(encoding="utf-8").rstrip("\n")


def repo_url(source: str | None = None) -> str:
    """The repository address the Colab cell clones (its ``REPO_URL`` line)."""
    return _URL_LINE.search(source or cell_source())[2]


def github_path(url: str) -> str:
    """``OWNER/NAME`` of a GitHub address (https or ssh, with or without ``.git``); ``ValueError`` otherwise."""
    match = re.fullmatch(r"(?:https://github\.com/|git@github\.com:)([\w.-]+/[\w.-]+?)(?:\.git)?/?", url.strip())
    if not match:
        raise ValueError(f"{url!r} is not a GitHub address: Colab and these badges open notebooks from GitHub")
    return match[1]


def origin_url(repo_root: Path = REPO_ROOT) -> str | None:
    """``https://github.com/OWNER/NAME`` of ``git remote origin``, or None (no remote, or not on GitHub)."""
    done = subprocess.run(["git", "remote", "get-url", "origin"], cwd=repo_root, capture_output=True, text=True)
    try:
        return f"https://github.com/{github_path(done.stdout)}" if done.returncode == 0 else None
    except ValueError:
        return None


def readdress(text: str, old_url: str, new_url: str) -> str:
    """``text`` with the GitHub repository ``old_url`` replaced by ``new_url`` in each spelling the docs use:
    ``github.com/OWNER/NAME``, URL-encoded in a link (``github.com%2FOWNER%2FNAME``), and the image
    ``ghcr.io/owner/name`` (GitHub's registry, lower case)."""
    old, new = github_path(old_url), github_path(new_url)
    for before, after in ((f"github.com/{old}", f"github.com/{new}"),
                          (f"github.com%2F{old.replace('/', '%2F')}", f"github.com%2F{new.replace('/', '%2F')}"),
                          (f"ghcr.io/{old.lower()}", f"ghcr.io/{new.lower()}")):
        text = re.sub(re.escape(before) + r"(?![\w-])", after, text)
    return text


def readdress_files(old_url: str, new_url: str, repo_root: Path = REPO_ROOT) -> list[str]:
    """Rewrite the address in every ``ADDRESSED`` file; returns those changed."""
    changed = []
    for name in ADDRESSED:
        path = repo_root / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            if (new := readdress(text, old_url, new_url)) != text:
                path.write_text(new, encoding="utf-8")
                changed.append(name)
    return changed


def update_notebook(nb: nbformat.NotebookNode, source: str) -> bool:
    """Make the Colab cell, after its "why", the first code cell (right after the title), collapsed
    (``CELL_METADATA``; other metadata kept). Returns whether ``nb`` changed."""
    ids = [cell.get("id") for cell in nb.cells]
    if CODE_ID not in ids:
        code = nbformat.v4.new_code_cell(source, id=CODE_ID, metadata=json_copy(CELL_METADATA))
        nb.cells[1:1] = [nbformat.v4.new_markdown_cell(WHY, id=WHY_ID), code]
        return True
    why, code = nb.cells[ids.index(CODE_ID) - 1], nb.cells[ids.index(CODE_ID)]
    if why.get("id") != WHY_ID or any(c.cell_type == "code" for c in nb.cells[:ids.index(CODE_ID)]):
        raise ValueError(f"the cell {CODE_ID!r} must follow the markdown cell {WHY_ID!r} and be the first code cell")
    metadata = {**code.metadata, "cellView": CELL_METADATA["cellView"],
                "jupyter": {**code.metadata.get("jupyter", {}), **CELL_METADATA["jupyter"]}}
    changed = (why.source, code.source, code.metadata) != (WHY, source, metadata)
    why.source, code.source, code.metadata = WHY, source, nbformat.from_dict(metadata)
    return changed


def json_copy(value: dict) -> nbformat.NotebookNode:
    return nbformat.from_dict(json.loads(json.dumps(value)))


def notebook_title(nb: nbformat.NotebookNode) -> str:
    """The first heading of the notebook's first cell, e.g. ``01 · A pretrained VGG16: ...``."""
    return nb.cells[0].source.splitlines()[0].lstrip("# ").strip()


def nbgitpuller_path(url: str, notebook: str, branch: str = BRANCH) -> str:
    """The ``git-pull?...`` path (hub-relative) that clones or merges ``url``'s ``branch`` into ``~/vgg16-course``
    and opens ``notebooks/<notebook>`` in JupyterLab."""
    query = urllib.parse.urlencode({"repo": url, "branch": branch, "targetpath": "vgg16-course",
                                    "urlpath": f"lab/tree/vgg16-course/notebooks/{notebook}"})
    return f"git-pull?{query}"


def binder_link(url: str, notebook: str, branch: str = BRANCH) -> str:
    """mybinder.org builds ``BINDER_BRANCH`` (the environment) and nbgitpuller brings ``branch`` (the notebooks)."""
    quoted = urllib.parse.quote(nbgitpuller_path(url, notebook, branch), safe="")
    return f"https://mybinder.org/v2/gh/{github_path(url)}/{BINDER_BRANCH}?urlpath={quoted}"


def badge_table(url: str, notebooks: dict[str, str], header: str = "notebook") -> str:
    """The README table: one row per notebook (its path under ``notebooks/`` -> title, e.g. ``ko/01_...ipynb`` for
    a Korean one) with its Colab and Binder links; ``header``: the first column's heading."""
    path = github_path(url)
    rows = [BADGES_START, f"| {header} | Colab | Binder |", "|---|---|---|"]
    for name, title in notebooks.items():
        colab = f"https://colab.research.google.com/github/{path}/blob/{BRANCH}/notebooks/{name}"
        binder = binder_link(url, name)
        rows.append(f"| {title} | [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
                    f"({colab}) | [![Launch Binder](https://mybinder.org/badge_logo.svg)]({binder}) |")
    return "\n".join([*rows, BADGES_END])


def update_readme(text: str, table: str) -> str:
    """README text with the table between the badge markers replaced; ``ValueError`` without the markers."""
    start, end = text.find(BADGES_START), text.find(BADGES_END)
    if start < 0 or end < start:
        raise ValueError(f"README.md has no {BADGES_START} ... {BADGES_END} block for the badges")
    return text[:start] + table + text[end + len(BADGES_END):]


def sync(repo_root: Path = REPO_ROOT, write: bool = True) -> list[str]:
    """Bring the notebooks and README.md in line with the Colab cell, then the Korean notebooks (built from them:
    ``utils/tools/translate.py``) and their README's badges; returns what was (or would be) changed.
    ``ValueError`` listing what keeps a Korean notebook from being built (a stale translation, a learner's work)."""
    source = cell_source()
    changed, titles = [], {}
    for path in sorted((repo_root / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if update_notebook(nb, source):
            changed.append(str(path.relative_to(repo_root)))
            if write:
                nbformat.write(nb, path)
        titles[path.name] = notebook_title(nb)
    changed += _sync_readme(repo_root, "README.md", badge_table(repo_url(source), titles), write)
    problems = []
    if repo_root == REPO_ROOT:  # the Korean edition is built from this repository's notebooks
        found = translate.build(write=write)
        problems = found.problems
        changed += [str(path.relative_to(repo_root)) for path in found.changed]
    korean = sorted((repo_root / "notebooks" / "ko").glob("*.ipynb"))
    if korean:
        titles = {f"ko/{path.name}": notebook_title(nbformat.read(path, as_version=4)) for path in korean}
        table = badge_table(repo_url(source), titles, header="노트북")
        changed += _sync_readme(repo_root, "notebooks/ko/README.md", table, write)
    if problems:  # the English side is done; the Korean notebooks wait for their translations
        raise ValueError("the Korean notebooks (make ko):\n" + "\n".join(problems))
    return changed


def _sync_readme(repo_root: Path, name: str, table: str, write: bool) -> list[str]:
    """Put ``table`` between the badge markers of the README ``name``: ``[name]`` if that changed it, else []."""
    readme = repo_root / name
    text = readme.read_text(encoding="utf-8")
    if (new := update_readme(text, table)) == text:
        return []
    if write:
        readme.write_text(new, encoding="utf-8")
    return [name]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classroom.colab_cells", description=__doc__.split("\n")[0])
    parser.add_argument("--repo-url", help="the course's GitHub address, written into the Colab cell first")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if something is out of date")
    args = parser.parse_args(argv)
    url = args.repo_url or repo_url()
    if not args.check and not args.repo_url and PLACEHOLDER in url:
        url = origin_url() or url
    try:
        github_path(url)  # a clear error now rather than broken links
        changed = []
        if url != repo_url() and not args.check:
            changed = readdress_files(repo_url(), url)
            CELL_FILE.write_text(_URL_LINE.sub(lambda m: m[1] + url + m[3], CELL_FILE.read_text(encoding="utf-8")),
                                 encoding="utf-8")
            print(f"{CELL_FILE.relative_to(REPO_ROOT)}: REPO_URL = {url}")
        changed += sync(write=not args.check)
    except ValueError as err:  # a URL that is not GitHub's, or a README/notebook without its markers
        print(f"error: {err}", file=sys.stderr)
        return 1
    for name in changed:
        print(f"{'out of date' if args.check else 'updated'}: {name}")
    if not changed:
        print(f"The Colab cells and the README badges are up to date ({url}).")
    if PLACEHOLDER in url:
        print(f"Note: {url} is a placeholder; once the course is on GitHub: make colab-cells REPO_URL=<its address>")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
