"""Rewrite one module's vendor imports, touching nothing but the import text.

``ast`` finds the import statements and the ``module.attribute`` uses of
plainly imported vendor modules; ``tokenize`` finds the comments inside a
statement that has to be rebuilt. Every other byte of the file (formatting,
comments, blank lines, line endings) is kept as it was.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field

from signalwire.agents._migrate._mapping import (
    TOP_LEVEL,
    Target,
    Unmappable,
    is_vendor_module,
    lookup_module,
    lookup_name,
    normalise,
)
from signalwire.agents._migrate._rules import Notice, find_notices

__all__ = ["Change", "FileResult", "Problem", "rewrite_source"]

_FROM_MODULE = re.compile(r"from\s+([A-Za-z_][\w.]*)\s")


@dataclass(frozen=True)
class Change:
    """One rewritten statement or expression."""

    line: int
    old: str
    new: str


@dataclass(frozen=True)
class Problem:
    """A vendor name that could not be mapped (left as it was)."""

    line: int
    name: str
    reason: str


@dataclass
class FileResult:
    """The outcome for one source text."""

    source: str
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: code that runs but may not do what was meant (see ``_rules``); never rewritten
    notices: list[Notice] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when the text differs from the input."""
        return bool(self.changes)


@dataclass(frozen=True)
class _Edit:
    start: int  # character offsets into the source
    end: int
    text: str
    line: int


class _Offsets:
    """Convert ast's (line, UTF-8 byte column) positions to character offsets."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines(keepends=True)
        self.starts: list[int] = []
        total = 0
        for line in self.lines:
            self.starts.append(total)
            total += len(line)
        self.starts.append(total)

    def at(self, lineno: int, col: int) -> int:
        line = self.lines[lineno - 1] if lineno - 1 < len(self.lines) else ""
        return self.starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8", "replace"))


def _alias_text(name: str, asname: str | None) -> str:
    return f"{name} as {asname}" if asname else name


def _comments(source: str) -> list[str]:
    """The ``# ...`` comments inside a statement's text."""
    found: list[str] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                found.append(tok.string)
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


class _Rewriter:
    def __init__(self, source: str) -> None:
        self.source = source
        self.offsets = _Offsets(source)
        self.edits: list[_Edit] = []
        self.result = FileResult(source)
        #: plainly imported vendor modules (``import signalwire``) → their statement
        self.plain_modules: dict[str, ast.Import] = {}
        #: per plainly imported vendor module, the modules its uses need imported
        self.needed: dict[str, list[str]] = {}
        self.plain_imports: list[ast.Import] = []
        self.newline = "\r\n" if "\r\n" in source else "\n"

    def span(self, node: ast.stmt | ast.expr) -> tuple[int, int]:
        end_line = node.end_lineno or node.lineno
        end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return self.offsets.at(node.lineno, node.col_offset), self.offsets.at(end_line, end_col)

    def indent_of(self, node: ast.stmt) -> str | None:
        """The statement's indentation, or None when it follows other code on its line."""
        line = self.offsets.lines[node.lineno - 1]
        start = self.offsets.at(node.lineno, node.col_offset) - self.offsets.starts[node.lineno - 1]
        prefix = line[:start]
        return prefix if not prefix.strip() else None

    def edit(self, node: ast.stmt | ast.expr, text: str) -> None:
        start, end = self.span(node)
        old = self.source[start:end]
        if old != text:
            self.edits.append(_Edit(start, end, text, node.lineno))
            self.result.changes.append(Change(node.lineno, old, text))

    def problem(self, line: int, name: str, reason: str) -> None:
        self.result.problems.append(Problem(line, name, reason))

    # -- from x import a, b ------------------------------------------------------------------

    def import_from(self, node: ast.ImportFrom) -> None:
        module = node.module
        if node.level or not module or not is_vendor_module(module):
            return
        groups: dict[str, list[str]] = {}
        kept: list[str] = []
        for alias in node.names:
            if alias.name == "*":
                where = lookup_module(module)
                if isinstance(where, str):
                    groups.setdefault(where, []).append("*")
                    if normalise(module) == "signalwire":
                        self.problem(
                            node.lineno,
                            f"{module}.*",
                            "star import now comes from signalwire.agents; RestClient and the "
                            "skill functions live in signalwire.rest and signalwire.agents.skills",
                        )
                else:
                    kept.append("*")
                    self.problem(node.lineno, f"{module}.*", (where or Unmappable("")).reason)
                continue
            target = lookup_name(module, alias.name)
            if target is None:
                kept.append(_alias_text(alias.name, alias.asname))
            elif isinstance(target, Unmappable):
                kept.append(_alias_text(alias.name, alias.asname))
                self.problem(node.lineno, f"{module}.{alias.name}", target.reason)
            else:
                asname = alias.asname
                if asname is None and target.name != alias.name:
                    asname = alias.name  # keep the name the module's code uses
                groups.setdefault(target.module, []).append(_alias_text(target.name, asname))
        if not groups:
            return
        start, end = self.span(node)
        old_text = self.source[start:end]
        unchanged = [_alias_text(a.name, a.asname) for a in node.names]
        if len(groups) == 1 and not kept and next(iter(groups.values())) == unchanged:
            # Only the module moves: replace its name and keep the statement's own layout.
            match = _FROM_MODULE.match(old_text)
            if match:
                new_text = (
                    old_text[: match.start(1)] + next(iter(groups)) + old_text[match.end(1) :]
                )
                self.edit(node, new_text)
                return
        indent = self.indent_of(node)
        statements = [f"from {mod} import {', '.join(names)}" for mod, names in groups.items()]
        if kept:
            statements.append(f"from {module} import {', '.join(kept)}")
        comments = _comments(old_text)
        if indent is None:  # ``if x: from signalwire import ...`` or after a ``;``
            if comments:
                self.problem(
                    node.lineno,
                    module,
                    "the import shares its line with other code and holds comments; "
                    "put it on its own line and run again",
                )
                return
            self.edit(node, "; ".join(statements))
            return
        self.edit(node, (self.newline + indent).join([*comments, *statements]))

    # -- import x [as y] ---------------------------------------------------------------------

    def import_plain(self, node: ast.Import) -> None:
        """Note ``import vendor.module`` statements; they are rewritten by :meth:`finish_imports`.

        A plainly imported module binds its top name, so the modules the new
        statement must import depend on the ``module.attribute`` uses found later.
        """
        if not any(is_vendor_module(a.name) for a in node.names):
            return
        for alias in node.names:
            if is_vendor_module(alias.name) and not alias.asname:
                where = lookup_module(alias.name)
                if isinstance(where, str):
                    self.plain_modules[alias.name] = node
                    self.needed.setdefault(alias.name, [])
        self.plain_imports.append(node)

    def finish_imports(self) -> None:
        for node in self.plain_imports:
            pieces: list[str] = []
            for alias in node.names:
                if not is_vendor_module(alias.name):
                    pieces.append(_alias_text(alias.name, alias.asname))
                    continue
                where = lookup_module(alias.name)
                if not isinstance(where, str):
                    pieces.append(_alias_text(alias.name, alias.asname))
                    if isinstance(where, Unmappable):
                        self.problem(node.lineno, alias.name, where.reason)
                elif alias.asname:
                    pieces.append(f"{where} as {alias.asname}")
                else:
                    pieces.extend(self.needed.get(alias.name) or [where])
            unique = list(dict.fromkeys(pieces))
            self.edit(node, "import " + ", ".join(unique))

    def attribute(self, node: ast.Attribute) -> bool:
        """Rewrite ``vendor.module.Name`` uses; True when the node was handled."""
        dotted = _dotted(node.value)
        if dotted is None or dotted not in self.plain_modules:
            return False
        needed = self.needed[dotted]
        target = lookup_name(dotted, node.attr)
        if isinstance(target, Target):
            self.edit(node, f"{target.module}.{target.name}")
            top_level_submodule = normalise(dotted) == "signalwire" and node.attr not in TOP_LEVEL
            needed.append(
                f"{target.module}.{target.name}" if top_level_submodule else target.module
            )
        elif isinstance(target, Unmappable):
            self.problem(node.lineno, f"{dotted}.{node.attr}", target.reason)
        elif normalise(dotted) == "signalwire":
            # ``signalwire.relay`` / ``signalwire.rest``: ours already, but it must be imported.
            needed.append(f"signalwire.{node.attr}")
        return True

    def run(self, tree: ast.Module) -> FileResult:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                self.import_from(node)
            elif isinstance(node, ast.Import):
                self.import_plain(node)
        if self.plain_modules:
            self._walk_attributes(tree)
        self.finish_imports()
        self.result.source = self._apply()
        self.result.changes.sort(key=lambda c: c.line)
        self.result.problems.sort(key=lambda p: p.line)
        return self.result

    def _walk_attributes(self, tree: ast.AST) -> None:
        for node in ast.iter_child_nodes(tree):
            if isinstance(node, ast.Attribute) and self.attribute(node):
                continue  # the whole chain is replaced; do not descend into it
            self._walk_attributes(node)

    def _apply(self) -> str:
        out = self.source
        for edit in sorted(self.edits, key=lambda e: e.start, reverse=True):
            out = out[: edit.start] + edit.text + out[edit.end :]
        return out


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def rewrite_source(source: str, filename: str = "<string>") -> FileResult:
    """Rewrite the vendor imports of ``source``; raises SyntaxError if it does not parse."""
    tree = ast.parse(source, filename=filename)
    result = _Rewriter(source).run(tree)
    result.notices = find_notices(tree, vendor_code=result.changed or bool(result.problems))
    return result
