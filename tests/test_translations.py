"""The Korean notebooks (notebooks/ko/) are built from the English ones and their translation files, never by hand:
each is up to date, no translated cell is stale, no English is left, and every code cell is the English code token
by token, apart from the comments and learner-facing strings its translation lists (utils/tools/translate.py)."""

from __future__ import annotations

import re
import tokenize
from pathlib import Path

import nbformat
import pytest

from utils.settings.environment import REPO_ROOT
from utils.settings.language import display_width
from utils.tools import translate

ENGLISH = translate.english_notebooks()
NAMES = [path.name for path in ENGLISH]


def korean(name: str) -> nbformat.NotebookNode:
    return nbformat.read(translate.lang_dir() / name, as_version=4)


def english(name: str) -> nbformat.NotebookNode:
    return nbformat.read(translate.NOTEBOOKS / name, as_version=4)


def test_each_english_notebook_has_its_korean_one() -> None:
    assert sorted(p.name for p in translate.lang_dir().glob("*.ipynb")) == NAMES
    assert sorted(p.stem for p in (translate.lang_dir() / "translations").glob("*.toml")) == sorted(
        [translate.COMMON, *(p.stem for p in ENGLISH)])


def test_the_korean_notebooks_are_the_build_of_today_s_english_and_translations() -> None:
    found = translate.build(write=False)
    assert found.problems == [], "stale or missing translations:\n" + "\n".join(found.problems)
    assert found.changed == [], f"out of date (run `make ko`): {[str(p.relative_to(REPO_ROOT)) for p in found.changed]}"


def test_no_english_is_left_in_the_korean_notebooks() -> None:
    left = translate.build(write=False).untranslated
    assert left == [], f"{len(left)} English texts still in the Korean notebooks:\n" + "\n".join(left)


def test_an_edited_english_cell_makes_its_translation_stale(tmp_path: Path) -> None:
    nb = english(NAMES[0])
    entries = translate.translations_for(ENGLISH[0].stem)
    markdown = next(c for c in nb.cells if c.cell_type == "markdown" and c.id in entries)
    markdown.source += "\nOne more sentence."
    code = next(c for c in nb.cells if c.cell_type == "code" and any(
        en.startswith("#") for en, _ in entries.get(c.id, {}).get("replace", [])))
    comment = next(en for en, _ in entries[code.id]["replace"] if en.startswith("#"))
    code.source = code.source.replace(comment, "# a reworded comment")
    _, report = translate.translate_notebook(nb, entries)
    assert any(line.startswith(f"cell {markdown.id} is stale") for line in report.stale), report.stale
    assert any(line.startswith(f"cell {code.id}:") and "no longer in the English" in line
               for line in report.stale), report.stale
    assert f"cell {code.id}: '# a reworded comment'" in report.untranslated


def test_a_new_english_cell_has_no_translation() -> None:
    nb = english(NAMES[0])
    nb.cells.insert(3, nbformat.v4.new_markdown_cell("A new paragraph.", id="brand-new"))
    _, report = translate.translate_notebook(nb, translate.translations_for(ENGLISH[0].stem))
    assert [line for line in report.missing if line.startswith("cell brand-new has no translation")]


@pytest.mark.parametrize("name", NAMES)
def test_korean_code_is_the_english_code_token_by_token(name: str) -> None:
    en, ko = english(name), korean(name)
    assert [(c.id, c.cell_type) for c in ko.cells] == [(c.id, c.cell_type) for c in en.cells]
    assert {key: value for key, value in ko.metadata.items() if key != translate.BUILT_KEY} == en.metadata
    assert ko.metadata[translate.BUILT_KEY] == translate.sources_digest(ko)  # the build's own record
    entries = translate.translations_for(Path(name).stem)
    for en_cell, ko_cell in zip(en.cells, ko.cells):
        assert ko_cell.metadata == en_cell.metadata, f"{name} cell {en_cell.id}: metadata differ"
        if en_cell.cell_type == "code":
            listed = {tuple(pair) for pair in entries.get(en_cell.id, {}).get("replace", [])}
            changes = translate.changed_tokens(en_cell.source, ko_cell.source)
            assert changes is not None, f"{name} cell {en_cell.id}: not the English code"
            unlisted = [pair for pair in changes if pair not in listed]
            assert unlisted == [], f"{name} cell {en_cell.id}: changes its translation does not list: {unlisted}"
        elif en_cell.cell_type == "markdown":
            blocks = list(zip(translate.fences(en_cell.source), translate.fences(ko_cell.source)))
            for en_code, ko_code in blocks:
                changes = translate.changed_tokens(en_code, ko_code)
                assert changes is not None and all(a.startswith("#") for a, _ in changes), (
                    f"{name} cell {en_cell.id}: a code block is not the English code (only comments may differ)")


def test_the_token_rule_sees_code_but_not_comments_or_listed_strings() -> None:
    english_code = 'plt.title("Input image")  # show it\nx = 1\n'
    assert list(translate.changed_tokens(english_code, 'plt.title("입력 이미지")  # 보여 줍니다\nx = 1\n')) == [
        ('"Input image"', '"입력 이미지"'), ("# show it", "# 보여 줍니다")]
    assert translate.changed_tokens(english_code, 'plt.title("Input image")  # show it\nx = 2\n') is None
    assert translate.changed_tokens(english_code, 'plt.title("Input image")\nx = 1\ny = 1\n') is None
    assert translate.changed_tokens(english_code, 'plt.suptitle("Input image")  # show it\nx = 1\n') is None


def test_replacing_tokens_keeps_everything_else() -> None:
    source = 'x = f"{a} images"  # count\nprint("done")\n'
    out, used = translate.replace_tokens(source, {'f"{a} images"': 'f"이미지 {a}장"', "# count": "# 개수"})
    assert out == 'x = f"이미지 {a}장"  # 개수\nprint("done")\n'
    assert used == {'f"{a} images"', "# count"}
    assert [t.type for t in translate.code_tokens('f"{a}"')][0] == tokenize.STRING  # on 3.12 too


@pytest.mark.parametrize("name", NAMES)
def test_the_korean_notebook_speaks_korean(name: str) -> None:
    nb = korean(name)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert any('setup_notebook(seed=1234, lang="ko")' in source for source in code), "the setup cell's lang"
    assert any('LANG = "ko"' in source for source in code), "the Colab cell installs the Korean font"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    hangul = len(re.findall(r"[가-힣]", markdown))
    assert hangul > len(re.findall(r"[A-Za-z]", markdown)) / 4, f"{name}: {hangul} Hangul letters only"
    assert "화상" not in markdown, "the Korean edition says 이미지 (the glossary explains 화상)"


def test_a_korean_code_line_too_wide_fails_the_build() -> None:
    nb = english(NAMES[0])
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.id != "colab-setup")
    entries = {cell.id: {"replace": [["# wide", "# " + "넓은 주석" * 20]]}}
    cell.source += "\nx = 1  # wide"
    _, report = translate.translate_notebook(nb, entries)
    assert any("columns wide (Hangul counts 2): keep it within 100" in line for line in report.stale), report.stale


def github_anchors(markdown: str) -> set[str]:
    """The anchors GitHub and JupyterLab give the headings of ``markdown``: lower case, spaces to hyphens,
    punctuation dropped (letters of any script kept)."""
    headings = re.findall(r"^#{1,6} (.+?)\s*$", re.sub(r"^```.*?^```", "", markdown, flags=re.M | re.S), re.M)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("notebook", [*ENGLISH, *(translate.lang_dir() / name for name in NAMES)],
                         ids=lambda p: str(p.relative_to(translate.NOTEBOOKS)))
def test_the_notebook_s_links_and_their_anchors_resolve(notebook: Path) -> None:
    broken = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        prose = re.sub(r"^ *```.*?^ *```", "", cell.source, flags=re.M | re.S)  # code is not a link
        for target in re.findall(r"\]\(([^)\s]+)\)", prose):
            path, _, anchor = target.partition("#")
            if re.match(r"[a-z]+:", path):
                continue
            file = (notebook.parent / path) if path else None
            if file is not None and not file.exists():
                broken.append(f"cell {cell.id}: {target} (no such file)")
            elif anchor and file is not None and file.suffix == ".md" and anchor not in github_anchors(
                    file.read_text(encoding="utf-8")):
                broken.append(f"cell {cell.id}: {target} (no such heading)")
    assert broken == [], f"{notebook.name}: links to nothing: {broken}"


def test_the_anchor_rule_can_fail() -> None:
    assert github_anchors("## Settings: full and smoke mode, speed, folders\n### Speed: the book's loop") == {
        "settings-full-and-smoke-mode-speed-folders", "speed-the-books-loop"}


def test_display_width_counts_hangul_twice() -> None:
    assert display_width("전이학습 VGG16") == 4 * 2 + 6


def test_the_build_never_writes_over_a_learner_s_korean_notebook(tmp_path: Path) -> None:
    translate.build(out=tmp_path)
    ran, edited, old = (tmp_path / name for name in NAMES[:3])
    nb = nbformat.read(ran, as_version=4)
    next(c for c in nb.cells if c.cell_type == "code").execution_count = 1
    nbformat.write(nb, ran)
    nb = nbformat.read(edited, as_version=4)
    nb.cells[0].source += "\n내 메모"
    nbformat.write(nb, edited)
    nb = nbformat.read(old, as_version=4)  # what an earlier build wrote: its digest matches its cells
    nb.cells[0].source += "\n지난번 번역"
    nb.metadata[translate.BUILT_KEY] = translate.sources_digest(nb)
    nbformat.write(nb, old)
    before = {path: path.read_text(encoding="utf-8") for path in (ran, edited)}

    found = translate.build(out=tmp_path)
    problems = found.problems
    assert found.changed == [old]  # the two holding a learner's work are kept, and not reported as written
    assert [path for path in before if path.read_text(encoding="utf-8") != before[path]] == []
    assert any(ran.name in line and "holds outputs" in line for line in problems), problems
    assert any(edited.name in line and "edited after the build" in line for line in problems)
    assert "지난번 번역" not in old.read_text(encoding="utf-8")  # an untouched earlier build is rebuilt


def test_a_solution_s_code_in_a_list_item_must_stay_the_english_code() -> None:
    english = "1. **Try.** Why?\n\n   <details><summary>Solution</summary>\n\n   ```python\n   x = 1  # one\n   ```\n"
    assert translate.fences(english) == ["x = 1  # one\n"]  # indented under its list item, dedented
    cell = nbformat.v4.new_markdown_cell(english, id="try")
    for korean, stale in (("   x = 1  # 하나", False), ("   x = 2  # 하나", True)):
        report = translate.Report()
        entry = {"en": translate.source_hash(english), "ko": english.replace("   x = 1  # one", korean)}
        translate.translate_cell(cell, entry, report)
        assert bool(report.stale) is stale, report.stale


@pytest.mark.parametrize("entry, says", [
    ('replace = [["# a", "# b", "# c"]]', "replace must be a list of [English, Korean] pairs of strings"),
    ('replace = [["# a", 5]]', "replace must be a list of [English, Korean] pairs of strings"),
    ('replace = {a = "b"}', "replace must be a list of [English, Korean] pairs of strings"),
    ("ko = 5", "en and ko must be strings"),
])
def test_a_malformed_entry_is_one_line_naming_the_file_and_the_cell(tmp_path: Path, entry: str, says: str) -> None:
    path = tmp_path / "01.toml"
    path.write_text(f'["cell-04"]\n{entry}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(f"{path}: ['cell-04'] {says}")):
        translate.load_translation(path)


def test_a_replacement_that_adds_code_or_breaks_it_is_refused() -> None:
    cell = nbformat.v4.new_code_cell('plt.title("Input image")  # show it\n', id="c1")
    report = translate.Report()
    translate.translate_cell(cell, {"replace": [["# show it", "# 보기\nimport os"]]}, report)
    assert report.stale == ["cell c1: a replacement changes the code, not only a comment or a string"]
    unclosed = "   ```python\n   x = (1  # 하나\n   ```\n"
    assert translate.changed_tokens("x = (1)  # one\n", translate.fences(unclosed)[0]) is None  # no traceback
