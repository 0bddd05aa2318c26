"""Build the Korean notebooks (``notebooks/ko/``) from the English ones and one translation file each.

The English notebooks are the source. ``notebooks/ko/translations/<notebook>.toml`` holds, per cell id:

- a markdown cell: ``en`` (the first 12 hex digits of the SHA-256 of the English text it translates) and ``ko``
  (the Korean text). A changed English cell no longer matches its ``en``: the cell is *stale*;
- a code cell: ``replace``, the ``[English, Korean]`` pairs of its comments and of the strings a learner reads
  (a figure title), each a whole token as written in the code. The Korean cell is the English cell with those
  tokens replaced, and nothing else: the code is the same by construction. A pair whose English token is gone
  is stale.

``common.toml`` holds what every notebook shares (the Colab cells); a notebook's own file wins.

    python -m utils.tools.translate            # make ko: write notebooks/ko/*.ipynb
    python -m utils.tools.translate --check    # change nothing; exit 1 if a Korean notebook is out of date
    python -m utils.tools.translate --stubs    # add an entry (the English, to translate) for each cell without
    python -m utils.tools.translate --untranslated   # also list the English still in the Korean notebooks

Each problem is one line naming the notebook and the cell; a stale or missing translation exits 1 (the Korean
notebook is still written, with the last translation, for a look). A Korean notebook that holds outputs or cells
edited since the build wrote it (a learner's work) is never written over: the build names it and exits 1.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import io
import json
import re
import sys
import textwrap
import tokenize
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from utils.settings.environment import REPO_ROOT
from utils.settings.language import display_width

NOTEBOOKS = REPO_ROOT / "notebooks"
LANG = "ko"
COMMON = "common"
#: The notebook metadata where the build records a digest of the cells it wrote: a file whose cells no longer
#: match it was edited, and the build keeps it rather than write over it.
BUILT_KEY = "translation_build"
#: The cells every notebook shares (``classroom/colab_cells.py`` writes them): translated in ``common.toml``.
SHARED_CELLS = ("colab-why", "colab-setup")
#: Comments that are instructions to a tool, not text: never translated.
TOOL_COMMENT = re.compile(r"#\s*(noqa\b|type:|@param\b|fmt:|ruff:)")
#: The widest line of code: a lesson's (the Colab cell's: ruff's line-length), Hangul counted as 2 columns; an
#: English line already wider sets the cell's limit.
MAX_COLUMNS, COLAB_COLUMNS = 100, 120
_FENCE = re.compile(r"^ *```python\n(.*?)^ *```", re.M | re.S)  # indented inside a list item too


def lang_dir() -> Path:
    """``notebooks/ko/``: the Korean notebooks."""
    return NOTEBOOKS / LANG


def translation_path(notebook: str) -> Path:
    """The translation file of the English notebook named ``notebook`` (its stem), or ``COMMON``."""
    return lang_dir() / "translations" / f"{notebook}.toml"


def source_hash(text: str) -> str:
    """What a translation records of the English text it translates: its SHA-256's first 12 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Token:
    """A token of a code cell: its ``tokenize`` type, its text and where it starts and ends (row, column)."""

    type: int
    text: str
    start: tuple[int, int]
    end: tuple[int, int]


def code_tokens(source: str) -> list[Token]:
    """The tokens of ``source``, an f-string as one STRING token on every Python (3.12 splits it)."""
    tokens: list[Token] = []
    open_fstrings: list[tuple[int, int]] = []
    lines = source.splitlines(keepends=True)
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        name = tokenize.tok_name[tok.type]
        if name == "FSTRING_START":
            open_fstrings.append(tok.start)
        elif name == "FSTRING_END":
            start = open_fstrings.pop()
            if not open_fstrings:
                tokens.append(Token(tokenize.STRING, _span(lines, start, tok.end), start, tok.end))
        elif not open_fstrings and tok.type != tokenize.ENDMARKER:
            tokens.append(Token(tok.type, tok.string, tok.start, tok.end))
    return tokens


def _span(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    (row0, col0), (row1, col1) = start, end
    if row0 == row1:
        return lines[row0 - 1][col0:col1]
    return lines[row0 - 1][col0:] + "".join(lines[row0:row1 - 1]) + lines[row1 - 1][:col1]


def is_text_comment(token: Token) -> bool:
    """A comment a learner reads (words, not a tool's instruction such as ``# noqa``)."""
    return token.type == tokenize.COMMENT and not TOOL_COMMENT.match(token.text) and bool(
        re.search(r"[A-Za-z]{2}", token.text))


def replace_tokens(source: str, pairs: dict[str, str]) -> tuple[str, set[str]]:
    """``source`` with each COMMENT or STRING token that is a key of ``pairs`` replaced by its value; and the keys
    used."""
    lines = source.splitlines(keepends=True)
    out, used, row, col = [], set(), 1, 0
    for token in code_tokens(source):
        if token.type in (tokenize.COMMENT, tokenize.STRING) and token.text in pairs:
            out.append(_span(lines, (row, col), token.start))
            out.append(pairs[token.text])
            used.add(token.text)
            row, col = token.end
    rest = lines[row - 1][col:] + "".join(lines[row:]) if lines else ""
    return "".join(out) + rest, used


def changed_tokens(english: str, translated: str) -> list[tuple[str, str]] | None:
    """The ``(English, translated)`` pairs of tokens that differ, in order; None when the two do not have the same
    tokens in the same order apart from those (another token changed, one added or removed, or code that does not
    tokenize)."""
    pairs = []
    try:
        en, tr = code_tokens(english), code_tokens(translated)
    except (tokenize.TokenError, SyntaxError):  # an unclosed bracket, a bad indent
        return None
    if len(en) != len(tr):
        return None
    for a, b in zip(en, tr):
        if a.type != b.type:
            return None
        if a.text != b.text:
            if a.type not in (tokenize.COMMENT, tokenize.STRING):
                return None
            pairs.append((a.text, b.text))
    return pairs


def fences(markdown: str) -> list[str]:
    """The ```` ```python ```` blocks of a markdown text, dedented, in order (the Try-it solutions)."""
    return [textwrap.dedent(block) for block in _FENCE.findall(markdown)]


@dataclass
class Report:
    """What building one notebook found: ``stale`` and ``missing`` fail the build; ``untranslated`` lists
    English text still in the Korean notebook (a test wants none)."""

    stale: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)

    def lines(self, name: str) -> list[str]:
        """One line per stale or missing translation, each naming the file ``name``."""
        return [f"{name}: {line}" for line in self.stale + self.missing]


def load_translation(path: Path) -> dict[str, dict]:
    """A translation file's entries by cell id ({} if there is none); ``ValueError`` naming the file (and the line
    or the entry) for a file that is not TOML or an entry of another shape."""
    if not path.is_file():
        return {}
    shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{shown}: {err}: fix the TOML there") from None
    for cell_id, entry in entries.items():
        problem = _shape_problem(entry)
        if problem:
            raise ValueError(f"{shown}: [{cell_id!r}] {problem}")
    return entries


def _shape_problem(entry: object) -> str | None:
    """What is wrong with the shape of one entry, or None."""
    if not isinstance(entry, Mapping):
        return "is not a table: write it as a [\"cell id\"] section"
    if any(not isinstance(entry.get(key, ""), str) for key in ("en", "ko")):
        return "en and ko must be strings"
    pairs = entry.get("replace", [])
    if not isinstance(pairs, list) or any(
            not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(text, str) for text in pair)
            for pair in pairs):
        return "replace must be a list of [English, Korean] pairs of strings"
    return None


def translations_for(notebook: str) -> dict[str, dict]:
    """The entries for ``notebook``: ``common.toml``'s, then the notebook's own (which win)."""
    return load_translation(translation_path(COMMON)) | load_translation(translation_path(notebook))


def _first_line(text: str) -> str:
    line = next((line for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= 60 else line[:57] + "..."


def translate_cell(cell: nbformat.NotebookNode, entry: dict | None, report: Report) -> str:
    """The Korean source of one English cell, noting in ``report`` what is stale, missing or untranslated."""
    where = f"cell {cell.id}"
    if cell.cell_type == "markdown":
        if entry is None:
            report.missing.append(f"{where} has no translation ({_first_line(cell.source)!r}): "
                                  "`python -m utils.tools.translate --stubs` adds one")
            return cell.source
        if "ko" not in entry:
            report.missing.append(f'{where}: its entry has no "ko" (the Korean text)')
            return cell.source
        if entry.get("en") != source_hash(cell.source):
            report.stale.append(f"{where} is stale: its English changed ({_first_line(cell.source)!r}); update "
                                f'its "ko" and set en = "{source_hash(cell.source)}"')
        text = entry["ko"].strip("\n")
        if text == cell.source.strip("\n") and re.search(r"[A-Za-z]{3}", text):
            report.untranslated.append(f"{where}: {_first_line(text)!r}")
        for number, (en_code, ko_code) in enumerate(zip(fences(cell.source), fences(text)), start=1):
            changes = changed_tokens(en_code, ko_code)
            if changes is None or any(not a.startswith("#") for a, _ in changes):
                report.stale.append(f"{where}: its code block {number} is not the English code (only comments "
                                    "may differ)")
        if len(fences(cell.source)) != len(fences(text)):
            report.stale.append(f"{where}: {len(fences(text))} code blocks, the English has "
                                f"{len(fences(cell.source))}")
        return text
    if cell.cell_type != "code":
        return cell.source
    pairs = dict((entry or {}).get("replace", []))
    source, used = replace_tokens(cell.source, pairs)
    if changed_tokens(cell.source, source) is None:  # a Korean "comment" with a newline and code after it
        report.stale.append(f"{where}: a replacement changes the code, not only a comment or a string")
    for gone in sorted(set(pairs) - used):
        report.stale.append(f"{where}: {_first_line(gone)!r} is no longer in the English code: update or drop it")
    for token in code_tokens(cell.source):
        if is_text_comment(token) and token.text not in pairs:
            report.untranslated.append(f"{where}: {token.text!r}")
    limit = max([COLAB_COLUMNS if cell.id in SHARED_CELLS else MAX_COLUMNS,
                 *(len(line) for line in cell.source.splitlines())])
    for line in source.splitlines():
        if display_width(line) > limit:
            report.stale.append(f"{where}: {_first_line(line.strip())!r} is {display_width(line)} columns wide "
                                f"(Hangul counts 2): keep it within {limit}")
    return source


def translate_notebook(nb: nbformat.NotebookNode, entries: dict[str, dict]) -> tuple[nbformat.NotebookNode, Report]:
    """The Korean notebook built from the English ``nb`` and its translation ``entries`` (its metadata records
    the digest of its cells, ``BUILT_KEY``), and the report."""
    report = Report()
    translated = copy.deepcopy(nb)
    for cell in translated.cells:
        cell.source = translate_cell(cell, entries.get(cell.id), report)
    translated.metadata[BUILT_KEY] = sources_digest(translated)
    return translated, report


def notebook_text(nb: nbformat.NotebookNode) -> str:
    """``nb`` as the notebooks are stored (nbformat's layout, one newline at the end)."""
    return nbformat.writes(nb) + "\n"


def english_notebooks() -> list[Path]:
    """The English notebooks, in order."""
    return sorted(NOTEBOOKS.glob("0*.ipynb"))


@dataclass
class Build:
    """What a build found: ``problems`` (stale or missing translations, a notebook kept because it holds a
    learner's work: each fails it), ``untranslated`` (English still there, one line each) and ``changed`` (the
    notebooks written, or that a build would write)."""

    problems: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)


def build(write: bool = True, out: Path | None = None) -> Build:
    """Build every Korean notebook into ``out`` (default ``notebooks/ko/``), writing those that differ when
    ``write`` (never one that holds a learner's work)."""
    found = Build()
    for english in english_notebooks():
        nb = nbformat.read(english, as_version=4)
        translated, report = translate_notebook(nb, translations_for(english.stem))
        name = translation_path(english.stem).relative_to(REPO_ROOT)
        found.problems += report.lines(str(name))
        found.untranslated += [f"{name}: {line}" for line in report.untranslated]
        target = (out or lang_dir()) / english.name
        text = notebook_text(translated)
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        why = learners_work(target) if write and target.is_file() else None
        if why:
            shown = target.relative_to(REPO_ROOT) if target.is_relative_to(REPO_ROOT) else target
            found.problems.append(f"{shown}: kept as it is: {why}. Keep a copy elsewhere if you want it, "
                                  "delete it (or `git checkout` it), then build again")
            continue
        if write:
            target.write_text(text, encoding="utf-8")
        found.changed.append(target)
    return found


def sources_digest(nb: nbformat.NotebookNode) -> str:
    """What the build records (``BUILT_KEY``) of a notebook it writes: a digest of its cells' sources."""
    return source_hash(json.dumps([cell.source for cell in nb.cells], ensure_ascii=False))


def learners_work(path: Path) -> str | None:
    """Why the notebook at ``path`` must not be built over (it holds outputs, or cells edited since the build
    wrote it), or None."""
    nb = nbformat.read(path, as_version=4)
    if any(cell.get("outputs") or cell.get("execution_count") for cell in nb.cells if cell.cell_type == "code"):
        return "it holds outputs (it ran in Jupyter)"
    if nb.metadata.get(BUILT_KEY) != sources_digest(nb):
        return "its cells were edited after the build wrote it"
    return None


def toml_string(text: str) -> str:
    """``text`` as a TOML string: a literal one (``'...'`` or ``'''...'''``) where it can be, else JSON's."""
    if "\n" not in text and "'" not in text:
        return f"'{text}'"
    if "'''" not in text and not text.endswith("'"):
        return f"'''\n{text}'''"
    return json.dumps(text, ensure_ascii=False)


def stub(cell: nbformat.NotebookNode) -> str | None:
    """A translation file entry for ``cell``, its English in place of the Korean (None: nothing to translate)."""
    if cell.cell_type == "markdown":
        return f'[{json.dumps(cell.id)}]\nen = "{source_hash(cell.source)}"\nko = {toml_string(cell.source)}\n'
    if cell.cell_type != "code":
        return None
    texts = [t.text for t in code_tokens(cell.source) if is_text_comment(t)
             or (t.type == tokenize.STRING and re.search(r"[A-Za-z]{2,}\s+[A-Za-z]", t.text))]
    if not texts:
        return None
    rows = "".join(f"    [{toml_string(text)},\n     {toml_string(text)}],\n" for text in dict.fromkeys(texts))
    return f"[{json.dumps(cell.id)}]\nreplace = [\n{rows}]\n"


def add_stubs() -> list[Path]:
    """Append a stub entry for every cell without one to each translation file; the files changed."""
    changed = []
    for english in english_notebooks():
        nb = nbformat.read(english, as_version=4)
        for name, cells in ((COMMON, [c for c in nb.cells if c.id in SHARED_CELLS]),
                            (english.stem, [c for c in nb.cells if c.id not in SHARED_CELLS])):
            entries, path = translations_for(english.stem), translation_path(name)
            stubs = [text for cell in cells if cell.id not in entries and (text := stub(cell))]
            if stubs:
                _append(path, stubs)
                changed.append(path)
    return changed


def _append(path: Path, stubs: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    before = path.read_text(encoding="utf-8") if path.is_file() else ""
    path.write_text(before + ("\n" if before else "") + "\n".join(stubs), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m utils.tools.translate", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if out of date")
    parser.add_argument("--stubs", action="store_true", help="add an entry for each cell without a translation")
    parser.add_argument("--untranslated", action="store_true", help="also list the English text still there")
    args = parser.parse_args(argv)
    try:
        if args.stubs:
            for path in add_stubs():
                print(f"{path.relative_to(REPO_ROOT)}: stubs added (the English text, to translate)")
        found = build(write=not args.check)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 1
    for line in found.problems + ([f"untranslated: {line}" for line in found.untranslated]
                                  if args.untranslated else []):
        print(line, file=sys.stderr)
    for path in found.changed:
        print(f"{path.relative_to(REPO_ROOT)}: {'out of date: run make ko' if args.check else 'written'}")
    return 1 if found.problems or (args.check and found.changed) else 0


if __name__ == "__main__":
    sys.exit(main())
