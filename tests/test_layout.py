"""utils/ keeps its floors: settings import nothing above them, the data library only settings, and nothing
imports the command-line tool (utils/README.md draws the map)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

UTILS = Path(__file__).resolve().parents[1] / "utils"


def course_imports(path: Path) -> set[str]:
    """The ``utils...`` modules that ``path`` imports, anywhere in it (a function's lazy imports too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}  # from utils import x
    return {name for name in names if name.split(".")[0] == "utils"}


@pytest.mark.parametrize("folder, allowed", [("settings", ("utils.settings", "utils.errors")),
                                             ("datalib", ("utils.datalib", "utils.settings", "utils.errors"))])
def test_lower_floors_import_nothing_above_them(folder: str, allowed: tuple[str, ...]) -> None:
    for path in sorted((UTILS / folder).glob("*.py")):
        above = sorted(name for name in course_imports(path) if not name.startswith(allowed))
        assert not above, f"utils/{folder}/{path.name} imports {above}"


def test_nothing_imports_the_command_line_tool() -> None:
    users = [p.relative_to(UTILS).as_posix() for p in sorted(UTILS.rglob("*.py"))
             if "utils.prepare_data" in course_imports(p)]
    assert users == []
