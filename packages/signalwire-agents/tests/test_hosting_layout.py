"""The hosting layer never imports the service classes at run time: the arrows point one way.

(AgentServer names AgentBase in annotations only, under ``TYPE_CHECKING``.)"""

from __future__ import annotations

import ast
from pathlib import Path

import signalwire.agents._hosting as hosting

_SERVICE_MODULES = ("signalwire.agents._swml_service", "signalwire.agents._agent_base")


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (annotations only, never run)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            skipped.update(id(child) for part in node.body for child in ast.walk(part))
    return [n for n in ast.walk(tree) if id(n) not in skipped]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_hosting_modules_do_not_import_the_service_classes() -> None:
    files = sorted(Path(hosting.__file__).parent.glob("*.py"))
    assert len(files) >= 5
    for path in files:
        bad = [m for m in _imports(path) if m.startswith(_SERVICE_MODULES)]
        assert not bad, f"{path.name} imports {bad}"
