"""An offline static site of executed notebooks: an index page and one page per notebook (nbconvert's HTML
exporter, figures embedded), linked in order, with no script or style fetched from the internet.

    python -m classroom.static_site --out build/site build/notebooks/*.ipynb --markdown notebooks/README.md
    python -m classroom.static_site --student ...                     # make site STUDENT=1: without the solutions
    python -m classroom.static_site --out build/ko/site build/ko/notebooks/*.ipynb --markdown notebooks/ko/README.md \
        --source notebooks/ko                                         # make site COURSE_LANG=ko: the Korean site

Links between the pages stay in the site (``--markdown notebooks/README.md`` adds that file as a page); other
relative links lead to the file in the repository (``REPO_URL`` of the Colab cell), from ``--source``, the folder
of the notebooks (``notebooks/``, or ``notebooks/ko/`` for the Korean site, whose own words ``COURSE_LANG=ko``
puts in Korean). Figures are embedded in the
pages. LaTeX math would stay as typed and a picture linked from markdown would be missing (MathJax comes from a
CDN; the notebooks use neither).
"""

from __future__ import annotations

import argparse
import html
import posixpath
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter

from classroom.colab_cells import BRANCH, CODE_ID, WHY_ID, notebook_title, repo_url
from classroom.student_edition import SolutionMarkupError, student_notebook
from utils.settings.language import tr

# nbconvert's JupyterLab page without the three scripts it would fetch from a CDN (require.js for widgets,
# MathJax, Mermaid); the pages need none of them.
TEMPLATE = """\
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
_LINK = re.compile(r"\]\((?!https?:|mailto:|#)([^)\s#]+)(#[^)\s]*)?\)")


def _exporter() -> HTMLExporter:
    # Not embed_images: it re-parses every HTML block alone, which closes each <details> before its content.
    return HTMLExporter(extra_loaders=[jinja2.DictLoader({"site.html.j2": TEMPLATE})], template_file="site.html.j2")


def page_name(notebook: Path) -> str:
    return notebook.with_suffix(".html").name


def first_paragraph(nb: nbformat.NotebookNode) -> str:
    """The first paragraph after the title of the notebook's first cell (its introduction)."""
    paragraphs = [p for p in nb.cells[0].source.split("\n\n")[1:] if p.strip()]
    return " ".join(paragraphs[0].split()) if paragraphs else ""


def rewrite_links(source: str, pages: dict[str, str], folder: str = "notebooks") -> str:
    """Markdown links to a file of the site (``pages``: file name -> page) lead to its page; other relative links
    to the file in the repository on GitHub (they are relative to ``folder``)."""
    def target(match: re.Match) -> str:
        path, anchor = match[1], match[2] or ""
        if path in pages:
            return f"]({pages[path]}{anchor})"
        return f"]({repo_url()}/blob/{BRANCH}/{posixpath.normpath(posixpath.join(folder, path))}{anchor})"
    return _LINK.sub(target, source)


def navigation(pages: list[tuple[str, str]], index: int) -> str:
    """``← previous · Contents · next →`` as markdown, for page ``index`` of ``pages`` (file, title)."""
    parts = [f"[{tr('Contents')}](index.html)"]
    if index > 0:
        parts.insert(0, f"[← {pages[index - 1][1]}]({pages[index - 1][0]})")
    if index + 1 < len(pages):
        parts.append(f"[{pages[index + 1][1]} →]({pages[index + 1][0]})")
    return " &nbsp;·&nbsp; ".join(parts)


def _write(exporter: HTMLExporter, nb: nbformat.NotebookNode, path: Path, title: str) -> Path:
    nb.metadata["title"] = title
    path.write_text(exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})[0], encoding="utf-8")
    return path


def build_site(notebooks: Sequence[Path], out: Path, markdown: Sequence[Path] = (),
               title: str | None = None, student: bool = False, source: str = "notebooks") -> list[Path]:
    """Write ``index.html``, one page per notebook (in file-name order) and one per ``markdown`` file (e.g. the
    notebooks' README) into ``out``; ``student``: the notebooks' student edition (no solutions); ``source``: the
    repository folder the notebooks' relative links start from. Returns the files written."""
    title = title or tr("VGG16 course")
    notebooks = sorted(notebooks, key=lambda p: p.name)
    books = [nbformat.read(path, as_version=4) for path in notebooks]
    if student:
        books = [student_notebook(nb, str(path))[0] for path, nb in zip(notebooks, books)]
    pages = [(page_name(path), notebook_title(nb)) for path, nb in zip(notebooks, books)]
    links = {path.name: page_name(path) for path in [*notebooks, *markdown]}
    items = [f"{i + 1}. **[{html.escape(name)}]({page})**  \n   {first_paragraph(nb)}"
             for i, ((page, name), nb) in enumerate(zip(pages, books))]
    items += [f"\n{tr('Also:')} [{path.name}]({page_name(path)})" for path in markdown]
    out.mkdir(parents=True, exist_ok=True)
    exporter, written = _exporter(), []
    for index, (path, nb) in enumerate(zip(notebooks, books)):
        top, bottom = (nbformat.v4.new_markdown_cell(navigation(pages, index)) for _ in range(2))
        nb.cells = [top, *(cell for cell in nb.cells if cell.get("id") not in {CODE_ID, WHY_ID}), bottom]  # no Colab
        for cell in nb.cells[1:-1]:
            if cell.cell_type == "markdown":
                cell.source = rewrite_links(cell.source, links, source)
        written.append(_write(exporter, nb, out / page_name(path), pages[index][1]))
    for path in markdown:
        text = rewrite_links(path.read_text(encoding="utf-8"), links, source)
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"[{tr('Contents')}](index.html)"),
                                             nbformat.v4.new_markdown_cell(text)])
        written.append(_write(exporter, nb, out / page_name(path), f"{path.parent.name}/{path.name}"))
    lead = tr("The notebooks, executed, with their outputs and figures. Work through them in order.")
    index = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("\n".join([f"# {title}\n\n{lead}\n",
                                                                                       *items]))])
    written.append(_write(exporter, index, out / "index.html", title))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classroom.static_site", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="executed notebooks (make run writes build/notebooks/)")
    parser.add_argument("--out", type=Path, required=True, help="the folder for the site")
    parser.add_argument("--markdown", nargs="*", type=Path, default=[], help="markdown files to add as pages")
    parser.add_argument("--student", action="store_true", help="the student edition: solutions left out")
    parser.add_argument("--source", default="notebooks", help="the notebooks' folder in the repository, where their "
                        "relative links start (notebooks/ko for the Korean site)")
    args = parser.parse_args(argv)
    unexecuted = [p.name for p in args.notebooks
                  if not any(c.get("outputs") for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code")]
    if unexecuted:
        print(f"error: {', '.join(unexecuted)} carry no outputs: execute them first (make run)", file=sys.stderr)
        return 1
    try:
        written = build_site(args.notebooks, args.out, args.markdown, student=args.student, source=args.source)
    except SolutionMarkupError as err:
        print(f"error: {err}. Fix the markup: <details><summary>Solution</summary> ... </details>", file=sys.stderr)
        return 1
    print(f"{len(written)} pages in {args.out}: open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
