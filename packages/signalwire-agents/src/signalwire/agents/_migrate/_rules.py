"""Code that runs here but may not do what its author meant: one rule per idiom.

``signalwire-migrate`` reports these (with file and line) besides the imports it
rewrites; it never changes them, since only the author knows what was meant. A rule
is a name, a one-line summary (listed by ``--rules``) and a function that looks at one
``ast`` node and returns a message (or a line and a message, when the finding is on another
line than the node's), or None. Add a rule by appending to :data:`RULES`.

A rule reports only what it can tell from the code alone (literals, call shapes): a value
that comes from a variable is never guessed at, so a notice is rarely a false alarm.
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
    check: Callable[[ast.AST], str | tuple[int, str] | None]
    #: Only in code written for signalwire-sdk (a file with vendor imports to rewrite):
    #: the idiom is this SDK's own style, and differs only from what 3.7.5 made of it.
    vendor_code_only: bool = False


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


def _tool_bare_decorator(node: ast.AST) -> tuple[int, str] | None:
    """``@agent.tool`` / ``@AgentBase.tool`` with no call: a tool here, nothing in 3.7.5."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    for decorator in node.decorator_list:
        if not isinstance(decorator, ast.Attribute) or decorator.attr != "tool":
            continue
        owner = decorator.value
        # Only receivers that name an agent: other libraries have bare ``@x.tool`` too.
        if not isinstance(owner, ast.Name) or "agent" not in owner.id.lower():
            continue
        return decorator.lineno, (
            f"@{owner.id}.tool without parentheses registers {node.name}() as a tool here "
            "(name from the function, description from its docstring); signalwire-sdk 3.7.5 "
            "registered nothing and replaced the function with a decorator, so the agent now "
            f"has one tool more than it had. If it is meant as a tool, write @{owner.id}.tool() "
            "to say so (and silence this notice); if not, remove the decorator"
        )
    return None


#: ``prompt_add_section``'s parameters in positional order, after ``title``.
_SECTION_SLOTS = ("body", "bullets", "numbered", "numbered_bullets", "subsections")


def _literal_kind(node: ast.AST) -> str | None:
    """What a literal is (``str``, ``list``, ...), or None when it is not a literal."""
    if isinstance(node, ast.Constant):
        return type(node.value).__name__
    if isinstance(node, ast.JoinedStr):
        return "str"
    if isinstance(node, (ast.List, ast.ListComp)):
        return "list"
    if isinstance(node, ast.Tuple):
        return "tuple"
    if isinstance(node, (ast.Dict, ast.DictComp)):
        return "dict"
    return None


def _section_wrong_positional(node: ast.AST) -> str | None:
    """``prompt_add_section("T", "body", "a", "b")``: a literal of the wrong type in a slot."""
    if not isinstance(node, ast.Call) or _call_name(node) != "prompt_add_section":
        return None
    if not isinstance(node.func, ast.Attribute):
        return None
    wrong: list[str] = []
    for name, arg in zip(_SECTION_SLOTS, node.args[1:], strict=False):
        kind = _literal_kind(arg)
        if kind is None or kind == "NoneType":
            continue
        fits = {
            "body": kind == "str",
            "bullets": kind in ("list", "tuple", "str"),
            "numbered": kind == "bool",
            "numbered_bullets": kind == "bool",
            "subsections": kind in ("list", "tuple"),
        }[name]
        if not fits:
            wrong.append(f"{name} gets a {kind}")
    if not wrong:
        return None
    return (
        "prompt_add_section() by position (title, body, bullets, numbered, numbered_bullets, "
        f"subsections): {', '.join(wrong)}. Here the call raises TypeError naming the "
        "parameter; signalwire-sdk 3.7.5 sent the value as it was (e.g. "
        '"numbered": "<text>"), which the SWML schema of the platform rejects. Pass each '
        "value by keyword (body=..., bullets=[...])"
    )


def _datamap_body(node: ast.AST) -> str | None:
    """``DataMap(...).webhook(...).body({...})``: the body is the body here, params in 3.7.5."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    if node.func.attr != "body" or len(node.args) + len(node.keywords) != 1:
        return None
    inner = node.func.value
    while isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute):
        if inner.func.attr == "webhook":
            return (
                "DataMap.body() sets the webhook's request body here, as documented; "
                "signalwire-sdk 3.7.5 wrote webhook.params instead. If the service expects "
                "these values as parameters (a GET query, say), call .params() instead"
            )
        inner = inner.func.value
    return None


def _builder_both(node: ast.AST) -> str | None:
    """``builder.ai(prompt_text=..., prompt_pom=...)`` / ``play(url=..., urls=...)``."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    pairs = {"ai": ("prompt_text", "prompt_pom"), "play": ("url", "urls")}
    pair = pairs.get(node.func.attr)
    if pair is None:
        return None
    given = {k.arg for k in node.keywords}
    if not set(pair) <= given:
        return None
    return (
        f"{node.func.attr}() given both {pair[0]}= and {pair[1]}=: here that raises "
        f"ValueError (exactly one is needed); signalwire-sdk 3.7.5 kept {pair[0]} and "
        f"silently dropped {pair[1]}. Keep the one that was meant"
    )


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
    Rule(
        "tool-bare-decorator",
        "@agent.tool / @AgentBase.tool without parentheses (a tool here; 3.7.5 registered nothing)",
        _tool_bare_decorator,
        vendor_code_only=True,
    ),
    Rule(
        "prompt-section-positional",
        "prompt_add_section() given a literal of the wrong type by position (TypeError here; "
        "3.7.5 sent it and the schema rejects the document)",
        _section_wrong_positional,
    ),
    Rule(
        "datamap-body",
        "DataMap ...webhook(...).body(...) (the request body here; 3.7.5 wrote params)",
        _datamap_body,
    ),
    Rule(
        "builder-both",
        "SWMLBuilder ai() with prompt_text= and prompt_pom=, or play() with url= and urls= "
        "(ValueError here; 3.7.5 dropped one)",
        _builder_both,
    ),
)


def find_notices(
    tree: ast.AST, rules: tuple[Rule, ...] = RULES, *, vendor_code: bool = True
) -> list[Notice]:
    """Every rule's findings in ``tree``, ordered by line.

    ``vendor_code=False`` (a file with nothing to rewrite: already written for this SDK)
    leaves out the rules that only concern code written for signalwire-sdk.
    """
    if not vendor_code:
        rules = tuple(rule for rule in rules if not rule.vendor_code_only)
    found: list[Notice] = []
    for node in ast.walk(tree):
        for rule in rules:
            finding = rule.check(node)
            if finding is None:
                continue
            if isinstance(finding, tuple):
                found.append(Notice(finding[0], rule.name, finding[1]))
            else:
                found.append(Notice(getattr(node, "lineno", 0), rule.name, finding))
    found.sort(key=lambda n: (n.line, n.rule))
    return found
