"""Rules the code keeps, checked instead of counted: every public name in ``utils/`` is used outside the
tests (or is a definition a notebook teaches), and the code learners read stays within 100 columns
without packing tricks."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from tests.test_notebook_twins import TWINS
from utils.settings.environment import REPO_ROOT
from utils.settings.language import display_width

UTILS = REPO_ROOT / "utils"
#: The files learners read beside the lessons: at most 100 columns (Hangul counts two), no packing tricks.
READ_BY_LEARNERS = [UTILS / "training.py", UTILS / "dataloader_image_classification.py",
                    UTILS / "imagenet_inference.py", *sorted((UTILS / "support").glob("*.py"))]
MAX_COLUMNS = 100


def _modules() -> list[Path]:
    return sorted(p for p in UTILS.rglob("*.py") if p.name != "__init__.py")


def public_names(path: Path) -> list[str]:
    """The top-level functions and classes of ``path`` whose names do not start with "_"."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")]


def _notebook_code() -> str:
    code = []
    for notebook in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code += ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return "\n".join(code)


def _callers_text(module: Path) -> str:
    """Everything outside tests/ that may call a name of ``module``: the notebooks, the Makefile, the
    other modules of utils/, the classroom tools, and the names ``module`` itself uses in its code."""
    others = [p for p in _modules() if p != module]
    others += sorted((REPO_ROOT / "classroom").rglob("*.py"))
    tree = ast.parse(module.read_text(encoding="utf-8"))
    own = [node.id for node in ast.walk(tree) if isinstance(node, ast.Name)]
    own += [node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)]
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    own += [node.value for node in ast.walk(tree)  # messages that tell the learner to call it
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]
    return "\n".join([_notebook_code(), (REPO_ROOT / "Makefile").read_text(encoding="utf-8"),
                      *(p.read_text(encoding="utf-8") for p in others), " ".join(own)])


def _used_in(name: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", text) is not None


def _entry_point(module: Path, name: str) -> bool:
    """``main`` of a module that the Makefile runs with ``python -m``."""
    dotted = ".".join(module.relative_to(REPO_ROOT).with_suffix("").parts)
    return name == "main" and f"-m {dotted}" in (REPO_ROOT / "Makefile").read_text(encoding="utf-8")


def test_every_public_name_in_utils_has_a_caller_outside_the_tests() -> None:
    twins = {(REPO_ROOT / path, name) for _, _, path, name in TWINS}
    unused = []
    for module in _modules():
        text = _callers_text(module)
        for name in public_names(module):
            if (module, name) in twins or _entry_point(module, name):
                continue
            if not _used_in(name, text):
                unused.append(f"{module.relative_to(REPO_ROOT)}: {name}")
    assert not unused, (
        f"only the tests use these: use them, make them private (_name), or delete them: {unused}")


def test_the_reachability_rule_can_fail(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def used():\n    pass\n\n\ndef _private():\n    pass\n\n\nclass Unused:\n    pass\n")
    names = public_names(module)
    assert names == ["used", "Unused"]
    assert [n for n in names if not _used_in(n, "x = used()")] == ["Unused"]


def _long_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [f"{path.relative_to(REPO_ROOT)}:{n}" for n, line in enumerate(lines, 1)
            if display_width(line) > MAX_COLUMNS]


# Packing tricks: a string multiplied by a comparison or call (``" --weights" * any(...)``) and a
# walrus inside a walrus or a comprehension's condition chained with another.
def _is_condition(node: ast.AST) -> bool:
    """A comparison, ``and``/``or``/``not``, or a call of a predicate (``any``, ``all``, ``bool``,
    ``isinstance``); ``"-" * len(header)`` is a rule line, not a trick."""
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id in {"any", "all", "bool", "isinstance"}
    return isinstance(node, (ast.Compare, ast.BoolOp, ast.UnaryOp))


def _packing_tricks(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            sides = (node.left, node.right)
            strings = [s for s in sides if isinstance(s, ast.Constant) and isinstance(s.value, str)
                       or isinstance(s, ast.JoinedStr)]
            others = [s for s in sides if s not in strings]
            if strings and others and _is_condition(others[0]):
                found.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} string times a condition")
        inner = isinstance(node, ast.NamedExpr) and any(
            isinstance(sub, ast.NamedExpr) for sub in ast.walk(node.value))
        if inner:
            found.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} a walrus inside a walrus")
        chained = isinstance(node, ast.BoolOp) and sum(isinstance(v, ast.NamedExpr) for v in node.values) > 1
        if chained:
            found.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} chained walruses")
    return found


@pytest.mark.parametrize("path", READ_BY_LEARNERS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_code_learners_read_fits_100_columns_without_packing_tricks(path: Path) -> None:
    assert not _long_lines(path), f"lines over {MAX_COLUMNS} columns: {_long_lines(path)}"
    assert not _packing_tricks(path), _packing_tricks(path)


def test_the_packing_rules_can_fail(tmp_path: Path) -> None:
    path = REPO_ROOT / "build" / "code-rules-probe.py"  # inside the repository, for relative names
    path.parent.mkdir(exist_ok=True)
    try:
        path.write_text('x = ", more" * (n > 8)\nif (a := 1) and (b := 2):\n    pass\n'
                        'z = " --weights" * any(w)\nrule = "-" * len(x)\n' + "y = 1" + " " * 100 + "\n")
        assert len(_packing_tricks(path)) == 3 and len(_long_lines(path)) == 1
    finally:
        path.unlink()
