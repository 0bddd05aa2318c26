"""`make site`: pages for executed notebooks with their figures, an index, links between the pages, collapsed
solutions that still hold their answers, and nothing fetched from the internet."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import nbformat
import pytest

from classroom.colab_cells import CODE_ID, WHY_ID, repo_url
from classroom.static_site import main

PNG = base64.b64encode(bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                                     "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"))


def _notebook(path: Path, title: str, markdown: str, executed: bool = True) -> Path:
    figure = nbformat.v4.new_output("display_data", data={"image/png": PNG.decode(), "text/plain": "<Figure>"})
    code = nbformat.v4.new_code_cell("plt.show()", execution_count=1 if executed else None,
                                     outputs=[figure] if executed else [])
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"# {title}\n\nWhat this one is about.\n\nMore."),
        nbformat.v4.new_markdown_cell("Colab only", id=WHY_ID), nbformat.v4.new_code_cell("colab()", id=CODE_ID),
        nbformat.v4.new_markdown_cell(markdown), code])
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("notebooks")
    first = _notebook(src / "01_first.ipynb", "01 · First", "Next: [notebook 02](02_second.ipynb#top), "
                      "[the notes](README.md), [the course](../README.md#binder).\n\n"
                      "1. **Try.** Why?\n\n   <details><summary>Solution</summary>\n\n   Because 42.\n   </details>")
    second = _notebook(src / "02_second.ipynb", "02 · Second", "Back to [01](01_first.ipynb).")
    (src / "README.md").write_text("# notebooks/\n\nSee [01](01_first.ipynb).\n")
    out = src.parent / "site"
    assert main(["--out", str(out), str(second), str(first), "--markdown", str(src / "README.md")]) == 0
    return out


def test_an_index_and_a_page_per_notebook_and_markdown_file(site: Path) -> None:
    assert sorted(p.name for p in site.iterdir()) == ["01_first.html", "02_second.html", "README.html", "index.html"]
    index = (site / "index.html").read_text()
    assert index.index('href="01_first.html"') < index.index('href="02_second.html"')
    assert "What this one is about." in index and 'href="README.html"' in index


def test_links_lead_to_the_pages_and_the_repository(site: Path) -> None:
    first = (site / "01_first.html").read_text()
    assert 'href="02_second.html#top"' in first and 'href="README.html"' in first
    assert f'href="{repo_url()}/blob/main/README.md#binder"' in first
    assert 'href="01_first.html"' in (site / "README.html").read_text()
    second = (site / "02_second.html").read_text()
    assert second.count('href="01_first.html"') == 3 and second.count('href="index.html"') == 2  # link + nav twice


def test_figures_embedded_solutions_collapsed_with_their_answer_no_colab_cell(site: Path) -> None:
    first = (site / "01_first.html").read_text()
    assert f"data:image/png;base64,{PNG.decode()}" in first
    assert re.search(r"<details><summary>Solution</summary>.*Because 42\..*</details>", first, re.S)
    assert "colab()" not in first and "Colab only" not in first


def test_nothing_is_fetched_from_the_internet(site: Path) -> None:
    for page in site.iterdir():
        fetched = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?:[^"]+)"', page.read_text())
        assert fetched == [], f"{page.name} fetches {fetched}"


def test_unexecuted_notebooks_are_refused(tmp_path: Path, capsys) -> None:
    path = _notebook(tmp_path / "01_x.ipynb", "01 · X", "text", executed=False)
    assert main(["--out", str(tmp_path / "site"), str(path)]) == 1
    assert "01_x.ipynb carry no outputs: execute them first (make run)" in capsys.readouterr().err


def test_the_student_site_leaves_the_solutions_out(site: Path, tmp_path: Path) -> None:
    src = tmp_path / "notebooks"
    src.mkdir()
    first = _notebook(src / "01_first.ipynb", "01 · First",
                      "1. **Try.** Why?\n\n   <details><summary>Solution</summary>\n\n   Because 42.\n   </details>")
    out = tmp_path / "student-site"
    assert main(["--out", str(out), "--student", str(first)]) == 0
    page = (out / "01_first.html").read_text()
    assert "Try." in page and f"data:image/png;base64,{PNG.decode()}" in page  # the exercise and outputs stay
    assert "Because 42" not in page and "Solution" not in page
    assert "Because 42" in (site / "01_first.html").read_text()  # the teacher's site keeps it


def test_the_korean_site_speaks_korean_and_links_from_notebooks_ko(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`make site COURSE_LANG=ko`: the site's own words in Korean, repository links from notebooks/ko/."""
    monkeypatch.setenv("COURSE_LANG", "ko")
    first = _notebook(tmp_path / "01_first.ipynb", "01 · 첫째", "[README](../../README.md#binder), "
                      "[용어](../README.md#glossary)")
    out = tmp_path / "site"
    assert main(["--out", str(out), str(first), "--source", "notebooks/ko"]) == 0
    page, index = (out / "01_first.html").read_text(), (out / "index.html").read_text()
    assert ">목차</a>" in page and "VGG16 코스" in index and "순서대로" in index
    assert f'href="{repo_url()}/blob/main/README.md#binder"' in page
    assert f'href="{repo_url()}/blob/main/notebooks/README.md#glossary"' in page
