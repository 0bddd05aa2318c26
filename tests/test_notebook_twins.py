"""Each class or function a notebook teaches is defined in the notebook AND in ``utils/``; the two must agree.

The learner reads and edits the notebook copy; later notebooks, the tests and the learner's own scripts
import the ``utils`` copy. This test fails, naming both places and showing a diff, as soon as either
copy changes alone. A twin may have another name in ``utils/``: notebooks 03 and 04 both write the book's
``train_model``, 03 the plain loop (``utils.training.train_model_plain``), 04 the fast one
(``utils.training.train_model``).

What counts as "the same": the two definitions must have the same abstract syntax tree
(``ast.dump``), so every statement, name, argument, default value, type hint and decorator counts.
Ignored: comments (they are not part of the AST), formatting (line breaks, spaces, quotes), and
docstrings, which are removed before comparing, because the notebook explains the code in its
markdown cells while ``utils/`` keeps API docstrings for ``help()``.
"""

from __future__ import annotations

import ast
import difflib
import json
from pathlib import Path

import nbformat
import pytest

from utils.settings.environment import REPO_ROOT
from utils.tools import translate

#: (notebook, name there, utils module file, name there) for every definition a notebook teaches.
TWINS = [
    ("01_pretrained_vgg_inference.ipynb", "BaseTransform", "utils/dataloader_image_classification.py", "BaseTransform"),
    ("01_pretrained_vgg_inference.ipynb", "ILSVRCPredictor", "utils/imagenet_inference.py", "ILSVRCPredictor"),
    ("02_preprocessing_and_augmentation.ipynb", "ImageTransform", "utils/dataloader_image_classification.py",
     "ImageTransform"),
    ("03_transfer_learning.ipynb", "make_datapath_list", "utils/dataloader_image_classification.py",
     "make_datapath_list"),
    ("03_transfer_learning.ipynb", "HymenopteraDataset", "utils/dataloader_image_classification.py",
     "HymenopteraDataset"),
    ("03_transfer_learning.ipynb", "train_model", "utils/training.py", "train_model_plain"),
    ("04_fine_tuning_and_save_load.ipynb", "train_model", "utils/training.py", "train_model"),
    ("05_beyond_the_book.ipynb", "grad_cam", "utils/gradcam.py", "grad_cam"),
]

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _docstring_nodes(node: ast.AST) -> list[ast.Expr]:
    """The docstrings of ``node`` and of every function or class inside it."""
    found = []
    for sub in ast.walk(node):
        body = getattr(sub, "body", None)
        if isinstance(sub, _DEFINITIONS) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            found.append(body[0])
    return found


def _strip_docstrings(node: ast.AST) -> ast.AST:
    """Remove the docstring of ``node`` and of every function or class inside it (in place)."""
    for doc in _docstring_nodes(node):
        for sub in ast.walk(node):
            if isinstance(sub, _DEFINITIONS) and sub.body and sub.body[0] is doc:
                sub.body = sub.body[1:] or [ast.Pass()]
    return node


def _source_lines(source: str, node: ast.AST) -> list[str]:
    """The source lines of ``node`` without its docstring lines (call before stripping them)."""
    skip = {n for doc in _docstring_nodes(node) for n in range(doc.lineno, doc.end_lineno + 1)}
    lines = source.splitlines()
    return [lines[n - 1] for n in range(node.lineno, node.end_lineno + 1) if n not in skip]


def _top_level_definition(source: str, name: str) -> ast.AST | None:
    """The top-level ``def``/``class`` called ``name`` in ``source``, or None."""
    for node in ast.parse(source).body:
        if isinstance(node, _DEFINITIONS) and node.name == name:
            return node
    return None


def _notebook_definition(notebook: Path, name: str) -> tuple[ast.AST, str, str]:
    """The definition of ``name`` in a code cell of ``notebook``, that cell's id and its source."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        # IPython magics and shell escapes are not Python: blank them before parsing.
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                           for line in "".join(cell["source"]).splitlines())
        node = _top_level_definition(source, name)
        if node is not None:
            found.append((node, cell.get("id", f"index {index}"), source))
    assert found, f"{notebook.name} defines no {name!r} in a code cell (it must show the lesson's code)"
    assert len(found) == 1, f"{notebook.name} defines {name!r} in several cells: {[c for _, c, _ in found]}"
    return found[0]


def _shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def definition_mismatch(notebook: Path, name: str, module: Path, module_name: str | None = None) -> str | None:
    """None if the notebook's definition of ``name`` and the module's of ``module_name`` (default ``name``)
    agree, apart from that name, else a report with a diff."""
    module_name = name if module_name is None else module_name
    nb_node, cell_id, nb_source = _notebook_definition(notebook, name)
    mod_source = module.read_text(encoding="utf-8")
    mod_node = _top_level_definition(mod_source, module_name)
    assert mod_node is not None, f"{module} defines no {module_name!r}"
    nb_lines, mod_lines = _source_lines(nb_source, nb_node), _source_lines(mod_source, mod_node)
    nb_node, mod_node = _strip_docstrings(nb_node), _strip_docstrings(mod_node)
    mod_node.name = nb_node.name  # a twin may be called differently in utils/
    if ast.dump(nb_node) == ast.dump(mod_node):
        return None
    nb_where = f"{_shown(notebook)} cell id {cell_id!r}"
    mod_where = f"{_shown(module)} line {mod_node.lineno}"
    diff = difflib.unified_diff(mod_lines, nb_lines, fromfile=mod_where, tofile=nb_where, lineterm="", n=2)
    return (f"{name} differs between {nb_where} and {module_name} in {mod_where}.\n"
            "Change both copies together. The two sources, docstrings left out:\n" + "\n".join(diff))


@pytest.mark.parametrize("notebook, name, module, module_name", TWINS,
                         ids=[f"{nb[:2]}-{name}" for nb, name, *_ in TWINS])
def test_notebook_definition_matches_its_utils_twin(notebook: str, name: str, module: str, module_name: str) -> None:
    problem = definition_mismatch(REPO_ROOT / "notebooks" / notebook, name, REPO_ROOT / module, module_name)
    assert problem is None, problem


def korean_copy_in_english_strings(notebook: str, folder: Path) -> Path:
    """The Korean notebook (notebooks/ko/) written into ``folder`` with the strings its translation file lists put
    back into English (its comments stay Korean: the comparison ignores them, as it ignores docstrings)."""
    nb = nbformat.read(translate.lang_dir() / notebook, as_version=4)
    entries = translate.translations_for(Path(notebook).stem)
    for cell in nb.cells:
        if cell.cell_type == "code":
            back = {ko: en for en, ko in entries.get(cell.id, {}).get("replace", []) if not en.startswith("#")}
            cell.source, _ = translate.replace_tokens(cell.source, back)
    path = folder / notebook
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("notebook, name, module, module_name", TWINS,
                         ids=[f"ko-{nb[:2]}-{name}" for nb, name, *_ in TWINS])
def test_the_korean_notebook_s_definition_matches_its_utils_twin(notebook: str, name: str, module: str,
                                                                  module_name: str, tmp_path: Path) -> None:
    copy = korean_copy_in_english_strings(notebook, tmp_path)
    problem = definition_mismatch(copy, name, REPO_ROOT / module, module_name)
    assert problem is None, f"notebooks/ko/{notebook}: {problem}"


def test_the_comparison_sees_a_changed_default_but_not_a_docstring_or_comment(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('def f(x, scale=(0.5, 1.0)):\n    """Long API docstring."""\n    return x * scale[0]\n')

    def notebook_with(source: str) -> Path:
        path = tmp_path / "x.ipynb"
        path.write_text(json.dumps({"cells": [{"cell_type": "code", "id": "c1", "source": source}]}))
        return path

    same = 'def f(x, scale = (0.5, 1.0)):  # a comment\n    """Short."""\n    return x * scale[0]\n'
    assert definition_mismatch(notebook_with(same), "f", module) is None
    changed = 'def f(x, scale=(0.08, 1.0)):\n    return x * scale[0]\n'
    report = definition_mismatch(notebook_with(changed), "f", module)
    assert report is not None and "cell id 'c1'" in report and "m.py line 1" in report
    assert "-def f(x, scale=(0.5, 1.0)):" in report and "+def f(x, scale=(0.08, 1.0)):" in report
    assert "docstring" not in report.split("docstrings left out:")[1]


def test_a_twin_may_have_another_name_in_utils_but_nothing_else_may_differ(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def train_model_plain(net, n):\n    return train(net, n)\n")
    notebook = tmp_path / "x.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "code", "id": "c1",
                                               "source": "def train_model(net, n):\n    return train(net, n)\n"}]}))
    assert definition_mismatch(notebook, "train_model", module, "train_model_plain") is None
    module.write_text("def train_model_plain(net, n):\n    return train(net, n + 1)\n")
    report = definition_mismatch(notebook, "train_model", module, "train_model_plain")
    assert report is not None and "train_model_plain in" in report
