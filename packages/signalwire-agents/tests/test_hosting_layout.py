"""The hosting layer never imports the service classes: the import arrows point one way."""

from __future__ import annotations

import ast
from pathlib import Path

import signalwire.agents._hosting as hosting

_SERVICE_MODULES = ("signalwire.agents._swml_service", "signalwire.agents._agent_base")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
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
