"""Code that runs here but may not do what its author meant: one rule per idiom.

``signalwire-migrate`` reports these (with file and line) besides the imports it
rewrites; it never changes them, since only the author knows what was meant. A rule
is a name, a one-line summary (listed by ``--rules``) and a function that looks at one
``ast`` node and returns a message, or None. Add a rule by appending to :data:`RULES`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RULES", "Notice", "Rule", "find_notices"]


@dataclass(frozen=True)
class Notice:
    """One finding of a rule."""

    line: int
    rule: str
    message: str


@dataclass(frozen=True)
class Rule:
    """An idiom that behaves differently from what the code suggests."""

    name: str
    summary: str
    check: Callable[[ast.AST], str | None]


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _tool_positional_description(node: ast.AST) -> str | None:
    """``@agent.tool("Look up the weather")``: the string becomes the tool's name."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    if node.func.attr != "tool" or len(node.args) != 1:
        return None
    arg = node.args[0]
    if not isinstance(arg, ast.Constant) or not isinstance(arg.value, str):
        return None
    if arg.value.isidentifier():
        return None
    return (
        f"tool({arg.value!r}) takes its one positional string as the tool NAME, and this "
        "one is not an identifier; if it describes the tool, pass description=... (and "
        "name=... if the function name is not the tool name)"
    )


_SEQUENCES = (ast.List, ast.Tuple, ast.ListComp)


def _fillers_as_list(node: ast.AST) -> str | None:
    """``define_tool(..., fillers=["One moment"])``: fillers are per language."""
    if not isinstance(node, ast.Call):
        return None
    for keyword in node.keywords:
        if keyword.arg == "fillers" and isinstance(keyword.value, _SEQUENCES):
            where = _call_name(node) or "the call"
            return (
                f"fillers= of {where}() is given as a list: it is sent as given (as "
                "signalwire-sdk 3.7.5 sends it), not per language; a mapping such as "
                '{"en-US": ["One moment", "Let me check"]} says which language each phrase is for'
            )
    return None


#: The rules ``signalwire-migrate`` applies, in report order.
RULES: tuple[Rule, ...] = (
    Rule(
        "tool-positional-string",
        "a single positional string to tool() that is not an identifier (it is the NAME; "
        "description= may have been meant)",
        _tool_positional_description,
    ),
    Rule(
        "fillers-list",
        "fillers= given as a list (sent as given, not per language code)",
        _fillers_as_list,
    ),
)


def find_notices(tree: ast.AST, rules: tuple[Rule, ...] = RULES) -> list[Notice]:
    """Every rule's findings in ``tree``, ordered by line."""
    found: list[Notice] = []
    for node in ast.walk(tree):
        for rule in rules:
            message = rule.check(node)
            if message is not None:
                found.append(Notice(getattr(node, "lineno", 0), rule.name, message))
    found.sort(key=lambda n: (n.line, n.rule))
    return found
