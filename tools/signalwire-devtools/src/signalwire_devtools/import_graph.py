"""The import graph of the SDK's own modules, read from the source with :mod:`ast`.

Every ``import`` and ``from ... import`` counts, wherever it sits: at module level, inside a
function, under ``if TYPE_CHECKING:``. Only edges between the scanned modules are kept.

How an import becomes an edge:

* ``import a.b.c`` -> ``a.b.c``; relative imports are resolved against the importing module's
  package (``from . import x`` in ``pkg/mod.py`` is ``pkg.x``).
* ``from pkg import name``: a submodule ``pkg.name`` when there is one; else, when ``pkg`` is a
  package whose ``__init__`` binds ``name`` by an import (a re-export, lazy or not), the module
  that defines it, followed through further re-exports; else ``pkg`` itself.
* Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` too, but those edges are left out:
  a package's ``__init__`` that re-exports names lazily would otherwise put every module of the
  package on a circle with it. The re-exports are followed instead, as above.

:func:`cycles` gives the strongly connected components of more than one module (each holds at
least one circle); ``tests/test_import_cycles.py`` runs it over ``packages/*/src``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

__all__ = ["cycles", "import_graph", "module_files", "shortest_cycle", "strongly_connected"]


def module_files(src_dirs: Iterable[Path]) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file under the given ``src`` folders."""
    found: dict[str, Path] = {}
    for src in src_dirs:
        for path in sorted(src.rglob("*.py")):
            parts = list(path.relative_to(src).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            if parts:
                found[".".join(parts)] = path
    return found


class _Module:
    """One parsed module: its raw imports and the names its imports bind."""

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.is_package = path.name == "__init__.py"
        #: (absolute module, imported name or None for ``import x``)
        self.imports: list[tuple[str, str | None]] = []
        #: name bound by a ``from m import x [as y]`` -> (m, x)
        self.bindings: dict[str, tuple[str, str]] = {}
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.imports.append((alias.name, None))
            elif isinstance(node, ast.ImportFrom):
                base = self._absolute(node.module, node.level)
                for alias in node.names:
                    self.imports.append((base, alias.name))
                    if alias.name != "*":
                        self.bindings[alias.asname or alias.name] = (base, alias.name)

    def _absolute(self, module: str | None, level: int) -> str:
        if level == 0:
            return module or ""
        package = self.name.split(".")
        if not self.is_package:
            package.pop()
        package = package[: len(package) - (level - 1)]
        return ".".join([*package, module] if module else package)


def _resolve(modules: Mapping[str, _Module], base: str, name: str, depth: int = 0) -> str | None:
    """The scanned module ``from base import name`` depends on (None: outside the scan)."""
    if f"{base}.{name}" in modules:
        return f"{base}.{name}"
    owner = modules.get(base)
    if owner is None:
        return None
    bound = owner.bindings.get(name)
    if owner.is_package and bound is not None and depth < 20:
        found = _resolve(modules, bound[0], bound[1], depth + 1)
        if found is not None:
            return found
    return base


def import_graph(files: Mapping[str, Path]) -> dict[str, set[str]]:
    """Module -> the scanned modules it imports (see the module docstring for the rules)."""
    modules = {name: _Module(name, path) for name, path in files.items()}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, module in modules.items():
        for base, imported in module.imports:
            if imported is None or imported == "*":
                target: str | None = base if base in modules else None
            else:
                target = _resolve(modules, base, imported)
            if target is not None and target != name:
                graph[name].add(target)
    return graph


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> Iterator[set[str]]:
    """Tarjan's strongly connected components (iterative, so deep graphs are fine)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                yield component


def cycles(src_dirs: Iterable[Path]) -> list[frozenset[str]]:
    """The groups of modules under ``src_dirs`` that import each other in a circle."""
    graph = import_graph(module_files(src_dirs))
    found = [frozenset(c) for c in strongly_connected(graph) if len(c) > 1]
    return sorted(found, key=sorted)


def shortest_cycle(graph: Mapping[str, Iterable[str]], members: frozenset[str]) -> list[str]:
    """One shortest circle through the first (sorted) member, to show in a failure message."""
    start = min(members)
    paths: dict[str, list[str]] = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph.get(node, ())):
            if child == start:
                return [*paths[node], start]
            if child in members and child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    return [start]
