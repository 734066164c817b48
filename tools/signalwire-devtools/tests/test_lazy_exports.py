"""Every package ``__init__`` that re-exports lazily (``lazy_exports``) lists the same names in
its ``TYPE_CHECKING`` imports (what mypy sees), its lazy map (what runs) and ``__all__``."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _lazy_inits() -> list[Path]:
    found = []
    for path in sorted(ROOT.glob("packages/*/src/**/__init__.py")):
        if "lazy_exports(" in path.read_text("utf-8"):
            found.append(path)
    return found


INITS = _lazy_inits()


def _package(path: Path) -> str:
    src = next(p for p in path.parents if p.name == "src")
    return ".".join(path.parent.relative_to(src).parts)


def _parsed(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(name -> module) of the TYPE_CHECKING imports and of the ``lazy_exports`` map."""
    package = _package(path)
    typing_names: dict[str, str] = {}
    lazy_names: dict[str, str] = {}
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom) and stmt.module, ast.dump(stmt)
                for alias in stmt.names:
                    typing_names[alias.asname or alias.name] = stmt.module
        call = node.value if isinstance(node, ast.Assign) else None
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "lazy_exports":
            for module, names in ast.literal_eval(call.args[1]).items():
                home = package + module if module.startswith(".") else module
                lazy_names.update(dict.fromkeys(names, home))
    return typing_names, lazy_names


def test_every_namespace_uses_the_helper() -> None:
    packages = {_package(p) for p in INITS}
    assert {
        "signalwire.core",
        "signalwire.agents",
        "signalwire.relay",
        "signalwire.rest",
        "signalwire.search",
        "signalwire.testing.relay",
        "signalwire.testing.rest",
    } <= packages
    # no hand-written PEP 562 __getattr__ left in a package __init__
    for path in ROOT.glob("packages/*/src/**/__init__.py"):
        assert "def __getattr__" not in path.read_text("utf-8"), path


@pytest.mark.parametrize("path", INITS, ids=_package)
def test_the_three_listings_agree(path: Path) -> None:
    typing_names, lazy_names = _parsed(path)
    assert lazy_names == typing_names, "TYPE_CHECKING imports and the lazy map differ"
    module: Any = importlib.import_module(_package(path))
    eager = set(module.__all__) - set(lazy_names)
    assert eager <= set(vars(module)), f"in __all__ but neither lazy nor defined: {eager}"
    assert len(module.__all__) == len(set(module.__all__))
    assert set(lazy_names) <= set(module.__all__), "lazy names missing from __all__"


@pytest.mark.parametrize("path", INITS, ids=_package)
def test_names_resolve_and_dir_shows_the_api(path: Path) -> None:
    module: Any = importlib.import_module(_package(path))
    _, lazy_names = _parsed(path)
    for name, home in lazy_names.items():
        assert getattr(module, name) is getattr(importlib.import_module(home), name)
    assert dir(module) == sorted(module.__all__)
    with pytest.raises(AttributeError, match=f"module '{module.__name__}' has no attribute"):
        module.not_a_name  # noqa: B018


def test_the_testing_copy_of_the_helper_is_the_same_code() -> None:
    def code(path: str) -> str:
        tree = ast.parse((ROOT / path).read_text("utf-8"))
        tree.body = tree.body[1:]  # the docstrings differ
        return ast.dump(tree)

    core = code("packages/signalwire-core/src/signalwire/core/_lazy.py")
    assert core == code("packages/signalwire-testing/src/signalwire/testing/_lazy.py")
